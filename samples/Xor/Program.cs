using System;
using System.Diagnostics;
using Backprop.Generated;

// XOR, the classic problem a single layer cannot solve: 2 inputs, 4 tanh units, 1 sigmoid output,
// trained with binary cross-entropy and SGD with momentum from a fixed seed.
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];

var net = new Xor();
net.InitializeParameters(seed: 1);

var stopwatch = Stopwatch.StartNew();
double[] history = net.Fit(
    inputs,
    targets,
    new Sgd(learningRate: 0.5, momentum: 0.9),
    epochs: 300,
    batchSize: 4,
    seed: 1,
    progress: new PrintEvery(50));
stopwatch.Stop();

Console.WriteLine($"trained {history.Length} epochs in {stopwatch.Elapsed.TotalMilliseconds:F1} ms");
#if DEBUG
Console.WriteLine("(a Debug build: the generated code runs unoptimised, many times slower; time it with -c Release)");
#endif
Console.WriteLine();
Console.WriteLine(" a  b | a xor b | network");
Span<float> y = stackalloc float[Xor.OutputSize];
for (int i = 0; i < 4; i++)
{
    net.Forward(inputs.AsSpan(i * 2, 2), y);
    Console.WriteLine($" {inputs[i * 2]}  {inputs[(i * 2) + 1]} |    {targets[i]}    | {y[0]:F4} -> {(y[0] > 0.5f ? 1 : 0)}");
}

[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class Xor { }

/// <summary>Prints the loss on the training thread (System.Progress would post it to the thread pool).</summary>
internal sealed class PrintEvery(int epochs) : IProgress<EpochProgress>
{
    public void Report(EpochProgress value)
    {
        if (value.Epoch == 1 || value.Epoch % epochs == 0)
        {
            Console.WriteLine($"epoch {value.Epoch,4}: loss {value.Loss:F6}");
        }
    }
}
