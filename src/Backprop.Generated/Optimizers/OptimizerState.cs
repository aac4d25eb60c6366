using System;

namespace Backprop.Generated;

/// <summary>
/// One per-parameter state buffer of an optimizer, allocated on the first step and reused after, so
/// steady-state steps allocate nothing. Ties the optimizer to one parameter length and precision.
/// </summary>
internal struct OptimizerState
{
    private float[]? _single;
    private double[]? _double;

    public bool IsAllocated => _single is not null || _double is not null;

    public void Clear()
    {
        _single = null;
        _double = null;
    }

    public float[] Single(int length, string optimizer)
    {
        if (_double is not null)
        {
            throw new InvalidOperationException($"This {optimizer} already updates double-precision parameters; use one optimizer per network.");
        }

        _single ??= new float[length];
        if (_single.Length != length)
        {
            throw new ArgumentException($"This {optimizer} holds state for {_single.Length} parameters but was given {length}; use one optimizer per network.", "parameters");
        }

        return _single;
    }

    public double[] Double(int length, string optimizer)
    {
        if (_single is not null)
        {
            throw new InvalidOperationException($"This {optimizer} already updates single-precision parameters; use one optimizer per network.");
        }

        _double ??= new double[length];
        if (_double.Length != length)
        {
            throw new ArgumentException($"This {optimizer} holds state for {_double.Length} parameters but was given {length}; use one optimizer per network.", "parameters");
        }

        return _double;
    }

    public static void CheckLengths(int parameters, int gradients)
    {
        if (parameters != gradients)
        {
            throw new ArgumentException($"'gradients' must have length {parameters} (the parameter count) but has length {gradients}.", "gradients");
        }
    }
}

/// <summary>Argument checks shared by the optimizers.</summary>
internal static class OptimizerArguments
{
    public static double LearningRate(double value, string name, bool allowZero)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0 || (!allowZero && value == 0))
        {
            throw new ArgumentOutOfRangeException(name, value, allowZero
                ? "The learning rate must be a finite number >= 0."
                : "The learning rate must be a finite number greater than zero.");
        }

        return value;
    }

    public static double NonNegative(double value, string name, string what)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number >= 0.");
        }

        return value;
    }

    public static double UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
        }

        return value;
    }

    /// <summary>Checks that a weight-decay mask was built for <paramref name="length"/> parameters.</summary>
    public static void CheckMask(ParameterMask? mask, int length) => mask?.CheckLength(length);
}
