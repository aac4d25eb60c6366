#if NET8_0_OR_GREATER
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// Single-precision multiply-add, e^x (for x &lt;= 0, and over the whole range), e^x - 1, log(1 + x), a softmax's
/// e^(z - max), every element-wise activation and the derivatives of ReLU, leaky ReLU, ELU, SiLU and softplus on one
/// <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> or <see cref="Vector512{T}"/> register, written with the BCL's
/// vector operations directly: the helpers of the code that the generator writes into a network's own type (the
/// one-example pass of small networks, the units of a layer held in registers, g applied once per register; the
/// register blocks of tiny networks' batches and training, whose losses take e^x and log1p; the *InPlace forms apply g,
/// or a softmax, to a layer's stored registers in one call, compiled once per process whatever the network). They are <see cref="LaneMath"/>'s polynomials operation for
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
    private const float LeakyReLUSlope = (float)Internals.ActivationFunctions.LeakyReLUSlope;

    /// <summary>
    /// The first <paramref name="length"/> elements of <paramref name="space"/> that start on a 64-byte boundary: a
    /// layer's stack buffer, so that no 512-bit store to it, or 256-bit one, straddles two cache lines (stack memory is
    /// only 16-byte aligned; a straddling store cannot forward to the next layer's loads, and the one-example pass of
    /// W2 took 34 ns instead of 23 ns in the processes whose stack fell so).
    /// </summary>
    /// <param name="space">At least <paramref name="length"/> + 15 elements (a stackalloc of that many).</param>
    /// <param name="length">The elements wanted.</param>
    /// <returns>A span of <paramref name="length"/> elements inside <paramref name="space"/>, 64-byte aligned.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static System.Span<float> Aligned64(System.Span<float> space, int length) => Aligned64<float>(space, length);

    /// <summary>As <see cref="Aligned64(System.Span{float}, int)"/> for double precision.</summary>
    /// <param name="space">At least <paramref name="length"/> + 7 elements (a stackalloc of that many).</param>
    /// <param name="length">The elements wanted.</param>
    /// <returns>A span of <paramref name="length"/> elements inside <paramref name="space"/>, 64-byte aligned.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static System.Span<double> Aligned64(System.Span<double> space, int length) => Aligned64<double>(space, length);

    /// <summary>The 64-byte aligned start of a stack buffer of any element type (at least length + 64 / sizeof(T) - 1 elements).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static System.Span<T> Aligned64<T>(System.Span<T> space, int length)
        where T : unmanaged
    {
        System.Diagnostics.Debug.Assert(space.Length >= length + (64 / Unsafe.SizeOf<T>()) - 1, "the buffer has no room to align");
        ref T start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(space);
        nuint address = (nuint)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref start);
        nuint skip = ((0 - address) & 63) / (nuint)Unsafe.SizeOf<T>();
        return System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, skip), length);
    }

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

    /// <summary>
    /// e^x per lane (<see cref="LaneMath"/>'s Exp, operation for operation): x clamped to [-104, 88.8] without losing
    /// NaN, Cody-Waite reduction, Cephes expf's polynomial, 2^n applied as two normal factors, so the result overflows
    /// to +infinity above about 88.72 and falls through the subnormals to 0 below about -87.3; NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> hi = Vector128.Create(88.8f);
        Vector128<float> lo = Vector128.Create(-104f);
        Vector128<float> clamped = Vector128.ConditionalSelect(
            Vector128.GreaterThan(x, hi), hi, Vector128.ConditionalSelect(Vector128.GreaterThan(lo, x), lo, x));

        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        Vector128<float> shift = Vector128.Create(RoundingShift);
        Vector128<float> n = MultiplyAdd(clamped, Vector128.Create(Log2E), shift) - shift;
        Vector128<float> r = MultiplyAdd(n, Vector128.Create(-Ln2High), clamped);
        r = MultiplyAdd(n, Vector128.Create(-Ln2Low), r);

        // e^r = 1 + r + r^2 (1/2 + r (1/6 + ...)), Cephes expf coefficients.
        Vector128<float> p = Vector128.Create(1.9875691500E-4f);
        p = MultiplyAdd(p, r, Vector128.Create(1.3981999507E-3f));
        p = MultiplyAdd(p, r, Vector128.Create(8.3334519073E-3f));
        p = MultiplyAdd(p, r, Vector128.Create(4.1665795894E-2f));
        p = MultiplyAdd(p, r, Vector128.Create(1.6666665459E-1f));
        p = MultiplyAdd(p, r, Vector128.Create(5.0000001201E-1f));
        Vector128<float> one = Vector128.Create(1f);
        p = MultiplyAdd(p, r * r, r + one);

        // 2^n = 2^n1 2^n2 with n1 = round(n / 2): both factors stay normal for n in [-150, 128].
        Vector128<float> n1 = MultiplyAdd(n, Vector128.Create(0.5f), shift) - shift;
        Vector128<float> n2 = n - n1;
        Vector128<float> result = p * PowerOfTwo(n1) * PowerOfTwo(n2);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), result, x);
    }

    /// <summary>
    /// log(1 + x) per lane for x &gt;= -1 (<see cref="LaneMath"/>'s Log1P, operation for operation): log(u), u = 1 + x,
    /// plus the rounding error of u to first order, with Cephes logf's polynomial. log1p(-1) = -infinity,
    /// log1p(+infinity) = +infinity, NaN below -1 and for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log1P(Vector128<float> x)
    {
        Vector128<float> one = Vector128.Create(1f);
        Vector128<float> u = one + x;
        Vector128<float> correction = (x - (u - one)) / u;

        // u = m 2^e, m in [1, 2); fold m above sqrt(2) to m / 2 (exact) so that f = m - 1 is in [-0.293, 0.414].
        Vector128<int> bits = u.AsInt32();
        Vector128<float> e = Vector128.ConvertToSingle(Vector128.ShiftRightArithmetic(bits, 23) - Vector128.Create(127));
        Vector128<float> m = ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F800000)).AsSingle();
        Vector128<float> above = Vector128.GreaterThan(m, Vector128.Create(1.41421356f));
        Vector128<float> high = Vector128.ConditionalSelect(above, one, Vector128<float>.Zero);
        m = Vector128.ConditionalSelect(above, m * Vector128.Create(0.5f), m);
        e += high;
        Vector128<float> f = m - one;

        // log(1 + f) = f - f^2 / 2 + f^3 P(f), Cephes logf coefficients.
        Vector128<float> f2 = f * f;
        Vector128<float> p = Vector128.Create(7.0376836292E-2f);
        p = MultiplyAdd(p, f, Vector128.Create(-1.1514610310E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(1.1676998740E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(-1.2420140846E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(1.4249322787E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(-1.6668057665E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(2.0000714765E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(-2.4999993993E-1f));
        p = MultiplyAdd(p, f, Vector128.Create(3.3333331174E-1f));
        Vector128<float> tail = MultiplyAdd(p * f, f2, MultiplyAdd(e, Vector128.Create(Ln2Low), correction));
        tail = MultiplyAdd(f2, Vector128.Create(-0.5f), tail);
        Vector128<float> result = MultiplyAdd(e, Vector128.Create(Ln2High), f + tail);

        // The bit split reads u = 0 and u = infinity as exponents -127 and 128; a negative u (x < -1) is NaN.
        result = Vector128.ConditionalSelect(Vector128.Equals(u, Vector128<float>.Zero), Vector128.Create(float.NegativeInfinity), result);
        result = Vector128.ConditionalSelect(Vector128.Equals(u, Vector128.Create(float.PositiveInfinity)), u, result);
        result = Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128<float>.Zero, u), Vector128.Create(float.NaN), result);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), result, x);
    }

    /// <summary>2^n per lane for an integral n in [-126, 127] (as Lanes128's ScaleByPowerOfTwo).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> PowerOfTwo(Vector128<float> n) =>
        Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();

    /// <summary>LeakyReLU(z) = z for z &gt; 0, else 0.01 z per lane (as Activations.LeakyReLU); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LeakyReLU(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, z * Vector128.Create(LeakyReLUSlope));

    /// <summary>ELU(z) = z for z &gt; 0, else e^z - 1, per lane (as Activations.ELU, with <see cref="ExpM1(Vector128{float})"/>); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ELU(Vector128<float> z) => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, ExpM1(z));

    /// <summary>ELU'(z): 1 for z &gt; 0, else a + 1 with a = ELU(z) = e^z - 1, per lane (as Activations.ELU.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ELUDerivative(Vector128<float> z, Vector128<float> a) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(1f), a + Vector128.Create(1f));

    /// <summary>
    /// e^x - 1 per lane (<see cref="LaneMath"/>'s ExpM1, operation for operation): 2t / (1 - t) with t = tanh(x / 2) for
    /// x &lt;= 0.5, so that small x keep their relative precision, else <see cref="Exp(Vector128{float})"/> - 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpM1(Vector128<float> x)
    {
        Vector128<float> one = Vector128.Create(1f);
        Vector128<float> t = TanhViaExp(x * Vector128.Create(0.5f));
        Vector128<float> result = (t + t) / (one - t);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(0.5f)), Exp(x) - one, result);
    }

    /// <summary>
    /// tanh(z) per lane as <see cref="LaneMath"/>'s TanhViaExp, the form e^x - 1 builds on: Cephes tanhf's z + z^3 P(z^2)
    /// below |z| = 0.625, (1 - e) / (1 + e) with e = e^-2|z| above, then the sign of z.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TanhViaExp(Vector128<float> z)
    {
        Vector128<float> one = Vector128.Create(1f);
        Vector128<float> a = Vector128.Abs(z);
        Vector128<float> e = ExpNonPositive(a * Vector128.Create(-2f));
        Vector128<float> large = (one - e) / (one + e);
        large = Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128<float>.Zero, z), Vector128<float>.Zero - large, large);
        Vector128<float> s = z * z;
        Vector128<float> p = Vector128.Create(-5.70498872745E-3f);
        p = MultiplyAdd(p, s, Vector128.Create(2.06390887954E-2f));
        p = MultiplyAdd(p, s, Vector128.Create(-5.37397155531E-2f));
        p = MultiplyAdd(p, s, Vector128.Create(1.33314422036E-1f));
        p = MultiplyAdd(p, s, Vector128.Create(-3.33332819422E-1f));
        Vector128<float> small = MultiplyAdd(p * s, z, z);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Create(0.625f), a), small, large);
    }

    /// <summary>SiLU(z) = z sigmoid(z) per lane (as Activations.SiLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SiLU(Vector128<float> z) => z * Sigmoid(z);

    /// <summary>
    /// softplus(z) = log(1 + e^z) per lane as max(z, 0) + log1p(e^-|z|) (as Activations.Softplus): nothing overflows,
    /// and very negative z give e^z to full relative precision; NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Softplus(Vector128<float> z)
    {
        Vector128<float> positive = Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, Vector128<float>.Zero);
        Vector128<float> result = positive + Log1P(Exp(Vector128<float>.Zero - Vector128.Abs(z)));
        return Vector128.ConditionalSelect(Vector128.Equals(z, z), result, z);
    }

    /// <summary>ReLU'(z): 1 for z &gt; 0, else 0, per lane (as Activations.ReLU.Derivative); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ReLUDerivative(Vector128<float> z) =>
        Vector128.ConditionalSelect(
            Vector128.Equals(z, z), Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(1f), Vector128<float>.Zero), z);

    /// <summary>LeakyReLU'(z): 1 for z &gt; 0, else 0.01, per lane (as Activations.LeakyReLU.Derivative); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LeakyReLUDerivative(Vector128<float> z) =>
        Vector128.ConditionalSelect(
            Vector128.Equals(z, z),
            Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(1f), Vector128.Create(LeakyReLUSlope)),
            z);

    /// <summary>SiLU'(z) = s (1 + z (1 - s)), s = sigmoid(z), per lane (as Activations.SiLU.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SiLUDerivative(Vector128<float> z)
    {
        Vector128<float> one = Vector128.Create(1f);
        Vector128<float> s = Sigmoid(z);
        return s * MultiplyAdd(z, one - s, one);
    }

    /// <summary>softplus'(z) = sigmoid(z) per lane (as Activations.Softplus.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SoftplusDerivative(Vector128<float> z) => Sigmoid(z);

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

    /// <summary>
    /// e^x per lane (<see cref="LaneMath"/>'s Exp, operation for operation): x clamped to [-104, 88.8] without losing
    /// NaN, Cody-Waite reduction, Cephes expf's polynomial, 2^n applied as two normal factors, so the result overflows
    /// to +infinity above about 88.72 and falls through the subnormals to 0 below about -87.3; NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> hi = Vector256.Create(88.8f);
        Vector256<float> lo = Vector256.Create(-104f);
        Vector256<float> clamped = Vector256.ConditionalSelect(
            Vector256.GreaterThan(x, hi), hi, Vector256.ConditionalSelect(Vector256.GreaterThan(lo, x), lo, x));

        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        Vector256<float> shift = Vector256.Create(RoundingShift);
        Vector256<float> n = MultiplyAdd(clamped, Vector256.Create(Log2E), shift) - shift;
        Vector256<float> r = MultiplyAdd(n, Vector256.Create(-Ln2High), clamped);
        r = MultiplyAdd(n, Vector256.Create(-Ln2Low), r);

        // e^r = 1 + r + r^2 (1/2 + r (1/6 + ...)), Cephes expf coefficients.
        Vector256<float> p = Vector256.Create(1.9875691500E-4f);
        p = MultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = MultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = MultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = MultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = MultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        Vector256<float> one = Vector256.Create(1f);
        p = MultiplyAdd(p, r * r, r + one);

        // 2^n = 2^n1 2^n2 with n1 = round(n / 2): both factors stay normal for n in [-150, 128].
        Vector256<float> n1 = MultiplyAdd(n, Vector256.Create(0.5f), shift) - shift;
        Vector256<float> n2 = n - n1;
        Vector256<float> result = p * PowerOfTwo(n1) * PowerOfTwo(n2);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>
    /// log(1 + x) per lane for x &gt;= -1 (<see cref="LaneMath"/>'s Log1P, operation for operation): log(u), u = 1 + x,
    /// plus the rounding error of u to first order, with Cephes logf's polynomial. log1p(-1) = -infinity,
    /// log1p(+infinity) = +infinity, NaN below -1 and for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1P(Vector256<float> x)
    {
        Vector256<float> one = Vector256.Create(1f);
        Vector256<float> u = one + x;
        Vector256<float> correction = (x - (u - one)) / u;

        // u = m 2^e, m in [1, 2); fold m above sqrt(2) to m / 2 (exact) so that f = m - 1 is in [-0.293, 0.414].
        Vector256<int> bits = u.AsInt32();
        Vector256<float> e = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127));
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        Vector256<float> above = Vector256.GreaterThan(m, Vector256.Create(1.41421356f));
        Vector256<float> high = Vector256.ConditionalSelect(above, one, Vector256<float>.Zero);
        m = Vector256.ConditionalSelect(above, m * Vector256.Create(0.5f), m);
        e += high;
        Vector256<float> f = m - one;

        // log(1 + f) = f - f^2 / 2 + f^3 P(f), Cephes logf coefficients.
        Vector256<float> f2 = f * f;
        Vector256<float> p = Vector256.Create(7.0376836292E-2f);
        p = MultiplyAdd(p, f, Vector256.Create(-1.1514610310E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(1.1676998740E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(-1.2420140846E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(1.4249322787E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(-1.6668057665E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(2.0000714765E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(-2.4999993993E-1f));
        p = MultiplyAdd(p, f, Vector256.Create(3.3333331174E-1f));
        Vector256<float> tail = MultiplyAdd(p * f, f2, MultiplyAdd(e, Vector256.Create(Ln2Low), correction));
        tail = MultiplyAdd(f2, Vector256.Create(-0.5f), tail);
        Vector256<float> result = MultiplyAdd(e, Vector256.Create(Ln2High), f + tail);

        // The bit split reads u = 0 and u = infinity as exponents -127 and 128; a negative u (x < -1) is NaN.
        result = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<float>.Zero), Vector256.Create(float.NegativeInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256.Create(float.PositiveInfinity)), u, result);
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, u), Vector256.Create(float.NaN), result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>2^n per lane for an integral n in [-126, 127] (as Lanes256's ScaleByPowerOfTwo).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PowerOfTwo(Vector256<float> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();

    /// <summary>LeakyReLU(z) = z for z &gt; 0, else 0.01 z per lane (as Activations.LeakyReLU); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReLU(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, z * Vector256.Create(LeakyReLUSlope));

    /// <summary>ELU(z) = z for z &gt; 0, else e^z - 1, per lane (as Activations.ELU, with <see cref="ExpM1(Vector256{float})"/>); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ELU(Vector256<float> z) => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, ExpM1(z));

    /// <summary>ELU'(z): 1 for z &gt; 0, else a + 1 with a = ELU(z) = e^z - 1, per lane (as Activations.ELU.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ELUDerivative(Vector256<float> z, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(1f), a + Vector256.Create(1f));

    /// <summary>
    /// e^x - 1 per lane (<see cref="LaneMath"/>'s ExpM1, operation for operation): 2t / (1 - t) with t = tanh(x / 2) for
    /// x &lt;= 0.5, so that small x keep their relative precision, else <see cref="Exp(Vector256{float})"/> - 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpM1(Vector256<float> x)
    {
        Vector256<float> one = Vector256.Create(1f);
        Vector256<float> t = TanhViaExp(x * Vector256.Create(0.5f));
        Vector256<float> result = (t + t) / (one - t);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(0.5f)), Exp(x) - one, result);
    }

    /// <summary>
    /// tanh(z) per lane as <see cref="LaneMath"/>'s TanhViaExp, the form e^x - 1 builds on: Cephes tanhf's z + z^3 P(z^2)
    /// below |z| = 0.625, (1 - e) / (1 + e) with e = e^-2|z| above, then the sign of z.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TanhViaExp(Vector256<float> z)
    {
        Vector256<float> one = Vector256.Create(1f);
        Vector256<float> a = Vector256.Abs(z);
        Vector256<float> e = ExpNonPositive(a * Vector256.Create(-2f));
        Vector256<float> large = (one - e) / (one + e);
        large = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, z), Vector256<float>.Zero - large, large);
        Vector256<float> s = z * z;
        Vector256<float> p = Vector256.Create(-5.70498872745E-3f);
        p = MultiplyAdd(p, s, Vector256.Create(2.06390887954E-2f));
        p = MultiplyAdd(p, s, Vector256.Create(-5.37397155531E-2f));
        p = MultiplyAdd(p, s, Vector256.Create(1.33314422036E-1f));
        p = MultiplyAdd(p, s, Vector256.Create(-3.33332819422E-1f));
        Vector256<float> small = MultiplyAdd(p * s, z, z);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(0.625f), a), small, large);
    }

    /// <summary>SiLU(z) = z sigmoid(z) per lane (as Activations.SiLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLU(Vector256<float> z) => z * Sigmoid(z);

    /// <summary>
    /// softplus(z) = log(1 + e^z) per lane as max(z, 0) + log1p(e^-|z|) (as Activations.Softplus): nothing overflows,
    /// and very negative z give e^z to full relative precision; NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Softplus(Vector256<float> z)
    {
        Vector256<float> positive = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, Vector256<float>.Zero);
        Vector256<float> result = positive + Log1P(Exp(Vector256<float>.Zero - Vector256.Abs(z)));
        return Vector256.ConditionalSelect(Vector256.Equals(z, z), result, z);
    }

    /// <summary>ReLU'(z): 1 for z &gt; 0, else 0, per lane (as Activations.ReLU.Derivative); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReLUDerivative(Vector256<float> z) =>
        Vector256.ConditionalSelect(
            Vector256.Equals(z, z), Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(1f), Vector256<float>.Zero), z);

    /// <summary>LeakyReLU'(z): 1 for z &gt; 0, else 0.01, per lane (as Activations.LeakyReLU.Derivative); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReLUDerivative(Vector256<float> z) =>
        Vector256.ConditionalSelect(
            Vector256.Equals(z, z),
            Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(1f), Vector256.Create(LeakyReLUSlope)),
            z);

    /// <summary>SiLU'(z) = s (1 + z (1 - s)), s = sigmoid(z), per lane (as Activations.SiLU.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLUDerivative(Vector256<float> z)
    {
        Vector256<float> one = Vector256.Create(1f);
        Vector256<float> s = Sigmoid(z);
        return s * MultiplyAdd(z, one - s, one);
    }

    /// <summary>softplus'(z) = sigmoid(z) per lane (as Activations.Softplus.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SoftplusDerivative(Vector256<float> z) => Sigmoid(z);

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

    /// <summary>
    /// e^x per lane (<see cref="LaneMath"/>'s Exp, operation for operation): x clamped to [-104, 88.8] without losing
    /// NaN, Cody-Waite reduction, Cephes expf's polynomial, 2^n applied as two normal factors, so the result overflows
    /// to +infinity above about 88.72 and falls through the subnormals to 0 below about -87.3; NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> hi = Vector512.Create(88.8f);
        Vector512<float> lo = Vector512.Create(-104f);
        Vector512<float> clamped = Vector512.ConditionalSelect(
            Vector512.GreaterThan(x, hi), hi, Vector512.ConditionalSelect(Vector512.GreaterThan(lo, x), lo, x));

        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        Vector512<float> shift = Vector512.Create(RoundingShift);
        Vector512<float> n = MultiplyAdd(clamped, Vector512.Create(Log2E), shift) - shift;
        Vector512<float> r = MultiplyAdd(n, Vector512.Create(-Ln2High), clamped);
        r = MultiplyAdd(n, Vector512.Create(-Ln2Low), r);

        // e^r = 1 + r + r^2 (1/2 + r (1/6 + ...)), Cephes expf coefficients.
        Vector512<float> p = Vector512.Create(1.9875691500E-4f);
        p = MultiplyAdd(p, r, Vector512.Create(1.3981999507E-3f));
        p = MultiplyAdd(p, r, Vector512.Create(8.3334519073E-3f));
        p = MultiplyAdd(p, r, Vector512.Create(4.1665795894E-2f));
        p = MultiplyAdd(p, r, Vector512.Create(1.6666665459E-1f));
        p = MultiplyAdd(p, r, Vector512.Create(5.0000001201E-1f));
        Vector512<float> one = Vector512.Create(1f);
        p = MultiplyAdd(p, r * r, r + one);

        // 2^n = 2^n1 2^n2 with n1 = round(n / 2): both factors stay normal for n in [-150, 128].
        Vector512<float> n1 = MultiplyAdd(n, Vector512.Create(0.5f), shift) - shift;
        Vector512<float> n2 = n - n1;
        Vector512<float> result = p * PowerOfTwo(n1) * PowerOfTwo(n2);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>
    /// log(1 + x) per lane for x &gt;= -1 (<see cref="LaneMath"/>'s Log1P, operation for operation): log(u), u = 1 + x,
    /// plus the rounding error of u to first order, with Cephes logf's polynomial. log1p(-1) = -infinity,
    /// log1p(+infinity) = +infinity, NaN below -1 and for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log1P(Vector512<float> x)
    {
        Vector512<float> one = Vector512.Create(1f);
        Vector512<float> u = one + x;
        Vector512<float> correction = (x - (u - one)) / u;

        // u = m 2^e, m in [1, 2); fold m above sqrt(2) to m / 2 (exact) so that f = m - 1 is in [-0.293, 0.414].
        Vector512<int> bits = u.AsInt32();
        Vector512<float> e = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(bits, 23) - Vector512.Create(127));
        Vector512<float> m = ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F800000)).AsSingle();
        Vector512<float> above = Vector512.GreaterThan(m, Vector512.Create(1.41421356f));
        Vector512<float> high = Vector512.ConditionalSelect(above, one, Vector512<float>.Zero);
        m = Vector512.ConditionalSelect(above, m * Vector512.Create(0.5f), m);
        e += high;
        Vector512<float> f = m - one;

        // log(1 + f) = f - f^2 / 2 + f^3 P(f), Cephes logf coefficients.
        Vector512<float> f2 = f * f;
        Vector512<float> p = Vector512.Create(7.0376836292E-2f);
        p = MultiplyAdd(p, f, Vector512.Create(-1.1514610310E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(1.1676998740E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(-1.2420140846E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(1.4249322787E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(-1.6668057665E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(2.0000714765E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(-2.4999993993E-1f));
        p = MultiplyAdd(p, f, Vector512.Create(3.3333331174E-1f));
        Vector512<float> tail = MultiplyAdd(p * f, f2, MultiplyAdd(e, Vector512.Create(Ln2Low), correction));
        tail = MultiplyAdd(f2, Vector512.Create(-0.5f), tail);
        Vector512<float> result = MultiplyAdd(e, Vector512.Create(Ln2High), f + tail);

        // The bit split reads u = 0 and u = infinity as exponents -127 and 128; a negative u (x < -1) is NaN.
        result = Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<float>.Zero), Vector512.Create(float.NegativeInfinity), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(u, Vector512.Create(float.PositiveInfinity)), u, result);
        result = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512<float>.Zero, u), Vector512.Create(float.NaN), result);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>2^n per lane for an integral n in [-126, 127] (as Lanes512's ScaleByPowerOfTwo).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PowerOfTwo(Vector512<float> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();

    /// <summary>LeakyReLU(z) = z for z &gt; 0, else 0.01 z per lane (as Activations.LeakyReLU); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyReLU(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, z * Vector512.Create(LeakyReLUSlope));

    /// <summary>ELU(z) = z for z &gt; 0, else e^z - 1, per lane (as Activations.ELU, with <see cref="ExpM1(Vector512{float})"/>); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ELU(Vector512<float> z) => Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, ExpM1(z));

    /// <summary>ELU'(z): 1 for z &gt; 0, else a + 1 with a = ELU(z) = e^z - 1, per lane (as Activations.ELU.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ELUDerivative(Vector512<float> z, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(1f), a + Vector512.Create(1f));

    /// <summary>
    /// e^x - 1 per lane (<see cref="LaneMath"/>'s ExpM1, operation for operation): 2t / (1 - t) with t = tanh(x / 2) for
    /// x &lt;= 0.5, so that small x keep their relative precision, else <see cref="Exp(Vector512{float})"/> - 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpM1(Vector512<float> x)
    {
        Vector512<float> one = Vector512.Create(1f);
        Vector512<float> t = TanhViaExp(x * Vector512.Create(0.5f));
        Vector512<float> result = (t + t) / (one - t);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(0.5f)), Exp(x) - one, result);
    }

    /// <summary>
    /// tanh(z) per lane as <see cref="LaneMath"/>'s TanhViaExp, the form e^x - 1 builds on: Cephes tanhf's z + z^3 P(z^2)
    /// below |z| = 0.625, (1 - e) / (1 + e) with e = e^-2|z| above, then the sign of z.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TanhViaExp(Vector512<float> z)
    {
        Vector512<float> one = Vector512.Create(1f);
        Vector512<float> a = Vector512.Abs(z);
        Vector512<float> e = ExpNonPositive(a * Vector512.Create(-2f));
        Vector512<float> large = (one - e) / (one + e);
        large = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512<float>.Zero, z), Vector512<float>.Zero - large, large);
        Vector512<float> s = z * z;
        Vector512<float> p = Vector512.Create(-5.70498872745E-3f);
        p = MultiplyAdd(p, s, Vector512.Create(2.06390887954E-2f));
        p = MultiplyAdd(p, s, Vector512.Create(-5.37397155531E-2f));
        p = MultiplyAdd(p, s, Vector512.Create(1.33314422036E-1f));
        p = MultiplyAdd(p, s, Vector512.Create(-3.33332819422E-1f));
        Vector512<float> small = MultiplyAdd(p * s, z, z);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(0.625f), a), small, large);
    }

    /// <summary>SiLU(z) = z sigmoid(z) per lane (as Activations.SiLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiLU(Vector512<float> z) => z * Sigmoid(z);

    /// <summary>
    /// softplus(z) = log(1 + e^z) per lane as max(z, 0) + log1p(e^-|z|) (as Activations.Softplus): nothing overflows,
    /// and very negative z give e^z to full relative precision; NaN for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Softplus(Vector512<float> z)
    {
        Vector512<float> positive = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, Vector512<float>.Zero);
        Vector512<float> result = positive + Log1P(Exp(Vector512<float>.Zero - Vector512.Abs(z)));
        return Vector512.ConditionalSelect(Vector512.Equals(z, z), result, z);
    }

    /// <summary>ReLU'(z): 1 for z &gt; 0, else 0, per lane (as Activations.ReLU.Derivative); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReLUDerivative(Vector512<float> z) =>
        Vector512.ConditionalSelect(
            Vector512.Equals(z, z), Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(1f), Vector512<float>.Zero), z);

    /// <summary>LeakyReLU'(z): 1 for z &gt; 0, else 0.01, per lane (as Activations.LeakyReLU.Derivative); NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyReLUDerivative(Vector512<float> z) =>
        Vector512.ConditionalSelect(
            Vector512.Equals(z, z),
            Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(1f), Vector512.Create(LeakyReLUSlope)),
            z);

    /// <summary>SiLU'(z) = s (1 + z (1 - s)), s = sigmoid(z), per lane (as Activations.SiLU.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiLUDerivative(Vector512<float> z)
    {
        Vector512<float> one = Vector512.Create(1f);
        Vector512<float> s = Sigmoid(z);
        return s * MultiplyAdd(z, one - s, one);
    }

    /// <summary>softplus'(z) = sigmoid(z) per lane (as Activations.Softplus.Derivative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SoftplusDerivative(Vector512<float> z) => Sigmoid(z);

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
