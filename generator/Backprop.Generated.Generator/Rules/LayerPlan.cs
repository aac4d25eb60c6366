using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Rules;

/// <summary>How the emitter writes one layer.</summary>
internal enum LayerStrategy
{
    /// <summary>Every multiply-add written out as straight-line code with constant indices.</summary>
    Unrolled,

    /// <summary>
    /// The runtime's small-layer kernel (Compute.RegisterLanes): all the layer's units in at most eight SIMD
    /// registers for the whole sum, g once per register (for up to <see cref="Backprop.Generated.Compute.DenseRules.RegisterLanesMaxBytes"/>
    /// bytes of units).
    /// </summary>
    RegisterLanes,

    /// <summary>
    /// The runtime's one-example kernel: the units of the layer in SIMD lanes, eight registers of units at a time,
    /// one pass over the rows of W[l] per eight registers (W[l] is row-major, so each pass reads contiguous rows).
    /// </summary>
    UnitLanes,
}

/// <summary>
/// Chooses each layer's one-example <see cref="LayerStrategy"/> from the sizes alone (a pure function of the model).
/// Batches and training use the runtime's examples-in-lanes kernels (see <see cref="Emit.Strategies"/>), except in tiny
/// single-precision networks, whose whole pass is written into the network's type (<see cref="Emit.RegisterBlockWriter"/>).
/// </summary>
internal static class LayerPlanner
{
    public static LayerStrategy[] Plan(NetworkModel model) =>
        Plan(model.LayerSizes.ToArray(), model.Precision == PrecisionKind.Double ? 8 : 4);

    /// <summary>
    /// The one-example plan: a layer is unrolled when it has fewer than <see cref="Limits.MinUnitsForLanes"/> units (a
    /// register of its units would be mostly empty) and its multiply-adds fit <see cref="Limits.MaxUnrolledMultiplyAdds"/>
    /// and its cost the per-network budget; every other layer puts its units in SIMD lanes, in registers for the whole
    /// sum (<see cref="LayerStrategy.RegisterLanes"/>) when they take at most <see cref="Backprop.Generated.Compute.DenseRules.RegisterLanesMaxBytes"/>
    /// bytes, else in passes over the rows of W (<see cref="LayerStrategy.UnitLanes"/>).
    /// </summary>
    /// <param name="sizes">n_0, ..., n_L.</param>
    /// <param name="elementBytes">4 for single, 8 for double precision.</param>
    public static LayerStrategy[] Plan(int[] sizes, int elementBytes)
    {
        LayerStrategy[] plan = Plan(sizes, Limits.MaxUnrolledMultiplyAddsPerNetwork, l => sizes[l] < Limits.MinUnitsForLanes && (long)sizes[l - 1] * sizes[l] <= Limits.MaxUnrolledMultiplyAdds);
        for (int l = 1; l < sizes.Length; l++)
        {
            if (plan[l - 1] == LayerStrategy.UnitLanes && (long)sizes[l] * elementBytes <= Backprop.Generated.Compute.DenseRules.RegisterLanesMaxBytes)
            {
                plan[l - 1] = LayerStrategy.RegisterLanes;
            }
        }

        return plan;
    }

    /// <summary>
    /// The layers that straight-line code could not hold (BPG012): above <see cref="Limits.MaxUnrolledMultiplyAdds"/>
    /// multiply-adds, or past the per-network budget, whatever their width.
    /// </summary>
    public static bool[] TooWideToUnroll(int[] sizes)
    {
        LayerStrategy[] plan = Plan(sizes, Limits.MaxUnrolledMultiplyAddsPerNetwork, l => (long)sizes[l - 1] * sizes[l] <= Limits.MaxUnrolledMultiplyAdds);
        return System.Array.ConvertAll(plan, s => s == LayerStrategy.UnitLanes);
    }

    /// <summary>
    /// Greedy in layer order: an eligible layer is unrolled while its cost (multiply-adds, plus
    /// <see cref="Limits.UnrolledCostPerUnit"/> per unit for its bias, activation and store) fits the remaining budget.
    /// </summary>
    private static LayerStrategy[] Plan(int[] sizes, long budget, System.Func<int, bool> eligible)
    {
        int layers = sizes.Length - 1;
        var plan = new LayerStrategy[layers];
        for (int l = 1; l <= layers; l++)
        {
            long cost = ((long)sizes[l - 1] * sizes[l]) + ((long)Limits.UnrolledCostPerUnit * sizes[l]);
            bool unroll = eligible(l) && cost <= budget;
            plan[l - 1] = unroll ? LayerStrategy.Unrolled : LayerStrategy.UnitLanes;
            if (unroll)
            {
                budget -= cost;
            }
        }

        return plan;
    }
}
