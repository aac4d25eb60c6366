#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="Lanes512{T}"/> for <see cref="float"/> only, operation for operation (the same results, bit for bit): 16
/// floats a register (AVX-512). The kernels run on it when T is float (Dense's dispatcher).
/// </summary>
/// <remarks>
/// Why a second spelling: in the generic struct each operation converts between <c>Vector512&lt;T&gt;</c> and
/// <c>Vector512&lt;float&gt;</c> (<c>AsSingle</c>, <c>As&lt;float, T&gt;</c>) behind a <c>typeof(T)</c> test, and the JIT resolves
/// every one of those generic calls in every kernel it compiles fully optimised on a first call. Here they do not exist.
/// In a scratch program on the 2-core Zen 3 machine of docs/performance.md, 40 lane operations compiled in 0.9-1.35 ms
/// on a struct written like this one and in 3.2-4.5 ms on <c>Lanes256&lt;float&gt;</c> (the 256-bit structs measured; see
/// docs/performance.md, "Single precision without generic math in the lane operations").
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes512Single : ILanes<Vector512<float>, float>
{
    /// <inheritdoc/>
    public static int Count => Vector512<float>.Count;

    /// <inheritdoc/>
    public static Vector512<float> Zero => Vector512<float>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> x, Vector512<float> y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> x, Vector512<float> y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> x, Vector512<float> y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> x, Vector512<float> y) => x / y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> x, Vector512<float> y, Vector512<float> addend)
    {
        if (Avx512F.IsSupported)
        {
            return Avx512F.FusedMultiplyAdd(x, y, addend);
        }

        return (x * y) + addend;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> x, Vector512<float> y) => Vector512.Max(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> x) => Vector512.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> x) => Vector512.Sum(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectGreater(Vector512<float> x, Vector512<float> y, Vector512<float> whenGreater, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, y), whenGreater, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectEqual(Vector512<float> x, Vector512<float> y, Vector512<float> whenEqual, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.Equals(x, y), whenEqual, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PowerOfTwoOfRounded(Vector512<float> rounded, int offset) =>
        Vector512.ShiftLeft(rounded.AsInt32() + Vector512.Create(127 + offset - 0x4B400000), 23).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SplitExponent(Vector512<float> x, out Vector512<float> exponent)
    {
        Vector512<int> bits = x.AsInt32();
        exponent = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(bits, 23) - Vector512.Create(127));
        return ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F800000)).AsSingle();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) =>
        LaneMath.Exp<Lanes512Single, Vector512<float>>(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> z) =>
        LaneMath.Sigmoid<Lanes512Single, Vector512<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> z) =>
        LaneMath.Tanh<Lanes512Single, Vector512<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpM1(Vector512<float> z) =>
        LaneMath.ExpM1<Lanes512Single, Vector512<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Softplus(Vector512<float> z) =>
        LaneMath.Softplus<Lanes512Single, Vector512<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log1P(Vector512<float> x) =>
        LaneMath.Log1P<Lanes512Single, Vector512<float>>(x);
}
#endif
