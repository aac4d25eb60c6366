using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Backprop.Generated.Generator;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// The incremental pipeline reruns nothing it does not have to: an edit elsewhere leaves every named
/// step Cached or Unchanged, an edit to one network's attribute regenerates only that network, and no
/// step output holds Roslyn objects (which would defeat caching and keep compilations alive).
/// </summary>
public class IncrementalCachingTests
{
    private static readonly string[] StepNames = typeof(NetworkGenerator.TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    private static SyntaxTree Tree(string source, string path) => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions(), path);

    /// <summary>Three valid networks (both declaration forms, one nested generic), one invalid, one unrelated file.</summary>
    private static CSharpCompilation Project(out SyntaxTree first, out SyntaxTree unrelated)
    {
        first = Tree("using Backprop.Generated;\nnamespace App;\n[Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class First { }", "First.cs");
        SyntaxTree second = Tree("using Backprop.Generated;\nnamespace App;\n[Layer(2, 5, Activation.Tanh)]\n[Layer(5, 3)]\npublic partial class Second { }", "Second.cs");
        SyntaxTree third = Tree("using Backprop.Generated;\nnamespace App;\npublic partial class Outer<T>\n{\n    [Network(40, 30, 1, Precision = Precision.Double)]\n    internal partial class Third { }\n}", "Third.cs");
        SyntaxTree invalid = Tree("using Backprop.Generated;\nnamespace App;\n[Network(3, 0, 1)]\npublic partial class Broken { }", "Broken.cs");
        unrelated = Tree("namespace App;\npublic static class Util\n{\n    public static int Twice(int x) => 2 * x;\n}", "Util.cs");
        return GeneratorHarness.CreateCompilation(new[] { ("", "Empty.cs") }).RemoveAllSyntaxTrees().AddSyntaxTrees(first, second, third, invalid, unrelated);
    }

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(CSharpCompilation before, CSharpCompilation after)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(before);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        GeneratorRunResult second = driver.RunGenerators(after).GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Null(second.Exception);
        return (first, second);
    }

    private static void AssertAllCached(GeneratorRunResult result, string because)
    {
        foreach (string name in StepNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} did not run at all");
            foreach (IncrementalGeneratorRunStep step in result.TrackedSteps[name])
            {
                foreach ((object value, IncrementalStepRunReason reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{because}: step {name} output {value} was {reason}");
                }
            }
        }

        foreach (KeyValuePair<string, ImmutableArray<IncrementalGeneratorRunStep>> output in result.TrackedOutputSteps)
        {
            foreach (IncrementalGeneratorRunStep step in output.Value)
            {
                Assert.All(step.Outputs, o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{because}: output {output.Key} was {o.Reason}"));
            }
        }
    }

    [Fact]
    public void Editing_an_unrelated_file_leaves_every_step_cached()
    {
        CSharpCompilation before = Project(out _, out SyntaxTree unrelated);
        CSharpCompilation after = before.ReplaceSyntaxTree(unrelated, Tree("namespace App;\npublic static class Util\n{\n    public static int Twice(int x) => x + x;\n    public static int Thrice(int x) => 3 * x;\n}", "Util.cs"));
        (_, GeneratorRunResult second) = RunTwice(before, after);
        AssertAllCached(second, "after editing Util.cs");
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached()
    {
        CSharpCompilation before = Project(out _, out _);
        CSharpCompilation after = before.AddSyntaxTrees(Tree("namespace App;\npublic sealed class Extra { public int Value { get; set; } }", "Extra.cs"));
        (_, GeneratorRunResult second) = RunTwice(before, after);
        AssertAllCached(second, "after adding Extra.cs");
    }

    [Fact]
    public void Rerunning_the_same_compilation_leaves_every_step_cached()
    {
        CSharpCompilation compilation = Project(out _, out _);
        (_, GeneratorRunResult second) = RunTwice(compilation, compilation);
        AssertAllCached(second, "on an identical rerun");
    }

    [Fact]
    public void Editing_a_member_of_a_network_type_regenerates_nothing()
    {
        // A body edit in the network's own file reruns the transform (the file changed) but the model is equal.
        CSharpCompilation before = Project(out SyntaxTree first, out _);
        CSharpCompilation after = before.ReplaceSyntaxTree(first, Tree("using Backprop.Generated;\nnamespace App;\n[Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class First\n{\n    public int Epochs { get; set; } = 10;\n}", "First.cs"));
        (_, GeneratorRunResult second) = RunTwice(before, after);
        foreach (string name in new[] { NetworkGenerator.TrackingNames.Models, NetworkGenerator.TrackingNames.Endpoints })
        {
            Assert.All(second.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, name + ": " + o.Reason));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_networks_attribute_regenerates_only_that_network()
    {
        CSharpCompilation before = Project(out SyntaxTree first, out _);
        CSharpCompilation after = before.ReplaceSyntaxTree(first, Tree("using Backprop.Generated;\nnamespace App;\n[Network(3, 6, 2, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class First { }", "First.cs"));
        (GeneratorRunResult one, GeneratorRunResult two) = RunTwice(before, after);

        (object Value, IncrementalStepRunReason Reason)[] models = two.TrackedSteps[NetworkGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).ToArray();
        Assert.Equal(3, models.Length);
        foreach ((object value, IncrementalStepRunReason reason) in models)
        {
            bool isFirst = value.ToString()!.Contains("HintName = App.First.g.cs", StringComparison.Ordinal);
            Assert.True(
                isFirst ? reason == IncrementalStepRunReason.Modified : reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{value}: {reason}");
        }

        // Exactly one network's source changed; the other generated files are the very same texts.
        Dictionary<string, string> beforeSources = one.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Dictionary<string, string> afterSources = two.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Equal(beforeSources.Keys.Order(), afterSources.Keys.Order());
        Assert.Equal(new[] { "App.First.g.cs" }, afterSources.Keys.Where(k => beforeSources[k] != afterSources[k]));

        // The source-output steps: the other two networks' outputs were not re-run.
        var outputs = two.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs).ToArray();
        Assert.True(outputs.Count(o => o.Reason == IncrementalStepRunReason.Cached) >= 2, string.Join(", ", outputs.Select(o => o.Reason)));
    }

    [Fact]
    public void Step_outputs_hold_no_symbols_syntax_locations_or_compilations()
    {
        CSharpCompilation before = Project(out SyntaxTree first, out _);
        CSharpCompilation after = before.ReplaceSyntaxTree(first, Tree("using Backprop.Generated;\nnamespace App;\n[Network(3, 5, 2)]\npublic partial class First { }", "First.cs"));
        (GeneratorRunResult one, GeneratorRunResult two) = RunTwice(before, after);
        int walked = 0;
        foreach (GeneratorRunResult result in new[] { one, two })
        {
            foreach (string name in StepNames)
            {
                foreach ((object value, _) in result.TrackedSteps[name].SelectMany(s => s.Outputs))
                {
                    walked += Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }

        // The walk really went through models, diagnostics (with their LocationInfo) and endpoints.
        Assert.True(walked > 100, $"only {walked} objects walked");
    }

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation),
        typeof(SemanticModel), typeof(AttributeData), typeof(Delegate), typeof(SyntaxReference),
    };

    private static int Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return 0;
        }

        Type type = value.GetType();
        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a {type.FullName}");
        Assert.False(type == typeof(SyntaxToken) || type == typeof(TypedConstant) || type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true, $"{path} holds a {type.FullName}");
        if (!type.IsValueType && !seen.Add(value))
        {
            return 0;
        }

        int count = 1;
        if (value is IEnumerable sequence && !type.Name.StartsWith("EquatableArray", StringComparison.Ordinal))
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                count += Walk(item, $"{path}[{i++}]", seen);
            }

            return count;
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Assert.False(Forbidden.Any(f => f.IsAssignableFrom(field.FieldType)), $"{path}.{field.Name} is declared as {field.FieldType.FullName}");
                count += Walk(field.GetValue(value), path + "." + field.Name, seen);
            }
        }

        return count;
    }
}
