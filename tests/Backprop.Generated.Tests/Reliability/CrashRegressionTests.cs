using System;
using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// The generator exceptions and broken outputs the fuzzer found (see <see cref="DeclarationFuzzTests"/>),
/// each pinned by a minimal declaration. Before the fixes, each of these threw inside the generator
/// (CS8785: every generated file of the project disappears) or generated code that did not compile.
/// </summary>
public class CrashRegressionTests
{
    private static GeneratorRun RunWithoutException(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id is "CS8784" or "CS8785");
        return run;
    }

    [Fact]
    public void Keyword_namespace_generates_a_valid_hint_name_and_source()
    {
        // Was: ArgumentException, hint name 'App.@class.Net.g.cs' contains '@'.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\nnamespace App.@class;\n[Network(2, 1)]\npublic partial class Net { }");
        GeneratorHarness.AssertClean(run);
        Assert.Contains("App.class.Net.g.cs", run.Sources.Keys);
        Assert.Contains("namespace App.@class;", run.Sources["App.class.Net.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Keyword_type_name_is_emitted_verbatim()
    {
        // Was: 'partial class event' in the generated file (CS1001).
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\nnamespace App;\n[Network(2, 1)]\npublic partial class @event { }");
        GeneratorHarness.AssertClean(run);
    }

    [Fact]
    public void Types_whose_names_differ_only_in_case_get_distinct_files()
    {
        // Was: ArgumentException, hint name 'NET.g.cs' must be unique (hint names ignore case).
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Network(2, 1)]\npublic partial class Net { }\n[Network(2, 1)]\npublic partial class NET { }");
        GeneratorHarness.AssertClean(run);
        Assert.Equal(2, run.Sources.Keys.Count(k => k.StartsWith("Net", StringComparison.OrdinalIgnoreCase) && k != "Backprop.Generated{Composition}.g.cs"));
    }

    [Fact]
    public void Generic_type_and_type_named_like_its_hint_get_distinct_files()
    {
        // Was: Net<T> and Net_1 both claimed Net_1.g.cs.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Network(2, 1)]\npublic partial class Net<T> { }\n[Network(2, 1)]\npublic partial class Net_1 { }");
        GeneratorHarness.AssertClean(run);
    }

    [Fact]
    public void Network_attribute_on_two_partial_parts_reports_only_the_compiler_error()
    {
        // Was: each part produced a model with the same hint name (context.Attributes lists every part's attributes).
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Network(2, 1)]\npublic partial class Net { }\n[Network(3, 1)]\npublic partial class Net { }");
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS0579");
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void File_local_containing_type_is_reported()
    {
        // Was: ArgumentException, hint name '<a>...__Outer.Net.g.cs' contains '<'.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\nfile partial class Outer\n{\n    [Network(2, 1)]\n    public partial class Net { }\n}");
        Assert.Equal(new[] { "BPG011" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    [Fact]
    public void Declaration_without_a_name_generates_nothing()
    {
        // Was: 'partial class ' with no name in the generated file, plus a dozen errors there.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Network(2, 1)]\npublic partial class { }");
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS1001");
        Assert.DoesNotContain(run.Sources.Keys, k => k != "Backprop.Generated{Composition}.g.cs");
    }

    [Fact]
    public void Null_size_array_is_reported_as_BPG003()
    {
        // Was: no diagnostic and no generated code, so every use of the network failed with CS1061.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Network(null!)]\npublic partial class Net { }");
        Assert.Equal(new[] { "BPG003" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    [Fact]
    public void Attribute_on_a_record_struct_reports_only_the_compiler_error()
    {
        // Was: a generated struct with a field initializer and no constructor (CS8983) besides CS0592.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Network(2, 1)]\npublic partial record struct Net;");
        Assert.Equal(new[] { "CS0592" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    [Fact]
    public void User_overload_of_TrainStep_does_not_make_generated_crefs_ambiguous()
    {
        // Was: CS0419 (ambiguous cref 'TrainStep') in the generated XML docs: a warning, an error under warnings-as-errors.
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\nusing System;\n[Network(2, 1)]\npublic partial class Net\n{\n    public void TrainStep(ReadOnlySpan<float> x, ReadOnlySpan<float> y) { }\n    public void ComputeGradients(float[] x) { }\n}");
        GeneratorHarness.AssertClean(run);
    }

    [Fact]
    public void Layer_form_without_a_name_or_on_a_record_struct_generates_nothing()
    {
        // Was: the [Layer] form generated 'partial class ' (CS1001) and a struct with a field initializer (CS8983).
        GeneratorRun run = RunWithoutException("using Backprop.Generated;\n[Layer(2, 1)]\npublic partial class { }\n[Layer(2, 1)]\npublic partial record struct R;");
        Assert.Equal(new[] { "CS0592", "CS1001" }, run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id).Order(StringComparer.Ordinal));
    }
}
