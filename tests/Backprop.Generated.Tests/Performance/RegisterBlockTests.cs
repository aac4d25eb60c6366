using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests.Performance;

/// <summary>
/// Which declarations run batches and training as register blocks written into the network's type
/// (Emit/RegisterBlockWriter: single precision, no dropout, at most 8 units a layer and 64 parameters, softmax only as
/// the output with the cross-entropy), and that those declarations compile clean with both methods for every width
/// and keep the kernels' path for a machine without SIMD. The values they compute are the numerical tests' (the same
/// networks against PyTorch, finite differences and NaN propagation, on every instruction set in .ci/run).
/// </summary>
public class RegisterBlockTests
{
    [Theory]
    [InlineData("[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]")]
    [InlineData("[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]")]
    [InlineData("[Network(4, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]")]
    [InlineData("[Network(2, 3, 2, Activations = new[] { Activation.ELU, Activation.SiLU })]")]
    [InlineData("[Network(8, 6, 1, Hidden = Activation.LeakyReLU, Output = Activation.Identity)]")]
    public void Tiny_float_networks_get_register_blocks(string declaration)
    {
        string source = Generate(declaration);
        foreach (int width in new[] { 512, 256, 128 })
        {
            Assert.Contains($"private static void ForwardBlockInRegisters{width}(", source);
            Assert.Contains($"private static float GradientBlockInRegisters{width}(", source);
            Assert.Contains($"cost += GradientBlockInRegisters{width}(theta, a0, y, sums, rows, firstBlock);", source);
        }

        // Without SIMD the kernels run: both forms are there.
        Assert.Contains("global::Backprop.Generated.Compute.Dense.ForwardBlock<", source);
        Assert.Contains("global::Backprop.Generated.Compute.Dense.AccumulateGradients<", source);
    }

    [Theory]
    [InlineData("[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Precision = Precision.Double)]")]
    [InlineData("[Network(3, 9, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]")]
    [InlineData("[Network(8, 7, 1, Hidden = Activation.Tanh)]")]
    [InlineData("[Network(4, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Dropout = 0.5)]")]
    [InlineData("[Network(3, 4, 2, Hidden = Activation.Softmax, Output = Activation.Identity)]")]
    [InlineData("[Network(3, 4, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]")]
    public void Other_networks_keep_the_kernels(string declaration)
    {
        string source = Generate(declaration);
        Assert.DoesNotContain("BlockInRegisters", source);
        Assert.Contains("global::Backprop.Generated.Compute.Dense.ForwardBlock<", source);
    }

    private static string Generate(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run($"using Backprop.Generated;\n{declaration}\npublic partial class Net {{ }}\n");
        GeneratorHarness.AssertClean(run);
        return string.Concat(run.Sources.Values);
    }
}
