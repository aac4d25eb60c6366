using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Backprop.Generated.Internals;
using Backprop.Generated.Quantized;

namespace Backprop.Generated.Serialization;

/// <summary>
/// The safetensors form of an int8 network (docs/int8.md, "Files"): for layer l = 1..L (i = l - 1),
/// <c>layers.{i}.weight</c> I8 [n_l, n_{l-1}] (q transposed, PyTorch's nn.Linear layout), <c>layers.{i}.weight_scale</c>
/// F32 [n_l] (s_j) and <c>layers.{i}.bias</c> F32 [n_l], with the float files' metadata plus
/// <c>"quantization": "int8-per-unit-symmetric"</c>. Loading runs the float loader's framing, header and offset checks,
/// then requires exactly these tensors, q in [-127, 127], finite scales &gt;= 0 and finite biases, and changes nothing
/// unless all hold.
/// </summary>
internal static class Int8SafeTensors
{
    /// <summary>Metadata key naming the scheme.</summary>
    public const string QuantizationKey = "quantization";

    /// <summary>The scheme's metadata value.</summary>
    public const string SchemeName = "int8-per-unit-symmetric";

    public static string ScaleName(int layer) => SafeTensorsRules.LayersPrefix + (layer - 1).ToString(CultureInfo.InvariantCulture) + ".weight_scale";

    public static byte[] Save(Int8Network network, NetworkTopology topology)
    {
        var header = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(SafeTensorsRules.MetadataName);
            json.WriteString("format", "pt");
            json.WriteString(SafeTensors.LayerSizesKey, string.Join(",", topology.LayerSizes.Select(n => n.ToString(CultureInfo.InvariantCulture))));
            json.WriteString(SafeTensors.ActivationsKey, topology.ActivationsText);
            json.WriteString(SafeTensors.LossKey, topology.Loss.ToString());
            json.WriteString(QuantizationKey, SchemeName);
            json.WriteString("generator", "Backprop.Generated");
            json.WriteEndObject();
            for (int l = 1; l <= topology.LayerCount; l++)
            {
                int nIn = topology.LayerSizes[l - 1];
                int nOut = topology.LayerSizes[l];
                offset = Entry(json, SafeTensorsRules.WeightName(l), "I8", new long[] { nOut, nIn }, offset, (long)nOut * nIn);
                offset = Entry(json, ScaleName(l), "F32", new long[] { nOut }, offset, 4L * nOut);
                offset = Entry(json, SafeTensorsRules.BiasName(l), "F32", new long[] { nOut }, offset, 4L * nOut);
            }

            json.WriteEndObject();
        }

