using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Weights;

/// <summary>
/// Reads a safetensors file at build time and turns it into a network's parameters, with the runtime loader's rules
/// (src/Backprop.Generated/Serialization/SafeTensors.cs): an 8-byte little-endian header length N, N bytes of UTF-8
/// JSON <c>{name: {dtype, shape, data_offsets}}</c> with an optional <c>__metadata__</c>, then the data, every tensor
/// starting where the previous one ends. Tensors are <c>layers.{i}.weight</c> [n_l, n_{l-1}] (PyTorch nn.Linear,
/// transposed into our (n_{l-1}, n_l)) and <c>layers.{i}.bias</c> [n_l], or the same without the <c>layers.</c>
/// prefix as an nn.Sequential state dict saves them (<c>0.weight</c>, <c>2.weight</c>, ... in index order). F32, F64,
/// F16 and BF16 are converted to the network's precision as the runtime converts them (through double, rounded once).
/// Never throws: every problem becomes one located diagnostic.
/// </summary>
internal static class SafeTensorsBaker
{
    /// <summary>The runtime loader's header limit (SafeTensors.MaxHeaderLength).</summary>
    private const long MaxHeaderLength = 100_000_000;

    private sealed class Entry
    {
        public Entry(string name, string dtype, long[] shape, long begin, long end)
        {
            Name = name;
            DType = dtype;
            Shape = shape;
            Begin = begin;
            End = end;
        }

        public string Name { get; }

        public string DType { get; }

        public long[] Shape { get; }

        public long Begin { get; }

        public long End { get; }

        public string ShapeText => Format(Shape);
    }

    /// <summary>The layers of <paramref name="network"/> from <paramref name="file"/>, or the diagnostic that says why not.</summary>
    public static (BakedLayer[]? Layers, DiagnosticInfo? Diagnostic) Bake(NetworkModel network, string path, byte[] file, LocationInfo? location, CancellationToken cancellationToken)
    {
        try
        {
            return (Read(network, path, file, location, cancellationToken), null);
        }
        catch (BakeException e)
        {
            return (null, e.Diagnostic);
        }
    }

    private sealed class BakeException : Exception
    {
        public BakeException(DiagnosticInfo diagnostic) => Diagnostic = diagnostic;

        public DiagnosticInfo Diagnostic { get; }
    }

