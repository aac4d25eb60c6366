using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Generated.Onnx.Tests;

/// <summary>Seeded networks and batches, and runs of exported models in ONNX Runtime (the independent implementation).</summary>
internal static class OrtRunner
{
    /// <summary>
    /// Glorot/He weights from the network's own seeded initialisation, then biases drawn uniformly from [-0.5, 0.5]
    /// (initialisation sets them to zero, which would leave the bias initializers untested).
    /// </summary>
    public static void Seed<T>(INetwork<T> network, int seed)
        where T : unmanaged
    {
        network.InitializeParameters(seed);
        var random = new SplitMix64((ulong)seed * 7919UL + 1UL);
        var topology = network.Topology;
        Span<T> parameters = network.Parameters;
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            for (int k = 0; k < topology.LayerSizes[l]; k++)
            {
                parameters[topology.BiasOffset(l) + k] = From<T>(random.NextDouble() - 0.5);
            }
        }
    }

    /// <summary>X, m x n_0 row-major, uniform in [-3, 3] so every activation sees both signs and its saturated ends.</summary>
    public static T[] Batch<T>(int m, int n0, int seed)
        where T : unmanaged
    {
        var random = new SplitMix64((ulong)seed);
        var x = new T[m * n0];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = From<T>((6 * random.NextDouble()) - 3);
        }

        return x;
    }

    /// <summary>Runs <paramref name="model"/> in ONNX Runtime (CPU) on the m x n_0 batch <paramref name="x"/>.</summary>
    public static TOut[] Run<TOut>(byte[] model, TOut[] x, int m, int n0)
        where TOut : unmanaged
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        return Run(session, x, m, n0);
    }

    /// <inheritdoc cref="Run{TOut}(byte[], TOut[], int, int)"/>
    public static TOut[] Run<TOut>(InferenceSession session, TOut[] x, int m, int n0)
        where TOut : unmanaged
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, new long[] { m, n0 });
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
            runOptions, new[] { OnnxExport.InputName }, new[] { input }, new[] { OnnxExport.OutputName });
        return outputs[0].GetTensorDataAsSpan<TOut>().ToArray();
    }

    /// <summary>max |a_i - b_i|, NaN if either holds a NaN.</summary>
    public static double MaxAbsDiff<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b)
        where TA : unmanaged
        where TB : unmanaged
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Lengths differ: {a.Count} and {b.Count}.");
        }

        double worst = 0;
        for (int i = 0; i < a.Count; i++)
        {
            double d = Math.Abs(ToDouble(a[i]) - ToDouble(b[i]));
            if (double.IsNaN(d))
            {
                return double.NaN;
            }

            worst = Math.Max(worst, d);
        }

        return worst;
    }

    public static double ToDouble<T>(T value)
        where T : unmanaged =>
        value switch
        {
            float f => f,
            double d => d,
            _ => throw new NotSupportedException(typeof(T).Name),
        };

    public static T From<T>(double value)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;
}
