using System;
using System.Linq;
using System.Reflection;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// An independent double-precision forward pass (textbook formulas, no code shared with the generator
/// or the runtime), and a reflection driver for generated networks of either precision.
/// </summary>
internal static class ReferenceNetwork
{
    public static double[] Forward(int[] sizes, int[] activations, double[] parameters, double[] input)
    {
        double[] a = input;
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int nIn = sizes[l - 1], nOut = sizes[l];
            var z = new double[nOut];
            for (int k = 0; k < nOut; k++)
            {
                double sum = parameters[offset + (nIn * nOut) + k];
                for (int j = 0; j < nIn; j++)
                {
                    sum += a[j] * parameters[offset + (j * nOut) + k];
                }

                z[k] = sum;
            }

            offset += (nIn * nOut) + nOut;
            a = Activate(activations[l - 1], z);
        }

        return a;
    }

    public static double[] Activate(int activation, double[] z)
    {
        if (activation == 8)
        {
            double max = z.Max();
            double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
            double sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }

        return z.Select(v => activation switch
        {
            0 => v,
            1 => 1 / (1 + Math.Exp(-v)),
            2 => Math.Tanh(v),
            3 => Math.Max(0, v),
            4 => v > 0 ? v : 0.01 * v,
            5 => v > 0 ? v : Math.Exp(v) - 1,
            6 => v / (1 + Math.Exp(-v)),
            7 => Math.Log(1 + Math.Exp(v)),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        }).ToArray();
    }

    public delegate Span<T> SpanGetter<T>();

    public delegate void SpanAction<T>(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Creates an instance of a generated network type (closing generics with int, filling constructor arguments with defaults).</summary>
    public static object Create(Type type)
    {
        if (type.IsGenericTypeDefinition)
        {
            type = type.MakeGenericType(type.GetGenericArguments().Select(_ => typeof(int)).ToArray());
        }

        ConstructorInfo constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => !c.GetParameters().Any(p => p.ParameterType == type))
            .OrderBy(c => c.GetParameters().Length)
            .First();
        return constructor.Invoke(constructor.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray());
    }

    /// <summary>Sets the parameters, runs Forward and ForwardBatch, and returns Forward's output in double.</summary>
    public static double[] Run<T>(object instance, T[] parameters, T[] input, int outputSize, out double[] batchOutput)
    {
        Type type = instance.GetType();
        var getter = type.GetProperty("Parameters")!.GetGetMethod()!.CreateDelegate<SpanGetter<T>>(instance);
        parameters.CopyTo(getter());
        var forward = type.GetMethod("Forward", new[] { typeof(ReadOnlySpan<T>), typeof(Span<T>) })!.CreateDelegate<SpanAction<T>>(instance);
        var forwardBatch = type.GetMethod("ForwardBatch", new[] { typeof(ReadOnlySpan<T>), typeof(Span<T>) })!.CreateDelegate<SpanAction<T>>(instance);
        var output = new T[outputSize];
        forward(input, output);
        var batch = new T[outputSize * 2];
        forwardBatch(input.Concat(input).ToArray(), batch);
        batchOutput = batch.Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return output.Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
