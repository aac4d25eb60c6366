using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using Backprop.Generated.Quantized;
using Backprop.Generated.Serialization;

namespace Backprop.Generated.Internals;

/// <summary>
/// The int8 inference engine behind a generated <c>{Network}.Int8</c> type (docs/int8.md): per layer, the example's
/// activations quantised to uint8, the exact int32 product with the per-unit int8 weights, then rescale, bias and
/// activation in single precision, and the next layer's quantisation of that row.
/// </summary>
/// <remarks>
/// Forward and ForwardBatch only read the layers: their scratch (one example's uint8 activations, int32 sums and float
/// row) is per thread, so many threads may call them on one instance, and after a thread's first call nothing is
/// allocated. Outputs are bit-identical on every instruction set the kernels take (docs/int8.md, "Exactness").
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Int8Network
{
    private readonly Int8Layer[] _layers;
    private readonly int[] _sizes;
    private readonly int _widestInput;
    private readonly int _widestOutput;

    [ThreadStatic]
    private static byte[]? t_activations;

    [ThreadStatic]
    private static int[]? t_sums;

    [ThreadStatic]
    private static float[]? t_row;

    /// <summary>A network of the given shape with every weight, scale and bias 0 (outputs g(0)) until set.</summary>
    /// <param name="layerSizes">n_0 .. n_L, each 1 .. 16,384.</param>
    /// <param name="activations">g of layers 1 .. L.</param>
    /// <exception cref="ArgumentException">The sizes and activations do not describe a network.</exception>
    public Int8Network(int[] layerSizes, Activation[] activations)
    {
        if (layerSizes is null || activations is null || layerSizes.Length < 2 || activations.Length != layerSizes.Length - 1)
        {
            throw new ArgumentException("Give n_0 .. n_L (at least two sizes) and one activation per layer.", nameof(layerSizes));
        }

        _sizes = (int[])layerSizes.Clone();
        _layers = new Int8Layer[layerSizes.Length - 1];
        int widestInput = 0, widestOutput = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            if (layerSizes[l] < 1 || layerSizes[l] > MaxLayerSize || layerSizes[l + 1] < 1 || layerSizes[l + 1] > MaxLayerSize)
            {
                throw new ArgumentException($"Layer sizes must be 1 .. {MaxLayerSize}.", nameof(layerSizes));
            }

            _layers[l] = new Int8Layer(layerSizes[l], layerSizes[l + 1], activations[l]);
            widestInput = Math.Max(widestInput, _layers[l].PaddedInputs);
            widestOutput = Math.Max(widestOutput, _layers[l].PaddedOutputs);
        }

        _widestInput = widestInput;
        _widestOutput = widestOutput;
    }

    /// <summary>
    /// The widest layer: 16,384, the generator's limit, which keeps every partial sum of 255 * 127 products per input
    /// below 2^31.
    /// </summary>
    public const int MaxLayerSize = 16_384;

    /// <summary>n_0.</summary>
    public int InputSize => _sizes[0];

    /// <summary>n_L.</summary>
    public int OutputSize => _sizes[_sizes.Length - 1];

    /// <summary>L.</summary>
    public int LayerCount => _layers.Length;

    /// <summary>n_0 .. n_L (a copy).</summary>
    public int[] LayerSizes => (int[])_sizes.Clone();

    internal Int8Layer Layer(int l) => _layers[l - 1];

    /// <summary>
    /// Quantises a float network's parameters as they are: for l = 1..L, W[l] row-major (n_{l-1}, n_l) then b[l]
    /// (the layout of <see cref="INetwork{T}.Parameters"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The length is not the parameter count, or a value is NaN or infinite; this
    /// network is unchanged.</exception>
    public void Quantize(ReadOnlySpan<float> parameters)
    {
        int count = 0;
        for (int l = 1; l < _sizes.Length; l++)
        {
            count += (_sizes[l - 1] * _sizes[l]) + _sizes[l];
        }

        ShapeGuard.Length(parameters.Length, count, nameof(parameters));

        // Into fresh layers first, so that a non-finite value leaves this network as it was.
        var quantised = new Int8Layer[_layers.Length];
        int at = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            Int8Layer layer = _layers[l];
            int weights = layer.Inputs * layer.Outputs;
            quantised[l] = new Int8Layer(layer.Inputs, layer.Outputs, layer.Activation);
            quantised[l].Quantize(parameters.Slice(at, weights), parameters.Slice(at + weights, layer.Outputs));
            at += weights + layer.Outputs;
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].CopyFrom(quantised[l]);
        }
    }

    /// <summary>
    /// Sets layer <paramref name="layer"/> from already quantised values, as a generated network's baked weights do
    /// (<c>Weights = "..."</c> with <c>Quantization.Int8</c>, docs/int8.md "Baked weights").
    /// </summary>
    /// <param name="layer">l, 1 .. L.</param>
    /// <param name="weightsOutIn">n_l x n_{l-1} int8 weights in PyTorch's (out, in) layout: q_ij at j * n_{l-1} + i; -127 .. 127.</param>
    /// <param name="scales">n_l per-unit weight scales s_j, finite and &gt;= 0.</param>
    /// <param name="bias">n_l finite biases b_j.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not 1 .. L.</exception>
    /// <exception cref="ArgumentException">A length is wrong, a weight is -128, a scale is negative or not finite, or a
    /// bias is not finite; the layer is unchanged.</exception>
    public void SetLayer(int layer, ReadOnlySpan<sbyte> weightsOutIn, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias)
    {
        if (layer < 1 || layer > _layers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The layers are 1 .. {_layers.Length}.");
        }

        Int8Layer target = _layers[layer - 1];
        ShapeGuard.Length(weightsOutIn.Length, target.Inputs * target.Outputs, nameof(weightsOutIn));
        ShapeGuard.Length(scales.Length, target.Outputs, nameof(scales));
        ShapeGuard.Length(bias.Length, target.Outputs, nameof(bias));
        for (int k = 0; k < weightsOutIn.Length; k++)
        {
            if (weightsOutIn[k] == sbyte.MinValue)
            {
                throw new ArgumentException($"q[{k / target.Inputs}, {k % target.Inputs}] is -128; the symmetric scheme's weights are -127 .. 127.", nameof(weightsOutIn));
            }
        }

        for (int j = 0; j < target.Outputs; j++)
        {
            if (!(scales[j] >= 0f) || float.IsInfinity(scales[j]))
            {
                throw new ArgumentException($"s[{j}] is {scales[j]}; scales must be finite and >= 0.", nameof(scales));
            }

            if (float.IsNaN(bias[j]) || float.IsInfinity(bias[j]))
            {
                throw new ArgumentException($"b[{j}] is {bias[j]}; biases must be finite.", nameof(bias));
            }
        }

        target.Set(weightsOutIn, scales, bias);
    }

    /// <summary>
    /// Writes the float parameters this int8 network stands for into <paramref name="parameters"/> (the layout of
    /// <see cref="INetwork{T}.Parameters"/>: for l = 1..L, W[l] row-major (n_{l-1}, n_l) then b[l]): W_ij = s_j q_ij,
    /// rounded once to single precision, and b_j. When q and s are the scheme's own (every unit's largest |q| is 127, or
    /// the unit is all zeros) and the scales are normal floats, quantising the result again gives the same q_ij, and
    /// s_j may differ in its last bit.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not the parameter count.</exception>
    public void Dequantize(Span<float> parameters)
    {
        int count = 0;
        for (int l = 1; l < _sizes.Length; l++)
        {
            count += (_sizes[l - 1] * _sizes[l]) + _sizes[l];
        }

        ShapeGuard.Length(parameters.Length, count, nameof(parameters));
        int at = 0;
        foreach (Int8Layer layer in _layers)
        {
            int n = layer.Outputs;
            for (int i = 0; i < layer.Inputs; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    parameters[at + (i * n) + j] = layer.Scales[j] * layer.Weight(i, j);
                }
            }

            at += layer.Inputs * n;
            layer.Bias.AsSpan(0, n).CopyTo(parameters.Slice(at, n));
            at += n;
        }
    }

    /// <summary>
    /// This network as a safetensors file (docs/int8.md, "Files"): <c>layers.{i}.weight</c> I8 [n_l, n_{l-1}],
    /// <c>layers.{i}.weight_scale</c> F32 [n_l] and <c>layers.{i}.bias</c> F32 [n_l] for i = l - 1, with
    /// <paramref name="topology"/> and the scheme's name in its metadata.
    /// </summary>
    public byte[] ToSafeTensors(NetworkTopology topology) => Int8SafeTensors.Save(this, Checked(topology));

    /// <summary>Writes <see cref="ToSafeTensors"/> to <paramref name="stream"/>.</summary>
    public void Save(NetworkTopology topology, Stream stream)
    {
        byte[] file = ToSafeTensors(topology);
        (stream ?? throw new ArgumentNullException(nameof(stream))).Write(file, 0, file.Length);
    }

    /// <summary>Writes <see cref="ToSafeTensors"/> to <paramref name="path"/> atomically (a temporary file renamed over it).</summary>
    /// <exception cref="IOException">The file cannot be written; any existing file is untouched.</exception>
    public void Save(NetworkTopology topology, string path) =>
        AtomicFile.WriteAllBytes(path ?? throw new ArgumentNullException(nameof(path)), ToSafeTensors(topology));

    /// <summary>Loads a file written by <see cref="ToSafeTensors"/> (or by the reference script of docs/int8.md).</summary>
    /// <exception cref="SafeTensorsException">The file is malformed or does not fit <paramref name="topology"/>; this network is unchanged.</exception>
    public void Load(ReadOnlySpan<byte> safetensors, NetworkTopology topology) => Int8SafeTensors.Load(safetensors, Checked(topology), this);

    /// <summary>Reads <paramref name="stream"/> to its end and loads it as the bytes overload does (same checks, same
    /// messages), keeping the header and at most this network's data: the rest of a longer stream is counted, not kept.</summary>
    /// <exception cref="SafeTensorsException">The content is malformed or does not fit; this network is unchanged.</exception>
    /// <exception cref="IOException">Reading failed; this network is unchanged.</exception>
    public void Load(Stream stream, NetworkTopology topology) =>
        Int8SafeTensors.Load(stream ?? throw new ArgumentNullException(nameof(stream)), Checked(topology), this);

    /// <summary>Reads the file at <paramref name="path"/> and loads it as the bytes overload does.</summary>
    /// <exception cref="SafeTensorsException">The file is malformed or does not fit; this network is unchanged.</exception>
    /// <exception cref="IOException">The file cannot be read; this network is unchanged.</exception>
    public void Load(string path, NetworkTopology topology)
    {
        using var stream = new FileStream(path ?? throw new ArgumentNullException(nameof(path)), FileMode.Open, FileAccess.Read, FileShare.Read);
        Load(stream, topology);
    }

    private NetworkTopology Checked(NetworkTopology topology)
    {
        if (topology is null)
        {
            throw new ArgumentNullException(nameof(topology));
        }

        if (!topology.LayerSizes.SequenceEqual(_sizes))
        {
            throw new ArgumentException($"The topology {topology.SizesText} is not this network's.", nameof(topology));
        }

        return topology;
    }

    /// <summary>Copies every layer from <paramref name="other"/>, which must have the same shape.</summary>
    internal void CopyFrom(Int8Network other)
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l].CopyFrom(other._layers[l]);
        }
    }

    /// <summary>The int8 forward pass of one example: <paramref name="output"/> = A[L] for input <paramref name="input"/>.</summary>
    /// <param name="input">n_0 features.</param>
    /// <param name="output">n_L values; NaN when an input or a hidden activation is NaN or infinite.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ShapeGuard.Length(input.Length, InputSize, nameof(input));
        ShapeGuard.Length(output.Length, OutputSize, nameof(output));
        Run(input, output, 1, null);
    }

    /// <summary>The int8 forward pass of m examples: rows of <paramref name="inputs"/> (m x n_0, row-major) to rows of
    /// <paramref name="outputs"/> (m x n_L); each row exactly as <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>
    /// computes it (the kernels take up to eight rows at a time; the sums do not depend on it).</summary>
    /// <exception cref="ArgumentException">A length is not a multiple of its row length, or the row counts differ.</exception>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int m = ShapeGuard.Rows(inputs.Length, InputSize, nameof(inputs));
        ShapeGuard.Length(outputs.Length, m * OutputSize, nameof(outputs));
        for (int r = 0; r < m; r += Int8Kernels.MaxRows)
        {
            int rows = Math.Min(Int8Kernels.MaxRows, m - r);
            Run(inputs.Slice(r * InputSize, rows * InputSize), outputs.Slice(r * OutputSize, rows * OutputSize), rows, null);
        }
    }

    /// <summary>Forward, also recording each layer's integer sums S_j = sum_i q_a,i q_ij (tests compare them with the reference).</summary>
    internal void ForwardTrace(ReadOnlySpan<float> input, Span<float> output, List<int[]> sums) => Run(input, output, 1, sums);

    [MethodImpl(Int8Scheme.Optimized)]
    private void Run(ReadOnlySpan<float> input, Span<float> output, int rows, List<int[]>? trace)
    {
        // This thread's scratch for up to MaxRows rows, grown to the widest network it has run.
        int maxRows = Int8Kernels.MaxRows;
        byte[] activations = t_activations is { } u && u.Length >= maxRows * _widestInput ? u : t_activations = new byte[maxRows * _widestInput];
        int[] sums = t_sums is { } s && s.Length >= maxRows * _widestOutput ? s : t_sums = new int[maxRows * _widestOutput];
        float[] row = t_row is { } r && r.Length >= maxRows * _widestOutput ? r : t_row = new float[maxRows * _widestOutput];
        Span<float> activationScales = stackalloc float[Int8Kernels.MaxRows];
        Int8Path path = Int8Kernels.CurrentPath;
        int nonFinite = 0;
        ReadOnlySpan<float> a = input;
        for (int l = 0; l < _layers.Length; l++)
        {
            Int8Layer layer = _layers[l];
            int nIn = layer.Inputs, kp = layer.PaddedInputs, np = layer.PaddedOutputs, nOut = layer.Outputs;

            // A[l-1] -> u, per example: s_a = max |a| / 127, u_i = round-half-even(a_i / s_a) + 128.
            for (int e = 0; e < rows; e++)
            {
                Span<byte> ue = activations.AsSpan(e * kp, kp);
                float activationScale = Int8Scheme.QuantizeRow(a.Slice(e * nIn, nIn), ue, path);
                if (float.IsNaN(activationScale))
                {
                    // A NaN or infinite activation: the example's outputs are NaN (written at the end).
                    nonFinite |= 1 << e;
                    ue.Fill(Int8Layer.ActivationOffset);
                    activationScale = 0f;
                }

                activationScales[e] = activationScale;
            }

            // raw_j = sum_i u_i q_ij in int32, on this machine's widest exact path.
            Int8Kernels.DotRows(path, activations, rows, layer, sums);
            if (trace is not null)
            {
                int[] exact = new int[nOut];
                for (int j = 0; j < exact.Length; j++)
                {
                    exact[j] = sums[j] - layer.Compensation[j];
                }

                trace.Add(exact);
            }

            // Z[l] = s_a s_j (raw_j - 128 sum_i q_ij) + b_j; A[l] = g(Z[l]).
            Span<float> next = l == _layers.Length - 1 ? output : row.AsSpan(0, rows * nOut);
            for (int e = 0; e < rows; e++)
            {
                Int8Scheme.Rescale(sums.AsSpan(e * np, np), activationScales[e], layer, next.Slice(e * nOut, nOut), path);
            }

            a = next;
        }

        for (int e = 0; e < rows; e++)
        {
            if ((nonFinite & (1 << e)) != 0)
            {
                output.Slice(e * OutputSize, OutputSize).Fill(float.NaN);
            }
        }
    }
}
