#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="ILanes{TVector, T}"/> with one value per "register": the fallback where no SIMD instructions are
/// available (or the JIT was told not to use them, e.g. <c>DOTNET_EnableHWIntrinsic=0</c>). Same formulas as the
/// vector forms, so every path computes the same function; only the rounding of sums may differ.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Scalar<T> : ILanes<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int Count => 1;

    /// <inheritdoc/>
    public static T Zero => T.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source) => source;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination) => destination = value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T x, T y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T x, T y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T x, T y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T x, T y) => x / y;

    /// <inheritdoc/>
    /// <remarks>Not fused: without hardware FMA a fused scalar multiply-add is a slow library call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T x, T y, T addend) => (x * y) + addend;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T x, T y) => x > y ? x : y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T x) => T.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T x) => x;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SelectGreater(T x, T y, T whenGreater, T otherwise) => x > y ? whenGreater : otherwise;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SelectEqual(T x, T y, T whenEqual, T otherwise) => x == y ? whenEqual : otherwise;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ScaleByPowerOfTwo(T n) =>
        T.CreateTruncating(BitConverter.Int32BitsToSingle(((int)float.CreateTruncating(n) + 127) << 23));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PowerOfTwoOfRounded(T rounded, int offset) =>
        T.CreateTruncating(BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(float.CreateTruncating(rounded)) + 127 + offset - 0x4B400000) << 23));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SplitExponent(T x, out T exponent)
    {
        int bits = BitConverter.SingleToInt32Bits(float.CreateTruncating(x));
        exponent = T.CreateTruncating((bits >> 23) - 127);
        return T.CreateTruncating(BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | 0x3F800000));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp(T x) => typeof(T) == typeof(float) ? As(LaneMath.Exp<Scalar<float>, float>(AsSingle(x))) : ScalarFunctions.Exp.Invoke(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid(T z) => typeof(T) == typeof(float) ? As(LaneMath.Sigmoid<Scalar<float>, float>(AsSingle(z))) : ScalarFunctions.Sigmoid.Invoke(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh(T z) => typeof(T) == typeof(float) ? As(LaneMath.Tanh<Scalar<float>, float>(AsSingle(z))) : ScalarFunctions.Tanh.Invoke(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ExpM1(T z) => typeof(T) == typeof(float) ? As(LaneMath.ExpM1<Scalar<float>, float>(AsSingle(z))) : ScalarFunctions.ExpM1.Invoke(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus(T z) => typeof(T) == typeof(float) ? As(LaneMath.Softplus<Scalar<float>, float>(AsSingle(z))) : ScalarFunctions.Softplus.Invoke(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1P(T x) => typeof(T) == typeof(float) ? As(LaneMath.Log1P<Scalar<float>, float>(AsSingle(x))) : ScalarFunctions.Log1P.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float AsSingle(T value) => Unsafe.As<T, float>(ref value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T As(float value) => Unsafe.As<float, T>(ref value);
}
#endif
