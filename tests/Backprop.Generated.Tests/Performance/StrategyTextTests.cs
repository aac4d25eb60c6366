using System;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests.Performance;

/// <summary>
/// The strategy the generated comments and XML docs name for a layer, for float and double layers on both sides of
/// the kernels' limits. The rules themselves (input blocks, 16-register passes, tiles of 6) are one file,
/// src/Shared/Compute/DenseRules.cs, compiled into the generator and the runtime alike.
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
        string source = GeneratedSource(inputs, units, element);

        int block = Math.Clamp(16384 / ((element == "double" ? 8 : 4) * units), 8, 64);
        int blocks = (inputs + block - 1) / block;
        string expected = blocks == 1
            ? $"a {inputs}-step inner loop"
            : $"{blocks} input blocks of at most {(inputs + blocks - 1) / blocks}";
        Assert.Contains($"W1 is {inputs}x{units}): batches: examples in SIMD lanes, ", source);
        Assert.Contains($"x 2 registers of examples, {expected}, bias and", source);
    }

    /// <summary>
    /// The one-example passes named for a layer are those of Dense.ForwardExample's loops on 256-bit registers: 16
    /// registers of units per pass when W is larger than 32 KB (Dense.SixteenRegisterPasses), then passes of 8, then the
    /// rest in passes of up to 4 (8 floats or 4 doubles per register).
    /// </summary>
    [Theory]
    [InlineData(784, 128, "float", "summed over the 784 rows of W1 in 1 pass of 16 registers")]
    [InlineData(64, 512, "float", "summed over the 64 rows of W1 in 4 passes of 16 registers")]
    [InlineData(16, 64, "float", "summed over the 16 rows of W1 in 1 pass of 8 registers")]
    [InlineData(30, 100, "float", "summed over the 30 rows of W1 in 3 passes of 8, 4 and 1 registers, the last register partly filled")]
    [InlineData(60, 200, "float", "summed over the 60 rows of W1 in 3 passes of 16, 8 and 1 registers")]
    [InlineData(30, 200, "float", "summed over the 30 rows of W1 in 4 passes of 8, 8, 8 and 1 registers")]
    [InlineData(16, 256, "float", "summed over the 16 rows of W1 in 4 passes of 8 registers")]
    [InlineData(128, 40, "float", "summed over the 128 rows of W1 in 2 passes of 4 and 1 registers")]
    [InlineData(9, 33, "float", "summed over the 9 rows of W1 in 2 passes of 4 and 1 registers, the last register partly filled")]
    [InlineData(784, 128, "double", "summed over the 784 rows of W1 in 2 passes of 16 registers")]
    [InlineData(20, 30, "double", "summed over the 20 rows of W1 in 2 passes of 4 registers, the last register partly filled")]
    [InlineData(9, 17, "double", "summed over the 9 rows of W1 in 2 passes of 4 and 1 registers, the last register partly filled")]
    [InlineData(9, 63, "double", "summed over the 9 rows of W1 in 3 passes of 8, 4 and 4 registers, the last register partly filled")]
    [InlineData(40, 127, "double", "summed over the 40 rows of W1 in 4 passes of 16, 8, 4 and 4 registers, the last register partly filled")]
    [InlineData(80, 129, "float", "summed over the 80 rows of W1 in 2 passes of 16 and 1 registers, the last register partly filled")]
    [InlineData(40, 256, "float", "summed over the 40 rows of W1 in 2 passes of 16 registers")]
    [InlineData(40, 300, "float", "summed over the 40 rows of W1 in 4 passes of 16, 16, 4 and 2 registers, the last register partly filled")]
    [InlineData(20, 300, "double", "summed over the 20 rows of W1 in 6 passes of 16, 16, 16, 16, 8 and 3 registers")]
    public void The_one_example_passes_named_in_the_generated_code_are_the_runtime_kernels(int inputs, int units, string element, string expected)
    {
        string source = GeneratedSource(inputs, units, element);
        Assert.Contains($"one example: units in SIMD lanes, {(element == "double" ? 4 : 8)} per 256-bit register, {expected};", source);

        // The 16-register passes are named exactly when W is larger than 32 KB and holds 16 registers of units.
        int elementBytes = element == "double" ? 8 : 4;
        bool sixteen = (long)inputs * units * elementBytes > 32768 && units >= 16 * (32 / elementBytes);
        Assert.Equal(sixteen, expected.Contains(" of 16", StringComparison.Ordinal));
    }

    /// <summary>
    /// Layers of up to global::Backprop.Generated.Compute.RegisterLanes.MaxBytes of units keep them in registers for the whole sum; the registers named per
    /// width are RegisterLanes.Forward's choice (512-bit above 32 bytes, 256-bit above 16, else 128-bit), and the stack
    /// buffer the generated code gives the kernel is global::Backprop.Generated.Compute.RegisterLanes.BufferLength, aligned.
    /// </summary>
    [Theory]
    [InlineData(128, 10, "float", "1 of 512 bits, 2 of 256 bits or 3 of 128 bits")]
    [InlineData(9, 5, "float", "1 of 256 bits or 2 of 128 bits")]
    [InlineData(16, 4, "float", "1 of 128 bits")]
    [InlineData(64, 32, "float", "2 of 512 bits, 4 of 256 bits or 8 of 128 bits")]
    [InlineData(8, 16, "double", "2 of 512 bits, 4 of 256 bits or 8 of 128 bits")]
    [InlineData(8, 5, "double", "1 of 512 bits, 2 of 256 bits or 3 of 128 bits")]
    public void The_register_lanes_named_in_the_generated_code_are_the_runtime_kernels(int inputs, int units, string element, string expected)
    {
        string source = GeneratedSource(inputs, units, element);
        int bytes = units * (element == "double" ? 8 : 4);
        Assert.True(bytes <= global::Backprop.Generated.Compute.RegisterLanes.MaxBytes);
        Assert.Contains($"one example: the {units} units held in registers for the whole sum, {expected}", source);
        int buffer = element == "double" ? global::Backprop.Generated.Compute.RegisterLanes.BufferLength<double>(units) : global::Backprop.Generated.Compute.RegisterLanes.BufferLength<float>(units);
        // The buffer is 64-byte aligned inside a stackalloc of 64 bytes less one element more (RegisterMath.Aligned64).
        int extra = (64 / (element == "double" ? 8 : 4)) - 1;
        Assert.Contains($"RegisterMath.Aligned64(stackalloc {element}[{buffer + extra}], {buffer});", source);

        // One unit more than the limit takes the passes of Dense.ForwardExample instead.
        string wider = GeneratedSource(inputs, (global::Backprop.Generated.Compute.RegisterLanes.MaxBytes / (element == "double" ? 8 : 4)) + 1, element);
        Assert.Contains("one example: units in SIMD lanes", wider);
        Assert.DoesNotContain("held in registers", wider);
    }

    /// <summary>The tiles of units named for a batch layer: tiles of 6, then 4, 2 and 1 (two of 4 for a remainder of 8).</summary>
    [Theory]
    [InlineData(4, 8, "2 tiles of 4 units")]
    [InlineData(784, 128, "20 tiles of 6 units and 2 of 4 units")]
    [InlineData(16, 14, "1 tile of 6 units and 2 of 4 units")]
    [InlineData(16, 10, "1 tile of 6 units and 1 of 4 units")]
    [InlineData(16, 7, "1 tile of 6 units and 1 of 1 unit")]
    [InlineData(16, 2, "1 of 2 units")]
    [InlineData(16, 12, "2 tiles of 6 units")]
    [InlineData(16, 20, "2 tiles of 6 units and 2 of 4 units")]
    [InlineData(16, 5, "1 of 4 units and 1 of 1 unit")]
    [InlineData(16, 11, "1 tile of 6 units and 1 of 4 units and 1 of 1 unit")]
    public void The_tiles_named_in_the_generated_code_are_the_runtime_kernels(int inputs, int units, string expected)
    {
        string source = GeneratedSource(inputs, units, "float");
        Assert.Contains($"batches: examples in SIMD lanes, {expected} x 2 registers of examples", source);
    }

    /// <summary>The generated source of <c>[Network(inputs, units)]</c> in float or double precision, checked clean.</summary>
    private static string GeneratedSource(int inputs, int units, string element)
    {
        string precision = element == "double" ? ", Precision = Precision.Double" : string.Empty;
        GeneratorRun run = GeneratorHarness.Run($"using Backprop.Generated;\n[Network({inputs}, {units}{precision})]\npublic partial class Net {{ }}\n");
        GeneratorHarness.AssertClean(run);

        // The generated comments are wrapped at 120 columns: read each comment as one line of text.
        return System.Text.RegularExpressions.Regex.Replace(string.Concat(run.Sources.Values), @"\n[ ]*///? ", " ");
    }
}
