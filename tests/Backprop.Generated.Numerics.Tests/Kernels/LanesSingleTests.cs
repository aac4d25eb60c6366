using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// Compute.Lanes128Single, Lanes256Single and Lanes512Single, the non-generic lanes on which Dense's dispatcher runs
/// every single-precision kernel (for the JIT's compile time), must give bit for bit what the generic Lanes128&lt;float&gt;,
/// Lanes256&lt;float&gt; and Lanes512&lt;float&gt; give, for every operation of ILanes, on ActivationAccuracyTests' 1.15 million
/// arguments and the special values (NaNs with payloads and signs included: the raw bits are compared): then every kernel
/// gives the same results on either, and the numerical tests (against PyTorch, the snapshots) that now run on the
/// non-generic lanes hold for the generic ones.
/// </summary>
/// <remarks>
/// Which branch of a multiply-add runs depends on the machine: x86 with FMA (this project's CI, and the runs with
/// DOTNET_EnableAVX2=0), no SIMD (DOTNET_EnableHWIntrinsic=0: both sides multiply, then add), Arm AdvSimd (.ci/run's
/// linux-arm64 step under qemu-user runs this class), AVX-512 (Lanes512's Avx512F branch: no machine here has it, so that
/// branch is compared only where the tests run on one; without it Vector512 runs in software on both sides).
/// </remarks>
public class LanesSingleTests
{
    public static TheoryData<string> Operations() => new()
    {
        "add", "subtract", "multiply", "divide", "multiply-add", "max", "abs", "sum", "select-greater", "select-greater-values",
        "select-equal", "select-equal-values", "scale-by-power-of-two", "power-of-two-of-rounded", "split-exponent-mantissa",
        "split-exponent-exponent", "exp", "sigmoid", "tanh", "expm1", "softplus", "log1p", "broadcast", "load-store",
    };

    private static readonly float[] Specials =
    {
        float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FC00001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC12345)),
        BitConverter.Int32BitsToSingle(0x7F800001), float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon,
        -float.Epsilon, float.MaxValue, float.MinValue, -104f, 88.8f, 1e-20f, -1e-20f,
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_width_matches_the_generic_lanes_bit_for_bit(string operation)
    {
        float[] x = Arguments(operation);

        // The second operand: x reversed, then every third value set equal to x (so that the comparisons see both
        // outcomes and ties, and a swapped operand changes the result).
        float[] y = x.Reverse().ToArray();
        for (int i = 0; i < y.Length; i += 3)
        {
            y[i] = x[i];
        }

        var failures = new List<string>();
        Compare(operation, x, failures, 128, Run<Lanes128Single, Vector128<float>>(operation, x, y), Run<Lanes128<float>, Vector128<float>>(operation, x, y));
        Compare(operation, x, failures, 256, Run<Lanes256Single, Vector256<float>>(operation, x, y), Run<Lanes256<float>, Vector256<float>>(operation, x, y));
        Compare(operation, x, failures, 512, Run<Lanes512Single, Vector512<float>>(operation, x, y), Run<Lanes512<float>, Vector512<float>>(operation, x, y));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Count_and_zero_agree()
    {
        Assert.Equal(Lanes128<float>.Count, Lanes128Single.Count);
        Assert.Equal(Lanes256<float>.Count, Lanes256Single.Count);
        Assert.Equal(Lanes512<float>.Count, Lanes512Single.Count);
        Assert.Equal(Lanes128<float>.Zero, Lanes128Single.Zero);
        Assert.Equal(Lanes256<float>.Zero, Lanes256Single.Zero);
        Assert.Equal(Lanes512<float>.Zero, Lanes512Single.Zero);
    }

    /// <summary>The arguments, a whole number of 512-bit registers long.</summary>
    private static float[] Arguments(string operation)
    {
        IEnumerable<float> values = operation switch
        {
            // An integral n in the range the kernels pass (Exp's halves of n).
            "scale-by-power-of-two" => Enumerable.Range(-126, 254).Select(n => (float)n),

            // x + 1.5 * 2^23 rounded, as Sigmoid and Tanh pass it (n in -126..127 after the offset of 0).
            "power-of-two-of-rounded" => Enumerable.Range(-126, 254).Select(n => 12582912f + n),
            _ => ActivationAccuracyTests.Sweep.Value.Concat(Specials),
        };
        float[] x = values.ToArray();
        return x.Concat(x.Take((16 - (x.Length % 16)) % 16)).ToArray();
    }

    /// <summary>The operation on every register of x (and of y, for the two-operand ones), stored register by register.</summary>
    private static float[] Run<TOps, TV>(string operation, float[] x, float[] y)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        var result = new float[x.Length];
        TV one = TOps.Broadcast(1f);
        TV two = TOps.Broadcast(2f);
        for (int i = 0; i < x.Length; i += TOps.Count)
        {
            TV v = TOps.Load(ref x[i]);
            TV w = TOps.Load(ref y[i]);
            TV r = operation switch
            {
                "add" => TOps.Add(v, w),
                "subtract" => TOps.Subtract(v, w),
                "multiply" => TOps.Multiply(v, w),
                "divide" => TOps.Divide(v, w),
                "multiply-add" => TOps.MultiplyAdd(v, w, TOps.Broadcast(0.3f)),
                "max" => TOps.Max(v, w),
                "abs" => TOps.Abs(v),
                "sum" => TOps.Broadcast(TOps.Sum(v)),
                "select-greater" => TOps.SelectGreater(v, w, one, two),
                "select-greater-values" => TOps.SelectGreater(v, w, w, v),
                "select-equal" => TOps.SelectEqual(v, w, one, two),
                "select-equal-values" => TOps.SelectEqual(v, w, w, v),
                "scale-by-power-of-two" => TOps.ScaleByPowerOfTwo(v),
                "power-of-two-of-rounded" => TOps.PowerOfTwoOfRounded(v, 0),
                "split-exponent-mantissa" => TOps.SplitExponent(v, out _),
                "split-exponent-exponent" => Exponent<TOps, TV>(v),
                "exp" => TOps.Exp(v),
                "sigmoid" => TOps.Sigmoid(v),
                "tanh" => TOps.Tanh(v),
                "expm1" => TOps.ExpM1(v),
                "softplus" => TOps.Softplus(v),
                "log1p" => TOps.Log1P(v),
                "broadcast" => TOps.Broadcast(x[i]),
                "load-store" => v,
                _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
            };
            TOps.Store(r, ref result[i]);
        }

        return result;
    }

    private static TV Exponent<TOps, TV>(TV v)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TOps.SplitExponent(v, out TV exponent);
        return exponent;
    }

    private static void Compare(string operation, float[] x, List<string> failures, int bits, float[] single, float[] generic)
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(generic[i]) != BitConverter.SingleToInt32Bits(single[i]))
            {
                failures.Add($"{operation}, {bits} bits, x = {x[i]:R} (0x{BitConverter.SingleToInt32Bits(x[i]):X8}): generic 0x{BitConverter.SingleToInt32Bits(generic[i]):X8}, non-generic 0x{BitConverter.SingleToInt32Bits(single[i]):X8}");
            }
        }
    }
}
