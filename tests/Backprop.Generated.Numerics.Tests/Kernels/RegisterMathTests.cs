using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// Compute.RegisterMath, the non-generic register helpers of the generated one-example code of small networks, is
/// LaneMath's polynomials spelt again per register width (for the JIT's compile time): every lane of every function
/// must be bit for bit what LaneMath (and Dense.ExpOfDifference, Activations.ReLU) give on the Lanes type of the same
/// width (and the activations' derivatives), on ActivationAccuracyTests' 1.15 million arguments and the special values, so the accuracy bounds measured
/// there hold for these too. Runs with and without SIMD (.ci/run's DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0
/// passes): both sides then take the same non-fused multiply-add; Vector512 runs in software where not accelerated.
/// </summary>
public class RegisterMathTests
{
    private static readonly float[] Specials =
    {
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 0.625f, -0.625f,
        -87.33654f, -88.72283f, -103.97208f, -104f, -150f, float.MaxValue, float.MinValue, 1e-20f, -1e-20f,
    };

    private static float[] Arguments() => ActivationAccuracyTests.Sweep.Value.Concat(Specials).ToArray();

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("relu")]
    [InlineData("exp-nonpositive")]
    [InlineData("exp-of-difference")]
    [InlineData("exp")]
    [InlineData("log1p")]
    [InlineData("leaky-relu")]
    [InlineData("elu")]
    [InlineData("expm1")]
    [InlineData("elu-derivative")]
    [InlineData("silu")]
    [InlineData("softplus")]
    [InlineData("relu-derivative")]
    [InlineData("leaky-relu-derivative")]
    [InlineData("silu-derivative")]
    [InlineData("softplus-derivative")]
    public void Every_width_matches_the_lane_functions_bit_for_bit(string function)
    {
        float[] x = Arguments();
        if (function == "exp-nonpositive")
        {
            x = x.Where(v => !(v > 0f)).ToArray();
        }

        var failures = new List<string>();
        Compare(function, x, 4, failures, (v, m) => Register128(function, v, m), (v, m) => Lanes128(function, v, m));
        Compare(function, x, 8, failures, (v, m) => Register256(function, v, m), (v, m) => Lanes256(function, v, m));
        Compare(function, x, 16, failures, (v, m) => Register512(function, v, m), (v, m) => Lanes512(function, v, m));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    /// <summary>Runs both forms on registers of <paramref name="count"/> lanes filled from x; for a softmax's e^(z - max), max is the register's largest lane.</summary>
    private static void Compare(string function, float[] x, int count, List<string> failures, Func<float[], float, float[]> register, Func<float[], float, float[]> lanes)
    {
        var chunk = new float[count];
        for (int i = 0; i < x.Length; i += count)
        {
            for (int k = 0; k < count; k++)
            {
                chunk[k] = x[(i + k) % x.Length];
            }

            float max = function == "exp-of-difference" ? chunk.Where(float.IsFinite).DefaultIfEmpty(0f).Max() : 0f;
            float[] expected = lanes(chunk, max);
            float[] actual = register(chunk, max);
            for (int k = 0; k < count; k++)
            {
                if (BitConverter.SingleToInt32Bits(expected[k]) != BitConverter.SingleToInt32Bits(actual[k]) && !(float.IsNaN(expected[k]) && float.IsNaN(actual[k])))
                {
                    failures.Add($"{function}, {count * 32} bits, x = {chunk[k]:R}, max = {max:R}: lanes {expected[k]:R}, register {actual[k]:R}");
                }
            }
        }
    }

    private static float[] Register128(string f, float[] x, float max)
    {
        Vector128<float> v = Vector128.Create(x);
        Vector128<float> r = f switch
        {
            "sigmoid" => RegisterMath.Sigmoid(v),
            "tanh" => RegisterMath.Tanh(v),
            "relu" => RegisterMath.ReLU(v),
            "exp-nonpositive" => RegisterMath.ExpNonPositive(v),
            "exp" => RegisterMath.Exp(v),
            "log1p" => RegisterMath.Log1P(v),
            "leaky-relu" => RegisterMath.LeakyReLU(v),
            "elu" => RegisterMath.ELU(v),
            "expm1" => RegisterMath.ExpM1(v),
            "elu-derivative" => RegisterMath.ELUDerivative(v, v),
            "silu" => RegisterMath.SiLU(v),
            "softplus" => RegisterMath.Softplus(v),
            "relu-derivative" => RegisterMath.ReLUDerivative(v),
            "leaky-relu-derivative" => RegisterMath.LeakyReLUDerivative(v),
            "silu-derivative" => RegisterMath.SiLUDerivative(v),
            "softplus-derivative" => RegisterMath.SoftplusDerivative(v),
            _ => RegisterMath.ExpOfDifference(v, Vector128.Create(max)),
        };
        return ToArray(r);
    }

    private static float[] Lanes128(string f, float[] x, float max)
    {
        Vector128<float> v = Vector128.Create(x);
        Vector128<float> r = f switch
        {
            "sigmoid" => LaneMath.Sigmoid<Lanes128<float>, Vector128<float>>(v),
            "tanh" => LaneMath.Tanh<Lanes128<float>, Vector128<float>>(v),
            "relu" => Activations.ReLU.Apply<Lanes128<float>, Vector128<float>, float>(v),
            "exp-nonpositive" => LaneMath.ExpNonPositive<Lanes128<float>, Vector128<float>>(v),
            "exp" => LaneMath.Exp<Lanes128<float>, Vector128<float>>(v),
            "log1p" => LaneMath.Log1P<Lanes128<float>, Vector128<float>>(v),
            "leaky-relu" => Activations.LeakyReLU.Apply<Lanes128<float>, Vector128<float>, float>(v),
            "elu" => Activations.ELU.Apply<Lanes128<float>, Vector128<float>, float>(v),
            "expm1" => LaneMath.ExpM1<Lanes128<float>, Vector128<float>>(v),
            "elu-derivative" => Activations.ELU.Derivative<Lanes128<float>, Vector128<float>, float>(v, v),
            "silu" => Activations.SiLU.Apply<Lanes128<float>, Vector128<float>, float>(v),
            "softplus" => Activations.Softplus.Apply<Lanes128<float>, Vector128<float>, float>(v),
            "relu-derivative" => Activations.ReLU.Derivative<Lanes128<float>, Vector128<float>, float>(v, v),
            "leaky-relu-derivative" => Activations.LeakyReLU.Derivative<Lanes128<float>, Vector128<float>, float>(v, v),
            "silu-derivative" => Activations.SiLU.Derivative<Lanes128<float>, Vector128<float>, float>(v, v),
            "softplus-derivative" => Activations.Softplus.Derivative<Lanes128<float>, Vector128<float>, float>(v, v),
            _ => ExpOfDifferenceReference<Lanes128<float>, Vector128<float>>(v, Vector128.Create(max)),
        };
        return ToArray(r);
    }

    private static float[] Register256(string f, float[] x, float max)
    {
        Vector256<float> v = Vector256.Create(x);
        Vector256<float> r = f switch
        {
            "sigmoid" => RegisterMath.Sigmoid(v),
            "tanh" => RegisterMath.Tanh(v),
            "relu" => RegisterMath.ReLU(v),
            "exp-nonpositive" => RegisterMath.ExpNonPositive(v),
            "exp" => RegisterMath.Exp(v),
            "log1p" => RegisterMath.Log1P(v),
            "leaky-relu" => RegisterMath.LeakyReLU(v),
            "elu" => RegisterMath.ELU(v),
            "expm1" => RegisterMath.ExpM1(v),
            "elu-derivative" => RegisterMath.ELUDerivative(v, v),
            "silu" => RegisterMath.SiLU(v),
            "softplus" => RegisterMath.Softplus(v),
            "relu-derivative" => RegisterMath.ReLUDerivative(v),
            "leaky-relu-derivative" => RegisterMath.LeakyReLUDerivative(v),
            "silu-derivative" => RegisterMath.SiLUDerivative(v),
            "softplus-derivative" => RegisterMath.SoftplusDerivative(v),
            _ => RegisterMath.ExpOfDifference(v, Vector256.Create(max)),
        };
        return ToArray(r);
    }

    private static float[] Lanes256(string f, float[] x, float max)
    {
        Vector256<float> v = Vector256.Create(x);
        Vector256<float> r = f switch
        {
            "sigmoid" => LaneMath.Sigmoid<Lanes256<float>, Vector256<float>>(v),
            "tanh" => LaneMath.Tanh<Lanes256<float>, Vector256<float>>(v),
            "relu" => Activations.ReLU.Apply<Lanes256<float>, Vector256<float>, float>(v),
            "exp-nonpositive" => LaneMath.ExpNonPositive<Lanes256<float>, Vector256<float>>(v),
            "exp" => LaneMath.Exp<Lanes256<float>, Vector256<float>>(v),
            "log1p" => LaneMath.Log1P<Lanes256<float>, Vector256<float>>(v),
            "leaky-relu" => Activations.LeakyReLU.Apply<Lanes256<float>, Vector256<float>, float>(v),
            "elu" => Activations.ELU.Apply<Lanes256<float>, Vector256<float>, float>(v),
            "expm1" => LaneMath.ExpM1<Lanes256<float>, Vector256<float>>(v),
            "elu-derivative" => Activations.ELU.Derivative<Lanes256<float>, Vector256<float>, float>(v, v),
            "silu" => Activations.SiLU.Apply<Lanes256<float>, Vector256<float>, float>(v),
            "softplus" => Activations.Softplus.Apply<Lanes256<float>, Vector256<float>, float>(v),
            "relu-derivative" => Activations.ReLU.Derivative<Lanes256<float>, Vector256<float>, float>(v, v),
            "leaky-relu-derivative" => Activations.LeakyReLU.Derivative<Lanes256<float>, Vector256<float>, float>(v, v),
            "silu-derivative" => Activations.SiLU.Derivative<Lanes256<float>, Vector256<float>, float>(v, v),
            "softplus-derivative" => Activations.Softplus.Derivative<Lanes256<float>, Vector256<float>, float>(v, v),
            _ => ExpOfDifferenceReference<Lanes256<float>, Vector256<float>>(v, Vector256.Create(max)),
        };
        return ToArray(r);
    }

    private static float[] Register512(string f, float[] x, float max)
    {
        Vector512<float> v = Vector512.Create(x);
        Vector512<float> r = f switch
        {
            "sigmoid" => RegisterMath.Sigmoid(v),
            "tanh" => RegisterMath.Tanh(v),
            "relu" => RegisterMath.ReLU(v),
            "exp-nonpositive" => RegisterMath.ExpNonPositive(v),
            "exp" => RegisterMath.Exp(v),
            "log1p" => RegisterMath.Log1P(v),
            "leaky-relu" => RegisterMath.LeakyReLU(v),
            "elu" => RegisterMath.ELU(v),
            "expm1" => RegisterMath.ExpM1(v),
            "elu-derivative" => RegisterMath.ELUDerivative(v, v),
            "silu" => RegisterMath.SiLU(v),
            "softplus" => RegisterMath.Softplus(v),
            "relu-derivative" => RegisterMath.ReLUDerivative(v),
            "leaky-relu-derivative" => RegisterMath.LeakyReLUDerivative(v),
            "silu-derivative" => RegisterMath.SiLUDerivative(v),
            "softplus-derivative" => RegisterMath.SoftplusDerivative(v),
            _ => RegisterMath.ExpOfDifference(v, Vector512.Create(max)),
        };
        return ToArray(r);
    }

    private static float[] Lanes512(string f, float[] x, float max)
    {
        Vector512<float> v = Vector512.Create(x);
        Vector512<float> r = f switch
        {
            "sigmoid" => LaneMath.Sigmoid<Lanes512<float>, Vector512<float>>(v),
            "tanh" => LaneMath.Tanh<Lanes512<float>, Vector512<float>>(v),
            "relu" => Activations.ReLU.Apply<Lanes512<float>, Vector512<float>, float>(v),
            "exp-nonpositive" => LaneMath.ExpNonPositive<Lanes512<float>, Vector512<float>>(v),
            "exp" => LaneMath.Exp<Lanes512<float>, Vector512<float>>(v),
            "log1p" => LaneMath.Log1P<Lanes512<float>, Vector512<float>>(v),
            "leaky-relu" => Activations.LeakyReLU.Apply<Lanes512<float>, Vector512<float>, float>(v),
            "elu" => Activations.ELU.Apply<Lanes512<float>, Vector512<float>, float>(v),
            "expm1" => LaneMath.ExpM1<Lanes512<float>, Vector512<float>>(v),
            "elu-derivative" => Activations.ELU.Derivative<Lanes512<float>, Vector512<float>, float>(v, v),
            "silu" => Activations.SiLU.Apply<Lanes512<float>, Vector512<float>, float>(v),
            "softplus" => Activations.Softplus.Apply<Lanes512<float>, Vector512<float>, float>(v),
            "relu-derivative" => Activations.ReLU.Derivative<Lanes512<float>, Vector512<float>, float>(v, v),
            "leaky-relu-derivative" => Activations.LeakyReLU.Derivative<Lanes512<float>, Vector512<float>, float>(v, v),
            "silu-derivative" => Activations.SiLU.Derivative<Lanes512<float>, Vector512<float>, float>(v, v),
            "softplus-derivative" => Activations.Softplus.Derivative<Lanes512<float>, Vector512<float>, float>(v, v),
            _ => ExpOfDifferenceReference<Lanes512<float>, Vector512<float>>(v, Vector512.Create(max)),
        };
        return ToArray(r);
    }

    /// <summary>Dense.ExpOfDifference's TwoSum correction around LaneMath's e^x for x &lt;= 0, the form RegisterMath writes.</summary>
    private static TV ExpOfDifferenceReference<TOps, TV>(TV z, TV max)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TV d = TOps.Subtract(z, max);
        TV zPart = TOps.Add(d, max);
        TV maxPart = TOps.Subtract(zPart, d);
        TV r = TOps.Add(TOps.Subtract(z, zPart), TOps.Subtract(maxPart, max));
        TV e = LaneMath.ExpNonPositive<TOps, TV>(d);
        return TOps.SelectEqual(r, r, TOps.MultiplyAdd(e, r, e), e);
    }

    private static float[] ToArray(Vector128<float> v)
    {
        var a = new float[4];
        v.CopyTo(a);
        return a;
    }

    private static float[] ToArray(Vector256<float> v)
    {
        var a = new float[8];
        v.CopyTo(a);
        return a;
    }

    private static float[] ToArray(Vector512<float> v)
    {
        var a = new float[16];
        v.CopyTo(a);
        return a;
    }
}
