using System;
using System.Runtime.CompilerServices;
using Backprop.Generated.Internals;

namespace Backprop.Generated.Quantized;

/// <summary>
/// The scalar steps of the int8 scheme (docs/int8.md) that every instruction set shares: quantising one example's
/// activations, and the fused rescale + bias + activation after the integer product. Written once, in single
/// precision without fused multiply-adds, so that only the integer sums depend on the kernel path and those are exact.
/// </summary>
internal static class Int8Scheme
{
    /// <summary>round-half-even(<paramref name="value"/>) clamped to [-127, 127] (NaN is never passed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundClamp(float value)
    {
        // float -> double is exact, so rounding the double rounds the float.
        double rounded = Math.Round((double)value, MidpointRounding.ToEven);
        return rounded <= -127d ? -127 : rounded >= 127d ? 127 : (int)rounded;
    }

    /// <summary>
    /// Quantises one example's activations <paramref name="a"/> (n values) to uint8 in <paramref name="u"/>
    /// (the layer's padded input length; padding gets 128, i.e. q = 0): with M = max_i |a_i|, s_a = M / 127 and
    /// u_i = clamp(round-half-even(a_i * (127 / M)), -127, 127) + 128.
    /// </summary>
    /// <returns>s_a; 0 when M = 0 or 127 / M overflows (M below about 3.7e-37: the row counts as zeros); NaN when an
    /// activation is NaN or infinite (the caller then writes NaN outputs).</returns>
    public static float QuantizeRow(ReadOnlySpan<float> a, Span<byte> u)
    {
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            float v = a[i];
            if (float.IsNaN(v) || float.IsInfinity(v))
            {
                return float.NaN;
            }

            float m = Math.Abs(v);
            if (m > max)
            {
                max = m;
            }
        }

        float inverse = 127f / max;
        if (max == 0f || float.IsInfinity(inverse))
        {
            u.Fill(Int8Layer.ActivationOffset);
            return 0f;
        }

        for (int i = 0; i < a.Length; i++)
        {
            u[i] = (byte)(RoundClamp(a[i] * inverse) + Int8Layer.ActivationOffset);
        }

        u.Slice(a.Length).Fill(Int8Layer.ActivationOffset);
        return max / 127f;
    }

    /// <summary>
    /// The epilogue of one example: S_j = raw_j - 128 sum_i q_ij, z_j = float(S_j) * (s_a * s_j) + b_j, A = g(Z) in
    /// <paramref name="a"/> (n_l values). Softmax is taken over the row in float.
    /// </summary>
    public static void Rescale(ReadOnlySpan<int> raw, float activationScale, Int8Layer layer, Span<float> a)
    {
        int n = layer.Outputs;
        float[] scales = layer.Scales;
        int[] compensation = layer.Compensation;
        float[] bias = layer.Bias;
        for (int j = 0; j < n; j++)
        {
            float product = (float)(raw[j] - compensation[j]);
            float scale = activationScale * scales[j];
            float z = product * scale;
            a[j] = z + bias[j];
        }

        Activate(layer.Activation, a.Slice(0, n));
    }

    /// <summary>A = g(Z) in place, with the runtime's scalar activation functions (the same on every instruction set).</summary>
    public static void Activate(Activation activation, Span<float> z)
    {
        switch (activation)
        {
            case Activation.Identity:
                return;
            case Activation.Softmax:
                ActivationFunctions.Softmax(z);
                return;
        }

        for (int j = 0; j < z.Length; j++)
        {
            z[j] = activation switch
            {
                Activation.Sigmoid => ActivationFunctions.Sigmoid(z[j]),
                Activation.Tanh => ActivationFunctions.Tanh(z[j]),
                Activation.ReLU => ActivationFunctions.ReLU(z[j]),
                Activation.LeakyReLU => ActivationFunctions.LeakyReLU(z[j]),
                Activation.ELU => ActivationFunctions.ELU(z[j]),
                Activation.SiLU => ActivationFunctions.SiLU(z[j]),
                Activation.Softplus => ActivationFunctions.Softplus(z[j]),
                _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an activation."),
            };
        }
    }
}
