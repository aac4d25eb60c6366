using System;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests;

/// <summary>
/// The generated training code (ComputeGradients with its per-example backward pass, TrainStep, the
/// INetwork members and InitializeParameters) of representative declarations, compared with approved files
/// in Snapshots/. Review a .received.txt and rename it to .approved.txt to accept a change.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("Snapshots")]
public class BackwardSnapshotTests
{
    [Fact]
    public void Backward_3_2_1_Tanh_Sigmoid()
    {
        Approvals.Verify(TrainingCode("""
            using Backprop.Generated;

            [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
            public partial class Student { }
            """));
    }

    [Fact]
    public void Backward_FourLayers_MixedActivations_CrossEntropy()
    {
        Approvals.Verify(TrainingCode("""
            using Backprop.Generated;

            namespace Demo;

            [Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy)]
            public partial class Classifier { }
            """));
    }

    [Fact]
    public void Backward_VectorLoops_64_32_10()
    {
        Approvals.Verify(TrainingCode("""
            using Backprop.Generated;

            [Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
            public partial class Digits { }
            """));
    }

    /// <summary>The generated file from the first member the training emitters write to the end.</summary>
    private static string TrainingCode(string source)
    {
        string generated = GeneratorHarness.GenerateSingle(source);
        int start = generated.IndexOf("    /// <summary>Length of the per-example training scratch", StringComparison.Ordinal);
        if (start < 0)
        {
            start = generated.IndexOf("    /// <summary>\n    /// Computes the cost J", StringComparison.Ordinal);
        }

        Assert.True(start > 0, "the training members were not found in the generated source");
        return generated.Substring(start);
    }
}
