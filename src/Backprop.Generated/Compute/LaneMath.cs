#if NET8_0_OR_GREATER
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Compute;

/// <summary>
/// Single-precision exp, sigmoid, tanh, e^x - 1, log(1 + x) and softplus written once over
/// <see cref="ILanes{TVector, T}"/>, so the 512-, 256-, 128-bit and scalar paths evaluate the same polynomials. Every
/// function returns NaN for a NaN lane.
/// </summary>
/// <remarks>
/// <para>
/// exp: Cody-Waite range reduction x = n ln 2 + r with |r| &lt;= ln(2)/2, then Cephes' degree-7 polynomial for e^r
/// (expf.c, S. L. Moshier), then 2^n applied as two exact power-of-two factors so that results down to the subnormal
/// range and up to overflow are right; x above 88.8 gives +infinity and below -104 gives 0.
/// tanh: Eigen 3.4's rational approximation z P(z^2) / Q(z^2) (no e^x), +-1 above |z| = 7.9988, z below 0.0004.
/// sigmoid: 1 / (1 + e^-|z|), and e^-|z| times that for z &lt; 0, so neither side overflows or cancels; it takes e^-|z|
/// from <see cref="ExpNonPositive{TOps, TV}"/>, the same polynomial with less latency.
/// e^x - 1: 2t / (1 - t) with t = tanh(x / 2) up to x = 0.5 (accurate near 0, where e^x - 1 cancels), e^x - 1 above;
/// its t is Cephes' tanh (odd polynomial of tanhf.c for |z| &lt; 0.625, else (1 - e) / (1 + e) with e = e^(-2|z|)), whose
/// relative error near 0 is smaller.
/// </para>
/// <para>
/// Measured errors against double precision are in docs/performance.md and checked by the numerical tests
/// (relative error below 1e-6 wherever the double-precision value is a normal single-precision number).
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LaneMath
{
    private const float Log2E = 1.44269504088896341f;

    // ln 2 split in two: C1 has few enough bits that n * C1 is exact for |n| <= 256.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    // 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer.
    private const float RoundingShift = 12582912f;

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TOps, TV>(TV x)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        // Clamp without losing NaN: a NaN compares false and passes through unchanged.
        TV hi = TOps.Broadcast(88.8f);
        TV lo = TOps.Broadcast(-104f);
        TV clamped = TOps.SelectGreater(x, hi, hi, TOps.SelectGreater(lo, x, lo, x));

        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite).
        TV shift = TOps.Broadcast(RoundingShift);
        TV n = TOps.Subtract(TOps.MultiplyAdd(clamped, TOps.Broadcast(Log2E), shift), shift);
        TV r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2High), clamped);
        r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2Low), r);

        // e^r = 1 + r + r^2 (1/2 + r (1/6 + ...)), Cephes expf coefficients.
        TV p = TOps.Broadcast(1.9875691500E-4f);
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(1.3981999507E-3f));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(8.3334519073E-3f));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(4.1665795894E-2f));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(1.6666665459E-1f));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(5.0000001201E-1f));
        TV one = TOps.Broadcast(1f);
        p = TOps.MultiplyAdd(p, TOps.Multiply(r, r), TOps.Add(r, one));

        // 2^n = 2^n1 2^n2 with n1 = round(n / 2): both factors stay normal for n in [-150, 128].
        TV n1 = TOps.Subtract(TOps.MultiplyAdd(n, TOps.Broadcast(0.5f), shift), shift);
        TV n2 = TOps.Subtract(n, n1);
        TV result = TOps.Multiply(TOps.Multiply(p, TOps.ScaleByPowerOfTwo(n1)), TOps.ScaleByPowerOfTwo(n2));
        return PropagateNaN<TOps, TV>(x, result);
    }

    /// <summary>
    /// e^x per lane for the x &lt;= 0 of sigmoid and tanh (e^-|z|, e^-2|z|), whose results lie in [0, 1]: the same
    /// reduction and polynomial as <see cref="Exp{TOps, TV}"/>, evaluated with less latency, for these are the
    /// activations that a one-example layer waits on. The polynomial runs in Estrin's form (its three pairs are
    /// independent, so the chain after r is three multiply-adds instead of six), and 2^n is one factor: the polynomial's
    /// coefficients carry 2^-64 (exact, as a power of two) and the factor is 2^(n + 64), normal for every n down to
    /// -150 and built from the bits of the rounding step's sum (no conversion to integers), so results down into the subnormal range are one correctly rounded product (SiLU, z sigmoid(z), needs
    /// sigmoid's subnormal values for z down to -92). Below -104 the result is 0, as for <see cref="Exp{TOps, TV}"/>;
    /// NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpNonPositive<TOps, TV>(TV x)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        // n = round(x / ln 2); r = x - n ln 2 in two steps (Cody-Waite). Below -104, n and r are wrong, and discarded.
        TV shift = TOps.Broadcast(RoundingShift);
        TV rounded = TOps.MultiplyAdd(x, TOps.Broadcast(Log2E), shift);
        TV n = TOps.Subtract(rounded, shift);
        TV r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2High), x);
        r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2Low), r);

        // 2^-64 e^r = 2^-64 (1 + r + r^2 P(r)), P(r) = c2 + c3 r + ... + c7 r^5 (Cephes expf), evaluated as
        // (c2 + c3 r) + r^2 (c4 + c5 r) + r^4 (c6 + c7 r) with every coefficient times 2^-64.
        const float Scale = 5.42101086e-20f; // 2^-64
        TV r2 = TOps.Multiply(r, r);
        TV p01 = TOps.MultiplyAdd(TOps.Broadcast(1.6666665459E-1f * Scale), r, TOps.Broadcast(5.0000001201E-1f * Scale));
        TV p23 = TOps.MultiplyAdd(TOps.Broadcast(8.3334519073E-3f * Scale), r, TOps.Broadcast(4.1665795894E-2f * Scale));
        TV p45 = TOps.MultiplyAdd(TOps.Broadcast(1.9875691500E-4f * Scale), r, TOps.Broadcast(1.3981999507E-3f * Scale));
        TV r4 = TOps.Multiply(r2, r2);
        TV p = TOps.MultiplyAdd(p45, r4, TOps.MultiplyAdd(p23, r2, p01));
        TV scaled = TOps.MultiplyAdd(p, r2, TOps.MultiplyAdd(r, TOps.Broadcast(Scale), TOps.Broadcast(Scale)));
        TV e = TOps.Multiply(scaled, TOps.PowerOfTwoOfRounded(rounded, 64));

        // A NaN compares false and stays.
        TV lowest = TOps.Broadcast(-104f);
        return TOps.SelectGreater(lowest, x, TOps.Zero, e);
    }

    /// <summary>1 / (1 + e^-z) per lane: 1 / (1 + e^-|z|) for z &gt;= 0, e^-|z| / (1 + e^-|z|) for z &lt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TOps, TV>(TV z)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TV one = TOps.Broadcast(1f);
        TV e = ExpNonPositive<TOps, TV>(TOps.Subtract(TOps.Zero, TOps.Abs(z)));

        // z >= 0: 1 / (1 + e^-z); z < 0: e^z / (1 + e^z), one division either way (the numerator is chosen while the
        // denominator is formed, so no product follows the division). A NaN z makes e, and so the quotient, NaN.
        return TOps.Divide(TOps.SelectGreater(TOps.Zero, z, e, one), TOps.Add(one, e));
    }

    /// <summary>
    /// tanh(z) per lane: the rational approximation x P(x^2) / Q(x^2) of Eigen 3.4's <c>generic_fast_tanh_float</c>
    /// (Eigen/src/Core/MathFunctionsImpl.h; P of degree 6 and Q of degree 3 in x^2, their coefficients Eigen's), +-1 for
    /// |z| above Eigen's clamp 7.9988 and z itself for |z| &lt; 0.0004. Both polynomials in Estrin's form, so the chain
    /// is z^2, z^4, z^8, two multiply-adds, a product and one division: no e^x, a short latency for the few registers of
    /// a small network's one-example pass. Relative error at most 3.2e-7 (4.9 ulps; docs/performance.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TOps, TV>(TV z)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        // P(y) = a1 + a3 y + ... + a13 y^6 and Q(y) = b0 + b2 y + b4 y^2 + b6 y^3 with y = x^2, in Estrin's form.
        TV y = TOps.Multiply(z, z);
        TV y2 = TOps.Multiply(y, y);
        TV y4 = TOps.Multiply(y2, y2);
        TV p01 = TOps.MultiplyAdd(TOps.Broadcast(TanhA3), y, TOps.Broadcast(TanhA1));
        TV p23 = TOps.MultiplyAdd(TOps.Broadcast(TanhA7), y, TOps.Broadcast(TanhA5));
        TV p45 = TOps.MultiplyAdd(TOps.Broadcast(TanhA11), y, TOps.Broadcast(TanhA9));
        TV p = TOps.MultiplyAdd(TOps.MultiplyAdd(TOps.Broadcast(TanhA13), y2, p45), y4, TOps.MultiplyAdd(p23, y2, p01));
        TV q = TOps.MultiplyAdd(
            TOps.MultiplyAdd(TOps.Broadcast(TanhB6), y, TOps.Broadcast(TanhB4)), y2, TOps.MultiplyAdd(TOps.Broadcast(TanhB2), y, TOps.Broadcast(TanhB0)));
        TV t = TOps.Divide(TOps.Multiply(z, p), q);

        // |z| > c: +-1 (within 2.3e-7 of tanh there; P / Q is fitted up to c and overflows far above it). A NaN compares
        // false and stays NaN.
        TV a = TOps.Abs(z);
        t = TOps.SelectGreater(a, TOps.Broadcast(TanhClamp), TOps.SelectGreater(TOps.Zero, z, TOps.Broadcast(-1f), TOps.Broadcast(1f)), t);

        // |z| < 0.0004: tanh z = z (1 - z^2/3 + ...) rounds to z within 5.4e-8, where z P would lose bits to underflow.
        return TOps.SelectGreater(TOps.Broadcast(TanhTiny), a, z, t);
    }

    // Eigen 3.4's generic_fast_tanh_float: the clamp of its FMA builds (here the switch to +-1), the tiny threshold, the numerator's (odd) and the
    // denominator's (even) monomial coefficients. RegisterMath uses the same constants.
    internal const float TanhClamp = 7.99881172180175781f;
    internal const float TanhTiny = 0.0004f;
    internal const float TanhA1 = 4.89352455891786e-03f;
    internal const float TanhA3 = 6.37261928875436e-04f;
    internal const float TanhA5 = 1.48572235717979e-05f;
    internal const float TanhA7 = 5.12229709037114e-08f;
    internal const float TanhA9 = -8.60467152213735e-11f;
    internal const float TanhA11 = 2.00018790482477e-13f;
    internal const float TanhA13 = -2.76076847742355e-16f;
    internal const float TanhB0 = 4.89352518554385e-03f;
    internal const float TanhB2 = 2.26843463243900e-03f;
    internal const float TanhB4 = 1.18534705686654e-04f;
    internal const float TanhB6 = 1.19825839466702e-06f;

    /// <summary>
    /// tanh(z) per lane with relative error about 1.4e-7 near 0.6 (Cephes tanhf's z + z^3 P(z^2) below |z| = 0.625,
    /// (1 - e) / (1 + e) with e = e^-2|z| above): the form <see cref="ExpM1{TOps, TV}"/> builds on, where the
    /// relative error of t = tanh(x / 2) near 0 becomes that of e^x - 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TanhViaExp<TOps, TV>(TV z)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TV one = TOps.Broadcast(1f);
        TV a = TOps.Abs(z);

        // |z| >= 0.625: (1 - e) / (1 + e) with e = e^(-2|z|) in (0, 0.29], then the sign of z.
        TV e = ExpNonPositive<TOps, TV>(TOps.Multiply(a, TOps.Broadcast(-2f)));
        TV large = TOps.Divide(TOps.Subtract(one, e), TOps.Add(one, e));
        large = TOps.SelectGreater(TOps.Zero, z, TOps.Subtract(TOps.Zero, large), large);

        // |z| < 0.625: z + z^3 P(z^2) (Cephes tanhf).
        TV s = TOps.Multiply(z, z);
        TV p = TOps.Broadcast(-5.70498872745E-3f);
        p = TOps.MultiplyAdd(p, s, TOps.Broadcast(2.06390887954E-2f));
        p = TOps.MultiplyAdd(p, s, TOps.Broadcast(-5.37397155531E-2f));
        p = TOps.MultiplyAdd(p, s, TOps.Broadcast(1.33314422036E-1f));
        p = TOps.MultiplyAdd(p, s, TOps.Broadcast(-3.33332819422E-1f));
        TV small = TOps.MultiplyAdd(TOps.Multiply(p, s), z, z);

        return TOps.SelectGreater(TOps.Broadcast(0.625f), a, small, large);
    }

    /// <summary>e^x - 1 per lane: 2t / (1 - t) with t = tanh(x / 2) for x &lt;= 0.5, else e^x - 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpM1<TOps, TV>(TV x)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TV t = TanhViaExp<TOps, TV>(TOps.Multiply(x, TOps.Broadcast(0.5f)));
        TV result = TOps.Divide(TOps.Add(t, t), TOps.Subtract(TOps.Broadcast(1f), t));

        // Above 0.5, 1 - t cancels as t nears 1, while e^x - 1 from exp loses at most a factor e^x / (e^x - 1) < 2.6 of
        // exp's error there: take that form.
        return TOps.SelectGreater(x, TOps.Broadcast(0.5f), TOps.Subtract(Exp<TOps, TV>(x), TOps.Broadcast(1f)), result);
    }

    /// <summary>
    /// log(1 + x) per lane for x &gt;= -1: u = 1 + x rounded, then log(u) plus the rounding error of u carried to first
    /// order, (x - (u - 1)) / u (u - 1 is exact), so tiny x give x back and nothing cancels. log(u) splits u = m 2^e
    /// with m in [sqrt(1/2), sqrt(2)) and evaluates Cephes' logf polynomial (logf.c, S. L. Moshier) for log(m), with
    /// e ln 2 added in two parts. log1p(-1) = -infinity, log1p(+infinity) = +infinity, NaN below -1 and for NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1P<TOps, TV>(TV x)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TV one = TOps.Broadcast(1f);
        TV u = TOps.Add(one, x);
        TV correction = TOps.Divide(TOps.Subtract(x, TOps.Subtract(u, one)), u);

        // u = m 2^e, m in [1, 2); fold m above sqrt(2) to m / 2 (exact) so that f = m - 1 is in [-0.293, 0.414].
        TV m = TOps.SplitExponent(u, out TV e);
        TV high = TOps.SelectGreater(m, TOps.Broadcast(1.41421356f), one, TOps.Zero);
        m = TOps.SelectGreater(m, TOps.Broadcast(1.41421356f), TOps.Multiply(m, TOps.Broadcast(0.5f)), m);
        e = TOps.Add(e, high);
        TV f = TOps.Subtract(m, one);

        // log(1 + f) = f - f^2 / 2 + f^3 P(f), Cephes logf coefficients.
        TV f2 = TOps.Multiply(f, f);
        TV p = TOps.Broadcast(7.0376836292E-2f);
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(-1.1514610310E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(1.1676998740E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(-1.2420140846E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(1.4249322787E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(-1.6668057665E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(2.0000714765E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(-2.4999993993E-1f));
        p = TOps.MultiplyAdd(p, f, TOps.Broadcast(3.3333331174E-1f));
        TV tail = TOps.MultiplyAdd(TOps.Multiply(p, f), f2, TOps.MultiplyAdd(e, TOps.Broadcast(Ln2Low), correction));
        tail = TOps.MultiplyAdd(f2, TOps.Broadcast(-0.5f), tail);
        TV result = TOps.MultiplyAdd(e, TOps.Broadcast(Ln2High), TOps.Add(f, tail));

        // The bit split reads u = 0 and u = infinity as exponents -127 and 128; a negative u (x < -1) is NaN.
        result = TOps.SelectEqual(u, TOps.Zero, TOps.Broadcast(float.NegativeInfinity), result);
        result = TOps.SelectEqual(u, TOps.Broadcast(float.PositiveInfinity), u, result);
        result = TOps.SelectGreater(TOps.Zero, u, TOps.Broadcast(float.NaN), result);
        return PropagateNaN<TOps, TV>(x, result);
    }

    /// <summary>
    /// softplus(z) = log(1 + e^z) per lane, as max(z, 0) + log1p(e^-|z|): e^-|z| is in (0, 1], so nothing overflows,
    /// and for very negative z the result is e^z to full relative precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Softplus<TOps, TV>(TV z)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        TV positive = TOps.SelectGreater(z, TOps.Zero, z, TOps.Zero);
        TV result = TOps.Add(positive, Log1P<TOps, TV>(Exp<TOps, TV>(TOps.Subtract(TOps.Zero, TOps.Abs(z)))));
        return PropagateNaN<TOps, TV>(z, result);
    }

    /// <summary>result where x is a number; x (NaN) where x is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV PropagateNaN<TOps, TV>(TV x, TV result)
        where TOps : ILanes<TV, float>
        where TV : struct => TOps.SelectEqual(x, x, result, x);
}
#endif
