using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Backprop.Generated.Tests.Infrastructure;

/// <summary>Which part of a run an approved snapshot holds.</summary>
public enum SnapshotPart
{
    /// <summary>The one generated network file.</summary>
    NetworkFile,

    /// <summary>The network file from the first training member to the end (<see cref="SnapshotDeclarations.TrainingCode"/>).</summary>
    TrainingMembers,

    /// <summary>The composition file (conversions between networks whose shapes chain).</summary>
    CompositionFile,

    /// <summary>The generator's and analyzers' diagnostics (<see cref="SnapshotDeclarations.DescribeDiagnostics"/>).</summary>
    Diagnostics,
}

/// <summary>One approved snapshot: the declarations compiled, the part kept, and the approved file (relative to tests/Backprop.Generated.Tests).</summary>
public sealed record SnapshotCase(string Name, string Source, SnapshotPart Part, string ApprovedFile)
{
    public override string ToString() => Name;
}

/// <summary>
/// The declarations whose generator output and diagnostics are held in approved snapshots, in one place: the snapshot
/// tests (SnapshotTests, BackwardSnapshotTests, CompositionTests) approve what the current compiler gives, and
/// tests/Backprop.Generated.Roslyn48.Tests compiles this file too and runs the same declarations through Roslyn 4.8,
/// the generator's compiler floor, expecting the same approved text.
/// </summary>
public static class SnapshotDeclarations
{
    public const string Network_3_2_1_Tanh_Sigmoid = """
        using Backprop.Generated;

        [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
        public partial class Student { }
        """;

    public const string FourLayers_MixedActivations = """
        using Backprop.Generated;

        namespace Demo;

        [Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.MeanSquaredError)]
        public partial class Classifier { }
        """;

    public const string NestedGenericContainers_InNamespace = """
        using Backprop.Generated;

        namespace Company.Models
        {
            public static partial class Outer
            {
                internal partial record class Holder<TKey>
                {
                    [Network(2, 3, 2, Hidden = Activation.LeakyReLU, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]
                    public partial class Net { }
                }
            }
        }
        """;

    public const string Wide_784_128_10 = """
        using Backprop.Generated;

        [Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]
        public partial class Mnist { }
        """;

    public const string Int8_3_4_2_ReLU = """
        using Backprop.Generated;

        [Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Quantization = Quantization.Int8)]
        public partial class Sensor { }
        """;

    public const string Double_Softplus = """
        using Backprop.Generated;

        [Network(2, 4, 1, Hidden = Activation.Softplus, Output = Activation.Identity, Precision = Precision.Double)]
        public partial class Regressor { }
        """;

    public const string Backward_3_2_1_Tanh_Sigmoid = """
        using Backprop.Generated;

        [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
        public partial class Student { }
        """;

    public const string Backward_FourLayers_MixedActivations_CrossEntropy = """
        using Backprop.Generated;

        namespace Demo;

        [Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy)]
        public partial class Classifier { }
        """;

    public const string Backward_VectorLoops_64_32_10 = """
        using Backprop.Generated;

        [Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
        public partial class Digits { }
        """;

    /// <summary>Networks in both declaration forms, of both precisions and visibilities, some of whose shapes chain.</summary>
    public const string CompositionNetworks = """
        using System;
        using Backprop.Generated;

        namespace Demo;

        [Network(3, 4, 2, Hidden = Activation.Tanh)]
        public partial class Encoder { }

        [Layer(2, 3, Activation.ReLU)]
        [Layer(3, 1, Activation.Sigmoid)]
        internal partial class Decoder { }

        [Network(2, 2, Precision = Precision.Double)]
        public partial class DoubleNet { }

        public partial class Outer
        {
            [Network(1, 3)]
            public partial class Head { }

            [Network(2, 2)]
            private partial class Hidden { }
        }
        """;

    /// <summary>
    /// Declaration mistakes (each reported by the declaration analyzer at the offending argument) and call-site
    /// mistakes with lengths known at compile time (the call-site analyzer), next to correct calls that must stay silent.
    /// </summary>
    public const string InvalidDeclarationsAndCallSites = """
        using System;
        using Backprop.Generated;

        [Network(3, 0, 1)]
        public partial class ZeroWidth { }

        [Network(2, 1)]
        public class NotPartial { }

        [Layer(3, 2)]
        [Layer(4, 1)]
        public partial class BrokenChain { }

        [Network(2, 1, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
        public partial class OneUnitSoftmax { }

        [Layer(3, 2, Activation.Tanh)]
        [Layer(2, 1, Activation.Sigmoid)]
        public partial class Student { }

        [Network(1, 4)]
        public partial class Teacher { }

        public static class Calls
        {
            public static void Run(float[] unknown)
            {
                var net = new Student();
                var teacher = new Teacher();
                net.Forward(stackalloc float[4], stackalloc float[1]);
                ReadOnlySpan<float> pair = [1f, 2f];
                net.Forward(pair, new float[1]);
                net.ForwardBatch(new float[7], unknown);
                Span<float> outputs = stackalloc float[3];
                net.ForwardBatch(new float[6], outputs);
                net.ComputeGradients(new float[3], new float[1], new float[Student.ParameterCount - 1]);
                float[] weights = { 0.5f, -0.25f, 1f };
                weights.CopyTo(net.Parameters);
                Teacher.Output h = teacher.Forward(new Teacher.Input());
                net.Forward(h, new float[1]);
                net.TrainStep(new float[0], new float[0], new Sgd(0.1));

                // Correct or unknown lengths: silent.
                Span<float> y = stackalloc float[Student.OutputSize];
                net.Forward([1f, 2f, 3f], y);
                net.Forward(unknown, y);
                float[] reassigned = new float[2];
                reassigned = new float[3];
                net.Forward(reassigned, y);
                float[] spread = [.. unknown];
                net.Forward(spread, y);
            }
        }
        """;

