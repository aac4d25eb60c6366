#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// <see cref="ILanes{TVector, T}"/> over <see cref="Vector512{T}"/>: 16 floats or 8 doubles a register (AVX-512).
/// Single-precision exp, sigmoid, tanh, e^x - 1, log(1 + x) and softplus are the polynomial forms of
/// <see cref="LaneMath"/>; double precision maps each lane through <see cref="Math"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Lanes512<T> : ILanes<Vector512<T>, T>
    where T : unmanaged
{
    /// <inheritdoc/>
    public static int Count => Vector512<T>.Count;

    /// <inheritdoc/>
    public static Vector512<T> Zero => Vector512<T>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> x, Vector512<T> y) => x + y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> x, Vector512<T> y) => x - y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> x, Vector512<T> y) => x * y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> x, Vector512<T> y) => x / y;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> addend)
    {
        if (Avx512F.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                return Avx512F.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
            }

            if (typeof(T) == typeof(double))
            {
                return Avx512F.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
            }
        }

        return (x * y) + addend;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> x, Vector512<T> y) => Vector512.Max(x, y);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> x) => Vector512.Abs(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> x) => Vector512.Sum(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SelectGreater(Vector512<T> x, Vector512<T> y, Vector512<T> whenGreater, Vector512<T> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, y), whenGreater, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SelectEqual(Vector512<T> x, Vector512<T> y, Vector512<T> whenEqual, Vector512<T> otherwise) =>
        Vector512.ConditionalSelect(Vector512.Equals(x, y), whenEqual, otherwise);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleByPowerOfTwo(Vector512<T> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32(n.AsSingle()) + Vector512.Create(127), 23).As<int, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PowerOfTwoOfRounded(Vector512<T> rounded, int offset) =>
        Vector512.ShiftLeft(rounded.AsInt32() + Vector512.Create(127 + offset - 0x4B400000), 23).As<int, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SplitExponent(Vector512<T> x, out Vector512<T> exponent)
    {
        Vector512<int> bits = x.AsInt32();
        exponent = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(bits, 23) - Vector512.Create(127)).As<float, T>();
        return ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F800000)).As<int, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> x) =>
        typeof(T) == typeof(float)
            ? LaneMath.Exp<Lanes512<float>, Vector512<float>>(x.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Exp>(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sigmoid(Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Sigmoid<Lanes512<float>, Vector512<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Sigmoid>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Tanh(Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Tanh<Lanes512<float>, Vector512<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Tanh>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpM1(Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.ExpM1<Lanes512<float>, Vector512<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.ExpM1>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Softplus(Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? LaneMath.Softplus<Lanes512<float>, Vector512<float>>(z.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Softplus>(z);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log1P(Vector512<T> x) =>
        typeof(T) == typeof(float)
            ? LaneMath.Log1P<Lanes512<float>, Vector512<float>>(x.AsSingle()).As<float, T>()
            : Map<ScalarFunctions.Log1P>(x);

    /// <summary>Applies a scalar function to each lane (the functions that have no polynomial lane form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Map<TFunction>(Vector512<T> x)
        where TFunction : IScalarFunction
    {
        Vector512<T> result = x;
        ref T lane = ref Unsafe.As<Vector512<T>, T>(ref result);
        for (int i = 0; i < Vector512<T>.Count; i++)
        {
            Unsafe.Add(ref lane, i) = TFunction.Invoke(Unsafe.Add(ref lane, i));
        }

        return result;
    }
}
#endif
