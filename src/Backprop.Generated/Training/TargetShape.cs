using System;

namespace Backprop.Generated;

/// <summary>Length checks for training targets whose messages say which shapes are accepted.</summary>
internal static class TargetShape
{
    /// <summary>Throws unless one-hot (or real-valued) targets hold n rows of K values.</summary>
    public static void Rows(int actual, int rows, int outputSize, string parameterName)
    {
        if (actual != (long)rows * outputSize)
        {
            throw new ArgumentException(
                $"'{parameterName}' must have length {(long)rows * outputSize} but has length {actual}: one target row of OutputSize = {outputSize} values per example " +
                $"({rows} x {outputSize}; one-hot rows for a classifier). For integer class labels, pass a ReadOnlySpan<int> of {rows} labels instead.",
                parameterName);
        }
    }

    /// <summary>Throws unless there is one label per example.</summary>
    public static void Labels(int actual, int rows, int outputSize, string parameterName)
    {
        if (actual != rows)
        {
            throw new ArgumentException(
                $"'{parameterName}' must have length {rows} but has length {actual}: one integer class label in [0, {Math.Max(outputSize, 2)}) per example. " +
                $"For one-hot rows, pass {rows} x {outputSize} values of the network's type instead.",
                parameterName);
        }
    }
}
