namespace Backprop.Generated;

/// <summary>The floating-point type of a generated network's parameters and arithmetic.</summary>
public enum Precision
{
    /// <summary>32-bit <see cref="float"/> (the default).</summary>
    Single = 0,

    /// <summary>64-bit <see cref="double"/>.</summary>
    Double = 1,
}
