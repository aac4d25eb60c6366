using System;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// .ci/run runs the numerical tests again with the runtime's knobs that turn instruction sets off, so that the kernels'
/// narrower paths run: <c>DOTNET_EnableAVX512=0</c> (the 256-bit path), <c>DOTNET_EnableAVX2=0</c> (128-bit) and
/// <c>DOTNET_EnableHWIntrinsic=0</c> (scalar), each with <c>BACKPROP_EXPECTED_VECTOR_BITS</c> set to the widest vector
/// that run must see accelerated. A knob the runtime does not know is silently ignored: .NET 10 no longer reads
/// <c>DOTNET_EnableAVX512F</c>, which .ci/run used to set, so on an AVX-512 machine that run took the 512-bit path a
/// second time and the 256-bit path was never tested there. This test fails such a run instead of passing it.
/// Without the variable (a normal run) it prints the width and checks only that the widths nest.
/// </summary>
public class InstructionSetFallbackTests
{
    private readonly ITestOutputHelper _output;

    public InstructionSetFallbackTests(ITestOutputHelper output) => _output = output;

    /// <summary>The widest accelerated Vector128/256/512 in bits, 0 if none.</summary>
    internal static int WidestAcceleratedVectorBits() =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    [Fact]
    public void The_run_takes_the_vector_width_it_was_started_for()
    {
        int widest = WidestAcceleratedVectorBits();
        _output.WriteLine($"widest accelerated vector: {widest} bits");
        Assert.False(Vector512.IsHardwareAccelerated && !Vector256.IsHardwareAccelerated, "512-bit vectors without 256-bit ones");
        Assert.False(Vector256.IsHardwareAccelerated && !Vector128.IsHardwareAccelerated, "256-bit vectors without 128-bit ones");

        string? expected = Environment.GetEnvironmentVariable("BACKPROP_EXPECTED_VECTOR_BITS");
        if (expected is not null)
        {
            int bits = int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(
                widest <= bits,
                $"this run was started to test vectors of at most {bits} bits, but {widest}-bit vectors are accelerated: the runtime ignored the knob that should have turned them off");
        }
    }
}
