using System;

namespace Backprop.Generated;

/// <summary>
/// An update rule over the flat parameter span of one network: theta &lt;- update(theta, dJ/dtheta).
/// An optimizer keeps per-parameter state (momentum, moment estimates), so use one instance per network.
/// </summary>
public interface IOptimizer
{
    /// <summary>
    /// lr, the learning rate the next <see cref="Step(Span{float}, ReadOnlySpan{float})"/> uses: the constructor's
    /// value until a <see cref="LearningRateSchedule"/> (or the caller) sets another, as PyTorch's schedulers set a
    /// parameter group's <c>lr</c>. Must be finite and &gt;= 0 (0 pauses the updates).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative, NaN or infinite value.</exception>
    double LearningRate { get; set; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/> (same length).</summary>
    /// <param name="parameters">theta, updated in place.</param>
    /// <param name="gradients">dJ/dtheta.</param>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <inheritdoc cref="Step(Span{float}, ReadOnlySpan{float})"/>
    void Step(Span<double> parameters, ReadOnlySpan<double> gradients);

    /// <summary>Forgets all state (momentum buffers, step counts), as if newly created; keeps <see cref="LearningRate"/>.</summary>
    void Reset();
}
