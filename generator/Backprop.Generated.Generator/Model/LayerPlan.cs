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

    public static LayerStrategy[] Plan(int[] sizes)
    {
        int layers = sizes.Length - 1;
        var plan = new LayerStrategy[layers];
        long budget = Limits.MaxUnrolledMultiplyAddsPerNetwork;
        for (int l = 1; l <= layers; l++)
        {
            long multiplyAdds = (long)sizes[l - 1] * sizes[l];
            bool unroll = multiplyAdds <= Limits.MaxUnrolledMultiplyAdds && multiplyAdds <= budget;
            plan[l - 1] = unroll ? LayerStrategy.Unrolled : LayerStrategy.VectorLoop;
            if (unroll)
            {
                budget -= multiplyAdds;
            }
        }

        return plan;
    }
}