    private static BakedLayer[] Read(NetworkModel network, string path, byte[] file, LocationInfo? location, CancellationToken cancellationToken)
    {
        Exception Malformed(string why) => new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMalformed, location, path, why));

        int[] n = network.LayerSizes.ToArray();
        int layerCount = n.Length - 1;
        string sizesText = string.Join("-", n.Select(x => x.ToString(CultureInfo.InvariantCulture)));

        // 1. Framing.
        if (file.Length < 8)
        {
            throw Malformed($"it has {file.Length} bytes, fewer than the 8-byte header length that starts every safetensors file");
        }

        ulong declared = BitConverter.IsLittleEndian
            ? BitConverter.ToUInt64(file, 0)
            : (ulong)file.Take(8).Select((b, i) => (long)b << (8 * i)).Sum();
        if (declared > (ulong)MaxHeaderLength)
        {
            throw Malformed($"the header length is {declared.ToString(CultureInfo.InvariantCulture)} bytes, more than the {MaxHeaderLength.ToString(CultureInfo.InvariantCulture)} a safetensors header may have (is it a safetensors file?)");
        }

        if ((long)declared > file.Length - 8)
        {
            throw Malformed($"the header length says {declared.ToString(CultureInfo.InvariantCulture)} bytes but only {(file.Length - 8).ToString(CultureInfo.InvariantCulture)} follow the 8-byte length (the file is truncated)");
        }

        int headerLength = (int)declared;
        int dataStart = 8 + headerLength;
        int dataLength = file.Length - dataStart;

        // 2. The header: strict UTF-8 JSON, an object of tensor entries and an optional __metadata__ map of strings.
        string headerText;
        try
        {
            headerText = new UTF8Encoding(false, true).GetString(file, 8, headerLength);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("the header is not UTF-8");
        }

        object? root;
        try
        {
            root = HeaderJson.Parse(headerText);
        }
        catch (FormatException e)
        {
            throw Malformed(e.Message);
        }

        if (root is not JsonObject members)
        {
            throw Malformed("the header must be a JSON object of tensors");
        }

        var entries = new List<Entry>();
        foreach (KeyValuePair<string, object?> member in members.Members)
        {
            if (member.Key == "__metadata__")
            {
                if (member.Value is not JsonObject metadata || metadata.Members.Any(m => m.Value is not string))
                {
                    throw Malformed("\"__metadata__\" must be an object of strings");
                }

                continue;
            }

            entries.Add(ReadEntry(member.Key, member.Value, path, location, Malformed));
        }

        // 3. Offsets: each tensor's size, inside the data section, no overlap, no gap, nothing after the last.
        foreach (Entry e in entries)
        {
            if (e.End < e.Begin)
            {
                throw Malformed($"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}]: the end is before the begin");
            }

            if (e.End > dataLength)
            {
                throw Malformed($"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] beyond the data section's {dataLength} bytes (the file is truncated or the offsets are wrong)");
            }

            long elements = 1;
            foreach (long d in e.Shape)
            {
                elements *= d;
                if (elements > int.MaxValue)
                {
                    throw Malformed($"tensor '{e.Name}' has shape {e.ShapeText}, more than {int.MaxValue} elements");
                }
            }

            long expected = elements * ElementSize(e.DType);
            if (e.End - e.Begin != expected)
            {
                throw Malformed($"tensor '{e.Name}' has shape {e.ShapeText} of {e.DType}, which needs {expected} bytes, but data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin}");
            }
        }

        long position = 0;
        Entry? previous = null;
        foreach (Entry e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < position)
            {
                throw Malformed($"tensor '{e.Name}' (data_offsets [{e.Begin}, {e.End}]) overlaps tensor '{previous!.Name}' (data_offsets [{previous.Begin}, {previous.End}])");
            }

            if (e.Begin > position)
            {
                throw Malformed($"tensor '{e.Name}' starts at data offset {e.Begin} but the previous tensor ends at {position}: the data section has a gap");
            }

            position = e.End;
            previous = e;
        }

        if (position != dataLength)
        {
            throw Malformed($"the data section has {dataLength} bytes but the tensors cover {position}: {dataLength - position} bytes follow the last tensor");
        }

        // 4. Names and shapes against the declaration.
        string expectedNames = ExpectedTensors(n);
        var groups = new SortedDictionary<int, Entry?[]>();
        bool? prefixed = null;
        foreach (Entry e in entries)
        {
            if (!TryParseName(e.Name, out bool hasPrefix, out int index, out bool isWeight) || (prefixed is bool p && p != hasPrefix))
            {
                throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorExtra, location, path, e.Name, e.ShapeText, sizesText, expectedNames));
            }

            prefixed = hasPrefix;
            if (!groups.TryGetValue(index, out Entry?[]? pair))
            {
                pair = new Entry?[2];
                groups.Add(index, pair);
            }

            pair[isWeight ? 0 : 1] = e;
        }

        string prefix = prefixed == false ? string.Empty : "layers.";
        var weights = new Entry[layerCount];
        var biases = new Entry[layerCount];
        int l = 0;
        foreach (KeyValuePair<int, Entry?[]> group in groups)
        {
            l++;
            if (l > layerCount)
            {
                Entry extra = group.Value[0] ?? group.Value[1]!;
                throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorExtra, location, path, extra.Name, extra.ShapeText, sizesText, expectedNames));
            }

            string module = prefix + group.Key.ToString(CultureInfo.InvariantCulture);
            weights[l - 1] = group.Value[0] ?? throw Missing(module + ".weight", l, new long[] { n[l], n[l - 1] });
            biases[l - 1] = group.Value[1] ?? throw Missing(module + ".bias", l, new long[] { n[l] });
            CheckShape(weights[l - 1], new long[] { n[l], n[l - 1] }, l);
            CheckShape(biases[l - 1], new long[] { n[l] }, l);
        }

        if (l < layerCount)
        {
            // The next layer's name: layers.{l} in this library's files, the next index of a Sequential otherwise.
            int nextIndex = prefixed == false && groups.Count > 0 ? groups.Keys.Last() + 2 : l;
            throw Missing(prefix + nextIndex.ToString(CultureInfo.InvariantCulture) + ".weight", l + 1, new long[] { n[l + 1], n[l] });
        }

        // 5. Convert, transposing PyTorch's weight[k, j] into our W[l][j, k].
        bool single = network.Precision == PrecisionKind.Single;
        int size = single ? 4 : 8;
        var layers = new BakedLayer[layerCount];
        for (l = 1; l <= layerCount; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int nIn = n[l - 1];
            int nOut = n[l];
            Entry weight = weights[l - 1];
            Entry bias = biases[l - 1];
            var w = new byte[nIn * nOut * size];
            var b = new byte[nOut * size];
            for (int k = 0; k < nOut; k++)
            {
                for (int j = 0; j < nIn; j++)
                {
                    Write(w, (j * nOut) + k, Decode(file, dataStart, weight, (k * nIn) + j, k, j, single, Malformed), single);
                }

                Write(b, k, Decode(file, dataStart, bias, k, k, -1, single, Malformed), single);
            }

            layers[l - 1] = new BakedLayer(
                l,
                $"'{weight.Name}' {weight.ShapeText} {weight.DType}",
                $"'{bias.Name}' {bias.ShapeText} {bias.DType}",
                Convert.ToBase64String(w),
                Convert.ToBase64String(b));
        }

        return layers;

        Exception Missing(string name, int layer, long[] shape) => new BakeException(DiagnosticInfo.Create(
            DiagnosticDescriptors.WeightsTensorMissing, location, path, name, layer, $"{n[layer - 1]} -> {n[layer]}", sizesText, Format(shape)));

        void CheckShape(Entry e, long[] expected, int layer)
        {
            if (e.Shape.SequenceEqual(expected))
            {
                return;
            }

            string hint = expected.Length == 2 && e.Shape.Length == 2 && e.Shape[0] == expected[1] && e.Shape[1] == expected[0]
                ? " (it looks transposed: PyTorch's nn.Linear stores weight as [out_features, in_features])"
                : string.Empty;
            throw new BakeException(DiagnosticInfo.Create(
                DiagnosticDescriptors.WeightsShapeMismatch, location, path, e.Name, e.ShapeText, layer, $"{n[layer - 1]} -> {n[layer]}", sizesText, Format(expected) + hint));
        }
    }

    private static Entry ReadEntry(string name, object? value, string path, LocationInfo? location, Func<string, Exception> malformed)
    {
        if (value is not JsonObject entry)
        {
            throw malformed($"tensor '{name}': its header entry must be an object {{\"dtype\", \"shape\", \"data_offsets\"}}");
        }

        if (!entry.TryGet("dtype", out object? dtypeValue) || dtypeValue is not string dtype)
        {
            throw malformed($"tensor '{name}' has no \"dtype\" string");
        }

        if (dtype is not ("F32" or "F64" or "F16" or "BF16"))
        {
            throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsUnsupportedDType, location, path, name, Truncate(dtype)));
        }

        if (!entry.TryGet("shape", out object? shapeValue) || shapeValue is not List<object?> shapeList)
        {
            throw malformed($"tensor '{name}' has no \"shape\" array");
        }

        var shape = new long[shapeList.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeList[i] is not JsonNumber d || !d.TryGetNonNegative(int.MaxValue, out shape[i]))
            {
                throw malformed($"tensor '{name}' has a shape whose dimensions are not all integers from 0 to {int.MaxValue}");
            }
        }

        if (!entry.TryGet("data_offsets", out object? offsetsValue) || offsetsValue is not List<object?> offsets || offsets.Count != 2)
        {
            throw malformed($"tensor '{name}' has no \"data_offsets\" pair [begin, end]");
        }

        var pair = new long[2];
        for (int i = 0; i < 2; i++)
        {
            if (offsets[i] is not JsonNumber o || !o.TryGetNonNegative(long.MaxValue, out pair[i]))
            {
                throw malformed($"tensor '{name}' has data_offsets that are not both non-negative integers");
            }
        }

        return new Entry(name, dtype, shape, pair[0], pair[1]);
    }

    private static double Decode(byte[] file, int dataStart, Entry entry, int index, int row, int column, bool single, Func<string, Exception> malformed)
    {
        int at = dataStart + (int)entry.Begin + (index * ElementSize(entry.DType));
        double value = entry.DType switch
        {
            "F32" => BitConverter.ToSingle(LittleEndian(file, at, 4), 0),
            "F64" => BitConverter.ToDouble(LittleEndian(file, at, 8), 0),
            "F16" => HalfToSingle((ushort)(file[at] | (file[at + 1] << 8))),
            _ => BitConverter.ToSingle(LittleEndian(new byte[] { 0, 0, file[at], file[at + 1] }, 0, 4), 0),
        };

        double converted = single ? (float)value : value;
        if (double.IsNaN(converted) || double.IsInfinity(converted))
        {
            string where = column < 0 ? $"[{row}]" : $"[{row}, {column}]";
            string why = double.IsNaN(value) || double.IsInfinity(value)
                ? string.Empty
                : $" after conversion to float (its value {value.ToString("R", CultureInfo.InvariantCulture)} is out of range)";
            throw malformed($"tensor '{entry.Name}' element {where} is {converted.ToString(CultureInfo.InvariantCulture)}{why}; weights must be finite");
        }

        return converted;
    }

    private static byte[] LittleEndian(byte[] source, int at, int count)
    {
        var bytes = new byte[count];
        Array.Copy(source, at, bytes, 0, count);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        return bytes;
    }

    /// <summary>Writes element <paramref name="index"/> as a little-endian float or double.</summary>
    private static void Write(byte[] destination, int index, double value, bool single)
    {
        byte[] bytes = single ? BitConverter.GetBytes((float)value) : BitConverter.GetBytes(value);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        Array.Copy(bytes, 0, destination, index * bytes.Length, bytes.Length);
    }

    /// <summary>The float whose value equals the binary16 value with bits <paramref name="bits"/> (exact).</summary>
    private static float HalfToSingle(ushort bits)
    {
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        float magnitude = exponent == 0x1F
            ? (mantissa == 0 ? float.PositiveInfinity : float.NaN)
            : exponent == 0
                ? mantissa * (1f / 16777216f) // subnormal: mantissa * 2^-24, exact in float
                : (float)((1024 + mantissa) * Math.Pow(2, exponent - 25)); // normal: (1 + m/1024) * 2^(e - 15), exact
        return sign == 1 ? -magnitude : magnitude;
    }

    private static bool TryParseName(string name, out bool prefixed, out int index, out bool isWeight)
    {
        prefixed = name.StartsWith("layers.", StringComparison.Ordinal);
        index = 0;
        isWeight = false;
        string rest = prefixed ? name.Substring("layers.".Length) : name;
        int dot = rest.IndexOf('.');
        if (dot <= 0 || dot > 9)
        {
            return false;
        }

        for (int i = 0; i < dot; i++)
        {
            if (rest[i] < '0' || rest[i] > '9')
            {
                return false;
            }

            index = (index * 10) + (rest[i] - '0');
        }

        string kind = rest.Substring(dot + 1);
        isWeight = kind == "weight";
        return isWeight || kind == "bias";
    }

    private static string ExpectedTensors(int[] n)
    {
        var parts = new List<string>();
        for (int l = 1; l < n.Length; l++)
        {
            parts.Add($"layers.{l - 1}.weight [{n[l]}, {n[l - 1]}]");
            parts.Add($"layers.{l - 1}.bias [{n[l]}]");
        }

        return string.Join(", ", parts) + " (or an nn.Sequential state dict: 0.weight, 0.bias, 2.weight, ...)";
    }

    private static int ElementSize(string dtype) => dtype == "F64" ? 8 : dtype == "F32" ? 4 : 2;

    private static string Format(long[] shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Truncate(string text) => text.Length <= 80 ? text : text.Substring(0, 80) + "...";
}
