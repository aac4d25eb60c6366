using System;
using Backprop.Generated;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>Seeded data for the training tests (SplitMix64, so the same on every platform).</summary>
internal static class TestData
{
    /// <summary>Values uniform on [-scale, scale).</summary>
    public static T[] Uniform<T>(int count, double scale, ref SplitMix64 random)
        where T : unmanaged
    {
        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = Convert<T>(scale * ((2 * random.NextDouble()) - 1));
        }

        return values;
    }

    /// <summary>Targets that fit the loss: anything for squared error, [0, 1] for BCE, probability rows for CE.</summary>
    public static T[] Targets<T>(Loss loss, int rows, int outputs, ref SplitMix64 random)
        where T : unmanaged
    {
        var values = new T[rows * outputs];
        for (int i = 0; i < rows; i++)
        {
            double sum = 0;
            var row = new double[outputs];
            for (int k = 0; k < outputs; k++)
            {
                row[k] = loss == Loss.MeanSquaredError ? (2 * random.NextDouble()) - 1 : random.NextDouble();
                sum += row[k];
            }

            for (int k = 0; k < outputs; k++)
            {
                values[(i * outputs) + k] = Convert<T>(loss == Loss.CrossEntropy ? row[k] / sum : row[k]);
            }
        }

        return values;
    }

    /// <summary>Initialises the network from <paramref name="seed"/> and gives the biases nonzero values too.</summary>
    public static void Initialize<T>(INetwork<T> network, int seed)
        where T : unmanaged
    {
        network.InitializeParameters(seed);
        var random = new SplitMix64((ulong)seed + 1000);
        ReadOnlySpan<int> sizes = network.LayerSizes;
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            offset += sizes[l - 1] * sizes[l];
            for (int k = 0; k < sizes[l]; k++)
            {
                network.Parameters[offset + k] = Convert<T>(0.5 * ((2 * random.NextDouble()) - 1));
            }

            offset += sizes[l];
        }
    }

    public static T Convert<T>(double value)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;

    public static double ToDouble<T>(T value)
        where T : unmanaged =>
        value is float f ? f : (double)(object)value;
}
