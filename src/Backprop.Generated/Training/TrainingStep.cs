using System;
using System.Runtime.InteropServices;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// One training step of a network with <see cref="TrainingOptions"/>, in the runtime rather than in generated code:
/// <list type="number">
/// <item>J and dJ/dtheta of the batch from the network's <c>ComputeGradients</c>;</item>
/// <item>with <see cref="TrainingOptions.L2"/> = alpha &gt; 0: cost += alpha/(2m) sum_l ||W[l]||^2 and
/// dW[l] += alpha/m W[l] (scikit-learn's <c>alpha</c>; biases untouched);</item>
/// <item>a check that the cost and every gradient are finite (<see cref="TrainingDivergedException"/> otherwise,
/// parameters unchanged);</item>
/// <item>the global norm ||g||, and clipping to <see cref="TrainingOptions.MaxGradientNorm"/> as <c>clip_grad_norm_</c> does;</item>
/// <item>the optimizer's update of <see cref="INetwork{T}.Parameters"/>.</item>
/// </list>
/// Without options it takes exactly the step of the generated <c>TrainStep</c>. It keeps one gradient buffer
/// (ParameterCount values, allocated in the constructor), so a step allocates nothing; like the network's own
/// training members, use it from one thread at a time.
/// </summary>
/// <typeparam name="T">float or double, the network's precision.</typeparam>
/// <remarks>
/// Which parameters are weights follows the documented layout of <see cref="INetwork{T}.Parameters"/>: for
/// l = 1..L, W[l] (n_{l-1} x n_l values), then b[l] (n_l values), from <see cref="INetwork{T}.LayerSizes"/>.
/// </remarks>
public sealed class TrainingStep<T>
    where T : unmanaged
{
    private readonly T[] _gradients;
    private readonly int[] _weightStarts;
    private readonly int[] _weightCounts;

    /// <summary>Creates the step for one network and its optimizer.</summary>
    /// <param name="network">The network; its parameters are updated in place.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="options">L2, clipping and schedule (the schedule is applied by <c>Fit</c>, not here); null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public TrainingStep(INetwork<T> network, IOptimizer optimizer, TrainingOptions? options = null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Networks are float or double, not {typeof(T)}.");
        }

        Options = options ?? new TrainingOptions();
        _gradients = new T[network.ParameterCount];
        ReadOnlySpan<int> sizes = network.LayerSizes;
        int layers = sizes.Length - 1;
        _weightStarts = new int[layers];
        _weightCounts = new int[layers];
        int offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            _weightStarts[l - 1] = offset;
            _weightCounts[l - 1] = sizes[l - 1] * sizes[l];
            offset += (sizes[l - 1] + 1) * sizes[l];
        }

        if (offset != network.ParameterCount)
        {
            throw new ArgumentException($"The network's LayerSizes describe {offset} parameters but its ParameterCount is {network.ParameterCount}.", nameof(network));
        }
    }

    /// <summary>The network trained.</summary>
    public INetwork<T> Network { get; }

    /// <summary>The update rule.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The options (a default instance when none were given).</summary>
    public TrainingOptions Options { get; }

    /// <summary>The full gradient of the last step (penalty included, after clipping), in the layout of <see cref="INetwork{T}.Parameters"/>.</summary>
    public ReadOnlySpan<T> Gradients => _gradients;

    /// <summary>Runs one step on one batch.</summary>
    /// <param name="inputs">X, m x n_0 row-major (m &gt;= 1).</param>
    /// <param name="targets">Y, m x n_L row-major.</param>
    /// <returns>The cost before the update (penalty included), the penalty, the gradient norm before clipping, whether it was clipped, and lr.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length, or the batch is empty.</exception>
    /// <exception cref="TrainingDivergedException">The cost or a gradient is not finite; the parameters are unchanged.</exception>
    public StepResult Run(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets) => Step(inputs, targets, measureNorm: true);

    /// <summary>
    /// The step of <see cref="Run(ReadOnlySpan{T}, ReadOnlySpan{T})"/> for <c>Fit</c>, which reads only the cost:
    /// without clipping the gradient norm (a scalar pass over every gradient) is not computed and
    /// <see cref="StepResult.GradientNorm"/> is NaN. The parameters change exactly as <c>Run</c> changes them.
    /// </summary>
    internal StepResult RunWithoutNorm(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets) => Step(inputs, targets, measureNorm: false);

    private StepResult Step(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, bool measureNorm)
    {
        int m = ShapeGuard.Rows(inputs.Length, Network.InputSize, nameof(inputs));
        TrainingGuard.NotEmpty(m, nameof(inputs));
        T cost = Network.ComputeGradients(inputs, targets, _gradients);
        Span<T> parameters = Network.Parameters;
        return typeof(T) == typeof(float)
            ? Finish(Scalar.ToDouble(cost), m, MemoryMarshal.Cast<T, float>(parameters), MemoryMarshal.Cast<T, float>(_gradients.AsSpan()), measureNorm)
            : Finish(Scalar.ToDouble(cost), m, MemoryMarshal.Cast<T, double>(parameters), MemoryMarshal.Cast<T, double>(_gradients.AsSpan()), measureNorm);
    }

    private StepResult Finish(double cost, int m, Span<float> parameters, Span<float> gradients, bool measureNorm)
    {
        // L2 (scikit-learn's alpha): cost += alpha/(2m) sum ||W||^2, dW += alpha/m W; biases untouched.
        double alpha = Options.L2;
        double penalty = 0;
        if (alpha > 0)
        {
            double squares = 0;
            float scale = (float)(alpha / m);
            for (int l = 0; l < _weightStarts.Length; l++)
            {
                int end = _weightStarts[l] + _weightCounts[l];
                for (int q = _weightStarts[l]; q < end; q++)
                {
                    double w = parameters[q];
                    squares += w * w;
                    gradients[q] += scale * parameters[q];
                }
            }

            penalty = 0.5 * alpha * squares / m;
        }

        double total = cost + penalty;
        TrainingGuard.EnsureFinite((float)total, gradients);

        // Global norm ||g|| = sqrt(sum g^2), accumulated in double; clip_grad_norm_: g *= min(1, max / (||g|| + 1e-6)).
        // Without clipping nothing reads it but the caller of Run: RunWithoutNorm skips this pass.
        bool clipping = !double.IsPositiveInfinity(Options.MaxGradientNorm);
        double norm = double.NaN;
        bool clipped = false;
        double coefficient = 1;
        if (measureNorm || clipping)
        {
            double sum = 0;
            for (int q = 0; q < gradients.Length; q++)
            {
                double g = gradients[q];
                sum += g * g;
            }

            norm = Math.Sqrt(sum);
            coefficient = Options.MaxGradientNorm / (norm + 1e-6);
            clipped = coefficient < 1;
        }

        if (clipped)
        {
            float c = (float)coefficient;
            for (int q = 0; q < gradients.Length; q++)
            {
                gradients[q] *= c;
            }
        }

        double lr = Optimizer.LearningRate;
        Optimizer.Step(parameters, gradients); // theta = update(theta, g)
        return new StepResult(total, penalty, norm, clipped, lr);
    }

    private StepResult Finish(double cost, int m, Span<double> parameters, Span<double> gradients, bool measureNorm)
    {
        // L2 (scikit-learn's alpha): cost += alpha/(2m) sum ||W||^2, dW += alpha/m W; biases untouched.
        double alpha = Options.L2;
        double penalty = 0;
        if (alpha > 0)
        {
            double squares = 0;
            double scale = alpha / m;
            for (int l = 0; l < _weightStarts.Length; l++)
            {
                int end = _weightStarts[l] + _weightCounts[l];
                for (int q = _weightStarts[l]; q < end; q++)
                {
                    double w = parameters[q];
                    squares += w * w;
                    gradients[q] += scale * w;
                }
            }

            penalty = 0.5 * alpha * squares / m;
        }

        double total = cost + penalty;
        TrainingGuard.EnsureFinite(total, gradients);

        // Global norm ||g|| = sqrt(sum g^2); clip_grad_norm_: g *= min(1, max / (||g|| + 1e-6)).
        // Without clipping nothing reads it but the caller of Run: RunWithoutNorm skips this pass.
        bool clipping = !double.IsPositiveInfinity(Options.MaxGradientNorm);
        double norm = double.NaN;
        bool clipped = false;
        double coefficient = 1;
        if (measureNorm || clipping)
        {
            double sum = 0;
            for (int q = 0; q < gradients.Length; q++)
            {
                sum += gradients[q] * gradients[q];
            }

            norm = Math.Sqrt(sum);
            coefficient = Options.MaxGradientNorm / (norm + 1e-6);
            clipped = coefficient < 1;
        }

        if (clipped)
        {
            for (int q = 0; q < gradients.Length; q++)
            {
                gradients[q] *= coefficient;
            }
        }

        double lr = Optimizer.LearningRate;
        Optimizer.Step(parameters, gradients); // theta = update(theta, g)
        return new StepResult(total, penalty, norm, clipped, lr);
    }
}
