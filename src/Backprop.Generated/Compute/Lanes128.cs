#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="ILanes{TVector, T}"/> over <see cref="Vector128{T}"/>: 4 floats or 2 doubles a register (SSE, or Arm AdvSimd).
/// Single-precision exp, sigmoid, tanh, e^x - 1, log(1 + x) and softplus are the polynomial forms of
/// <see cref="LaneMath"/>; double precision maps each lane through <see cref="Math"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes128<T> : ILanes<Vector128<T>, T>
    where T : unmanaged
{
    /// <inheritdoc/>
    public static int Count => Vector128<T>.Count;

    /// <inheritdoc/>
    public static Vector128<T> Zero => Vector128<T>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> x, Vector128<T> y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> x, Vector128<T> y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> x, Vector128<T> y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> x, Vector128<T> y) => x / y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> x, Vector128<T> y, Vector128<T> addend)
    {
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                return Fma.MultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
            }

            if (typeof(T) == typeof(double))
            {
                return Fma.MultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
            }
        }

        if (typeof(T) == typeof(float) && AdvSimd.IsSupported)
        {
            return AdvSimd.FusedMultiplyAdd(addend.AsSingle(), x.AsSingle(), y.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double) && AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.FusedMultiplyAdd(addend.AsDouble(), x.AsDouble(), y.AsDouble()).As<double, T>();
        }

        return (x * y) + addend;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> x, Vector128<T> y) => Vector128.Max(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> x) => Vector128.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> x) => Vector128.Sum(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SelectGreater(Vector128<T> x, Vector128<T> y, Vector128<T> whenGreater, Vector128<T> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, y), whenGreater, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SelectEqual(Vector128<T> x, Vector128<T> y, Vector128<T> whenEqual, Vector128<T> otherwise) =>
        Vector128.ConditionalSelect(Vector128.Equals(x, y), whenEqual, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ScaleByPowerOfTwo(Vector128<T> n) =>
        Vector128.ShiftLeft(Vector128.ConvertToInt32(n.AsSingle()) + Vector128.Create(127), 23).As<int, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> PowerOfTwoOfRounded(Vector128<T> rounded, int offset) =>
        Vector128.ShiftLeft(rounded.AsInt32() + Vector128.Create(127 + offset - 0x4B400000), 23).As<int, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SplitExponent(Vector128<T> x, out Vector128<T> exponent)
    {
        Vector128<int> bits = x.AsInt32();
        exponent = Vector128.ConvertToSingle(Vector128.ShiftRightArithmetic(bits, 23) - Vector128.Create(127)).As<float, T>();
        return ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F800000)).As<int, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp(Vector128<T> x) =>
        typeof(T) == typeof(float)
            ? LaneMath.Exp<Lanes128<float>, Vector128<float>>(x.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Exp>(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sigmoid(Vector128<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Sigmoid<Lanes128<float>, Vector128<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Sigmoid>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Tanh(Vector128<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Tanh<Lanes128<float>, Vector128<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Tanh>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ExpM1(Vector128<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.ExpM1<Lanes128<float>, Vector128<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.ExpM1>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Softplus(Vector128<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Softplus<Lanes128<float>, Vector128<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Softplus>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log1P(Vector128<T> x) =>
        typeof(T) == typeof(float)
            ? LaneMath.Log1P<Lanes128<float>, Vector128<float>>(x.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Log1P>(x);

    /// <summary>Applies a scalar function to each lane (the functions that have no polynomial lane form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Map<TFunction>(Vector128<T> x)
        where TFunction : IScalarFunction
    {
        Vector128<T> result = x;
        ref T lane = ref Unsafe.As<Vector128<T>, T>(ref result);
        for (int i = 0; i < Vector128<T>.Count; i++)
        {
            Unsafe.Add(ref lane, i) = TFunction.Invoke(Unsafe.Add(ref lane, i));
        }

        return result;
    }
}
#endif
