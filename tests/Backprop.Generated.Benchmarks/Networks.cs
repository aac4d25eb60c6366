using System;
using Backprop.Generated;

// The workloads of issue 8. Every peer receives a copy of the parameters that the generated class draws with
// InitializeParameters(Workloads.Seed) (Glorot-uniform weights, zero biases).

/// <summary>W1: 3-2-1, sigmoid/sigmoid, mean squared error.</summary>
[Network(3, 2, 1, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid)]
public partial class W1Net { }

/// <summary>W2: 8-16-16-4, tanh/tanh/identity, mean squared error.</summary>
[Network(8, 16, 16, 4, Hidden = Activation.Tanh, Output = Activation.Identity)]
public partial class W2Net { }

/// <summary>W3: 16-64-64-8, ReLU/ReLU/identity, mean squared error.</summary>
[Network(16, 64, 64, 8, Hidden = Activation.ReLU, Output = Activation.Identity, Quantization = Quantization.Int8)]
public partial class W3Net { }

/// <summary>W4: 784-128-10, ReLU/softmax, cross-entropy (MNIST-sized).</summary>
[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]
public partial class W4Net { }

/// <summary>W5: 784-512-512-10, ReLU/ReLU/softmax, cross-entropy: the wider network of issue 21's scaling table.</summary>
[Network(784, 512, 512, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class W5Net { }

/// <summary>Digits: 64-32-10, tanh/softmax, cross-entropy (samples/Digits).</summary>
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]
public partial class DigitsNet { }

/// <summary>One network shape as every peer needs it: layer sizes, activation per layer, loss.</summary>
public sealed record Workload(string Name, int[] Sizes, ArrayMlp.Kind[] Activations, bool CrossEntropy)
{
    /// <summary>Multiply-adds of one example's forward pass: sum over layers of n_{l-1} n_l.</summary>
    public long ForwardMultiplyAdds
    {
        get
        {
            long total = 0;
            for (int l = 1; l < Sizes.Length; l++)
            {
                total += (long)Sizes[l - 1] * Sizes[l];
            }

            return total;
        }
    }

    /// <summary>
    /// Multiply-adds of one example's share of a training step: the forward pass, dW[l] += A[l-1]^T dZ[l] for every
    /// layer and dA[l-1] = dZ[l] W[l]^T for layers 2..L (layer 1 needs no dA[0]).
    /// </summary>
    public long TrainingMultiplyAdds => (3 * ForwardMultiplyAdds) - ((long)Sizes[0] * Sizes[1]);

    public override string ToString() => Name;
}

/// <summary>The workloads, their shared seed, batch size and learning rate.</summary>
public static class Workloads
{
    public const int Seed = 8;
    public const int Batch = 64;
    public const float LearningRate = 1e-3f;

    public static readonly Workload W1 = new("W1 3-2-1", new[] { 3, 2, 1 }, new[] { ArrayMlp.Kind.Sigmoid, ArrayMlp.Kind.Sigmoid }, false);
    public static readonly Workload W2 = new("W2 8-16-16-4", new[] { 8, 16, 16, 4 }, new[] { ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Identity }, false);
    public static readonly Workload W3 = new("W3 16-64-64-8", new[] { 16, 64, 64, 8 }, new[] { ArrayMlp.Kind.ReLU, ArrayMlp.Kind.ReLU, ArrayMlp.Kind.Identity }, false);
    public static readonly Workload W4 = new("W4 784-128-10", new[] { 784, 128, 10 }, new[] { ArrayMlp.Kind.ReLU, ArrayMlp.Kind.Softmax }, true);
    public static readonly Workload W5 = new("W5 784-512-512-10", new[] { 784, 512, 512, 10 }, new[] { ArrayMlp.Kind.ReLU, ArrayMlp.Kind.ReLU, ArrayMlp.Kind.Softmax }, true);
    public static readonly Workload Digits = new("Digits 64-32-10", new[] { 64, 32, 10 }, new[] { ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Softmax }, true);

    /// <summary>
    /// The combinations the peers implement: softmax only as the output layer and only with cross-entropy; with MSE an
    /// identity or sigmoid output (the peers' output delta is written for those).
    /// </summary>
    public static void CheckSupported(Workload workload)
    {
        ArrayMlp.Kind output = workload.Activations[^1];
        bool hiddenSoftmax = Array.IndexOf(workload.Activations, ArrayMlp.Kind.Softmax, 0, workload.Activations.Length - 1) >= 0;
        bool ok = !hiddenSoftmax && (workload.CrossEntropy
            ? output == ArrayMlp.Kind.Softmax
            : output is ArrayMlp.Kind.Identity or ArrayMlp.Kind.Sigmoid);
        if (!ok)
        {
            throw new NotSupportedException($"{workload.Name}: the peers implement softmax + cross-entropy, identity + MSE and sigmoid + MSE outputs.");
        }
    }

    /// <summary>m rows of inputs in [0, 1) and targets (one-hot for cross-entropy, values in [0, 1) otherwise).</summary>
    public static (float[] X, float[] Y) Data(Workload workload, int m, int seed)
    {
        int n0 = workload.Sizes[0];
        int nL = workload.Sizes[^1];
        var random = new Random(seed);
        var x = new float[m * n0];
        var y = new float[m * nL];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < m; i++)
        {
            if (workload.CrossEntropy)
            {
                y[(i * nL) + random.Next(nL)] = 1;
            }
            else
            {
                for (int k = 0; k < nL; k++)
                {
                    y[(i * nL) + k] = (float)random.NextDouble();
                }
            }
        }

        return (x, y);
    }
}
