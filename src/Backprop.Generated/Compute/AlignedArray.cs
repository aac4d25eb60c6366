#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Generated.Compute;

/// <summary>
/// A managed array whose first element sits on a 64-byte boundary (one cache line, one <c>Vector512</c>): the storage of
/// a generated network's parameters and of its kernels' scratch.
/// </summary>
/// <remarks>
/// The .NET allocator aligns array data to 8 bytes only, so a 256-bit load of a row of W[l] or of a block of lanes
/// would straddle two cache lines in three cases of eight and cost a second load. The array is allocated on the pinned
/// object heap (<see cref="GC.AllocateArray{T}(int, bool)"/> with <c>pinned: true</c>), where the GC never moves it,
/// with one cache line of slack; <see cref="Span"/> starts at the first element on a 64-byte boundary, so the offset
/// computed at allocation stays right for the array's lifetime. A further <see cref="TailPadding"/> bytes follow the
/// last element, so a kernel may load a whole register that starts at any element (<see cref="RegisterLanes"/> does,
/// for a layer whose last register is partly filled) without reading outside the array. Costs 128 bytes per array and
/// nothing per access beyond one bounds-checked slice.
/// </remarks>
/// <typeparam name="T">The element type (<see cref="float"/> or <see cref="double"/> in generated code).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AlignedArray<T>
    where T : unmanaged
{
    /// <summary>The alignment of the first element, in bytes.</summary>
    public const int Alignment = 64;

    /// <summary>The bytes kept (zeroed) after the last element: one <c>Vector512</c>.</summary>
    public const int TailPadding = 64;

    private readonly T[]? _array;
    private readonly int _start;
    private readonly int _length;

    /// <summary>Allocates <paramref name="length"/> zeroed elements, the first on a 64-byte boundary.</summary>
    /// <param name="length">The number of elements, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public unsafe AlignedArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int slack = Alignment / sizeof(T);
        int tail = (TailPadding + sizeof(T) - 1) / sizeof(T);
        _array = GC.AllocateArray<T>(length + slack + tail, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        int misalignment = (int)(address & (Alignment - 1));
        _start = misalignment == 0 ? 0 : (Alignment - misalignment) / sizeof(T);
        _length = length;
    }

    /// <summary>Whether this is the default value, with no array behind it.</summary>
    public bool IsDefault => _array is null;

    /// <summary>The number of elements.</summary>
    public int Length => _length;

    /// <summary>The elements, the first on a 64-byte boundary (empty for the default value).</summary>
    public Span<T> Span
    {
        // The constructor validated _start and _length against the array once; re-checking them on every access put a
        // compare and two more loads in front of a small network's first multiply-add (W1's Forward: 4 of its 25 ns).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _array is null ? default : MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start), _length);
    }

    /// <summary>The elements as a span.</summary>
    /// <param name="array">The aligned array.</param>
    public static implicit operator Span<T>(AlignedArray<T> array) => array.Span;

    /// <summary>The elements as a read-only span.</summary>
    /// <param name="array">The aligned array.</param>
    public static implicit operator ReadOnlySpan<T>(AlignedArray<T> array) => array.Span;
}
#endif
