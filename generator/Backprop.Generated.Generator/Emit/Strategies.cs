using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Names the code each layer gets, from its shape alone, for the comments and XML docs of generated code and for
/// docs/performance.md. One example: <see cref="LayerStrategy.Unrolled"/> straight-line code for small layers,
/// <see cref="LayerStrategy.UnitLanes"/> (units in SIMD lanes) for wide ones. Batches and training: examples in SIMD
/// lanes, in register tiles of 4 units (the last n_l mod 4 units one at a time) by 2 registers of examples.
/// </summary>
internal static class Strategies
{
    /// <summary>The one-example strategy, e.g. "one example: straight-line code".</summary>
    public static string DescribeExample(EmitContext c, int l) => c.Strategy(l) == LayerStrategy.Unrolled
        ? "one example: straight-line code"
        : $"one example: units in SIMD lanes, 8 registers of units per pass over the {Literals.Int(c.Sizes[l - 1])} rows of W{l}";

    /// <summary>The batch strategy, e.g. "batches: examples in SIMD lanes, 32 tiles of 4 units x 2 registers of examples".</summary>
    public static string DescribeBatch(EmitContext c, int l)
    {
        int units = c.Sizes[l];
        int tiles = units / 4;
        int single = units % 4;
        string tileText = tiles == 0
            ? $"{Literals.Int(single)} tile{(single == 1 ? string.Empty : "s")} of 1 unit"
            : $"{Literals.Int(tiles)} tile{(tiles == 1 ? string.Empty : "s")} of 4 units" + (single == 0 ? string.Empty : $" and {Literals.Int(single)} of 1 unit");
        return $"batches: examples in SIMD lanes, {tileText} x 2 registers of examples, a {Literals.Int(c.Sizes[l - 1])}-step inner loop";
    }

    public static string Describe(EmitContext c, int l) => DescribeExample(c, l) + "; " + DescribeBatch(c, l);
}
