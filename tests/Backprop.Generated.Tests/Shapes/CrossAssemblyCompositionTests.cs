using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Backprop.Generated.Generator;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Tests.Shapes;

/// <summary>
/// Typed composition across assembly boundaries, in both declaration forms and both directions: a network of a
/// referenced library feeds a network of the application and the reverse (the reported case failed with
/// CS1503 and no BPG diagnostic), computing the same as the span API. Networks that can have no conversion
/// here (both from other assemblies, or different precision) get BPG031 on the argument.
/// </summary>
public class CrossAssemblyCompositionTests
{
    private const string LibSource = """
        using Backprop.Generated;

        namespace Lib
        {
            [Network(3, 2, Output = Activation.Tanh)]
            public partial class Encoder { }

            [Layer(2, 4, Activation.ReLU)]
            [Layer(4, 3, Activation.Sigmoid)]
            public partial class LayeredHead { }

            [Network(2, 2, Precision = Precision.Double)]
            public partial class DoubleNet { }

            internal static partial class Hidden
            {
                [Network(3, 2)]
                public partial class NotVisible { }
            }
        }
        """;

    private const string AppSource = """
        using System;
        using System.Linq;
        using Backprop.Generated;

        namespace App
        {
            [Network(2, 1)]
            public partial class Decoder { }

            [Layer(2, 3, Activation.Tanh)]
            internal partial class LayeredDecoder { }

            [Network(1, 2)]
            internal partial class Prefix { }

            public static class Pipelines
            {
                private static Lib.Encoder Encoder() { var e = new Lib.Encoder(); e.InitializeParameters(1); return e; }

                // Lib ([Network]) -> App ([Network]), typed and through spans.
                public static float[] LibToApp(bool typed)
                {
                    var encoder = Encoder();
                    var decoder = new Decoder();
                    decoder.InitializeParameters(2);
                    var x = new Lib.Encoder.Input();
                    x[0] = 0.5f; x[1] = -1f; x[2] = 2f;
                    if (typed)
                    {
                        Decoder.Output y = decoder.Forward(encoder.Forward(x));
                        return new[] { y[0] };
                    }

                    float[] h = new float[2], o = new float[1];
                    encoder.Forward(new[] { 0.5f, -1f, 2f }, h);
                    decoder.Forward(h, o);
                    return o;
                }

                // Lib ([Network]) -> App ([Layer]), and App ([Network]) -> Lib ([Layer]).
                public static float[] BothForms(bool typed)
                {
                    var encoder = Encoder();
                    var layeredDecoder = new LayeredDecoder();
                    layeredDecoder.InitializeParameters(3);
                    var prefix = new Prefix();
                    prefix.InitializeParameters(4);
                    var head = new Lib.LayeredHead();
                    head.InitializeParameters(5);
                    if (typed)
                    {
                        var x = new Lib.Encoder.Input();
                        x[0] = 1f; x[1] = 0.25f; x[2] = -0.5f;
                        LayeredDecoder.Output a = layeredDecoder.Forward(encoder.Forward(x));
                        var p = new Prefix.Input();
                        p[0] = 0.75f;
                        Lib.LayeredHead.Output b = head.Forward(prefix.Forward(p));
                        return new[] { a[0], a[1], a[2], b[0], b[1], b[2] };
                    }

                    float[] h = new float[2], ya = new float[3], q = new float[2], yb = new float[3];
                    encoder.Forward(new[] { 1f, 0.25f, -0.5f }, h);
                    layeredDecoder.Forward(h, ya);
                    prefix.Forward(new[] { 0.75f }, q);
                    head.Forward(q, yb);
                    return ya.Concat(yb).ToArray();
                }
            }
        }
        """;

