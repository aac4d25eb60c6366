using System.Linq;
using Backprop.Generated.Generator;
using Backprop.Generated.Generator.Model;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// The declaration side of dropout: BPG016 (rate outside [0, 1)) and BPG017 (dropout on the output layer) at the
/// <c>Dropout</c> argument in both forms, silence for valid rates, and the rates the model carries for the emitter.
/// </summary>
public class DropoutDeclarationTests
{
    private const string Usings = "using Backprop.Generated;\n";

    [Fact]
    public void BPG016_RateOfOne_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 8, 3, [|Dropout = 1.0|])]\npublic partial class Net { }",
        "BPG016",
        "Dropout is 1, but a dropout rate is the probability of zeroing a unit and must be at least 0 and less than 1");

    [Fact]
    public void BPG016_NegativeRate_FiresForLayerForm() => DiagnosticVerifier.Verify(
        Usings + "[Layer(4, 8, [|Dropout = -0.1|])]\n[Layer(8, 3)]\npublic partial class Net { }",
        "BPG016",
        "Dropout is -0.1, but a dropout rate is the probability of zeroing a unit and must be at least 0 and less than 1");

    [Fact]
    public void BPG016_NaN_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 8, 3, [|Dropout = double.NaN|])]\npublic partial class Net { }",
        "BPG016",
        "Dropout is NaN, but a dropout rate is the probability of zeroing a unit and must be at least 0 and less than 1");

    [Fact]
    public void BPG017_OnTheLastLayer_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Layer(4, 8, Activation.ReLU, Dropout = 0.2)]\n[Layer(8, 3, Activation.Softmax, Loss = Loss.CrossEntropy, [|Dropout = 0.2|])]\npublic partial class Net { }",
        "BPG017",
        "Dropout = 0.2 would apply to layer 2, the output layer, but the loss needs every output; set Dropout on hidden layers only");

    [Fact]
    public void BPG017_NetworkWithoutHiddenLayer_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 3, [|Dropout = 0.5|])]\npublic partial class Net { }",
        "BPG017",
        "Dropout = 0.5 would apply to layer 1, the output layer, but the loss needs every output; set Dropout on hidden layers only");

    [Fact]
    public void Silent_ForValidRates_InBothForms()
    {
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 8, 6, 3, Dropout = 0.25)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Layer(4, 8, Dropout = 0.5)]\n[Layer(8, 3, Dropout = 0)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 3, Dropout = 0)]\npublic partial class Net { }");
    }

    [Fact]
    public void The_model_carries_each_layers_rate_and_both_forms_agree()
    {
        NetworkModel network = Model("[Network(4, 8, 6, 3, Dropout = 0.25)]\npublic partial class Net { }");
        NetworkModel layers = Model("[Layer(4, 8, Dropout = 0.25)]\n[Layer(8, 6, Dropout = 0.25)]\n[Layer(6, 3)]\npublic partial class Net { }");
        Assert.Equal(new[] { "0.25", "0.25", "0" }, network.Dropout.ToArray());
        Assert.True(network.HasDropout);
        Assert.Equal(network with { Form = DeclarationForm.Layer }, layers);

        NetworkModel mixed = Model("[Layer(4, 8, Dropout = 0.1)]\n[Layer(8, 6)]\n[Layer(6, 3)]\npublic partial class Net { }");
        Assert.Equal(new[] { "0.1", "0", "0" }, mixed.Dropout.ToArray());

        // No dropout: the model is the one of before dropout existed (empty rates), so generated code and caching are unchanged.
        NetworkModel none = Model("[Network(4, 8, 3, Dropout = 0)]\npublic partial class Net { }");
        Assert.Empty(none.Dropout);
        Assert.False(none.HasDropout);
        Assert.Equal(Model("[Network(4, 8, 3)]\npublic partial class Net { }"), none);
    }

    private static NetworkModel Model(string declaration)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(GeneratorHarness.CreateCompilation(Usings + declaration));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return result.TrackedSteps[NetworkGenerator.TrackingNames.Models]
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)
            .OfType<NetworkModel>()
            .Single();
    }
}
