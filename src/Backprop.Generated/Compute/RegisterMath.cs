#if NET8_0_OR_GREATER
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// Single-precision multiply-add, e^x for x &lt;= 0, a softmax's e^(z - max) and every element-wise activation on one <see cref="Vector128{T}"/>,
/// <see cref="Vector256{T}"/> or <see cref="Vector512{T}"/> register, written with the BCL's vector operations directly:
/// the helpers of the one-example code that the generator writes into a small network's own type (the units of a
/// layer held in registers, g applied once per register; the *InPlace forms apply g, or a softmax, to a layer's stored
/// registers in one call, compiled once per process whatever the network). They are <see cref="LaneMath"/>'s polynomials operation for
/// operation, so the results are bit for bit those of <see cref="LaneMath"/> on <see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/> and <see cref="Lanes512{T}"/> (the numerical tests compare every lane).
/// </summary>
/// <remarks>
/// Why a second spelling of the same formulas: generic code over <see cref="ILanes{TVector, T}"/> costs the JIT one
/// more inlined call per operation and a generic instantiation per width, and the one-example code of a small network
/// is compiled fully optimised in the first call. In a scratch console program on the 2-core AVX2 machine of
/// docs/performance.md, the digits network's pass (64-32-10, tanh, softmax, 256-bit registers) took 5.2-6.1 ms of
/// CPU time on its first call written with the BCL's vector operations directly, as these are, and 11.8-12.9 ms
/// with <see cref="LaneMath"/>'s generic forms, for the same steady state
/// (186-189 ns against 187-188 ns); docs/performance.md, "Time to the first result". Accuracy:
/// <see cref="LaneMath"/>'s remarks (relative error below 1e-6 wherever the result is a normal number; NaN for NaN).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RegisterMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float RoundingShift = 12582912f;
    private const float Scale = 5.42101086e-20f; // 2^-64

    /// <summary>g = sigmoid in place on <paramref name="registers"/> whole Vector128 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidInPlace128(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 4; r += 4)
        {
            Vector128.StoreUnsafe(Sigmoid(Vector128.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = tanh in place on <paramref name="registers"/> whole Vector128 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TanhInPlace128(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 4; r += 4)
        {
            Vector128.StoreUnsafe(Tanh(Vector128.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = LeakyReLU in place on <paramref name="registers"/> whole Vector128 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReLUInPlace128(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 4; r += 4)
        {
            Vector128.StoreUnsafe(LeakyReLU(Vector128.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = ELU in place on <paramref name="registers"/> whole Vector128 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ELUInPlace128(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 4; r += 4)
        {
            Vector128.StoreUnsafe(ELU(Vector128.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = SiLU in place on <paramref name="registers"/> whole Vector128 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SiLUInPlace128(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 4; r += 4)
        {
            Vector128.StoreUnsafe(SiLU(Vector128.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = softplus in place on <paramref name="registers"/> whole Vector128 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SoftplusInPlace128(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 4; r += 4)
        {
            Vector128.StoreUnsafe(Softplus(Vector128.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>
    /// softmax in place across the first <paramref name="units"/> values from <paramref name="y"/>, which holds whole
    /// Vector128 registers: e^(z_k - max z) (<see cref="ExpOfDifference(Vector128{float}, Vector128{float})"/>) / their sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxInPlace128(ref float y, int units)
    {
        float max = y;
        for (int k = 1; k < units; k++)
        {
            float z = Unsafe.Add(ref y, k);
            max = max > z ? max : z;
        }

        Vector128<float> maxima = Vector128.Create(max);
        for (nuint r = 0; r < (nuint)units; r += 4)
        {
            Vector128.StoreUnsafe(ExpOfDifference(Vector128.LoadUnsafe(ref y, r), maxima), ref y, r);
        }

        float sum = 0f;
        for (int k = 0; k < units; k++)
        {
            sum += Unsafe.Add(ref y, k);
        }

        float inverse = 1f / sum;
        for (int k = 0; k < units; k++)
        {
            Unsafe.Add(ref y, k) *= inverse;
        }
    }

    /// <summary>x * y + addend, fused where the CPU has FMA (as <see cref="Lanes128{T}.MultiplyAdd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> x, Vector128<float> y, Vector128<float> addend)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(x, y, addend);
        }

        if (AdvSimd.IsSupported)
        {
            return AdvSimd.FusedMultiplyAdd(addend, x, y);
        }
        return (x * y) + addend;
    }

    /// <summary>e^x per lane for x &lt;= 0 (<see cref="LaneMath"/>'s ExpNonPositive): 0 below -104, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpNonPositive(Vector128<float> x)
    {
        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        Vector128<float> shift = Vector128.Create(RoundingShift);
        Vector128<float> rounded = MultiplyAdd(x, Vector128.Create(Log2E), shift);
        Vector128<float> n = rounded - shift;
        Vector128<float> r = MultiplyAdd(n, Vector128.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector128.Create(-Ln2Low), r);

        // 2^-64 e^r = 2^-64 (1 + r + r^2 P(r)), Cephes expf's P in Estrin's form, times 2^(n + 64) built from the bits.
        Vector128<float> r2 = r * r;
        Vector128<float> p01 = MultiplyAdd(Vector128.Create(1.6666665459E-1f * Scale), r, Vector128.Create(5.0000001201E-1f * Scale));
        Vector128<float> p23 = MultiplyAdd(Vector128.Create(8.3334519073E-3f * Scale), r, Vector128.Create(4.1665795894E-2f * Scale));
        Vector128<float> p45 = MultiplyAdd(Vector128.Create(1.9875691500E-4f * Scale), r, Vector128.Create(1.3981999507E-3f * Scale));
        Vector128<float> r4 = r2 * r2;
        Vector128<float> p = MultiplyAdd(p45, r4, MultiplyAdd(p23, r2, p01));
        Vector128<float> scaled = MultiplyAdd(p, r2, MultiplyAdd(r, Vector128.Create(Scale), Vector128.Create(Scale)));
        Vector128<float> e = scaled * Vector128.ShiftLeft(rounded.AsInt32() + Vector128.Create(127 + 64 - 0x4B400000), 23).AsSingle();
        return Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Create(-104f), x), Vector128<float>.Zero, e);
    }

    /// <summary>
    /// e^(z - max) per lane for a softmax, z &lt;= max, with the rounding error r of d = z - max put back (Knuth's
    /// TwoSum, e^(d + r) = e^d (1 + r) to first order), as Dense.ExpOfDifference, with e^d from
    /// <see cref="ExpNonPositive(Vector128{float})"/> (d &lt;= 0); e^d for d = -infinity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpOfDifference(Vector128<float> z, Vector128<float> max)
    {
        Vector128<float> d = z - max;
        Vector128<float> zPart = d + max;
        Vector128<float> maxPart = zPart - d;
        Vector128<float> r = (z - zPart) + (maxPart - max);
        Vector128<float> e = ExpNonPositive(d);
        return Vector128.ConditionalSelect(Vector128.Equals(r, r), MultiplyAdd(e, r, e), e);
    }

    /// <summary>Activations.LeakyReLU on the register (its generic form: these four cost more to compile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LeakyReLU(Vector128<float> z) => Activations.LeakyReLU.Apply<Lanes128<float>, Vector128<float>, float>(z);

    /// <summary>Activations.ELU on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ELU(Vector128<float> z) => Activations.ELU.Apply<Lanes128<float>, Vector128<float>, float>(z);

    /// <summary>Activations.SiLU on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SiLU(Vector128<float> z) => Activations.SiLU.Apply<Lanes128<float>, Vector128<float>, float>(z);

    /// <summary>Activations.Softplus on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Softplus(Vector128<float> z) => Activations.Softplus.Apply<Lanes128<float>, Vector128<float>, float>(z);

    /// <summary>max(0, z) per lane, NaN for NaN (as Activations.ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ReLU(Vector128<float> z) => Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128<float>.Zero, z), Vector128<float>.Zero, z);

    /// <summary>sigmoid(z) = 1 / (1 + e^-z) per lane: 1 / (1 + e^-|z|), or e^-|z| / (1 + e^-|z|) for z &lt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z)
    {
        Vector128<float> one = Vector128.Create(1f);
        Vector128<float> e = ExpNonPositive(Vector128<float>.Zero - Vector128.Abs(z));
        return Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128<float>.Zero, z), e, one) / (one + e);
    }

    /// <summary>tanh(z) per lane: z P(z^2) / Q(z^2), +-1 above |z| = 7.9988, z itself for |z| &lt; 0.0004 (LaneMath.Tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> z)
    {
        Vector128<float> y = z * z;
        Vector128<float> y2 = y * y;
        Vector128<float> y4 = y2 * y2;
        Vector128<float> p01 = MultiplyAdd(Vector128.Create(LaneMath.TanhA3), y, Vector128.Create(LaneMath.TanhA1));
        Vector128<float> p23 = MultiplyAdd(Vector128.Create(LaneMath.TanhA7), y, Vector128.Create(LaneMath.TanhA5));
        Vector128<float> p45 = MultiplyAdd(Vector128.Create(LaneMath.TanhA11), y, Vector128.Create(LaneMath.TanhA9));
        Vector128<float> p = MultiplyAdd(MultiplyAdd(Vector128.Create(LaneMath.TanhA13), y2, p45), y4, MultiplyAdd(p23, y2, p01));
        Vector128<float> q = MultiplyAdd(
            MultiplyAdd(Vector128.Create(LaneMath.TanhB6), y, Vector128.Create(LaneMath.TanhB4)), y2, MultiplyAdd(Vector128.Create(LaneMath.TanhB2), y, Vector128.Create(LaneMath.TanhB0)));
        Vector128<float> t = (z * p) / q;
        Vector128<float> a = Vector128.Abs(z);
        Vector128<float> saturated = Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128<float>.Zero, z), Vector128.Create(-1f), Vector128.Create(1f));
        t = Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128.Create(LaneMath.TanhClamp)), saturated, t);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Create(LaneMath.TanhTiny), a), z, t);
    }

    /// <summary>g = sigmoid in place on <paramref name="registers"/> whole Vector256 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidInPlace256(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 8; r += 8)
        {
            Vector256.StoreUnsafe(Sigmoid(Vector256.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = tanh in place on <paramref name="registers"/> whole Vector256 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TanhInPlace256(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 8; r += 8)
        {
            Vector256.StoreUnsafe(Tanh(Vector256.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = LeakyReLU in place on <paramref name="registers"/> whole Vector256 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReLUInPlace256(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 8; r += 8)
        {
            Vector256.StoreUnsafe(LeakyReLU(Vector256.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = ELU in place on <paramref name="registers"/> whole Vector256 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ELUInPlace256(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 8; r += 8)
        {
            Vector256.StoreUnsafe(ELU(Vector256.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = SiLU in place on <paramref name="registers"/> whole Vector256 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SiLUInPlace256(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 8; r += 8)
        {
            Vector256.StoreUnsafe(SiLU(Vector256.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = softplus in place on <paramref name="registers"/> whole Vector256 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SoftplusInPlace256(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 8; r += 8)
        {
            Vector256.StoreUnsafe(Softplus(Vector256.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>
    /// softmax in place across the first <paramref name="units"/> values from <paramref name="y"/>, which holds whole
    /// Vector256 registers: e^(z_k - max z) (<see cref="ExpOfDifference(Vector256{float}, Vector256{float})"/>) / their sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxInPlace256(ref float y, int units)
    {
        float max = y;
        for (int k = 1; k < units; k++)
        {
            float z = Unsafe.Add(ref y, k);
            max = max > z ? max : z;
        }

        Vector256<float> maxima = Vector256.Create(max);
        for (nuint r = 0; r < (nuint)units; r += 8)
        {
            Vector256.StoreUnsafe(ExpOfDifference(Vector256.LoadUnsafe(ref y, r), maxima), ref y, r);
        }

        float sum = 0f;
        for (int k = 0; k < units; k++)
        {
            sum += Unsafe.Add(ref y, k);
        }

        float inverse = 1f / sum;
        for (int k = 0; k < units; k++)
        {
            Unsafe.Add(ref y, k) *= inverse;
        }
    }

    /// <summary>x * y + addend, fused where the CPU has FMA (as <see cref="Lanes256{T}.MultiplyAdd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> addend)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(x, y, addend);
        }
        return (x * y) + addend;
    }

    /// <summary>e^x per lane for x &lt;= 0 (<see cref="LaneMath"/>'s ExpNonPositive): 0 below -104, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        Vector256<float> shift = Vector256.Create(RoundingShift);
        Vector256<float> rounded = MultiplyAdd(x, Vector256.Create(Log2E), shift);
        Vector256<float> n = rounded - shift;
        Vector256<float> r = MultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector256.Create(-Ln2Low), r);

        // 2^-64 e^r = 2^-64 (1 + r + r^2 P(r)), Cephes expf's P in Estrin's form, times 2^(n + 64) built from the bits.
        Vector256<float> r2 = r * r;
        Vector256<float> p01 = MultiplyAdd(Vector256.Create(1.6666665459E-1f * Scale), r, Vector256.Create(5.0000001201E-1f * Scale));
        Vector256<float> p23 = MultiplyAdd(Vector256.Create(8.3334519073E-3f * Scale), r, Vector256.Create(4.1665795894E-2f * Scale));
        Vector256<float> p45 = MultiplyAdd(Vector256.Create(1.9875691500E-4f * Scale), r, Vector256.Create(1.3981999507E-3f * Scale));
        Vector256<float> r4 = r2 * r2;
        Vector256<float> p = MultiplyAdd(p45, r4, MultiplyAdd(p23, r2, p01));
        Vector256<float> scaled = MultiplyAdd(p, r2, MultiplyAdd(r, Vector256.Create(Scale), Vector256.Create(Scale)));
        Vector256<float> e = scaled * Vector256.ShiftLeft(rounded.AsInt32() + Vector256.Create(127 + 64 - 0x4B400000), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(-104f), x), Vector256<float>.Zero, e);
    }

    /// <summary>
    /// e^(z - max) per lane for a softmax, z &lt;= max, with the rounding error r of d = z - max put back (Knuth's
    /// TwoSum, e^(d + r) = e^d (1 + r) to first order), as Dense.ExpOfDifference, with e^d from
    /// <see cref="ExpNonPositive(Vector256{float})"/> (d &lt;= 0); e^d for d = -infinity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpOfDifference(Vector256<float> z, Vector256<float> max)
    {
        Vector256<float> d = z - max;
        Vector256<float> zPart = d + max;
        Vector256<float> maxPart = zPart - d;
        Vector256<float> r = (z - zPart) + (maxPart - max);
        Vector256<float> e = ExpNonPositive(d);
        return Vector256.ConditionalSelect(Vector256.Equals(r, r), MultiplyAdd(e, r, e), e);
    }

    /// <summary>Activations.LeakyReLU on the register (its generic form: these four cost more to compile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReLU(Vector256<float> z) => Activations.LeakyReLU.Apply<Lanes256<float>, Vector256<float>, float>(z);

    /// <summary>Activations.ELU on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ELU(Vector256<float> z) => Activations.ELU.Apply<Lanes256<float>, Vector256<float>, float>(z);

    /// <summary>Activations.SiLU on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLU(Vector256<float> z) => Activations.SiLU.Apply<Lanes256<float>, Vector256<float>, float>(z);

    /// <summary>Activations.Softplus on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Softplus(Vector256<float> z) => Activations.Softplus.Apply<Lanes256<float>, Vector256<float>, float>(z);

    /// <summary>max(0, z) per lane, NaN for NaN (as Activations.ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReLU(Vector256<float> z) => Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, z), Vector256<float>.Zero, z);

    /// <summary>sigmoid(z) = 1 / (1 + e^-z) per lane: 1 / (1 + e^-|z|), or e^-|z| / (1 + e^-|z|) for z &lt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z)
    {
        Vector256<float> one = Vector256.Create(1f);
        Vector256<float> e = ExpNonPositive(Vector256<float>.Zero - Vector256.Abs(z));
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, z), e, one) / (one + e);
    }

    /// <summary>tanh(z) per lane: z P(z^2) / Q(z^2), +-1 above |z| = 7.9988, z itself for |z| &lt; 0.0004 (LaneMath.Tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> z)
    {
        Vector256<float> y = z * z;
        Vector256<float> y2 = y * y;
        Vector256<float> y4 = y2 * y2;
        Vector256<float> p01 = MultiplyAdd(Vector256.Create(LaneMath.TanhA3), y, Vector256.Create(LaneMath.TanhA1));
        Vector256<float> p23 = MultiplyAdd(Vector256.Create(LaneMath.TanhA7), y, Vector256.Create(LaneMath.TanhA5));
        Vector256<float> p45 = MultiplyAdd(Vector256.Create(LaneMath.TanhA11), y, Vector256.Create(LaneMath.TanhA9));
        Vector256<float> p = MultiplyAdd(MultiplyAdd(Vector256.Create(LaneMath.TanhA13), y2, p45), y4, MultiplyAdd(p23, y2, p01));
        Vector256<float> q = MultiplyAdd(
            MultiplyAdd(Vector256.Create(LaneMath.TanhB6), y, Vector256.Create(LaneMath.TanhB4)), y2, MultiplyAdd(Vector256.Create(LaneMath.TanhB2), y, Vector256.Create(LaneMath.TanhB0)));
        Vector256<float> t = (z * p) / q;
        Vector256<float> a = Vector256.Abs(z);
        Vector256<float> saturated = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, z), Vector256.Create(-1f), Vector256.Create(1f));
        t = Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256.Create(LaneMath.TanhClamp)), saturated, t);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(LaneMath.TanhTiny), a), z, t);
    }

    /// <summary>g = sigmoid in place on <paramref name="registers"/> whole Vector512 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidInPlace512(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 16; r += 16)
        {
            Vector512.StoreUnsafe(Sigmoid(Vector512.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = tanh in place on <paramref name="registers"/> whole Vector512 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TanhInPlace512(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 16; r += 16)
        {
            Vector512.StoreUnsafe(Tanh(Vector512.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = LeakyReLU in place on <paramref name="registers"/> whole Vector512 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReLUInPlace512(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 16; r += 16)
        {
            Vector512.StoreUnsafe(LeakyReLU(Vector512.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = ELU in place on <paramref name="registers"/> whole Vector512 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ELUInPlace512(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 16; r += 16)
        {
            Vector512.StoreUnsafe(ELU(Vector512.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = SiLU in place on <paramref name="registers"/> whole Vector512 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SiLUInPlace512(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 16; r += 16)
        {
            Vector512.StoreUnsafe(SiLU(Vector512.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>g = softplus in place on <paramref name="registers"/> whole Vector512 registers from <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SoftplusInPlace512(ref float y, int registers)
    {
        for (nuint r = 0; r < (nuint)registers * 16; r += 16)
        {
            Vector512.StoreUnsafe(Softplus(Vector512.LoadUnsafe(ref y, r)), ref y, r);
        }
    }

    /// <summary>
    /// softmax in place across the first <paramref name="units"/> values from <paramref name="y"/>, which holds whole
    /// Vector512 registers: e^(z_k - max z) (<see cref="ExpOfDifference(Vector512{float}, Vector512{float})"/>) / their sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxInPlace512(ref float y, int units)
    {
        float max = y;
        for (int k = 1; k < units; k++)
        {
            float z = Unsafe.Add(ref y, k);
            max = max > z ? max : z;
        }

        Vector512<float> maxima = Vector512.Create(max);
        for (nuint r = 0; r < (nuint)units; r += 16)
        {
            Vector512.StoreUnsafe(ExpOfDifference(Vector512.LoadUnsafe(ref y, r), maxima), ref y, r);
        }

        float sum = 0f;
        for (int k = 0; k < units; k++)
        {
            sum += Unsafe.Add(ref y, k);
        }

        float inverse = 1f / sum;
        for (int k = 0; k < units; k++)
        {
            Unsafe.Add(ref y, k) *= inverse;
        }
    }

    /// <summary>x * y + addend, fused where the CPU has FMA (as <see cref="Lanes512{T}.MultiplyAdd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> x, Vector512<float> y, Vector512<float> addend)
    {
        if (Avx512F.IsSupported)
        {
            return Avx512F.FusedMultiplyAdd(x, y, addend);
        }
        return (x * y) + addend;
    }

    /// <summary>e^x per lane for x &lt;= 0 (<see cref="LaneMath"/>'s ExpNonPositive): 0 below -104, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositive(Vector512<float> x)
    {
        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        Vector512<float> shift = Vector512.Create(RoundingShift);
        Vector512<float> rounded = MultiplyAdd(x, Vector512.Create(Log2E), shift);
        Vector512<float> n = rounded - shift;
        Vector512<float> r = MultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = MultiplyAdd(n, Vector512.Create(-Ln2Low), r);

        // 2^-64 e^r = 2^-64 (1 + r + r^2 P(r)), Cephes expf's P in Estrin's form, times 2^(n + 64) built from the bits.
        Vector512<float> r2 = r * r;
        Vector512<float> p01 = MultiplyAdd(Vector512.Create(1.6666665459E-1f * Scale), r, Vector512.Create(5.0000001201E-1f * Scale));
        Vector512<float> p23 = MultiplyAdd(Vector512.Create(8.3334519073E-3f * Scale), r, Vector512.Create(4.1665795894E-2f * Scale));
        Vector512<float> p45 = MultiplyAdd(Vector512.Create(1.9875691500E-4f * Scale), r, Vector512.Create(1.3981999507E-3f * Scale));
        Vector512<float> r4 = r2 * r2;
        Vector512<float> p = MultiplyAdd(p45, r4, MultiplyAdd(p23, r2, p01));
        Vector512<float> scaled = MultiplyAdd(p, r2, MultiplyAdd(r, Vector512.Create(Scale), Vector512.Create(Scale)));
        Vector512<float> e = scaled * Vector512.ShiftLeft(rounded.AsInt32() + Vector512.Create(127 + 64 - 0x4B400000), 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(-104f), x), Vector512<float>.Zero, e);
    }

    /// <summary>
    /// e^(z - max) per lane for a softmax, z &lt;= max, with the rounding error r of d = z - max put back (Knuth's
    /// TwoSum, e^(d + r) = e^d (1 + r) to first order), as Dense.ExpOfDifference, with e^d from
    /// <see cref="ExpNonPositive(Vector512{float})"/> (d &lt;= 0); e^d for d = -infinity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpOfDifference(Vector512<float> z, Vector512<float> max)
    {
        Vector512<float> d = z - max;
        Vector512<float> zPart = d + max;
        Vector512<float> maxPart = zPart - d;
        Vector512<float> r = (z - zPart) + (maxPart - max);
        Vector512<float> e = ExpNonPositive(d);
        return Vector512.ConditionalSelect(Vector512.Equals(r, r), MultiplyAdd(e, r, e), e);
    }

    /// <summary>Activations.LeakyReLU on the register (its generic form: these four cost more to compile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyReLU(Vector512<float> z) => Activations.LeakyReLU.Apply<Lanes512<float>, Vector512<float>, float>(z);

    /// <summary>Activations.ELU on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ELU(Vector512<float> z) => Activations.ELU.Apply<Lanes512<float>, Vector512<float>, float>(z);

    /// <summary>Activations.SiLU on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiLU(Vector512<float> z) => Activations.SiLU.Apply<Lanes512<float>, Vector512<float>, float>(z);

    /// <summary>Activations.Softplus on the register (its generic form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Softplus(Vector512<float> z) => Activations.Softplus.Apply<Lanes512<float>, Vector512<float>, float>(z);

    /// <summary>max(0, z) per lane, NaN for NaN (as Activations.ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReLU(Vector512<float> z) => Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512<float>.Zero, z), Vector512<float>.Zero, z);

    /// <summary>sigmoid(z) = 1 / (1 + e^-z) per lane: 1 / (1 + e^-|z|), or e^-|z| / (1 + e^-|z|) for z &lt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> z)
    {
        Vector512<float> one = Vector512.Create(1f);
        Vector512<float> e = ExpNonPositive(Vector512<float>.Zero - Vector512.Abs(z));
        return Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512<float>.Zero, z), e, one) / (one + e);
    }

    /// <summary>tanh(z) per lane: z P(z^2) / Q(z^2), +-1 above |z| = 7.9988, z itself for |z| &lt; 0.0004 (LaneMath.Tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> z)
    {
        Vector512<float> y = z * z;
        Vector512<float> y2 = y * y;
        Vector512<float> y4 = y2 * y2;
        Vector512<float> p01 = MultiplyAdd(Vector512.Create(LaneMath.TanhA3), y, Vector512.Create(LaneMath.TanhA1));
        Vector512<float> p23 = MultiplyAdd(Vector512.Create(LaneMath.TanhA7), y, Vector512.Create(LaneMath.TanhA5));
        Vector512<float> p45 = MultiplyAdd(Vector512.Create(LaneMath.TanhA11), y, Vector512.Create(LaneMath.TanhA9));
        Vector512<float> p = MultiplyAdd(MultiplyAdd(Vector512.Create(LaneMath.TanhA13), y2, p45), y4, MultiplyAdd(p23, y2, p01));
        Vector512<float> q = MultiplyAdd(
            MultiplyAdd(Vector512.Create(LaneMath.TanhB6), y, Vector512.Create(LaneMath.TanhB4)), y2, MultiplyAdd(Vector512.Create(LaneMath.TanhB2), y, Vector512.Create(LaneMath.TanhB0)));
        Vector512<float> t = (z * p) / q;
        Vector512<float> a = Vector512.Abs(z);
        Vector512<float> saturated = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512<float>.Zero, z), Vector512.Create(-1f), Vector512.Create(1f));
        t = Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512.Create(LaneMath.TanhClamp)), saturated, t);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(LaneMath.TanhTiny), a), z, t);
    }
}
#endif
