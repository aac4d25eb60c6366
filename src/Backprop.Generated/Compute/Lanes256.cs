#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="ILanes{TVector, T}"/> over <see cref="Vector256{T}"/>: 8 floats or 4 doubles a register (AVX/AVX2 with FMA).
/// Single-precision exp, sigmoid, tanh, e^x - 1, log(1 + x) and softplus are the polynomial forms of
/// <see cref="LaneMath"/>; double precision maps each lane through <see cref="Math"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes256<T> : ILanes<Vector256<T>, T>
    where T : unmanaged
{
    /// <inheritdoc/>
    public static int Count => Vector256<T>.Count;

    /// <inheritdoc/>
    public static Vector256<T> Zero => Vector256<T>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> x, Vector256<T> y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> x, Vector256<T> y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> x, Vector256<T> y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> x, Vector256<T> y) => x / y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> addend)
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

        return (x * y) + addend;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> x, Vector256<T> y) => Vector256.Max(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> x) => Vector256.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> x) => Vector256.Sum(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SelectGreater(Vector256<T> x, Vector256<T> y, Vector256<T> whenGreater, Vector256<T> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, y), whenGreater, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SelectEqual(Vector256<T> x, Vector256<T> y, Vector256<T> whenEqual, Vector256<T> otherwise) =>
        Vector256.ConditionalSelect(Vector256.Equals(x, y), whenEqual, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ScaleByPowerOfTwo(Vector256<T> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32(n.AsSingle()) + Vector256.Create(127), 23).As<int, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> PowerOfTwoOfRounded(Vector256<T> rounded, int offset) =>
        Vector256.ShiftLeft(rounded.AsInt32() + Vector256.Create(127 + offset - 0x4B400000), 23).As<int, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SplitExponent(Vector256<T> x, out Vector256<T> exponent)
    {
        Vector256<int> bits = x.AsInt32();
        exponent = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127)).As<float, T>();
        return ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).As<int, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x) =>
        typeof(T) == typeof(float)
            ? LaneMath.Exp<Lanes256<float>, Vector256<float>>(x.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Exp>(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid(Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Sigmoid<Lanes256<float>, Vector256<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Sigmoid>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh(Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Tanh<Lanes256<float>, Vector256<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Tanh>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExpM1(Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.ExpM1<Lanes256<float>, Vector256<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.ExpM1>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Softplus(Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Softplus<Lanes256<float>, Vector256<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Softplus>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log1P(Vector256<T> x) =>
        typeof(T) == typeof(float)
            ? LaneMath.Log1P<Lanes256<float>, Vector256<float>>(x.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Log1P>(x);

    /// <summary>Applies a scalar function to each lane (the functions that have no polynomial lane form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Map<TFunction>(Vector256<T> x)
        where TFunction : IScalarFunction
    {
        Vector256<T> result = x;
        ref T lane = ref Unsafe.As<Vector256<T>, T>(ref result);
        for (int i = 0; i < Vector256<T>.Count; i++)
        {
            Unsafe.Add(ref lane, i) = TFunction.Invoke(Unsafe.Add(ref lane, i));
        }

        return result;
    }
}
#endif
