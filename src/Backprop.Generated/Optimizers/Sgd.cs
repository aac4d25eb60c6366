using System;

namespace Backprop.Generated;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
/// exactly PyTorch's <c>torch.optim.SGD</c> update rule:
/// <code>
/// g = grad + weight_decay * theta                  (weight_decay on every parameter, or on decayMask's)
/// if momentum != 0:
///     buf = g                                      (first step)
///     buf = momentum * buf + (1 - dampening) * g   (later steps)
///     g = g + momentum * buf   if nesterov, else   g = buf
/// theta = theta - lr * g
/// </code>
/// </summary>
/// <remarks>
/// <c>weightDecay</c> applies to every parameter, biases included, as PyTorch's does by default. To decay the
/// weights only (PyTorch's two parameter groups), pass <c>decayMask: ParameterMask.Weights(Net.LayerSizes)</c>.
/// For scikit-learn's <c>alpha</c> (a penalty alpha/(2m) sum ||W[l]||^2 in the cost, weights only) use
/// <see cref="TrainingOptions.L2"/> instead: for SGD without momentum, weightDecay = alpha/m on the weights takes the
/// same step but leaves the penalty out of the reported cost.
/// </remarks>
public sealed class Sgd : IOptimizer
{
    private OptimizerState _buffer;
    private double _learningRate;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">lr &gt; 0.</param>
    /// <param name="momentum">The momentum factor (0 for plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and dampening 0, as in PyTorch).</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="weightDecay">L2 penalty coefficient added to the gradient, weight_decay * theta.</param>
    /// <param name="decayMask">The parameters <paramref name="weightDecay"/> applies to; null (the default) for all of them.</param>
    public Sgd(double learningRate, double momentum = 0, bool nesterov = false, double dampening = 0, double weightDecay = 0, ParameterMask? decayMask = null)
    {
        _learningRate = OptimizerArguments.LearningRate(learningRate, nameof(learningRate), allowZero: false);
        OptimizerArguments.NonNegative(momentum, nameof(momentum), "The momentum");
        OptimizerArguments.NonNegative(weightDecay, nameof(weightDecay), "The weight decay");
        if (double.IsNaN(dampening) || double.IsInfinity(dampening))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "The dampening must be a finite number.");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
        Dampening = dampening;
        WeightDecay = weightDecay;
        DecayMask = decayMask;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerArguments.LearningRate(value, nameof(value), allowZero: true);
    }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>The dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>The L2 weight decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <summary>The parameters the weight decay applies to; null for all.</summary>
    public ParameterMask? DecayMask { get; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        OptimizerArguments.CheckMask(DecayMask, parameters.Length);
        ParameterMask? mask = DecayMask;
        float lr = (float)LearningRate;
        float decay = (float)WeightDecay;
        if (Momentum == 0)
        {
#if NET8_0_OR_GREATER
            if (mask is null)
            {
                // The same two roundings per value as the loop below (no fused multiply-add), registers at a time.
                Compute.UpdatePasses.SgdStep(parameters, gradients, lr, decay);
                return;
            }
#endif
            for (int q = 0; q < parameters.Length; q++)
            {
                float d = mask is null || mask[q] ? decay : 0f;
                float g = gradients[q] + (d * parameters[q]);
                parameters[q] -= lr * g;
            }

            return;
        }

        bool first = !_buffer.IsAllocated;
        float[] buffer = _buffer.Single(parameters.Length, nameof(Sgd));
        float momentum = (float)Momentum;
        float keep = (float)(1 - Dampening);
        for (int q = 0; q < parameters.Length; q++)
        {
            float d = mask is null || mask[q] ? decay : 0f;
            float g = gradients[q] + (d * parameters[q]);
            float b = first ? g : (momentum * buffer[q]) + (keep * g);
            buffer[q] = b;
            g = Nesterov ? g + (momentum * b) : b;
            parameters[q] -= lr * g;
        }
    }

    /// <inheritdoc/>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        OptimizerArguments.CheckMask(DecayMask, parameters.Length);
        ParameterMask? mask = DecayMask;
        double lr = LearningRate;
        double decay = WeightDecay;
        if (Momentum == 0)
        {
#if NET8_0_OR_GREATER
            if (mask is null)
            {
                Compute.UpdatePasses.SgdStep(parameters, gradients, lr, decay);
                return;
            }
#endif
            for (int q = 0; q < parameters.Length; q++)
            {
                double d = mask is null || mask[q] ? decay : 0d;
                double g = gradients[q] + (d * parameters[q]);
                parameters[q] -= lr * g;
            }

            return;
        }

        bool first = !_buffer.IsAllocated;
        double[] buffer = _buffer.Double(parameters.Length, nameof(Sgd));
        double momentum = Momentum;
        double keep = 1 - Dampening;
        for (int q = 0; q < parameters.Length; q++)
        {
            double d = mask is null || mask[q] ? decay : 0d;
            double g = gradients[q] + (d * parameters[q]);
            double b = first ? g : (momentum * buffer[q]) + (keep * g);
            buffer[q] = b;
            g = Nesterov ? g + (momentum * b) : b;
            parameters[q] -= lr * g;
        }
    }

    /// <inheritdoc/>
    public void Reset() => _buffer.Clear();
}
