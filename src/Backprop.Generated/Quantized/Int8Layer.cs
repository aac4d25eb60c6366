using System;
using Backprop.Generated.Serialization;

namespace Backprop.Generated.Quantized;

/// <summary>
/// One layer of an int8 network (docs/int8.md): W[l] quantised symmetrically per output unit, packed for the integer
/// kernels, with the per-unit scales, the +128 compensation sums and the float bias.
/// </summary>
/// <remarks>
/// <para>Quantisation of column j of W[l] (n_{l-1} x n_l, row-major, docs/backprop.md): s_j = max_i |W_ij| / 127 and
/// q_ij = clamp(round-half-even(W_ij / s_j), -127, 127), in single precision; a column of zeros gets s_j = 0 and q = 0.</para>
/// <para>Packed layout (what the kernels read): groups of 4 inputs, each group holding n_l (padded to
/// <see cref="PaddedOutputs"/>) runs of 4 bytes: <c>Packed[(g * PaddedOutputs + j) * 4 + r] = q[4g + r, j]</c>, zero where
/// i or j is padding. Four consecutive bytes of one unit are what one int32 lane of <c>vpdpbusd</c> sums.</para>
/// </remarks>
internal sealed class Int8Layer
{
    /// <summary>The multiple that n_l is padded to: one 512-bit register of int32 sums.</summary>
    public const int OutputBlock = 16;

    /// <summary>The multiple that n_{l-1} is padded to: the bytes one int32 lane of vpdpbusd sums.</summary>
    public const int InputGroup = 4;

    /// <summary>The offset that turns a symmetric int8 activation q in [-127, 127] into the uint8 u = q + 128.</summary>
    public const int ActivationOffset = 128;

    public Int8Layer(int inputs, int outputs, Activation activation)
    {
        Inputs = inputs;
        Outputs = outputs;
        PaddedInputs = (inputs + InputGroup - 1) / InputGroup * InputGroup;
        PaddedOutputs = (outputs + OutputBlock - 1) / OutputBlock * OutputBlock;
        Activation = activation;
        Packed = new sbyte[PaddedInputs * PaddedOutputs];
        Scales = new float[PaddedOutputs];
        Compensation = new int[PaddedOutputs];
        Bias = new float[PaddedOutputs];
    }

    /// <summary>n_{l-1}.</summary>
    public int Inputs { get; }

    /// <summary>n_l.</summary>
    public int Outputs { get; }

    /// <summary>n_{l-1} rounded up to a multiple of <see cref="InputGroup"/>.</summary>
    public int PaddedInputs { get; }

    /// <summary>n_l rounded up to a multiple of <see cref="OutputBlock"/>.</summary>
    public int PaddedOutputs { get; }

    /// <summary>g of this layer.</summary>
    public Activation Activation { get; }

    /// <summary>q in the packed layout (see the remarks).</summary>
    public sbyte[] Packed { get; }

    /// <summary>s_j, the weight scale of unit j (0 for padding).</summary>
    public float[] Scales { get; }

    /// <summary>128 * sum_i q_ij: what the +128 offset of the uint8 activations adds to unit j's integer sum.</summary>
    public int[] Compensation { get; }

    /// <summary>b_j (0 for padding).</summary>
    public float[] Bias { get; }

    /// <summary>q_ij, the int8 weight of input i and unit j.</summary>
    public sbyte Weight(int i, int j) => Packed[((((i / InputGroup) * PaddedOutputs) + j) * InputGroup) + (i % InputGroup)];

    /// <summary>Quantises W[l] (row-major n_{l-1} x n_l) and copies b[l].</summary>
    /// <exception cref="ArgumentException">A weight or bias is NaN or infinite; the layer is unchanged.</exception>
    public void Quantize(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        int n = Outputs;
        for (int k = 0; k < weights.Length; k++)
        {
            if (!IsFinite(weights[k]))
            {
                throw new ArgumentException($"W[{k / n}, {k % n}] is {weights[k]}: only finite weights can be quantised.", nameof(weights));
            }
        }

        for (int j = 0; j < n; j++)
        {
            if (!IsFinite(bias[j]))
            {
                throw new ArgumentException($"b[{j}] is {bias[j]}: only finite biases can be quantised.", nameof(bias));
            }
        }

        for (int j = 0; j < n; j++)
        {
            // s_j = max_i |W_ij| / 127, q_ij = clamp(round_half_even(W_ij / s_j)): src/Shared/Int8WeightRules.cs, which
            // the generator's build-time baking runs too.
            float max = 0f;
            for (int i = 0; i < Inputs; i++)
            {
                max = Int8WeightRules.MaxMagnitudeOf(max, weights[(i * n) + j]);
            }

            float scale = Int8WeightRules.Scale(max);
            int sum = 0;
            for (int i = 0; i < Inputs; i++)
            {
                sbyte q = Int8WeightRules.Quantize(weights[(i * n) + j], scale);
                SetWeight(i, j, q);
                sum += q;
            }

            Scales[j] = scale;
            Compensation[j] = ActivationOffset * sum;
            Bias[j] = bias[j];
        }
    }

    /// <summary>
    /// Sets the layer from already quantised values: <paramref name="weightsOutIn"/> in PyTorch's (out, in) layout
    /// (q[j, i] at j * n_{l-1} + i), <paramref name="scales"/> s_j and <paramref name="bias"/> b_j. The caller validated them.
    /// </summary>
    public void Set(ReadOnlySpan<sbyte> weightsOutIn, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias)
    {
        for (int j = 0; j < Outputs; j++)
        {
            int sum = 0;
            for (int i = 0; i < Inputs; i++)
            {
                sbyte q = weightsOutIn[(j * Inputs) + i];
                SetWeight(i, j, q);
                sum += q;
            }

            Scales[j] = scales[j];
            Compensation[j] = ActivationOffset * sum;
            Bias[j] = bias[j];
        }
    }

    /// <summary>Copies this layer's state (all four arrays) from <paramref name="other"/> of the same shape.</summary>
    public void CopyFrom(Int8Layer other)
    {
        other.Packed.AsSpan().CopyTo(Packed);
        other.Scales.AsSpan().CopyTo(Scales);
        other.Compensation.AsSpan().CopyTo(Compensation);
        other.Bias.AsSpan().CopyTo(Bias);
    }

    private void SetWeight(int i, int j, sbyte q) =>
        Packed[((((i / InputGroup) * PaddedOutputs) + j) * InputGroup) + (i % InputGroup)] = q;

    private static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);
}
