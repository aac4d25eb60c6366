using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Backprop.Generated.TestRules;

/// <summary>
/// The rule behind the float and double overloads of the public API (issue 20 item 11): C# 12 and 13 infer no type
/// argument from an array passed to a span parameter (C# 14's first-class span conversions do), so every public
/// generic method whose T can be inferred only from <see cref="Span{T}"/> or <see cref="ReadOnlySpan{T}"/> arguments
/// needs non-generic float and double overloads, or a user on net8.0's default C# 12 gets CS0411 at the call.
/// </summary>
internal static class SpanOverloadRule
{
    /// <summary>The public generic methods of <paramref name="assembly"/> (outside the namespaces that only generated
    /// code calls) whose T only span parameters mention, each with the overloads it lacks.</summary>
    public static IReadOnlyList<string> MissingOverloads(Assembly assembly)
    {
        var missing = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            if (type.Namespace is "Backprop.Generated.Compute" or "Backprop.Generated.Internals")
            {
                continue;
            }

            MethodInfo[] methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            foreach (MethodInfo method in methods.Where(m => m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1))
            {
                Type t = method.GetGenericArguments()[0];
                ParameterInfo[] parameters = method.GetParameters();
                bool mentioned = parameters.Any(p => Mentions(p.ParameterType, t));
                bool onlySpans = parameters.Where(p => Mentions(p.ParameterType, t)).All(p => IsSpanOf(p.ParameterType, t));
                if (!mentioned || !onlySpans)
                {
                    continue;
                }

                foreach (Type element in new[] { typeof(float), typeof(double) })
                {
                    Type[] wanted = parameters.Select(p => Substitute(p.ParameterType, t, element)).ToArray();
                    bool found = methods.Any(m => !m.IsGenericMethodDefinition && m.Name == method.Name && m.IsStatic == method.IsStatic
                        && m.GetParameters().Select(p => p.ParameterType).SequenceEqual(wanted));
                    if (!found)
                    {
                        missing.Add($"{type.FullName}.{method.Name}({string.Join(", ", wanted.Select(w => w.Name))})");
                    }
                }
            }
        }

        return missing;
    }

    private static bool Mentions(Type type, Type t) =>
        type == t || (type.HasElementType && Mentions(type.GetElementType()!, t))
        || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, t)));

    private static bool IsSpanOf(Type type, Type t) =>
        type.IsGenericType && type.GetGenericArguments()[0] == t
        && (type.GetGenericTypeDefinition() == typeof(Span<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>));

    private static Type Substitute(Type type, Type t, Type element)
    {
        if (type == t)
        {
            return element;
        }

        if (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, t)))
        {
            return type.GetGenericTypeDefinition().MakeGenericType(type.GetGenericArguments().Select(a => Substitute(a, t, element)).ToArray());
        }

        return type;
    }
}
