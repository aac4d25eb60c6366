#if NET8_0_OR_GREATER
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using Backprop.Generated.Internals;

namespace Backprop.Generated.Compute;

/// <summary>
/// An activation g as a type, so a layer kernel specialised for it applies g (or g') to its accumulators in the
/// tile's epilogue with no call. Every form returns NaN for a NaN input, as PyTorch does.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IActivation
{
    /// <summary>True for softmax, which normalises across the units of an example instead of acting per element.</summary>
    static abstract bool IsSoftmax { get; }

    /// <summary>g(z) per lane.</summary>
    static abstract TV Apply<TOps, TV, T>(TV z)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>g'(z) per lane, given z and a = g(z) (each form uses whichever is cheaper).</summary>
    static abstract TV Derivative<TOps, TV, T>(TV z, TV a)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The activations of <see cref="Activation"/> as <see cref="IActivation"/> types.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary>g(z) = z.</summary>
    public readonly struct Identity : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> => z;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Broadcast(T.One);
    }

    /// <summary>g(z) = 1 / (1 + e^-z); g' = a (1 - a).</summary>
    public readonly struct Sigmoid : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Sigmoid(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Multiply(a, TOps.Subtract(TOps.Broadcast(T.One), a));
    }

    /// <summary>g(z) = tanh(z); g' = 1 - a^2.</summary>
    public readonly struct Tanh : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Tanh(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Subtract(TOps.Broadcast(T.One), TOps.Multiply(a, a));
    }

    /// <summary>g(z) = max(0, z), NaN for NaN; g' = 1 for z &gt; 0, else 0 (NaN for NaN).</summary>
    public readonly struct ReLU : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.SelectGreater(TOps.Zero, z, TOps.Zero, z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            KeepNaN<TOps, TV, T>(z, TOps.SelectGreater(z, TOps.Zero, TOps.Broadcast(T.One), TOps.Zero));
    }

    /// <summary>g(z) = z for z &gt; 0, else 0.01 z; g' = 1 or 0.01.</summary>
    public readonly struct LeakyReLU : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.SelectGreater(z, TOps.Zero, z, TOps.Multiply(z, TOps.Broadcast(T.CreateTruncating(ActivationFunctions.LeakyReLUSlope))));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            KeepNaN<TOps, TV, T>(z, TOps.SelectGreater(z, TOps.Zero, TOps.Broadcast(T.One), TOps.Broadcast(T.CreateTruncating(ActivationFunctions.LeakyReLUSlope))));
    }

    /// <summary>g(z) = z for z &gt; 0, else e^z - 1; g' = 1 or a + 1.</summary>
    public readonly struct ELU : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.SelectGreater(z, TOps.Zero, z, TOps.ExpM1(z));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.SelectGreater(z, TOps.Zero, TOps.Broadcast(T.One), TOps.Add(a, TOps.Broadcast(T.One)));
    }

    /// <summary>g(z) = z sigmoid(z); g' = s (1 + z (1 - s)) with s = sigmoid(z).</summary>
    public readonly struct SiLU : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Multiply(z, TOps.Sigmoid(z));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T>
        {
            TV one = TOps.Broadcast(T.One);
            TV s = TOps.Sigmoid(z);
            return TOps.Multiply(s, TOps.MultiplyAdd(z, TOps.Subtract(one, s), one));
        }
    }

    /// <summary>g(z) = log(1 + e^z); g' = sigmoid(z).</summary>
    public readonly struct Softplus : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Softplus(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Sigmoid(z);
    }

    /// <summary>
    /// softmax over the units of each example. <see cref="Apply{TOps, TV, T}"/> and <see cref="Derivative{TOps, TV, T}"/>
    /// are the identity: the kernels normalise across units after a layer's tiles, and apply the Jacobian-vector
    /// product dZ = A * (dA - sum_k dA_k A_k) across units in the backward pass.
    /// </summary>
    public readonly struct Softmax : IActivation
    {
        /// <inheritdoc/>
        public static bool IsSoftmax => true;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TOps, TV, T>(TV z) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> => z;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Derivative<TOps, TV, T>(TV z, TV a) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
            TOps.Broadcast(T.One);
    }

    /// <summary>value where z is a number; z (NaN) where z is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV KeepNaN<TOps, TV, T>(TV z, TV value) where TOps : ILanes<TV, T> where TV : struct where T : unmanaged =>
        TOps.SelectEqual(z, z, value, z);
}
#endif
