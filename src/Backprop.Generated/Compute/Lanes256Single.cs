#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="Lanes256{T}"/> for <see cref="float"/> only, operation for operation (the same results, bit for bit): 8
/// floats a register (AVX/AVX2 with FMA). The kernels run on it when T is float (Dense's dispatcher).
/// </summary>
/// <remarks>
/// Why a second spelling: in the generic struct each operation converts between <c>Vector256&lt;T&gt;</c> and
/// <c>Vector256&lt;float&gt;</c> (<c>AsSingle</c>, <c>As&lt;float, T&gt;</c>) behind a <c>typeof(T)</c> test, and the JIT resolves
/// every one of those generic calls in every kernel it compiles fully optimised on a first call. Here they do not exist.
/// In a scratch program on the 2-core Zen 3 machine of docs/performance.md, 40 lane operations compiled in 0.9-1.35 ms
/// on a struct written like this one and in 3.2-4.5 ms on <c>Lanes256&lt;float&gt;</c> (the 256-bit structs measured; see
/// docs/performance.md, "Single precision without generic math in the lane operations").
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes256Single : ILanes<Vector256<float>, float>
{
    /// <inheritdoc/>
    public static int Count => Vector256<float>.Count;

    /// <inheritdoc/>
    public static Vector256<float> Zero => Vector256<float>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> x, Vector256<float> y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> x, Vector256<float> y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> x, Vector256<float> y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> x, Vector256<float> y) => x / y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> addend)
    {
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(x, y, addend);
        }

        return (x * y) + addend;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> x, Vector256<float> y) => Vector256.Max(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> x) => Vector256.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> x) => Vector256.Sum(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectGreater(Vector256<float> x, Vector256<float> y, Vector256<float> whenGreater, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, y), whenGreater, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectEqual(Vector256<float> x, Vector256<float> y, Vector256<float> whenEqual, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.Equals(x, y), whenEqual, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PowerOfTwoOfRounded(Vector256<float> rounded, int offset) =>
        Vector256.ShiftLeft(rounded.AsInt32() + Vector256.Create(127 + offset - 0x4B400000), 23).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SplitExponent(Vector256<float> x, out Vector256<float> exponent)
    {
        Vector256<int> bits = x.AsInt32();
        exponent = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127));
        return ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) =>
        LaneMath.Exp<Lanes256Single, Vector256<float>>(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z) =>
        LaneMath.Sigmoid<Lanes256Single, Vector256<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> z) =>
        LaneMath.Tanh<Lanes256Single, Vector256<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpM1(Vector256<float> z) =>
        LaneMath.ExpM1<Lanes256Single, Vector256<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Softplus(Vector256<float> z) =>
        LaneMath.Softplus<Lanes256Single, Vector256<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1P(Vector256<float> x) =>
        LaneMath.Log1P<Lanes256Single, Vector256<float>>(x);
}
#endif
