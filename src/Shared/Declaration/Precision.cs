// One of the declaration enums, compiled into both assemblies as src/Shared/Compute/DenseRules.cs is: the
// runtime's public Backprop.Generated.Precision, and the generator's internal PrecisionKind (BACKPROP_GENERATOR),
// to which the parser converts the attribute's integer constants. One list of names and values for both.
#if BACKPROP_GENERATOR
namespace Backprop.Generated.Generator.Model;
#else
namespace Backprop.Generated;
#endif

/// <summary>The floating-point type of a generated network's parameters and arithmetic.</summary>
#if BACKPROP_GENERATOR
internal enum PrecisionKind
#else
public enum Precision
#endif
{
    /// <summary>32-bit <see cref="float"/> (the default).</summary>
    Single = 0,

    /// <summary>64-bit <see cref="double"/>.</summary>
    Double = 1,
}
