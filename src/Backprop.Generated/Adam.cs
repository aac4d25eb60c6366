using System;

namespace Backprop.Generated;

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight
/// decay) and exactly <c>torch.optim.Adam</c>'s update rule, bias correction included:
/// <code>
/// t = t + 1
/// g = grad + weight_decay * theta
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// theta = theta - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// </code>
/// </summary>
public sealed class Adam : IOptimizer
{
    private OptimizerState _m;
    private OptimizerState _v;
    private long _t;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">lr &gt; 0 (PyTorch's default 1e-3).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (PyTorch's Adam, not AdamW).</param>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number greater than zero.");
        }

        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a finite number >= 0.");
        }

        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be a finite number >= 0.");
        }

        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>lr.</summary>
    public double LearningRate { get; }

    /// <summary>beta1.</summary>
    public double Beta1 { get; }

    /// <summary>beta2.</summary>
    public double Beta2 { get; }

    /// <summary>eps.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>The number of steps taken, t.</summary>
    public long StepCount => _t;

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        float[] m = _m.Single(parameters.Length, nameof(Adam));
        float[] v = _v.Single(parameters.Length, nameof(Adam));
        _t++;

        // As in PyTorch, the scalar factors are computed in double and rounded once.
        float stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, _t)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, _t));
        float beta1 = (float)Beta1;
        float beta2 = (float)Beta2;
        float oneMinusBeta1 = (float)(1 - Beta1);
        float oneMinusBeta2 = (float)(1 - Beta2);
        float eps = (float)Epsilon;
        float decay = (float)WeightDecay;
        for (int q = 0; q < parameters.Length; q++)
        {
            float g = gradients[q] + (decay * parameters[q]);
            m[q] = (beta1 * m[q]) + (oneMinusBeta1 * g);
            v[q] = (beta2 * v[q]) + (oneMinusBeta2 * g * g);
            float denominator = ((float)Math.Sqrt(v[q]) / correction2Sqrt) + eps;
            parameters[q] -= stepSize * m[q] / denominator;
        }
    }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        double[] m = _m.Double(parameters.Length, nameof(Adam));
        double[] v = _v.Double(parameters.Length, nameof(Adam));
        _t++;

        double stepSize = LearningRate / (1 - Math.Pow(Beta1, _t));
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, _t));
        double beta1 = Beta1;
        double beta2 = Beta2;
        double eps = Epsilon;
        double decay = WeightDecay;
        for (int q = 0; q < parameters.Length; q++)
        {
            double g = gradients[q] + (decay * parameters[q]);
            m[q] = (beta1 * m[q]) + ((1 - beta1) * g);
            v[q] = (beta2 * v[q]) + ((1 - beta2) * g * g);
            double denominator = (Math.Sqrt(v[q]) / correction2Sqrt) + eps;
            parameters[q] -= stepSize * m[q] / denominator;
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _m.Clear();
        _v.Clear();
        _t = 0;
    }
}
