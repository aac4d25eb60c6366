#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

/// <summary>
/// The shape of one dense layer as a type: generated code declares one per layer, so a kernel specialised for it
/// has every trip count and offset as a JIT-time constant.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDenseLayer
{
    /// <summary>n_{l-1}, the rows of W[l].</summary>
    static abstract int Inputs { get; }

    /// <summary>n_l, the columns of W[l].</summary>
    static abstract int Units { get; }

    /// <summary>Where W[l] (row-major, n_{l-1} x n_l) starts in the parameters.</summary>
    static abstract int WeightOffset { get; }

    /// <summary>Where b[l] (n_l values) starts in the parameters.</summary>
    static abstract int BiasOffset { get; }
}

/// <summary>
/// The dense-layer kernels that generated code calls: Z = A W + b with A[l] = g(Z) fused, dA = dZ W^T with g' fused,
/// and dW += A^T dZ, db += column sums of dZ. Each public method picks the widest accelerated register
/// (<see cref="Vector512"/>, <see cref="Vector256"/>, <see cref="Vector128"/>, else scalar) with checks the JIT
/// folds to constants, and runs one specialised copy of the kernel.
/// </summary>
/// <remarks>
/// <para>
/// Batch kernels work on a block of at most <see cref="LaneStride"/> examples held feature-major ("lanes"):
/// unit k of example i at <c>k * LaneStride + i</c>, so consecutive examples fill a SIMD register and a layer of any
/// width keeps every lane busy. Z[l]^T = W[l]^T A[l-1]^T + b[l] is computed in register tiles of 6 units x 2
/// registers of examples (then 4, 2 and 1 for the rest; see <see cref="SixTiles"/>); each step of the inner loop over
/// the n_{l-1} inputs loads two registers of A[l-1] and broadcasts six consecutive weights of row j of W[l], so W is
/// read in its documented row-major layout.
/// </para>
/// <para>
/// Parameters and lengths are validated by the generated caller; these methods trust them.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Dense
{
    /// <inheritdoc cref="DenseRules.BlockRows"/>
    public const int BlockRows = DenseRules.BlockRows;

    /// <inheritdoc cref="DenseRules.LaneStride"/>
    public const int LaneStride = DenseRules.LaneStride;

    /// <inheritdoc cref="DenseRules.GradientStride"/>
    public static int GradientStride(int units) => DenseRules.GradientStride(units);

    /// <inheritdoc cref="DenseRules.Padded"/>
    public static int Padded(int units) => DenseRules.Padded(units);

    // ------------------------------------------------------------------ the one register-width dispatcher

    /// <summary>
    /// One kernel family's core at one register width, named by <c>TOps</c> and <c>TV</c>. The operands are the family's
    /// own, in one shape for all families: up to six matrices (a reference to the first value of each), two counts and a
    /// flag; a family leaves the rest unused (<see cref="None{T}"/>, 0, false). TElement is always T: it is a parameter of
    /// its own only so that the dispatcher can name the non-generic single-precision lanes (<see cref="Lanes256Single"/>,
    /// ...), whose element type is float where T is not known to be.
    /// </summary>
    internal interface ILaneKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract void Run<TOps, TV, TElement>(
            ref TElement m0, ref TElement m1, ref TElement m2, ref TElement m3, ref TElement m4, ref TElement m5, int n0, int n1, bool flag)
            where TOps : ILanes<TV, TElement>
            where TV : struct
            where TElement : unmanaged, IFloatingPointIeee754<TElement>;
    }

    /// <summary>
    /// Runs <typeparamref name="TKernel"/> with the widest accelerated register (<see cref="Vector512"/>,
    /// <see cref="Vector256"/>, <see cref="Vector128"/>, else scalar). The checks are JIT-time constants, so each caller
    /// keeps one specialised copy of the kernel and no branch. Single precision runs on <see cref="Lanes256Single"/> and
    /// its siblings, whose operations cost the JIT about a third of the generic structs' (their remarks): the same results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dispatch<TKernel, T>(ref T m0, ref T m1, ref T m2, ref T m3, ref T m4, ref T m5, int n0, int n1, bool flag)
        where TKernel : ILaneKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            DispatchSingle<TKernel, T>(
                ref AsSingle(ref m0), ref AsSingle(ref m1), ref AsSingle(ref m2), ref AsSingle(ref m3), ref AsSingle(ref m4), ref AsSingle(ref m5), n0, n1, flag);
        }
        else if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            TKernel.Run<Lanes512<T>, Vector512<T>, T>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            TKernel.Run<Lanes256<T>, Vector256<T>, T>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            TKernel.Run<Lanes128<T>, Vector128<T>, T>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
        else
        {
            TKernel.Run<Scalar<T>, T, T>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
    }

    /// <summary><see cref="Dispatch{TKernel, T}"/> for single precision, on the non-generic lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DispatchSingle<TKernel, T>(ref float m0, ref float m1, ref float m2, ref float m3, ref float m4, ref float m5, int n0, int n1, bool flag)
        where TKernel : ILaneKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            TKernel.Run<Lanes512Single, Vector512<float>, float>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            TKernel.Run<Lanes256Single, Vector256<float>, float>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            TKernel.Run<Lanes128Single, Vector128<float>, float>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
        else
        {
            TKernel.Run<Scalar<float>, float, float>(ref m0, ref m1, ref m2, ref m3, ref m4, ref m5, n0, n1, flag);
        }
    }

    /// <summary>The same reference as a float's (T is float where this is called).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float AsSingle<T>(ref T value) => ref Unsafe.As<T, float>(ref value);

    /// <summary>The operand a kernel family does not use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T None<T>() => ref Unsafe.NullRef<T>();

    // ------------------------------------------------------------------ the rules of src/Shared/Compute/DenseRules.cs

    /// <summary>
    /// Whether <see cref="ForwardExample{TLayer, TActivation, T}"/> sums 16 registers of units per pass over W's rows
    /// (<see cref="DenseRules.SixteenRegisterPasses"/>, shared with the generator's strategy text).
    /// </summary>
    internal static bool SixteenRegisterPasses<T>(int inputs, int units) => DenseRules.SixteenRegisterPasses(inputs, units, Unsafe.SizeOf<T>());

    /// <summary>The most inputs summed in one block of a batch kernel (<see cref="DenseRules.InputBlock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int InputBlock<T>(int units) => DenseRules.InputBlock(units, Unsafe.SizeOf<T>());

    /// <inheritdoc cref="DenseRules.SixTiles"/>
    internal static int SixTiles(int count) => DenseRules.SixTiles(count);
}
#endif
