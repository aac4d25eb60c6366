#if NET8_0_OR_GREATER
using System.ComponentModel;

namespace Backprop.Generated.Compute;

/// <summary>
/// The operations the layer kernels need from one SIMD register of <typeparamref name="T"/> (or from one
/// <typeparamref name="T"/>, for the scalar fallback). The kernels are generic over an implementation of this
/// interface, so the JIT compiles one specialised copy per instruction set with <see cref="Count"/> a constant:
/// <see cref="Lanes512{T}"/>, <see cref="Lanes256{T}"/>, <see cref="Lanes128{T}"/> or <see cref="Scalar{T}"/>.
/// </summary>
/// <typeparam name="TVector">The register type, e.g. <c>Vector256&lt;float&gt;</c>, or <typeparamref name="T"/> itself.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Called by generated code; not meant to be used directly.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILanes<TVector, T>
    where TVector : struct
    where T : unmanaged
{
    /// <summary>The number of <typeparamref name="T"/> values in one register.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane 0.</summary>
    static abstract TVector Zero { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(T value);

    /// <summary>Reads <see cref="Count"/> consecutive values starting at <paramref name="source"/> (no alignment needed).</summary>
    static abstract TVector Load(ref T source);

    /// <summary>Writes <see cref="Count"/> consecutive values starting at <paramref name="destination"/>.</summary>
    static abstract void Store(TVector value, ref T destination);

    /// <summary>x + y per lane.</summary>
    static abstract TVector Add(TVector x, TVector y);

    /// <summary>x - y per lane.</summary>
    static abstract TVector Subtract(TVector x, TVector y);

    /// <summary>x * y per lane.</summary>
    static abstract TVector Multiply(TVector x, TVector y);

    /// <summary>x / y per lane.</summary>
    static abstract TVector Divide(TVector x, TVector y);

    /// <summary>x * y + addend per lane, with one rounding where the hardware has fused multiply-add.</summary>
    static abstract TVector MultiplyAdd(TVector x, TVector y, TVector addend);

    /// <summary>The larger of x and y per lane (which one a NaN gives is unspecified: callers propagate NaN themselves).</summary>
    static abstract TVector Max(TVector x, TVector y);

    /// <summary>|x| per lane.</summary>
    static abstract TVector Abs(TVector x);

    /// <summary>The sum of all lanes.</summary>
    static abstract T Sum(TVector x);

    /// <summary>Per lane: <paramref name="x"/> &gt; <paramref name="y"/> ? <paramref name="whenGreater"/> : <paramref name="otherwise"/> (a NaN compares false).</summary>
    static abstract TVector SelectGreater(TVector x, TVector y, TVector whenGreater, TVector otherwise);

    /// <summary>Per lane: <paramref name="x"/> == <paramref name="y"/> ? <paramref name="whenEqual"/> : <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectEqual(TVector x, TVector y, TVector whenEqual, TVector otherwise);

    /// <summary>
    /// 2^n per lane for integral <paramref name="n"/> in [-126, 127] (single precision), built from the exponent bits.
    /// Only the single-precision implementations are used; double precision maps lanes through <see cref="System.Math"/>.
    /// </summary>
    static abstract TVector ScaleByPowerOfTwo(TVector n);

    /// <summary>
    /// 2^(n + <paramref name="offset"/>) per lane, where <paramref name="rounded"/> is the single-precision sum
    /// 1.5 * 2^23 + n that the rounding step of exp leaves (its low significand bits hold the integer n), for
    /// n + offset in [-126, 127]: two integer operations on the bits, no conversion. Single precision only.
    /// </summary>
    static abstract TVector PowerOfTwoOfRounded(TVector rounded, int offset);

    /// <summary>
    /// For a positive normal single-precision x per lane: the significand m in [1, 2), with the exponent e (as a value
    /// of T) in <paramref name="exponent"/>, so that x = m 2^e. Only the single-precision implementations are used.
    /// </summary>
    static abstract TVector SplitExponent(TVector x, out TVector exponent);

    /// <summary>e^x per lane (see <see cref="LaneMath"/> for the error bound).</summary>
    static abstract TVector Exp(TVector x);

    /// <summary>1 / (1 + e^-z) per lane.</summary>
    static abstract TVector Sigmoid(TVector z);

    /// <summary>tanh(z) per lane.</summary>
    static abstract TVector Tanh(TVector z);

    /// <summary>e^z - 1 per lane, accurate near 0.</summary>
    static abstract TVector ExpM1(TVector z);

    /// <summary>log(1 + e^z) per lane.</summary>
    static abstract TVector Softplus(TVector z);

    /// <summary>log(1 + x) per lane, accurate near 0.</summary>
    static abstract TVector Log1P(TVector x);
}
#endif
