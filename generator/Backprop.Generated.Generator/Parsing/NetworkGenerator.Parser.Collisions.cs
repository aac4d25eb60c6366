using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    // The parser's checks that the generated members fit into the user's type (BPG040-BPG042), and
    // the guards that keep one declaration from producing two outputs with the same hint name.
    internal static partial class Parser
    {
        /// <summary>
        /// Reports user members, type parameters, the type's own name and inherited members that would
        /// collide with the members generated for a network of <paramref name="layerCount"/> layers and the declared
        /// <paramref name="options"/> (the members of an option it does not set are free names).
        /// </summary>
        /// <returns><see langword="true"/> when nothing collides.</returns>
        private static bool CheckGeneratedNames(INamedTypeSymbol type, TypeDeclarationSyntax declaration, int layerCount, DeclaredOptions options, PrecisionKind precision, List<DiagnosticInfo> diagnostics)
        {
            int before = diagnostics.Count;
            LocationInfo? identifier = LocationInfo.From(declaration.Identifier.GetLocation());
            string element = precision == PrecisionKind.Double ? "double" : "float";

            // A member may not have the name of its enclosing type (CS0542).
            if (GeneratedMembers.IsGeneratedName(type.Name, layerCount, options))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNameIsGeneratedMember, identifier, type.Name));
            }

            foreach (ITypeParameterSymbol typeParameter in type.TypeParameters)
            {
                if (GeneratedMembers.IsGeneratedName(typeParameter.Name, layerCount, options))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberCollidesWithGenerated,
                        SourceLocation(typeParameter) ?? identifier,
                        "type parameter " + typeParameter.Name,
                        type.Name,
                        Describe(typeParameter.Name, layerCount, element)));
                }
            }

            foreach (ISymbol member in type.GetMembers())
            {
                if (!member.IsImplicitlyDeclared && !IsGeneratedByThisGenerator(member) && Collides(member, layerCount, options, element, out string? generated))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberCollidesWithGenerated,
                        SourceLocation(member) ?? identifier,
                        member.Name,
                        type.Name,
                        generated!));
                }
            }

            // Inherited members would be hidden (CS0108/CS0114, errors under warnings-as-errors).
            LocationInfo? baseLocation = LocationInfo.From(declaration.BaseList?.Types.FirstOrDefault()) ?? identifier;
            for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                // A base that is itself a network gets its members from this generator, so they are not in
                // the compilation yet; every one of them would be hidden.
                if (HasAttribute(baseType, NetworkAttributeName) || HasAttribute(baseType, LayerAttributeName))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.InheritedMemberHidden,
                        baseLocation,
                        type.Name,
                        "Forward, Parameters and every other generated member",
                        baseType.Name));
                    continue;
                }

                foreach (ISymbol member in baseType.GetMembers())
                {
                    if (member.DeclaredAccessibility != Accessibility.Private
                        && !member.IsImplicitlyDeclared
                        && !IsGeneratedByThisGenerator(member)
                        && Collides(member, layerCount, options, element, out _))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.InheritedMemberHidden,
                            baseLocation,
                            type.Name,
                            member.Name,
                            baseType.Name));
                    }
                }
            }

            return diagnostics.Count == before;
        }

        /// <summary>
        /// Is <paramref name="member"/> one this generator wrote? The declaration analyzer parses the compilation
        /// that already holds the generated files (path ".../Backprop.Generated.Generator.NetworkGenerator/X.g.cs"),
        /// and a network's own generated members are not collisions.
        /// </summary>
        private static bool IsGeneratedByThisGenerator(ISymbol member) =>
            member.DeclaringSyntaxReferences.Length > 0
            && member.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.Replace('\\', '/').Contains(GeneratedFilesFolder));

        private static readonly string GeneratedFilesFolder = "/" + typeof(NetworkGenerator).FullName + "/";

        /// <summary>Would <paramref name="member"/> collide with a generated member? If so, says which.</summary>
        private static bool Collides(ISymbol member, int layerCount, DeclaredOptions options, string element, out string? generated)
        {
            generated = null;
            string name = member.Name;
            if (member is IMethodSymbol method)
            {
                if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.DeclareMethod))
                {
                    return false;
                }

                // The accessors of the generated properties reserve get_X() and set_X(value) (CS0082). The setter's
                // parameter type is not compared: a user set_X of one parameter is almost surely this mistake.
                if (GeneratedMembers.IsAccessor(name, layerCount, options, out string property)
                    && method.Parameters.Length == (name[0] == 'g' ? 0 : 1))
                {
                    generated = (name[0] == 'g' ? "the getter of " : "the setter of ") + property;
                    return true;
                }

                // A method named like a generated method is an overload unless its parameter types match (CS0111).
                foreach ((string generatedName, string[] parameters) in GeneratedMembers.Methods)
                {
                    if (generatedName == name && GeneratedMembers.IsReserved(name, options) && SameParameterTypes(method, parameters, element))
                    {
                        generated = Describe(name, parameters, element);
                        return true;
                    }
                }

                if (!GeneratedMembers.IsUnique(name, options) && !GeneratedMembers.IsLayerView(name, layerCount, out _) && !GeneratedMembers.IsLayerConstant(name, layerCount, out _))
                {
                    return false;
                }
            }

            if (!GeneratedMembers.IsGeneratedName(name, layerCount, options))
            {
                return false;
            }

            generated = Describe(name, layerCount, element);
            return true;
        }

        private static bool SameParameterTypes(IMethodSymbol method, string[] parameters, string element)
        {
            if (method.Parameters.Length != parameters.Length)
            {
                return false;
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                ITypeSymbol actual = method.Parameters[i].Type;
                string expected = parameters[i];
                // A by-value parameter overloads an in or out one; ref, in and out against each other do not (CS0663).
                int space = expected.IndexOf(' ');
                bool byReference = space > 0;
                if (byReference != (method.Parameters[i].RefKind != RefKind.None))
                {
                    return false;
                }

                expected = expected.Substring(space + 1);
                bool same = expected == "Input"
                    ? actual.Name == "Input"
                    : actual.ToDisplayString() == expected.Replace("<T>", "<" + element + ">");
                if (!same)
                {
                    return false;
                }
            }

            return true;
        }

        private static string Describe(string name, int layerCount, string element)
        {
            if (GeneratedMembers.Unique.TryGetValue(name, out string? description))
            {
                return description;
            }

            if (GeneratedMembers.IsLayerView(name, layerCount, out int layer))
            {
                return (name[0] == 'W' ? "the weight view W[" : "the bias view b[") + layer + "]";
            }

            if (GeneratedMembers.IsLayerConstant(name, layerCount, out layer))
            {
                return name.StartsWith("Layer", StringComparison.Ordinal)
                    ? "the kernel shape type of layer " + layer
                    : "the parameter offset of " + (name[0] == 'W' ? "W[" : "b[") + layer + "]";
            }

            (string method, string[] parameters) = GeneratedMembers.Methods.First(m => m.Name == name);
            return "the method " + Describe(method, parameters, element);
        }

        private static string Describe(string name, string[] parameters, string element) =>
            name + "(" + string.Join(", ", parameters.Select(p => p.Replace("System.", string.Empty).Replace("<T>", "<" + element + ">"))) + ")";

        private static LocationInfo? SourceLocation(ISymbol symbol) =>
            LocationInfo.From(symbol.Locations.FirstOrDefault(l => l.IsInSource));

        /// <summary>
        /// Is <paramref name="attribute"/> (the type's first [Network]) written on <paramref name="declaration"/>?
        /// With [Network] on two partial parts (CS0579) the transform runs once per part, and each run's
        /// context lists the attributes of every part; only the part holding the first one makes a model,
        /// so the hint name is added once.
        /// </summary>
        private static bool IsOnThisDeclaration(AttributeData attribute, TypeDeclarationSyntax declaration) =>
            attribute.ApplicationSyntaxReference is not { } reference
            || (reference.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(reference.Span));

        /// <summary>Is the name of the declaration, or of a type containing it, missing (a syntax error)?</summary>
        private static bool HasMissingName(TypeDeclarationSyntax declaration)
        {
            for (SyntaxNode? node = declaration; node is not null; node = node.Parent)
            {
                if (node is BaseTypeDeclarationSyntax { Identifier.IsMissing: true })
                {
                    return true;
                }
            }

            return false;
        }
    }
}
