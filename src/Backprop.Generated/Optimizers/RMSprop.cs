using System;

namespace Backprop.Generated;

/// <summary>
/// RMSprop (Hinton's lecture 6e; Graves 2013 for the centred form) with PyTorch's defaults (lr 0.01, alpha 0.99,
/// eps 1e-8, no weight decay, no momentum, not centred) and exactly <c>torch.optim.RMSprop</c>'s update rule:
/// <code>
/// g = grad + weight_decay * theta              (weight_decay on every parameter, or on decayMask's)
/// v = alpha * v + (1 - alpha) * g^2            (v starts at 0)
/// if centered: gbar = alpha * gbar + (1 - alpha) * g;  d = sqrt(v - gbar^2) + eps
/// else:        d = sqrt(v) + eps
/// if momentum &gt; 0: buf = momentum * buf + g / d;  theta = theta - lr * buf   (buf starts at 0)
/// else:            theta = theta - lr * g / d
/// </code>
/// </summary>
public sealed class RMSprop : IOptimizer
{
    private OptimizerState _square;
    private OptimizerState _mean;
    private OptimizerState _buffer;
    private double _learningRate;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">lr &gt; 0 (PyTorch's default 0.01).</param>
    /// <param name="alpha">Smoothing constant of the running mean of g^2, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty coefficient added to the gradient.</param>
    /// <param name="momentum">The momentum factor, &gt;= 0.</param>
    /// <param name="centered">Divide by an estimate of the gradient's variance instead of its second moment.</param>
    /// <param name="decayMask">The parameters <paramref name="weightDecay"/> applies to; null (the default) for all of them.</param>
    public RMSprop(double learningRate = 0.01, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, ParameterMask? decayMask = null)
    {
        _learningRate = OptimizerArguments.LearningRate(learningRate, nameof(learningRate), allowZero: false);
        Alpha = OptimizerArguments.UnitInterval(alpha, nameof(alpha));
        Epsilon = OptimizerArguments.NonNegative(epsilon, nameof(epsilon), "epsilon");
        WeightDecay = OptimizerArguments.NonNegative(weightDecay, nameof(weightDecay), "The weight decay");
        Momentum = OptimizerArguments.NonNegative(momentum, nameof(momentum), "The momentum");
        Centered = centered;
        DecayMask = decayMask;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerArguments.LearningRate(value, nameof(value), allowZero: true);
    }

    /// <summary>alpha, the smoothing constant.</summary>
    public double Alpha { get; }

    /// <summary>eps.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 weight decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether the centred form is used.</summary>
    public bool Centered { get; }

    /// <summary>The parameters the weight decay applies to; null for all.</summary>
    public ParameterMask? DecayMask { get; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        OptimizerArguments.CheckMask(DecayMask, parameters.Length);
        ParameterMask? mask = DecayMask;
        float[] square = _square.Single(parameters.Length, nameof(RMSprop));
        float[]? mean = Centered ? _mean.Single(parameters.Length, nameof(RMSprop)) : null;
        float[]? buffer = Momentum > 0 ? _buffer.Single(parameters.Length, nameof(RMSprop)) : null;
        float lr = (float)LearningRate;
        float alpha = (float)Alpha;
        float oneMinusAlpha = (float)(1 - Alpha);
        float eps = (float)Epsilon;
        float decay = (float)WeightDecay;
        float momentum = (float)Momentum;
        for (int q = 0; q < parameters.Length; q++)
        {
            float d = mask is null || mask[q] ? decay : 0f;
            float g = gradients[q] + (d * parameters[q]);
            square[q] = (alpha * square[q]) + (oneMinusAlpha * g * g);
            float denominator;
            if (mean is not null)
            {
                mean[q] = (alpha * mean[q]) + (oneMinusAlpha * g);
                denominator = (float)Math.Sqrt(square[q] - (mean[q] * mean[q])) + eps;
            }
            else
            {
                denominator = (float)Math.Sqrt(square[q]) + eps;
            }

            if (buffer is not null)
            {
                buffer[q] = (momentum * buffer[q]) + (g / denominator);
                parameters[q] -= lr * buffer[q];
            }
            else
            {
                parameters[q] -= lr * (g / denominator);
            }
        }
    }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        OptimizerArguments.CheckMask(DecayMask, parameters.Length);
        ParameterMask? mask = DecayMask;
        double[] square = _square.Double(parameters.Length, nameof(RMSprop));
        double[]? mean = Centered ? _mean.Double(parameters.Length, nameof(RMSprop)) : null;
        double[]? buffer = Momentum > 0 ? _buffer.Double(parameters.Length, nameof(RMSprop)) : null;
        double lr = LearningRate;
        double alpha = Alpha;
        double eps = Epsilon;
        double decay = WeightDecay;
        double momentum = Momentum;
        for (int q = 0; q < parameters.Length; q++)
        {
            double d = mask is null || mask[q] ? decay : 0d;
            double g = gradients[q] + (d * parameters[q]);
            square[q] = (alpha * square[q]) + ((1 - alpha) * g * g);
            double denominator;
            if (mean is not null)
            {
                mean[q] = (alpha * mean[q]) + ((1 - alpha) * g);
                denominator = Math.Sqrt(square[q] - (mean[q] * mean[q])) + eps;
            }
            else
            {
                denominator = Math.Sqrt(square[q]) + eps;
            }

            if (buffer is not null)
            {
                buffer[q] = (momentum * buffer[q]) + (g / denominator);
                parameters[q] -= lr * buffer[q];
            }
            else
            {
                parameters[q] -= lr * (g / denominator);
            }
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _square.Clear();
        _mean.Clear();
        _buffer.Clear();
    }
}
