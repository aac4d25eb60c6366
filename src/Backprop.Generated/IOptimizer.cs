using System;

namespace Backprop.Generated;

/// <summary>
/// An update rule over the flat parameter span of one network: theta &lt;- update(theta, dJ/dtheta).
/// An optimizer keeps per-parameter state (momentum, moment estimates), so use one instance per network.
/// </summary>
public interface IOptimizer
{
    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/> (same length).</summary>
    /// <param name="parameters">theta, updated in place.</param>
    /// <param name="gradients">dJ/dtheta.</param>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <inheritdoc cref="Step(Span{float}, ReadOnlySpan{float})"/>
    void Step(Span<double> parameters, ReadOnlySpan<double> gradients);

    /// <summary>Forgets all state (momentum buffers, step counts), as if newly created.</summary>
    void Reset();
}
