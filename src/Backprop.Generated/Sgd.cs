using System;

namespace Backprop.Generated;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
/// exactly PyTorch's <c>torch.optim.SGD</c> update rule:
/// <code>
/// g = grad + weight_decay * theta
/// if momentum != 0:
///     buf = g                                      (first step)
///     buf = momentum * buf + (1 - dampening) * g   (later steps)
///     g = g + momentum * buf   if nesterov, else   g = buf
/// theta = theta - lr * g
/// </code>
/// </summary>
public sealed class Sgd : IOptimizer
{
    private OptimizerState _buffer;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">lr &gt; 0.</param>
    /// <param name="momentum">The momentum factor (0 for plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and dampening 0, as in PyTorch).</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    public Sgd(double learningRate, double momentum = 0, bool nesterov = false, double dampening = 0, double weightDecay = 0)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number greater than zero.");
        }

        if (!(momentum >= 0) || double.IsInfinity(momentum))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be a finite number >= 0.");
        }

        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be a finite number >= 0.");
        }

        if (double.IsNaN(dampening) || double.IsInfinity(dampening))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "The dampening must be a finite number.");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        }

        LearningRate = learningRate;
        Momentum = momentum;
        Nesterov = nesterov;
        Dampening = dampening;
        WeightDecay = weightDecay;
    }

    /// <summary>lr.</summary>
    public double LearningRate { get; }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>The dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>The L2 weight decay.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerState.CheckLengths(parameters.Length, gradients.Length);
        float lr = (float)LearningRate;
        float decay = (float)WeightDecay;
        if (Momentum == 0)
        {
            for (int q = 0; q < parameters.Length; q++)
            {
                float g = gradients[q] + (decay * parameters[q]);
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
            float g = gradients[q] + (decay * parameters[q]);
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
        double lr = LearningRate;
        double decay = WeightDecay;
        if (Momentum == 0)
        {
            for (int q = 0; q < parameters.Length; q++)
            {
                double g = gradients[q] + (decay * parameters[q]);
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
            double g = gradients[q] + (decay * parameters[q]);
            double b = first ? g : (momentum * buffer[q]) + (keep * g);
            buffer[q] = b;
            g = Nesterov ? g + (momentum * b) : b;
            parameters[q] -= lr * g;
        }
    }

    /// <inheritdoc/>
    public void Reset() => _buffer.Clear();
}
