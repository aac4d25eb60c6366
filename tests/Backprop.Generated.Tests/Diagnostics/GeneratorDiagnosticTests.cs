using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports (BPG001-BPG015, BPG020-BPG023): it fires at the marked span with
/// the exact message, and the nearest valid declaration stays silent.
/// </summary>
public class GeneratorDiagnosticTests
{
    private const string Usings = "using Backprop.Generated;\n";

    [Fact]
    public void BPG001_TypeNotPartial_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 1)]\npublic class [|Net|] { }",
        "BPG001",
        "The type 'Net' declares a network but is not declared partial, so the generated members cannot be added to it; add the 'partial' modifier");

    [Fact]
    public void BPG001_TypeNotPartial_FiresForLayerForm() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 1)]\npublic class [|Net|] { }",
        "BPG001",
        "The type 'Net' declares a network but is not declared partial, so the generated members cannot be added to it; add the 'partial' modifier");

    [Fact]
    public void BPG001_Silent_WhenPartial() => DiagnosticVerifier.VerifySilent(Usings + "[Network(3, 1)]\npublic partial class Net { }");

    [Fact]
    public void BPG002_ContainingTypeNotPartial_Fires() => DiagnosticVerifier.Verify(
        Usings + "public class [|Outer|]\n{\n    [Network(3, 1)]\n    public partial class Net { }\n}",
        "BPG002",
        "The type 'Outer' contains the network 'Net' but is not declared partial, so the generated members cannot be added; add the 'partial' modifier to 'Outer'");

    [Fact]
    public void BPG002_Silent_WhenContainersPartial() => DiagnosticVerifier.VerifySilent(
        Usings + "public partial class Outer\n{\n    [Layer(3, 1)]\n    public partial class Net { }\n}");

    [Fact]
    public void BPG003_TooFewSizes_Fires() => DiagnosticVerifier.Verify(
        Usings + "[[|Network(3)|]]\npublic partial class Net { }",
        "BPG003",
        "[Network] needs at least two sizes, the inputs n_0 and the outputs n_L, but only 1 was given");

    [Fact]
    public void BPG003_EmptyChain_Fires() => DiagnosticVerifier.Verify(
        Usings + "[[|Network|]]\npublic partial class Net { }",
        "BPG003",
        "[Network] needs at least two sizes, the inputs n_0 and the outputs n_L, but none were given");

    [Fact]
    public void BPG003_Silent_WithTwoSizes() => DiagnosticVerifier.VerifySilent(Usings + "[Network(3, 1)]\npublic partial class Net { }");

    [Fact]
    public void BPG004_NonPositiveSize_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, [|0|], 1)]\npublic partial class Net { }",
        "BPG004",
        "Size n_1 is 0, but every layer size must be at least 1");

    [Fact]
    public void BPG004_NonPositiveSize_FiresOnLayerOutputs() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2)]\n[Layer(2, [|-1|])]\npublic partial class Net { }",
        "BPG004",
        "Size n_2 is -1, but every layer size must be at least 1");

    [Fact]
    public void BPG004_NonPositiveSize_FiresOnLayerInputs() => DiagnosticVerifier.Verify(
        Usings + "[Layer([|0|], 2)]\npublic partial class Net { }",
        "BPG004",
        "Size n_0 is 0, but every layer size must be at least 1");

    [Fact]
    public void BPG004_Silent_WithPositiveSizes() => DiagnosticVerifier.VerifySilent(Usings + "[Layer(3, 2)]\n[Layer(2, 1)]\npublic partial class Net { }");

    [Fact]
    public void BPG005_UndefinedEnum_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1, [|Hidden = (Activation)42|])]\npublic partial class Net { }",
        "BPG005",
        "42 is not a defined Activation value; use one of: Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SiLU, Softplus, Softmax");

    [Fact]
    public void BPG005_UndefinedEnum_FiresOnLayerActivation() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2, [|(Activation)42|])]\n[Layer(2, 1)]\npublic partial class Net { }",
        "BPG005",
        "42 is not a defined Activation value; use one of: Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SiLU, Softplus, Softmax");

    [Fact]
    public void BPG005_UndefinedEnum_FiresOnLayerPrecision() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 1, [|Precision = (Precision)7|])]\npublic partial class Net { }",
        "BPG005",
        "7 is not a defined Precision value; use one of: Single, Double");

    [Fact]
    public void BPG005_Silent_WithDefinedValues() => DiagnosticVerifier.VerifySilent(
        Usings + "[Network(3, 2, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]\npublic partial class Net { }");

    [Fact]
    public void BPG006_ActivationCount_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1, [|Activations = new[] { Activation.Tanh }|])]\npublic partial class Net { }",
        "BPG006",
        "Activations has 1 entries, but the network has 2 layers with weights (one activation per layer 1..2)");

    [Fact]
    public void BPG006_Silent_WithOnePerLayer() => DiagnosticVerifier.VerifySilent(
        Usings + "[Network(3, 2, 1, Activations = new[] { Activation.Tanh, Activation.Sigmoid })]\npublic partial class Net { }");

    [Fact]
    public void BPG007_ActivationsConflict_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, [|Hidden = Activation.ReLU|])]\npublic partial class Net { }",
        "BPG007",
        "'Hidden' is set together with Activations, which already chooses every layer's activation; remove 'Hidden' or Activations");

    [Fact]
    public void BPG007_Silent_WithHiddenAndOutputOnly() => DiagnosticVerifier.VerifySilent(
        Usings + "[Network(3, 2, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid)]\npublic partial class Net { }");

    [Fact]
    public void BPG008_LossDoesNotFitOutput_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1, [|Loss = Loss.CrossEntropy|])]\npublic partial class Net { }",
        "BPG008",
        "Loss.CrossEntropy requires a Softmax output layer, but layer 2 uses Identity; give layer 2 the Softmax activation or choose another loss");

    [Fact]
    public void BPG008_LossDoesNotFitOutput_FiresForLayerForm() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2, Activation.Tanh)]\n[Layer(2, 1, Activation.Tanh, [|Loss = Loss.BinaryCrossEntropy|])]\npublic partial class Net { }",
        "BPG008",
        "Loss.BinaryCrossEntropy requires a Sigmoid output layer, but layer 2 uses Tanh; give layer 2 the Sigmoid activation or choose another loss");

    [Fact]
    public void BPG008_Silent_WhenOutputFits() => DiagnosticVerifier.VerifySilent(
        Usings + "[Layer(3, 2)]\n[Layer(2, 4, Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Net { }");

    [Fact]
    public void BPG009_TooLarge_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, [|20000|], 1)]\npublic partial class Net { }",
        "BPG009",
        "n_1 = 20000 is wider than the largest supported layer; the limits are 16,384 units per layer, 128 layers, 67,108,864 parameters and 32,768 units in all layers together");

    [Fact]
    public void BPG009_TooLarge_FiresOnLayerOutputs() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, [|20000|])]\n[Layer(20000, 1)]\npublic partial class Net { }",
        "BPG009",
        "n_1 = 20000 is wider than the largest supported layer; the limits are 16,384 units per layer, 128 layers, 67,108,864 parameters and 32,768 units in all layers together");

    [Fact]
    public void BPG009_Silent_AtTheWidthLimit()
    {
        GeneratorRun run = DiagnosticVerifier.Run(Usings + "[Network(1, 16384, 1)]\npublic partial class Net { }");
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id == "BPG009" || d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
    }

    [Fact]
    public void BPG010_Static_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 1)]\npublic static partial class [|Net|] { }",
        "BPG010",
        "The type 'Net' is static, but a network holds its parameters in each instance; remove the 'static' modifier");

    [Fact]
    public void BPG010_Silent_WhenNotStatic() => DiagnosticVerifier.VerifySilent(Usings + "[Network(3, 1)]\npublic sealed partial class Net { }");

    [Fact]
    public void BPG011_FileLocal_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 1)]\nfile partial class [|Net|] { }",
        "BPG011",
        "The type 'Net' is file-local, and a generated file cannot add members to it; remove the 'file' modifier");

    [Fact]
    public void BPG011_Silent_WhenInternal() => DiagnosticVerifier.VerifySilent(Usings + "[Network(3, 1)]\ninternal partial class Net { }");

    [Fact]
    public void BPG014_Record_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(2, 1)]\npublic partial [|record|] RecNet(int Seed);",
        "BPG014",
        "The type 'RecNet' is a record, and a copy of a record ('with', the copy constructor) would share its parameter, gradient and scratch arrays with the original, so training one would change the other; declare 'RecNet' as a class");

    [Fact]
    public void BPG014_RecordClass_LayerForm_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(2, 1)]\ninternal sealed partial [|record|] class RecNet { }",
        "BPG014",
        "The type 'RecNet' is a record, and a copy of a record ('with', the copy constructor) would share its parameter, gradient and scratch arrays with the original, so training one would change the other; declare 'RecNet' as a class");

    [Fact]
    public void BPG014_Silent_ForAClassWithAPrimaryConstructor() => DiagnosticVerifier.VerifySilent(Usings + "[Network(2, 1)]\npublic partial class RecNet(int seed) { public int Seed => seed; }");

    [Fact]
    public void BPG014_Silent_ForANetworkNestedInARecord() => DiagnosticVerifier.VerifySilent(Usings + "public partial record Holder(int Id)\n{\n    [Network(2, 1)]\n    public partial class Net { }\n}");

    [Fact]
    public void BPG013_OldLanguageVersion_Fires()
    {
        // The full matrix of settings is in ProjectSettingsTests; here the span and exact message.
        GeneratorRun run = GeneratorHarness.Run(Usings + "[Network(2, 1)]\npublic partial class Net { }", Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp11);
        Microsoft.CodeAnalysis.Diagnostic diagnostic = Assert.Single(run.AllDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Equal("BPG013", diagnostic.Id);
        Assert.Equal("Net", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(
            "The network 'Net' is not generated: its Input and Output are [InlineArray] structs, which need C# 12 or later and a target framework with inline array types (net8.0 or later), but this project compiles C# 11.0; set <LangVersion>12</LangVersion> or later",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void BPG013_Silent_WithCSharp12() => DiagnosticVerifier.VerifySilent(Usings + "[Network(2, 1)]\npublic partial class Net { }");

    private const string OutputSoftmaxAdvice = "use Activation.Sigmoid with Loss.BinaryCrossEntropy for one probability, or two output units with softmax and Loss.CrossEntropy";

    [Fact]
    public void BPG015_OneUnitSoftmaxOutput_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 1, [|Output = Activation.Softmax|], Loss = Loss.CrossEntropy)]\npublic partial class Net { }",
        "BPG015",
        "Layer 1 applies softmax to a single unit, which always outputs 1: nothing before it can learn; " + OutputSoftmaxAdvice);

    [Fact]
    public void BPG015_OneUnitSoftmaxHidden_InActivations_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 1, 3, Activations = new[] { [|Activation.Softmax|], Activation.Tanh })]\npublic partial class Net { }",
        "BPG015",
        "Layer 1 applies softmax to a single unit, which always outputs 1: nothing before it can learn; use Activation.Sigmoid, or give the layer two or more units");

    [Fact]
    public void BPG015_OneUnitSoftmaxHidden_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 1, 3, [|Hidden = Activation.Softmax|])]\npublic partial class Net { }",
        "BPG015",
        "Layer 1 applies softmax to a single unit, which always outputs 1: nothing before it can learn; use Activation.Sigmoid, or give the layer two or more units");

    [Fact]
    public void BPG015_OneUnitSoftmax_LayerForm_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(4, 3)]\n[Layer(3, 1, [|Activation.Softmax|], Loss = Loss.CrossEntropy)]\npublic partial class Net { }",
        "BPG015",
        "Layer 2 applies softmax to a single unit, which always outputs 1: nothing before it can learn; " + OutputSoftmaxAdvice);

    private const string SoftmaxDefaultLossMessage = "Layer {0}, the output layer, applies softmax (class probabilities), but no Loss is set, so training uses the default mean squared error, whose gradient vanishes when a softmax is confidently wrong; set Loss = Loss.CrossEntropy for one-hot targets, or write Loss = Loss.MeanSquaredError to keep squared error";

    [Fact]
    public void BPG018_SoftmaxOutputWithDefaultLoss_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(13, 8, 3, Hidden = Activation.ReLU, [|Output = Activation.Softmax|])]\npublic partial class Wine { }",
        "BPG018",
        string.Format(System.Globalization.CultureInfo.InvariantCulture, SoftmaxDefaultLossMessage, 2));

    [Fact]
    public void BPG018_SoftmaxOutput_InActivations_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 5, 3, Activations = new[] { Activation.Softmax, [|Activation.Softmax|] })]\npublic partial class Net { }",
        "BPG018",
        string.Format(System.Globalization.CultureInfo.InvariantCulture, SoftmaxDefaultLossMessage, 2));

    [Fact]
    public void BPG018_SoftmaxOutput_LayerForm_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(4, 3, Activation.Tanh, Precision = Precision.Double)]\n[Layer(3, 2, [|Activation.Softmax|])]\npublic partial class Net { }",
        "BPG018",
        string.Format(System.Globalization.CultureInfo.InvariantCulture, SoftmaxDefaultLossMessage, 2));

    /// <summary>
    /// The decisions of docs/diagnostics/BPG018.md: an explicit squared error after softmax is a choice; squared error after any
    /// other output is regression (sigmoid outputs in [0, 1] included); softmax in a hidden layer has no loss; one unit is BPG015 only.
    /// </summary>
    [Fact]
    public void BPG018_Silent_ForExplicitLossOtherOutputsAndHiddenSoftmax()
    {
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 3, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 3, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Layer(4, 3, Loss = Loss.MeanSquaredError)]\n[Layer(3, 2, Activation.Softmax)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 3, Output = Activation.Sigmoid)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 5, 3, Hidden = Activation.Softmax)]\npublic partial class Net { }");
        GeneratorRun oneUnit = DiagnosticVerifier.Run(Usings + "[Network(4, 1, Output = Activation.Softmax)]\npublic partial class Net { }");
        Assert.Equal(new[] { "BPG015" }, oneUnit.AllDiagnostics.Where(d => d.Id.StartsWith("BPG", System.StringComparison.Ordinal)).Select(d => d.Id));
    }

    [Fact]
    public void BPG015_Silent_ForTwoUnitSoftmaxAndOneUnitSigmoid()
    {
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 2, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 1, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]\npublic partial class Net { }");
    }

    [Fact]
    public void BPG015_Warning_still_generates_the_network()
    {
        // A warning, not an error: the network is generated (and, as reported, outputs 1 whatever its input).
        GeneratorRun run = GeneratorHarness.Run(Usings + "[Network(4, 1, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Net { }");
        Assert.Single(run.Sources);
        Assert.Equal(new[] { "BPG015" }, run.AllDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).Select(d => d.Id));
    }

    [Fact]
    public void BPG012_LoopStrategy_Fires() => DiagnosticVerifier.Verify(
        Usings + "[[|Network(20, 20, 1)|]]\npublic partial class Net { }",
        "BPG012",
        "Layer 1 (20x20, 400 multiply-adds) is too wide to unroll and is generated as a vector loop");

    [Fact]
    public void BPG012_LoopStrategy_FiresOnTheWideLayer() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 20)]\n[[|Layer(20, 20)|]]\n[Layer(20, 1)]\npublic partial class Net { }",
        "BPG012",
        "Layer 2 (20x20, 400 multiply-adds) is too wide to unroll and is generated as a vector loop");

    [Fact]
    public void BPG012_Silent_WhenSmall() => DiagnosticVerifier.VerifySilent(Usings + "[Network(16, 16, 1)]\npublic partial class Net { }");

    [Fact]
    public void BPG020_ChainMismatch_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2)]\n[Layer([|4|], 1)]\npublic partial class Net { }",
        "BPG020",
        "layer 2 takes 4 inputs but layer 1 produces 2; set layer 2's inputs to 2");

    [Fact]
    public void BPG020_ChainMismatch_FiresOnNamedArgument() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2), Layer(2, 5)]\n[Layer(outputs: 1, [|inputs: 4|])]\npublic partial class Net { }",
        "BPG020",
        "layer 3 takes 4 inputs but layer 2 produces 5; set layer 3's inputs to 5");

    [Fact]
    public void BPG020_Silent_WhenChained() => DiagnosticVerifier.VerifySilent(Usings + "[Layer(3, 2), Layer(2, 5)]\n[Layer(5, 1)]\npublic partial class Net { }");

    [Fact]
    public void BPG021_Mixed_FiresOnceAndEmitsNothing()
    {
        GeneratorRun run = DiagnosticVerifier.RunVerified(
            Usings + "[[|Network(3, 2, 1)|]]\n[Layer(3, 2)]\n[Layer(2, 1)]\npublic partial class Net { }",
            "BPG021",
            "The type 'Net' has both [Network] and [Layer] attributes; declare the network in one form: remove [Network] or the [Layer] attributes");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void BPG021_Mixed_FiresAcrossPartialDeclarations() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 1)]\npublic partial class Net { }\n[[|Network(3, 1)|]]\npublic partial class Net { }",
        "BPG021",
        "The type 'Net' has both [Network] and [Layer] attributes; declare the network in one form: remove [Network] or the [Layer] attributes");

    [Fact]
    public void BPG021_Silent_WithOneForm() => DiagnosticVerifier.VerifySilent(
        Usings + "[Network(3, 2, 1)]\npublic partial class A { }\n[Layer(3, 2)]\n[Layer(2, 1)]\npublic partial class B { }");

    [Fact]
    public void BPG022_Split_FiresOnTheSecondDeclaration()
    {
        GeneratorRun run = DiagnosticVerifier.RunVerified(
            Usings + "[Layer(3, 2)]\npublic partial class Net { }\n[[|Layer(2, 1)|]]\npublic partial class Net { }",
            "BPG022",
            "The type 'Net' has [Layer] attributes on more than one partial declaration, so the order of its layers is undefined; move all of them to one declaration");
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void BPG022_Silent_WithOtherPartsUnannotated() => DiagnosticVerifier.VerifySilent(
        Usings + "[Layer(3, 2)]\n[Layer(2, 1)]\npublic partial class Net { }\npublic partial class Net { public int Extra => 1; }");

    [Fact]
    public void BPG023_LossSetTwice_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2, Loss = Loss.MeanSquaredError)]\n[Layer(2, 1, [|Loss = Loss.MeanSquaredError|])]\npublic partial class Net { }",
        "BPG023",
        "Loss is set on layer 1 and again on layer 2, but it applies to the whole network; set it on one [Layer] only");

    [Fact]
    public void BPG023_PrecisionSetTwice_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(3, 2, Precision = Precision.Double)]\n[Layer(2, 2)]\n[Layer(2, 1, [|Precision = Precision.Double|])]\npublic partial class Net { }",
        "BPG023",
        "Precision is set on layer 1 and again on layer 3, but it applies to the whole network; set it on one [Layer] only");

    [Fact]
    public void BPG023_Silent_WhenSetOnce() => DiagnosticVerifier.VerifySilent(
        Usings + "[Layer(3, 2, Precision = Precision.Double)]\n[Layer(2, 1, Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]\npublic partial class Net { }");

    [Fact]
    public void InvalidDeclarations_NeverThrow_AndLeaveBindingErrorsToTheCompiler()
    {
        // [Layer(3)] does not bind (CS1729): no BPG diagnostic, no exception, and only the stub of signatures (no network code).
        GeneratorRun run = DiagnosticVerifier.Run(Usings + "[Layer(3)]\n[Layer(3, 1)]\npublic partial class Net { }");
        Assert.Equal(new[] { "CS1729" }, run.AllDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.Id));
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id.StartsWith("BPG", System.StringComparison.Ordinal) || d.Id.StartsWith("CS8785", System.StringComparison.Ordinal));
        Assert.DoesNotContain("ForwardCore", Assert.Single(run.Sources.Values), System.StringComparison.Ordinal);
    }
}
