#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using Backprop.Generated.Internals;

namespace Backprop.Generated.Compute;

/// <summary>A scalar function that a lane type applies lane by lane where it has no polynomial form of its own.</summary>
internal interface IScalarFunction
{
    static abstract T Invoke<T>(T x)
        where T : unmanaged;
}

/// <summary>
/// The runtime's accurate scalar functions (<see cref="ActivationFunctions"/>, in <see cref="float"/> or
/// <see cref="double"/>) as <see cref="IScalarFunction"/> structs, so the JIT specialises each lane-by-lane map.
/// </summary>
internal static class ScalarFunctions
{
    internal readonly struct Exp : IScalarFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : unmanaged =>
            typeof(T) == typeof(float) ? From<T>(ActivationFunctions.Exp(To<T, float>(x))) : From<T>(System.Math.Exp(To<T, double>(x)));
    }

    internal readonly struct Sigmoid : IScalarFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : unmanaged =>
            typeof(T) == typeof(float) ? From<T>(ActivationFunctions.Sigmoid(To<T, float>(x))) : From<T>(ActivationFunctions.Sigmoid(To<T, double>(x)));
    }

    internal readonly struct Tanh : IScalarFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : unmanaged =>
            typeof(T) == typeof(float) ? From<T>(ActivationFunctions.Tanh(To<T, float>(x))) : From<T>(ActivationFunctions.Tanh(To<T, double>(x)));
    }

    internal readonly struct ExpM1 : IScalarFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : unmanaged =>
            typeof(T) == typeof(float) ? From<T>((float)ActivationFunctions.ExpM1(To<T, float>(x))) : From<T>(ActivationFunctions.ExpM1(To<T, double>(x)));
    }

    internal readonly struct Softplus : IScalarFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : unmanaged =>
            typeof(T) == typeof(float) ? From<T>(ActivationFunctions.Softplus(To<T, float>(x))) : From<T>(ActivationFunctions.Softplus(To<T, double>(x)));
    }

    internal readonly struct Log1P : IScalarFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : unmanaged =>
            typeof(T) == typeof(float) ? From<T>((float)ActivationFunctions.Log1P(To<T, float>(x))) : From<T>(ActivationFunctions.Log1P(To<T, double>(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo To<TFrom, TTo>(TFrom value)
        where TFrom : unmanaged
        where TTo : unmanaged => Unsafe.As<TFrom, TTo>(ref value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T From<T>(float value) where T : unmanaged => Unsafe.As<float, T>(ref value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T From<T>(double value) where T : unmanaged => Unsafe.As<double, T>(ref value);
}
#endif
