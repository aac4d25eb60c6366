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
/// Lanes256&lt;float&gt; and Lanes512&lt;float&gt; give, operation by operation, on ActivationAccuracyTests' 1.15 million
/// arguments and the special values: then every kernel gives the same results on either, and the numerical tests
/// (against PyTorch, the snapshots) that now run on the non-generic lanes hold for the generic ones. Runs with and
/// without SIMD in .ci/run's passes (DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0).
/// </summary>
public class LanesSingleTests
{
    public static TheoryData<string> Operations() => new()
    {
        "exp", "sigmoid", "tanh", "expm1", "softplus", "log1p", "multiply-add", "divide", "abs", "max", "sum",
        "select-greater", "select-equal", "scale-by-power-of-two", "power-of-two-of-rounded", "split-exponent",
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_width_matches_the_generic_lanes_bit_for_bit(string operation)
    {
        float[] x = ActivationAccuracyTests.Sweep.Value
            .Concat(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, float.MaxValue, float.MinValue, -104f, 88.8f })
            .ToArray();
        if (operation is "scale-by-power-of-two")
        {
            // An integral n in the range the kernels pass (Exp's halves of n).
            x = Enumerable.Range(-126, 254).Select(n => (float)n).ToArray();
        }
        else if (operation is "power-of-two-of-rounded")
        {
            // x + 1.5 * 2^23 rounded, as Sigmoid and Tanh pass it (n in -126..127 after the offset of 0).
            x = Enumerable.Range(-126, 254).Select(n => 12582912f + n).ToArray();
        }

        var failures = new List<string>();
        Compare(x, 4, failures, operation, v => Apply<Lanes128Single, Vector128<float>>(operation, Vector128.Create(v)), v => Apply<Lanes128<float>, Vector128<float>>(operation, Vector128.Create(v)));
        Compare(x, 8, failures, operation, v => Apply<Lanes256Single, Vector256<float>>(operation, Vector256.Create(v)), v => Apply<Lanes256<float>, Vector256<float>>(operation, Vector256.Create(v)));
        Compare(x, 16, failures, operation, v => Apply<Lanes512Single, Vector512<float>>(operation, Vector512.Create(v)), v => Apply<Lanes512<float>, Vector512<float>>(operation, Vector512.Create(v)));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Count_zero_broadcast_load_and_store_agree()
    {
        Assert.Equal(Lanes128<float>.Count, Lanes128Single.Count);
        Assert.Equal(Lanes256<float>.Count, Lanes256Single.Count);
        Assert.Equal(Lanes512<float>.Count, Lanes512Single.Count);
        Assert.Equal(Lanes256<float>.Zero, Lanes256Single.Zero);
        Assert.Equal(Lanes256<float>.Broadcast(0.1f), Lanes256Single.Broadcast(0.1f));
        float[] source = Enumerable.Range(0, 16).Select(i => i * 0.25f).ToArray();
        float[] stored = new float[16];
        Lanes512Single.Store(Lanes512Single.Load(ref source[0]), ref stored[0]);
        Assert.Equal(source, stored);
    }

    /// <summary>The operation on v (and, for the two-operand ones, on v and v reversed in the register).</summary>
    private static float[] Apply<TOps, TV>(string operation, TV v)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        float[] lanes = ToArray<TOps, TV>(v);
        float[] reversedValues = lanes.Reverse().ToArray();
        TV w = TOps.Load(ref reversedValues[0]);
        TV r = operation switch
        {
            "exp" => TOps.Exp(v),
            "sigmoid" => TOps.Sigmoid(v),
            "tanh" => TOps.Tanh(v),
            "expm1" => TOps.ExpM1(v),
            "softplus" => TOps.Softplus(v),
            "log1p" => TOps.Log1P(v),
            "multiply-add" => TOps.MultiplyAdd(v, w, TOps.Broadcast(0.3f)),
            "divide" => TOps.Divide(v, w),
            "abs" => TOps.Abs(v),
            "max" => TOps.Max(v, w),
            "sum" => TOps.Broadcast(TOps.Sum(v)),
            "select-greater" => TOps.SelectGreater(v, w, v, w),
            "select-equal" => TOps.SelectEqual(v, v, w, v),
            "scale-by-power-of-two" => TOps.ScaleByPowerOfTwo(v),
            "power-of-two-of-rounded" => TOps.PowerOfTwoOfRounded(v, 0),
            "split-exponent" => Add<TOps, TV>(TOps.SplitExponent(v, out TV exponent), exponent),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
        return ToArray<TOps, TV>(r);
    }

    private static TV Add<TOps, TV>(TV x, TV y)
        where TOps : ILanes<TV, float>
        where TV : struct => TOps.Add(TOps.Multiply(x, TOps.Broadcast(1024f)), y);

    private static float[] ToArray<TOps, TV>(TV v)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        var a = new float[TOps.Count];
        TOps.Store(v, ref a[0]);
        return a;
    }

    private static void Compare(float[] x, int count, List<string> failures, string operation, Func<float[], float[]> single, Func<float[], float[]> generic)
    {
        var chunk = new float[count];
        for (int i = 0; i < x.Length; i += count)
        {
            for (int k = 0; k < count; k++)
            {
                chunk[k] = x[(i + k) % x.Length];
            }

            float[] expected = generic(chunk);
            float[] actual = single(chunk);
            for (int k = 0; k < count; k++)
            {
                if (BitConverter.SingleToInt32Bits(expected[k]) != BitConverter.SingleToInt32Bits(actual[k]) && !(float.IsNaN(expected[k]) && float.IsNaN(actual[k])))
                {
                    failures.Add($"{operation}, {count * 32} bits, x = {chunk[k]:R}: generic {expected[k]:R}, non-generic {actual[k]:R}");
                }
            }
        }
    }
}
