// One of the declaration enums, compiled into both assemblies as src/Shared/Compute/DenseRules.cs is: the
// runtime's public Backprop.Generated.Quantization, and the generator's internal QuantizationKind (BACKPROP_GENERATOR),
// to which the parser converts the attribute's integer constants. One list of names and values for both.
#if BACKPROP_GENERATOR
namespace Backprop.Generated.Generator.Model;
#else
namespace Backprop.Generated;
#endif

/// <summary>An integer inference form that the generator emits beside the float network (docs/int8.md).</summary>
#if BACKPROP_GENERATOR
internal enum QuantizationKind
#else
public enum Quantization
#endif
{
    /// <summary>No integer form (the default).</summary>
    None = 0,

    /// <summary>
    /// A nested inference-only type <c>Int8</c>, made by <c>ToInt8()</c>: weights int8 per output unit (symmetric),
    /// activations quantised per example at run time, exact int32 sums, rescale + bias + activation in single precision.
    /// </summary>
    Int8 = 1,
}
