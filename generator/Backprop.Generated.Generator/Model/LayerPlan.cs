namespace Backprop.Generated.Generator.Model;

/// <summary>How the emitter writes one layer.</summary>
internal enum LayerStrategy
{
    /// <summary>Every multiply-add written out as straight-line code with constant indices.</summary>
    Unrolled,

    /// <summary>A fixed-bound loop over rows of W[l] calling the runtime's vector kernels.</summary>
    VectorLoop,
}

/// <summary>Chooses each layer's <see cref="LayerStrategy"/> from the sizes alone (a pure function of the model).</summary>
internal static class LayerPlanner
{
    public static LayerStrategy[] Plan(NetworkModel model) => Plan(model.LayerSizes.ToArray());

    /// <summary>The inference plan: layers of at most <see cref="Limits.MaxUnrolledMultiplyAdds"/> unrolled, in order, within the per-network budget.</summary>
    public static LayerStrategy[] Plan(int[] sizes) =>
        Plan(sizes, Limits.MaxUnrolledMultiplyAddsPerNetwork, l => (long)sizes[l - 1] * sizes[l] <= Limits.MaxUnrolledMultiplyAdds);

    /// <summary>
    /// The training plan: a layer is unrolled in the training method only if <paramref name="inference"/> unrolls it
    /// and it fits the tighter <see cref="Limits.MaxUnrolledMultiplyAddsPerTrainingMethod"/> budget.
    /// </summary>
    public static LayerStrategy[] PlanTraining(int[] sizes, LayerStrategy[] inference) =>
        Plan(sizes, Limits.MaxUnrolledMultiplyAddsPerTrainingMethod, l => inference[l - 1] == LayerStrategy.Unrolled);

    /// <summary>Greedy in layer order: an eligible layer is unrolled while its multiply-adds fit the remaining budget.</summary>
    private static LayerStrategy[] Plan(int[] sizes, long budget, System.Func<int, bool> eligible)
    {
        int layers = sizes.Length - 1;
        var plan = new LayerStrategy[layers];
        for (int l = 1; l <= layers; l++)
        {
            long multiplyAdds = (long)sizes[l - 1] * sizes[l];
            bool unroll = eligible(l) && multiplyAdds <= budget;
            plan[l - 1] = unroll ? LayerStrategy.Unrolled : LayerStrategy.VectorLoop;
            if (unroll)
            {
                budget -= multiplyAdds;
            }
        }

        return plan;
    }
}