    private static (MetadataReference Reference, byte[] Image) CompileLibrary(string source, string name)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source).WithAssemblyName(name));
        GeneratorHarness.AssertClean(run);
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        byte[] image = stream.ToArray();
        return (MetadataReference.CreateFromImage(image), image);
    }

    /// <summary>
    /// The scan of referenced assemblies feeds only conversions to and from this project's own networks, so a project
    /// that declares none (or none that other code can name) skips it (issue 20 item 13): the step's output is empty
    /// there, though the library's networks are public, and holds them once the project declares a network.
    /// </summary>
    [Fact]
    public void Referenced_networks_are_scanned_only_in_a_project_that_declares_one()
    {
        (MetadataReference lib, _) = CompileLibrary(LibSource, "Lib");
        EquatableArray<CompositionEndpoint> Scanned(string source)
        {
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source).WithAssemblyName("App").AddReferences(lib);
            GeneratorDriverRunResult result = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation).GetRunResult();
            return (EquatableArray<CompositionEndpoint>)result.Results.Single().TrackedSteps[NetworkGenerator.TrackingNames.ReferencedEndpoints].Single().Outputs.Single().Value;
        }

        Assert.Empty(Scanned("namespace App;\npublic static class NoNetwork\n{\n    public static Lib.Encoder Make() => new Lib.Encoder();\n}"));
        Assert.Empty(Scanned("using Backprop.Generated;\nnamespace App;\npublic partial class Box<T>\n{\n    [Network(2, 1)]\n    public partial class Generic { }\n}"));
        Assert.Equal(
            new[] { "global::Lib.DoubleNet", "global::Lib.Encoder", "global::Lib.LayeredHead" },
            Scanned("using Backprop.Generated;\nnamespace App;\n[Network(2, 1)]\npublic partial class Decoder { }").Select(e => e.FullName).ToArray());
    }

    [Fact]
    public void Networks_of_a_referenced_library_compose_with_the_applications_in_both_forms_and_directions()
    {
        (MetadataReference lib, byte[] libImage) = CompileLibrary(LibSource, "Lib");
        GeneratorRun app = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(AppSource).WithAssemblyName("App").AddReferences(lib), Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());
        GeneratorHarness.AssertClean(app);

        string composition = app.Sources["Backprop.Generated{Composition}.g.cs"];
        Assert.Contains("public static implicit operator Input(global::Lib.Encoder.Output value)", composition, StringComparison.Ordinal);
        Assert.Contains("public static implicit operator global::Lib.LayeredHead.Input(Output value)", composition, StringComparison.Ordinal);
        Assert.DoesNotContain("NotVisible", composition, StringComparison.Ordinal);
        Assert.DoesNotContain("DoubleNet", composition, StringComparison.Ordinal);

        using var stream = new MemoryStream();
        Assert.True(app.Output.Emit(stream).Success);
        var context = new TwoAssemblyContext(libImage);
        try
        {
            Type pipelines = context.LoadFromStream(new MemoryStream(stream.ToArray())).GetType("App.Pipelines", throwOnError: true)!;
            foreach (string name in new[] { "LibToApp", "BothForms" })
            {
                MethodInfo method = pipelines.GetMethod(name)!;
                float[] typed = (float[])method.Invoke(null, new object[] { true })!;
                float[] spans = (float[])method.Invoke(null, new object[] { false })!;
                Assert.Equal(spans, typed);
                Assert.All(typed, v => Assert.True(float.IsFinite(v) && v != 0f, $"{name}: {v}"));
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Networks_of_two_other_assemblies_get_BPG031_on_the_argument()
    {
        (MetadataReference lib1, _) = CompileLibrary("using Backprop.Generated;\nnamespace Lib1 { [Network(3, 2, Output = Activation.Tanh)] public partial class Encoder { } }", "Lib1");
        (MetadataReference lib2, _) = CompileLibrary("using Backprop.Generated;\nnamespace Lib2 { [Network(2, 1)] public partial class Decoder { } }", "Lib2");
        const string source = """
            public static class Use
            {
                public static void Run(Lib1.Encoder encoder, Lib2.Decoder decoder) => decoder.Forward(encoder.Forward(new Lib1.Encoder.Input()));
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source).AddReferences(lib1, lib2), Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());
        Diagnostic bpg031 = Assert.Single(run.AllDiagnostics, d => d.Id == "BPG031");
        Assert.Equal("encoder.Forward(new Lib1.Encoder.Input())", bpg031.Location.SourceTree!.GetText().ToString(bpg031.Location.SourceSpan));
        Assert.Equal(
            "The Output of Encoder cannot be passed to Decoder.Forward although both hold 2 values: both are declared in other assemblies (Lib1 and Lib2), and a conversion can only be generated in the project that declares one of them; copy the values through a span instead: var input = new Decoder.Input(); ((System.ReadOnlySpan<float>)output).CopyTo(input);",
            bpg031.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS1503");
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Id != "BPG031");
    }

    [Fact]
    public void Networks_of_different_precision_get_BPG031()
    {
        const string source = """
            using Backprop.Generated;
            [Network(3, 2)] public partial class Single { }
            [Network(2, 1, Precision = Precision.Double)] public partial class Double { }
            public static class Use
            {
                public static void Run(Single a, Double b) => b.Forward(a.Forward(new Single.Input()));
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());
        Diagnostic bpg031 = Assert.Single(run.AllDiagnostics, d => d.Id == "BPG031");
        Assert.Contains("their element types differ (float and double), and Precision must match", bpg031.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Issue 20 item 10: networks inside generic types get no conversion, and got only a bare CS1503.</summary>
    [Fact]
    public void Networks_inside_generic_types_get_BPG031_on_the_argument()
    {
        const string source = """
            using Backprop.Generated;
            public partial class Models<T>
            {
                [Network(3, 2)] public partial class Encoder { }
                [Network(2, 1)] public partial class Decoder { }
            }
            public static class Use
            {
                public static void Run(Models<int>.Encoder a, Models<int>.Decoder b) => b.Forward(a.Forward(new Models<int>.Encoder.Input()));
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());
        Diagnostic bpg031 = Assert.Single(run.AllDiagnostics, d => d.Id == "BPG031");
        Assert.Equal("a.Forward(new Models<int>.Encoder.Input())", source.Substring(bpg031.Location.SourceSpan.Start, bpg031.Location.SourceSpan.Length));
        Assert.Equal(
            "The Output of Encoder cannot be passed to Decoder.Forward although both hold 2 values: Encoder is inside Models, which is generic, and the generated conversions cannot name a type that needs type arguments; copy the values through a span instead: var input = new Decoder.Input(); ((System.ReadOnlySpan<float>)output).CopyTo(input);",
            bpg031.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Id != "BPG031");
    }

    [Fact]
    public void A_private_nested_network_gets_BPG031()
    {
        const string source = """
            using Backprop.Generated;
            public partial class Host
            {
                [Network(3, 2)] private partial class Encoder { }
                [Network(2, 1)] private partial class Decoder { }
                private static void Run(Encoder a, Decoder b) => b.Forward(a.Forward(new Encoder.Input()));
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());
        Diagnostic bpg031 = Assert.Single(run.AllDiagnostics, d => d.Id == "BPG031");
        Assert.Contains("Encoder is private, and the generated conversions are written only for public and internal networks", bpg031.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_that_references_another_hosts_the_conversion_for_its_consumers()
    {
        (MetadataReference lib1, byte[] _) = CompileLibrary("using Backprop.Generated;\nnamespace Lib1 { [Network(3, 2, Output = Activation.Tanh)] public partial class Encoder { } }", "Lib1");
        GeneratorRun lib2 = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("using Backprop.Generated;\nnamespace Lib2 { [Layer(2, 1)] public partial class Decoder { } }").WithAssemblyName("Lib2").AddReferences(lib1));
        GeneratorHarness.AssertClean(lib2);
        Assert.Contains("public static implicit operator Input(global::Lib1.Encoder.Output value)", lib2.Sources["Backprop.Generated{Composition}.g.cs"], StringComparison.Ordinal);
    }

    private sealed class TwoAssemblyContext : AssemblyLoadContext
    {
        private readonly Assembly _lib;

        public TwoAssemblyContext(byte[] lib)
            : base("cross-assembly-" + Guid.NewGuid().ToString("N"), isCollectible: true) =>
            _lib = LoadFromStream(new MemoryStream(lib));

        protected override Assembly? Load(AssemblyName name) => name.Name == "Lib" ? _lib : null;
    }
}
