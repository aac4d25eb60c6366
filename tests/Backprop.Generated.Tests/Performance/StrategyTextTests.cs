using System;
using System.Reflection;
using Backprop.Generated.Compute;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests.Performance;

/// <summary>
/// The strategy the generated comments and XML docs name for a batch layer must be the one the runtime kernel runs:
/// the generator (netstandard2.0, no reference to the runtime) mirrors Dense.InputBlock, and this test holds the two
/// together for float and double layers on both sides of the 8- and 64-row clamps.
/// </summary>
public class StrategyTextTests
{
    [Theory]
    [InlineData(784, 128, "float")]
    [InlineData(784, 128, "double")]
    [InlineData(128, 10, "float")]
    [InlineData(64, 64, "float")]
    [InlineData(64, 64, "double")]
    [InlineData(300, 100, "float")]
    [InlineData(1000, 1000, "float")]
    [InlineData(40, 2048, "double")]
    public void The_input_blocks_named_in_the_generated_code_are_the_runtime_kernels(int inputs, int units, string element)
    {
        string precision = element == "double" ? ", Precision = Precision.Double" : string.Empty;
        GeneratorRun run = GeneratorHarness.Run($"using Backprop.Generated;\n[Network({inputs}, {units}{precision})]\npublic partial class Net {{ }}\n");
        GeneratorHarness.AssertClean(run);
        string source = string.Concat(run.Sources.Values);

        Type t = element == "double" ? typeof(double) : typeof(float);
        MethodInfo inputBlock = typeof(Dense).GetMethod("InputBlock", BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t);
        int block = (int)inputBlock.Invoke(null, new object[] { units })!;
        int blocks = (inputs + block - 1) / block;
        string expected = blocks == 1
            ? $"a {inputs}-step inner loop"
            : $"{blocks} input blocks of at most {(inputs + blocks - 1) / blocks}";
        Assert.Contains($"W1 is {inputs}x{units}): batches: examples in SIMD lanes, ", source);
        Assert.Contains($"x 2 registers of examples, {expected}, bias and", source);
    }
}
