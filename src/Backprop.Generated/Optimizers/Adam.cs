using System;

namespace Backprop.Generated;

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight
/// decay) and exactly <c>torch.optim.Adam</c>'s update rule, bias correction included:
/// <code>
/// t = t + 1
/// g = grad + weight_decay * theta              (weight_decay on every parameter, or on decayMask's)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// theta = theta - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// </code>
/// </summary>
/// <remarks>
/// The weight decay here is L2 added to the gradient, so Adam's scaling shrinks it; <see cref="AdamW"/> decouples it
/// (Loshchilov and Hutter), as <c>torch.optim.AdamW</c> does.
/// </remarks>
public sealed class Adam : IOptimizer
{
    private AdamCore _core;
    private double _learningRate;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">lr &gt; 0 (PyTorch's default 1e-3).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty coefficient added to the gradient (PyTorch's Adam, not AdamW).</param>
    /// <param name="decayMask">The parameters <paramref name="weightDecay"/> applies to; null (the default) for all of them.</param>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, ParameterMask? decayMask = null)
    {
        _learningRate = OptimizerArguments.LearningRate(learningRate, nameof(learningRate), allowZero: false);
        Beta1 = OptimizerArguments.UnitInterval(beta1, nameof(beta1));
        Beta2 = OptimizerArguments.UnitInterval(beta2, nameof(beta2));
        Epsilon = OptimizerArguments.NonNegative(epsilon, nameof(epsilon), "epsilon");
        WeightDecay = OptimizerArguments.NonNegative(weightDecay, nameof(weightDecay), "The weight decay");
        DecayMask = decayMask;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerArguments.LearningRate(value, nameof(value), allowZero: true);
    }

    /// <summary>beta1.</summary>
    public double Beta1 { get; }

    /// <summary>beta2.</summary>
    public double Beta2 { get; }

    /// <summary>eps.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 weight decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <summary>The parameters the weight decay applies to; null for all.</summary>
    public ParameterMask? DecayMask { get; }

    /// <summary>The number of steps taken, t.</summary>
    public long StepCount => _core.StepCount;

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        _core.Step(parameters, gradients, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, decoupled: false, DecayMask, nameof(Adam));

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients) =>
        _core.Step(parameters, gradients, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, decoupled: false, DecayMask, nameof(Adam));

    /// <inheritdoc/>
    public void Reset() => _core.Reset();
}
