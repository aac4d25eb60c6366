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
