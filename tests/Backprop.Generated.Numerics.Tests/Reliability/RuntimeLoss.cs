using System;
using Backprop.Generated.Compute;
using Backprop.Generated.Internals;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// The loss L_i of one example as training computes it: the runtime's loss kernels
/// (<see cref="Dense.CrossEntropyDelta{T}"/>, <see cref="Dense.BinaryCrossEntropyDelta{T}"/>) on a block of one row,
/// the output A from the runtime's scalar softmax and sigmoid. The tests hold these against 60-digit mpmath values,
/// an independent formula.
/// </summary>
internal static class RuntimeLoss
{
    private const int B = Dense.LaneStride;

    /// <summary>-sum_k y_k log softmax(z)_k.</summary>
    public static float CrossEntropy(float[] z, float[] y)
    {
        float[] a = (float[])z.Clone();
        ActivationFunctions.Softmax(a.AsSpan());
        return Dense.CrossEntropyDelta<float>(z.Length, Lanes(z), Lanes(a), Lanes(y), new float[z.Length * B], new float[B], 1);
    }

    /// <inheritdoc cref="CrossEntropy(float[], float[])"/>
    public static double CrossEntropy(double[] z, double[] y)
    {
        double[] a = (double[])z.Clone();
        ActivationFunctions.Softmax(a.AsSpan());
        return Dense.CrossEntropyDelta<double>(z.Length, Lanes(z), Lanes(a), Lanes(y), new double[z.Length * B], new double[B], 1);
    }

    /// <summary>-[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))] of one output unit.</summary>
    public static float BinaryCrossEntropy(float z, float y) =>
        Dense.BinaryCrossEntropyDelta<float>(1, Lanes(new[] { z }), Lanes(new[] { ActivationFunctions.Sigmoid(z) }), Lanes(new[] { y }), new float[B], new float[B], 1);

    /// <inheritdoc cref="BinaryCrossEntropy(float, float)"/>
    public static double BinaryCrossEntropy(double z, double y) =>
        Dense.BinaryCrossEntropyDelta<double>(1, Lanes(new[] { z }), Lanes(new[] { ActivationFunctions.Sigmoid(z) }), Lanes(new[] { y }), new double[B], new double[B], 1);

    /// <summary>One example in lane 0 of a block; the other lanes hold zeros (their losses are not counted).</summary>
    private static T[] Lanes<T>(T[] row)
    {
        var lanes = new T[row.Length * B];
        for (int k = 0; k < row.Length; k++)
        {
            lanes[k * B] = row[k];
        }

        return lanes;
    }
}