        int headerLength = (int)header.Length;
        int padded = (headerLength + 7) & ~7;
        byte[] file = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        Span<byte> data = file.AsSpan(8 + padded);
        int at = 0;
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            Int8Layer layer = network.Layer(l);
            for (int j = 0; j < layer.Outputs; j++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    data[at++] = unchecked((byte)layer.Weight(i, j));
                }
            }

            foreach (float[] values in new[] { layer.Scales, layer.Bias })
            {
                for (int j = 0; j < layer.Outputs; j++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(data.Slice(at), HalfPrecision.SingleToInt32Bits(values[j]));
                    at += 4;
                }
            }
        }

        return file;
    }

    /// <summary>Validates the whole file, then sets <paramref name="network"/> from it.</summary>
    /// <exception cref="SafeTensorsException">The file is malformed or does not fit; <paramref name="network"/> is unchanged.</exception>
    public static void Load(ReadOnlySpan<byte> file, NetworkTopology topology, Int8Network network)
    {
        SafeTensorsHeader header = SafeTensors.ReadFraming(file, acceptInt8: true, out int dataStart);
        ReadOnlySpan<byte> data = file.Slice(dataStart);
        Load(header, data.Length, data, topology, network);
    }

    /// <summary>
    /// Reads <paramref name="stream"/> and loads it as the bytes overload does, with the same checks in the same order
    /// and the same messages.
    /// </summary>
    /// <remarks>Memory: the header and at most <see cref="DataLength"/> bytes of data (this network's tensors) are kept.
    /// The rest of a longer stream, such as another network's file, is measured, not kept, so that its error names the
    /// tensor and both shapes as the bytes overload does.</remarks>
    public static void Load(Stream stream, NetworkTopology topology, Int8Network network)
    {
        SafeTensorsHeader header = SafeTensors.ReadStream(stream, acceptInt8: true, DataLength(topology), out byte[] data, out long dataLength);

        // Once the checks pass, the tensors are exactly this network's and cover the data section, so the section is
        // DataLength bytes and was kept whole; before that, only the length is read.
        Load(header, dataLength, data.AsSpan(0, (int)Math.Min(dataLength, data.Length)), topology, network);
    }

    /// <summary>The data section of this network's int8 file: per layer, n_l x n_{l-1} I8 weights and n_l F32 scales and biases.</summary>
    internal static long DataLength(NetworkTopology topology)
    {
        long length = 0;
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            long nOut = topology.LayerSizes[l];
            length += (nOut * topology.LayerSizes[l - 1]) + (8 * nOut);
        }

        return length;
    }

    /// <summary>Checks the header against a data section of <paramref name="dataLength"/> bytes and this network, then decodes <paramref name="data"/>.</summary>
    private static void Load(SafeTensorsHeader header, long dataLength, ReadOnlySpan<byte> data, NetworkTopology topology, Int8Network network)
    {
        if (SafeTensorsRules.CheckOffsets(header.Entries, dataLength) is SafeTensorsProblem badOffsets)
        {
            throw Rejected(badOffsets);
        }

        // Exactly three tensors per layer, of the dtypes and shapes of this network.
        var byName = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in header.Entries)
        {
            byName[entry.Name] = entry;
        }

        var expected = new List<string>();
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nIn = topology.LayerSizes[l - 1];
            int nOut = topology.LayerSizes[l];
            Expect(byName, SafeTensorsRules.WeightName(l), SafeTensorsDType.I8, new long[] { nOut, nIn }, l, topology);
            Expect(byName, ScaleName(l), SafeTensorsDType.F32, new long[] { nOut }, l, topology);
            Expect(byName, SafeTensorsRules.BiasName(l), SafeTensorsDType.F32, new long[] { nOut }, l, topology);
            expected.Add(SafeTensorsRules.WeightName(l));
            expected.Add(ScaleName(l));
            expected.Add(SafeTensorsRules.BiasName(l));
        }

        foreach (SafeTensorsEntry entry in header.Entries)
        {
            if (!expected.Contains(entry.Name))
            {
                throw new SafeTensorsException(
                    $"Tensor '{entry.Name}' (shape {entry.ShapeText}) is not part of this {topology.SizesText} int8 network: expected layers.{{i}}.weight (I8), layers.{{i}}.weight_scale and layers.{{i}}.bias (F32) for i = 0..{topology.LayerCount - 1}.",
                    entry.Name);
            }
        }

        if (header.Metadata.TryGetValue(QuantizationKey, out string? scheme) && scheme != SchemeName)
        {
            throw new SafeTensorsException($"The file's metadata says quantization '{SafeTensorsRules.Truncate(scheme)}' but this network reads '{SchemeName}'.");
        }

        SafeTensors.CheckMetadata(header.Metadata, topology);

        // Decode into a scratch network; copy only when every value passed.
        var scratch = new Int8Network(topology.LayerSizes.ToArray(), topology.Activations.ToArray());
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nIn = topology.LayerSizes[l - 1];
            int nOut = topology.LayerSizes[l];
            SafeTensorsEntry w = byName[SafeTensorsRules.WeightName(l)];
            var q = new sbyte[nOut * nIn];
            for (int k = 0; k < q.Length; k++)
            {
                sbyte value = unchecked((sbyte)data[(int)w.Begin + k]);
                if (value == sbyte.MinValue)
                {
                    throw new SafeTensorsException(
                        $"Tensor '{w.Name}' holds -128 at [{k / nIn}, {k % nIn}]; the symmetric scheme's weights are -127 .. 127.", w.Name);
                }

                q[k] = value;
            }

            float[] scales = Floats(data, byName[ScaleName(l)], nOut, requireNonNegative: true);
            float[] bias = Floats(data, byName[SafeTensorsRules.BiasName(l)], nOut, requireNonNegative: false);
            scratch.Layer(l).Set(q, scales, bias);
        }

        network.CopyFrom(scratch);
    }

    private static void Expect(Dictionary<string, SafeTensorsEntry> byName, string name, SafeTensorsDType dtype, long[] shape, int layer, NetworkTopology topology)
    {
        string where = $"layer {layer} ({topology.LayerSizes[layer - 1]} -> {topology.LayerSizes[layer]}) of this {topology.SizesText} int8 network";
        if (!byName.TryGetValue(name, out SafeTensorsEntry? entry))
        {
            throw new SafeTensorsException($"Tensor '{name}' is missing: {where} needs {dtype} of shape {SafeTensorsRules.Format(shape)}.", name);
        }

        if (entry.DType != dtype)
        {
            throw new SafeTensorsException($"Tensor '{name}' has dtype {entry.DType} but {where} needs {dtype}.", name);
        }

        if (!entry.Shape.SequenceEqual(shape))
        {
            string hint = SafeTensorsRules.LooksTransposed(entry.Shape, shape) ? " " + char.ToUpperInvariant(SafeTensorsRules.TransposedHint[0]) + SafeTensorsRules.TransposedHint.Substring(1) + "." : string.Empty;
            throw new SafeTensorsException($"Tensor '{name}' has shape {entry.ShapeText} but {where} needs {SafeTensorsRules.Format(shape)}.{hint}", name);
        }
    }

    private static float[] Floats(ReadOnlySpan<byte> data, SafeTensorsEntry entry, int count, bool requireNonNegative)
    {
        var values = new float[count];
        for (int k = 0; k < count; k++)
        {
            float v = HalfPrecision.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(data.Slice((int)entry.Begin + (4 * k))));
            if (float.IsNaN(v) || float.IsInfinity(v) || (requireNonNegative && v < 0f))
            {
                throw new SafeTensorsException(
                    $"Tensor '{entry.Name}' holds {v.ToString("R", CultureInfo.InvariantCulture)} at [{k}]; {(requireNonNegative ? "a scale must be finite and >= 0" : "a bias must be finite")}.", entry.Name);
            }

            values[k] = v;
        }

        return values;
    }

    private static long Entry(Utf8JsonWriter json, string name, string dtype, long[] shape, long offset, long bytes)
    {
        json.WriteStartObject(name);
        json.WriteString("dtype", dtype);
        json.WriteStartArray("shape");
        foreach (long d in shape)
        {
            json.WriteNumberValue(d);
        }

        json.WriteEndArray();
        json.WriteStartArray("data_offsets");
        json.WriteNumberValue(offset);
        json.WriteNumberValue(offset + bytes);
        json.WriteEndArray();
        json.WriteEndObject();
        return offset + bytes;
    }

    private static SafeTensorsException Rejected(SafeTensorsProblem problem) => new(problem.Sentence, problem.Tensor);
}
