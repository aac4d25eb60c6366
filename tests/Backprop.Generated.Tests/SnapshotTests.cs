using System.Globalization;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests;

/// <summary>
/// The generated source of representative declarations, compared with approved files in Snapshots/.
/// A missing or different approved file fails the test (the QuietReporter never approves anything);
/// review the .received.txt file and rename it to .approved.txt to accept a change.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("Snapshots")]
public class SnapshotTests
{
    [Fact]
    public void Network_3_2_1_Tanh_Sigmoid()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle("""
            using Backprop.Generated;

            [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
            public partial class Student { }
            """));
    }

    [Fact]
    public void FourLayers_MixedActivations()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle("""
            using Backprop.Generated;

            namespace Demo;

            [Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.MeanSquaredError)]
            public partial class Classifier { }
            """));
    }

    [Fact]
    public void NestedGenericContainers_InNamespace()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle("""
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
            """));
    }

    [Fact]
    public void Wide_784_128_10()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle("""
            using Backprop.Generated;

            [Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]
            public partial class Mnist { }
            """));
    }

    [Fact]
    public void Double_UnderCultureWithUnicodeMinusSign()
    {
        const string source = """
            using Backprop.Generated;

            [Network(2, 4, 1, Hidden = Activation.Softplus, Output = Activation.Identity, Precision = Precision.Double)]
            public partial class Regressor { }
            """;
        string invariant;
        string underMinusSign;
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = GeneratorHarness.GenerateSingle(source);
            CultureInfo.CurrentCulture = Cultures.UnicodeMinusWithDecimalComma;
            underMinusSign = GeneratorHarness.GenerateSingle(source);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal(invariant, underMinusSign);
        Approvals.Verify(underMinusSign);
    }
}
