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
        Approvals.Verify(TrainingCode(SnapshotDeclarations.Backward_3_2_1_Tanh_Sigmoid));
    }

    [Fact]
    public void Backward_FourLayers_MixedActivations_CrossEntropy()
    {
        Approvals.Verify(TrainingCode(SnapshotDeclarations.Backward_FourLayers_MixedActivations_CrossEntropy));
    }

    [Fact]
    public void Backward_VectorLoops_64_32_10()
    {
        Approvals.Verify(TrainingCode(SnapshotDeclarations.Backward_VectorLoops_64_32_10));
    }

    /// <summary>The generated file from the first member the training emitters write to the end.</summary>
    private static string TrainingCode(string source) => SnapshotDeclarations.TrainingCode(GeneratorHarness.GenerateSingle(source));
}
