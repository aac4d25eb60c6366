#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="Lanes128{T}"/> for <see cref="float"/> only, operation for operation (the same results, bit for bit): 4
/// floats a register (SSE, or Arm AdvSimd). The kernels run on it when T is float (Dense's dispatcher).
/// </summary>
/// <remarks>
/// Why a second spelling: in the generic struct each operation converts between <c>Vector128&lt;T&gt;</c> and
/// <c>Vector128&lt;float&gt;</c> (<c>AsSingle</c>, <c>As&lt;float, T&gt;</c>) behind a <c>typeof(T)</c> test, and the JIT resolves
/// every one of those generic calls in every kernel it compiles fully optimised on a first call. Here they do not exist.
/// In a scratch program on the 2-core Zen 3 machine of docs/performance.md, 40 lane operations compiled in 0.9-1.35 ms
/// on a struct written like this one and in 3.2-4.5 ms on <c>Lanes256&lt;float&gt;</c> (the 256-bit structs measured; see
/// docs/performance.md, "Single precision without generic math in the lane operations").
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes128Single : ILanes<Vector128<float>, float>
{
    /// <inheritdoc/>
    public static int Count => Vector128<float>.Count;

    /// <inheritdoc/>
    public static Vector128<float> Zero => Vector128<float>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> x, Vector128<float> y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> x, Vector128<float> y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> x, Vector128<float> y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> x, Vector128<float> y) => x / y;

    /// <inheritdoc/>
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

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> x, Vector128<float> y) => Vector128.Max(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> x) => Vector128.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> x) => Vector128.Sum(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectGreater(Vector128<float> x, Vector128<float> y, Vector128<float> whenGreater, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, y), whenGreater, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectEqual(Vector128<float> x, Vector128<float> y, Vector128<float> whenEqual, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.Equals(x, y), whenEqual, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaleByPowerOfTwo(Vector128<float> n) =>
        Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PowerOfTwoOfRounded(Vector128<float> rounded, int offset) =>
        Vector128.ShiftLeft(rounded.AsInt32() + Vector128.Create(127 + offset - 0x4B400000), 23).AsSingle();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SplitExponent(Vector128<float> x, out Vector128<float> exponent)
    {
        Vector128<int> bits = x.AsInt32();
        exponent = Vector128.ConvertToSingle(Vector128.ShiftRightArithmetic(bits, 23) - Vector128.Create(127));
        return ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F800000)).AsSingle();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x) =>
        LaneMath.Exp<Lanes128Single, Vector128<float>>(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z) =>
        LaneMath.Sigmoid<Lanes128Single, Vector128<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> z) =>
        LaneMath.Tanh<Lanes128Single, Vector128<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpM1(Vector128<float> z) =>
        LaneMath.ExpM1<Lanes128Single, Vector128<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Softplus(Vector128<float> z) =>
        LaneMath.Softplus<Lanes128Single, Vector128<float>>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log1P(Vector128<float> x) =>
        LaneMath.Log1P<Lanes128Single, Vector128<float>>(x);
}
#endif