    /// <summary>Every approved snapshot of the generator's output and diagnostics.</summary>
    public static IReadOnlyList<SnapshotCase> All { get; } = new[]
    {
        new SnapshotCase(nameof(Network_3_2_1_Tanh_Sigmoid), Network_3_2_1_Tanh_Sigmoid, SnapshotPart.NetworkFile, "Snapshots/SnapshotTests.Network_3_2_1_Tanh_Sigmoid.approved.txt"),
        new SnapshotCase(nameof(FourLayers_MixedActivations), FourLayers_MixedActivations, SnapshotPart.NetworkFile, "Snapshots/SnapshotTests.FourLayers_MixedActivations.approved.txt"),
        new SnapshotCase(nameof(NestedGenericContainers_InNamespace), NestedGenericContainers_InNamespace, SnapshotPart.NetworkFile, "Snapshots/SnapshotTests.NestedGenericContainers_InNamespace.approved.txt"),
        new SnapshotCase(nameof(Wide_784_128_10), Wide_784_128_10, SnapshotPart.NetworkFile, "Snapshots/SnapshotTests.Wide_784_128_10.approved.txt"),
        new SnapshotCase(nameof(Double_Softplus), Double_Softplus, SnapshotPart.NetworkFile, "Snapshots/SnapshotTests.Double_UnderCultureWithUnicodeMinusSign.approved.txt"),
        new SnapshotCase(nameof(Int8_3_4_2_ReLU), Int8_3_4_2_ReLU, SnapshotPart.NetworkFile, "Snapshots/SnapshotTests.Int8_3_4_2_ReLU.approved.txt"),
        new SnapshotCase(nameof(Backward_3_2_1_Tanh_Sigmoid), Backward_3_2_1_Tanh_Sigmoid, SnapshotPart.TrainingMembers, "Snapshots/BackwardSnapshotTests.Backward_3_2_1_Tanh_Sigmoid.approved.txt"),
        new SnapshotCase(nameof(Backward_FourLayers_MixedActivations_CrossEntropy), Backward_FourLayers_MixedActivations_CrossEntropy, SnapshotPart.TrainingMembers, "Snapshots/BackwardSnapshotTests.Backward_FourLayers_MixedActivations_CrossEntropy.approved.txt"),
        new SnapshotCase(nameof(Backward_VectorLoops_64_32_10), Backward_VectorLoops_64_32_10, SnapshotPart.TrainingMembers, "Snapshots/BackwardSnapshotTests.Backward_VectorLoops_64_32_10.approved.txt"),
        new SnapshotCase(nameof(CompositionNetworks), CompositionNetworks, SnapshotPart.CompositionFile, "Shapes/Snapshots/CompositionTests.Composition_file_snapshot.approved.txt"),
        new SnapshotCase(nameof(InvalidDeclarationsAndCallSites), InvalidDeclarationsAndCallSites, SnapshotPart.Diagnostics, "Snapshots/SnapshotTests.Diagnostics_of_invalid_declarations_and_call_sites.approved.txt"),
    };

    /// <summary>The hint name of the composition file.</summary>
    public const string CompositionHintName = "Backprop.Generated{Composition}.g.cs";

    /// <summary>The part of a run that <paramref name="part"/> names, as the approved file holds it.</summary>
    public static string Select(SnapshotPart part, IReadOnlyDictionary<string, string> sources, IEnumerable<Diagnostic> diagnostics) => part switch
    {
        SnapshotPart.NetworkFile => sources.Single(s => s.Key != CompositionHintName).Value,
        SnapshotPart.TrainingMembers => TrainingCode(sources.Single(s => s.Key != CompositionHintName).Value),
        SnapshotPart.CompositionFile => sources[CompositionHintName],
        SnapshotPart.Diagnostics => DescribeDiagnostics(diagnostics),
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    /// <summary>The generated file from the first member the training emitters write to the end.</summary>
    public static string TrainingCode(string generated)
    {
        int start = generated.IndexOf("    /// <summary>Length of the per-example training scratch", StringComparison.Ordinal);
        if (start < 0)
        {
            start = generated.IndexOf("    /// <summary>\n    /// Computes the cost J", StringComparison.Ordinal);
        }

        if (start <= 0)
        {
            throw new InvalidOperationException("the training members were not found in the generated source");
        }

        return generated.Substring(start);
    }

    /// <summary>
    /// One line per diagnostic of the generator and the analyzers (BPG), and per failure of either (AD0001 an analyzer
    /// threw, CS8784/CS8785 a generator failed to load or threw): ID, severity, span as line:column (1-based), message.
    /// The compiler's own errors are left out: their wording is the compiler's, not this project's.
    /// </summary>
    public static string DescribeDiagnostics(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics
        .Where(d => d.Id.StartsWith("BPG", StringComparison.Ordinal) || d.Id is "AD0001" or "CS8784" or "CS8785")
        .Select(d => (Diagnostic: d, Span: d.Location.GetLineSpan()))
        .OrderBy(d => d.Span.StartLinePosition.Line)
        .ThenBy(d => d.Span.StartLinePosition.Character)
        .ThenBy(d => d.Diagnostic.Id, StringComparer.Ordinal)
        .Select(d => string.Create(CultureInfo.InvariantCulture,
            $"{d.Diagnostic.Id} {d.Diagnostic.Severity} {d.Span.StartLinePosition.Line + 1}:{d.Span.StartLinePosition.Character + 1}-{d.Span.EndLinePosition.Line + 1}:{d.Span.EndLinePosition.Character + 1}: {d.Diagnostic.GetMessage(CultureInfo.InvariantCulture)}"))) + "\n";
}
