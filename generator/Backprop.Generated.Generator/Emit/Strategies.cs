using Backprop.Generated.Compute;
using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Names the code each layer gets, from its shape alone, for the comments and XML docs of generated code and for
/// docs/performance.md. One example: <see cref="LayerStrategy.Unrolled"/> straight-line code for tiny layers,
/// <see cref="LayerStrategy.RegisterLanes"/> (units held in registers for the whole sum) for small ones and
/// <see cref="LayerStrategy.UnitLanes"/> (units in SIMD lanes, passes over W's rows) for wide ones. Batches and training: examples in SIMD
/// lanes, in register tiles of 6 units (then 4, 2 and 1 for the rest) by 2 registers of examples.
/// </summary>
internal static class Strategies
{
    /// <summary>The one-example strategy, e.g. "one example: straight-line code".</summary>
    public static string DescribeExample(EmitContext c, int l)
    {
        if (c.Strategy(l) == LayerStrategy.Unrolled)
        {
            return UnrolledLayerWriter.InOneRegister(c, l) ? "one example: straight-line code, the units in one 128-bit register" : "one example: straight-line code";
        }

        if (c.Strategy(l) == LayerStrategy.RegisterLanes)
        {
            // RegisterLanes.Forward's widths (DenseRules.RegisterLanesWidth), each narrower one the fallback where the
            // wider is not accelerated.
            int bytes = c.Sizes[l] * ElementBytes(c);
            var options = new System.Collections.Generic.List<string>();
            foreach (int width in new[] { 512, 256, 128 })
            {
                if (width <= DenseRules.RegisterLanesWidth(bytes))
                {
                    int registers = (bytes + (width / 8) - 1) / (width / 8);
                    options.Add($"{Literals.Int(registers)} of {Literals.Int(width)} bits");
                }
            }

            string widths = options.Count == 1 ? options[0] : string.Join(", ", options.GetRange(0, options.Count - 1)) + " or " + options[options.Count - 1];
            return $"one example: the {Literals.Int(c.Sizes[l])} units held in registers for the whole sum, {widths}";
        }

        // The passes of the runtime's Dense.ForwardExample: 16 registers of units when W is larger than 32 KB
        // (DenseRules.SixteenRegisterPasses), then of 8, then the rest (under 8 registers, the last possibly partial) in
        // passes of up to 4 registers. 256-bit registers here.
        int perRegister = 32 / ElementBytes(c);
        int units = c.Sizes[l];
        var passes = new System.Collections.Generic.List<int>();
        int left = units;
        bool sixteen = DenseRules.SixteenRegisterPasses(c.Sizes[l - 1], units, ElementBytes(c));
        for (; sixteen && left >= 16 * perRegister; left -= 16 * perRegister)
        {
            passes.Add(16);
        }

        for (; left >= 8 * perRegister; left -= 8 * perRegister)
        {
            passes.Add(8);
        }

        int restRegisters = (left + perRegister - 1) / perRegister;
        if (restRegisters > 4)
        {
            passes.Add(4);
            restRegisters -= 4;
        }

        if (restRegisters > 0)
        {
            passes.Add(restRegisters);
        }

        bool allSame = passes.TrueForAll(p => p == passes[0]);
        string sizes = allSame
            ? Literals.Int(passes[0])
            : string.Join(", ", passes.GetRange(0, passes.Count - 1).ConvertAll(Literals.Int)) + " and " + Literals.Int(passes[passes.Count - 1]);
        string count = passes.Count == 1 ? "1 pass" : $"{Literals.Int(passes.Count)} passes";
        string partial = units % perRegister == 0 ? string.Empty : passes.Count == 1 && passes[0] == 1 ? ", partly filled" : ", the last register partly filled";
        return $"one example: units in SIMD lanes, {Literals.Int(perRegister)} per 256-bit register, summed over the {Literals.Int(c.Sizes[l - 1])} rows of W{l} in {count} of {sizes} register{(allSame && passes[0] == 1 ? string.Empty : "s")}{partial}";
    }

    /// <summary>
    /// The batch strategy, e.g. "batches: examples in SIMD lanes, 20 tiles of 6 units and 2 of 4 units x 2 registers of
    /// examples, 25 input blocks of at most 32" (784 x 128, float). The tiles of the runtime's Dense.ForwardBlock
    /// (<see cref="DenseRules.SixTiles"/>): tiles of 6 units, then one tile of 4, 2 and 1 as the remainder needs (two of 4
    /// for a remainder of 8); inputs in blocks of <see cref="DenseRules.InputBlock"/> so a tile's operands stay in L1.
    /// </summary>
    public static string DescribeBatch(EmitContext c, int l)
    {
        int units = c.Sizes[l];
        int inputs = c.Sizes[l - 1];
        var tiles = new System.Collections.Generic.List<string>();
        // When 2 units are left after a tile of 6, the last 8 are two tiles of 4.
        int six = DenseRules.SixTiles(units) / 6;
        int rest = units - (6 * six);
        bool fours = rest == 8;
        if (six > 0)
        {
            tiles.Add($"{Literals.Int(six)} tile{(six == 1 ? string.Empty : "s")} of 6 units");
        }

        if (fours)
        {
            tiles.Add(six == 0 ? "2 tiles of 4 units" : "2 of 4 units");
            rest = 0;
        }

        foreach (int width in new[] { 4, 2, 1 })
        {
            if (rest >= width)
            {
                tiles.Add($"1 of {Literals.Int(width)} unit{(width == 1 ? string.Empty : "s")}");
                rest -= width;
            }
        }

        int inputBlock = DenseRules.InputBlock(units, ElementBytes(c));
        int blocks = (inputs + inputBlock - 1) / inputBlock;
        string loop = blocks == 1
            ? $"a {Literals.Int(inputs)}-step inner loop"
            : $"{Literals.Int(blocks)} input blocks of at most {Literals.Int((inputs + blocks - 1) / blocks)}";
        return $"batches: examples in SIMD lanes, {string.Join(" and ", tiles)} x 2 registers of examples, {loop}";
    }

    /// <summary>Bytes per value: 8 for double precision, 4 for float.</summary>
    private static int ElementBytes(EmitContext c) => c.Model.Precision == PrecisionKind.Double ? 8 : 4;

    public static string Describe(EmitContext c, int l) => DescribeExample(c, l) + "; " + DescribeBatch(c, l);
}
