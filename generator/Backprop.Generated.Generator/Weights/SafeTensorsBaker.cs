using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Model;
using Backprop.Generated.Serialization;

namespace Backprop.Generated.Generator.Weights;

/// <summary>
/// Reads a safetensors file at build time and turns it into a network's parameters, with the runtime loader's rules
/// (src/Shared/SafeTensorsRules.cs, compiled into both assemblies): an 8-byte little-endian header length N, N bytes of UTF-8
/// JSON <c>{name: {dtype, shape, data_offsets}}</c> with an optional <c>__metadata__</c>, then the data, every tensor
/// starting where the previous one ends. Tensors are <c>layers.{i}.weight</c> [n_l, n_{l-1}] (PyTorch nn.Linear,
/// transposed into our (n_{l-1}, n_l)) and <c>layers.{i}.bias</c> [n_l], or the same without the <c>layers.</c>
/// prefix as an nn.Sequential state dict saves them (<c>0.weight</c>, <c>2.weight</c>, ... in index order). F32, F64,
/// F16 and BF16 are converted to the network's precision as the runtime converts them (through double, rounded once).
/// Never throws: every problem becomes one located diagnostic.
/// </summary>
internal static class SafeTensorsBaker
{
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
        Exception Broken(SafeTensorsProblem problem) => Malformed(problem.Clause);

        int[] n = network.LayerSizes.ToArray();
        int layerCount = n.Length - 1;
        string sizesText = string.Join("-", n.Select(x => x.ToString(CultureInfo.InvariantCulture)));

        // 1. Framing.
        if (SafeTensorsRules.CheckFileLength(file.Length) is SafeTensorsProblem tooShort)
        {
            throw Broken(tooShort);
        }

        ulong declared = BitConverter.IsLittleEndian
            ? BitConverter.ToUInt64(file, 0)
            : (ulong)file.Take(8).Select((b, i) => (long)b << (8 * i)).Sum();
        if (SafeTensorsRules.CheckHeaderLength(declared, file.Length) is SafeTensorsProblem badLength)
        {
            throw Broken(badLength);
        }

        int headerLength = (int)declared;
        int dataStart = 8 + headerLength;
        int dataLength = file.Length - dataStart;

        // 2. The header: strict UTF-8 JSON with no byte-order mark, an object of tensor entries and an optional
        // __metadata__ map of strings (or null: no metadata, as the reference reader takes it).
        if (SafeTensorsRules.CheckByteOrderMark(At(8), At(9), At(10)) is SafeTensorsProblem mark)
        {
            throw Broken(mark);
        }

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

        var entries = new List<SafeTensorsEntry>();
        var metadataValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> member in members.Members)
        {
            if (member.Key == SafeTensorsRules.MetadataName)
            {
                if (member.Value is null)
                {
                    continue;
                }

                if (member.Value is not JsonObject metadata || metadata.Members.Any(m => m.Value is not string))
                {
                    throw Malformed("\"__metadata__\" must be an object of strings");
                }

                foreach (KeyValuePair<string, object?> pair in metadata.Members)
                {
                    metadataValues[pair.Key] = (string)pair.Value!;
                }

                continue;
            }

            entries.Add(ReadEntry(member.Key, member.Value, path, location, Malformed, allowInt8: network.Quantization == QuantizationKind.Int8));
        }

        // 3. Offsets: each tensor's size, inside the data section, no overlap, no gap, nothing after the last.
        if (SafeTensorsRules.CheckOffsets(entries, dataLength) is SafeTensorsProblem badOffsets)
        {
            throw Broken(badOffsets);
        }

        // An int8 network file (docs/int8.md, "Files"), as {Network}.Int8.Save writes it: baked as it is.
        if (network.Quantization == QuantizationKind.Int8 && entries.Any(e => e.DType == SafeTensorsDType.I8 || e.Name.EndsWith(ScaleSuffix, StringComparison.Ordinal)))
        {
            CheckInt8Metadata(network, metadataValues, Malformed);
            return ReadInt8(n, path, file, dataStart, entries, location, cancellationToken, Malformed);
        }

        // 4. Names and shapes against the declaration.
        SafeTensorsLayerMap map = SafeTensorsRules.MapLayers(entries, n);
        int faultLayer = map.Layer;
        switch (map.Fault)
        {
            case SafeTensorsLayerFault.NotALayer:
            case SafeTensorsLayerFault.MixedNaming:
            case SafeTensorsLayerFault.ExtraLayer:
                throw new BakeException(DiagnosticInfo.Create(
                    DiagnosticDescriptors.WeightsTensorExtra, location, path, map.Entry!.Name, map.Entry.ShapeText, sizesText, SafeTensorsRules.ExpectedTensors(n)));
            case SafeTensorsLayerFault.MissingWeight:
            case SafeTensorsLayerFault.MissingBias:
            case SafeTensorsLayerFault.MissingLayer:
                throw new BakeException(DiagnosticInfo.Create(
                    DiagnosticDescriptors.WeightsTensorMissing, location, path, map.MissingName!, faultLayer, LayerText(faultLayer), sizesText, SafeTensorsRules.Format(map.ExpectedShape!)));
            case SafeTensorsLayerFault.WrongShape:
                string hint = SafeTensorsRules.LooksTransposed(map.Entry!.Shape, map.ExpectedShape!) ? " (" + SafeTensorsRules.TransposedHint + ")" : string.Empty;
                throw new BakeException(DiagnosticInfo.Create(
                    DiagnosticDescriptors.WeightsShapeMismatch, location, path, map.Entry.Name, map.Entry.ShapeText, faultLayer, LayerText(faultLayer), sizesText, SafeTensorsRules.Format(map.ExpectedShape!) + hint));
        }

        // 5. Convert, transposing PyTorch's weight[k, j] into our W[l][j, k]; or, for Quantization.Int8, quantise each
        // unit k's weights in single precision exactly as the runtime's ToInt8() does (src/Shared/Int8WeightRules.cs)
        // and keep PyTorch's (out, in) layout, which the int8 network's SetLayer reads.
        bool single = network.Precision == PrecisionKind.Single;
        bool int8 = network.Quantization == QuantizationKind.Int8 && single;
        int size = single ? 4 : 8;
        var layers = new BakedLayer[layerCount];
        for (int l = 1; l <= layerCount; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int nIn = n[l - 1];
            int nOut = n[l];
            SafeTensorsEntry weight = map.Weights[l - 1];
            SafeTensorsEntry bias = map.Biases[l - 1];
            var b = new byte[nOut * size];
            string weights;
            string? scales = null;
            if (int8)
            {
                var q = new byte[nIn * nOut];
                var s = new byte[nOut * 4];
                var column = new float[nIn];
                for (int k = 0; k < nOut; k++)
                {
                    float max = 0f;
                    for (int j = 0; j < nIn; j++)
                    {
                        column[j] = (float)Decode(file, dataStart, weight, (k * nIn) + j, k, j, single, Malformed);
                        max = Int8WeightRules.MaxMagnitudeOf(max, column[j]);
                    }

                    float scale = Int8WeightRules.Scale(max);
                    for (int j = 0; j < nIn; j++)
                    {
                        q[(k * nIn) + j] = unchecked((byte)Int8WeightRules.Quantize(column[j], scale));
                    }

                    Write(s, k, scale, single: true);
                    Write(b, k, Decode(file, dataStart, bias, k, k, -1, single, Malformed), single);
                }

                weights = Convert.ToBase64String(q);
                scales = Convert.ToBase64String(s);
            }
            else
            {
                var w = new byte[nIn * nOut * size];
                for (int k = 0; k < nOut; k++)
                {
                    for (int j = 0; j < nIn; j++)
                    {
                        Write(w, (j * nOut) + k, Decode(file, dataStart, weight, (k * nIn) + j, k, j, single, Malformed), single);
                    }

                    Write(b, k, Decode(file, dataStart, bias, k, k, -1, single, Malformed), single);
                }

                weights = Convert.ToBase64String(w);
            }

            layers[l - 1] = new BakedLayer(
                l,
                $"'{weight.Name}' {weight.ShapeText} {weight.DType}",
                $"'{bias.Name}' {bias.ShapeText} {bias.DType}",
                weights,
                Convert.ToBase64String(b),
                scales);
        }

        return layers;

        string LayerText(int layer) => $"{n[layer - 1]} -> {n[layer]}";

        int At(int index) => index < dataStart ? file[index] : -1;
    }

    private const string ScaleSuffix = ".weight_scale";

    /// <summary>
    /// The layers of an int8 network file: exactly <c>layers.{i}.weight</c> I8 [n_l, n_{l-1}], <c>layers.{i}.weight_scale</c>
    /// F32 [n_l] and <c>layers.{i}.bias</c> F32 [n_l] for i = 0..L-1, weights in -127..127, scales finite and &gt;= 0, biases
    /// finite: the rules of the runtime's <c>Int8.Load</c>, each broken one a located diagnostic.
    /// </summary>
    private static BakedLayer[] ReadInt8(int[] n, string path, byte[] file, int dataStart, List<SafeTensorsEntry> entries, LocationInfo? location, CancellationToken cancellationToken, Func<string, Exception> malformed)
    {
        int layerCount = n.Length - 1;
        string sizesText = string.Join("-", n.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        var byName = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in entries)
        {
            byName[entry.Name] = entry;
        }

        var expected = new List<string>();
        for (int l = 1; l <= layerCount; l++)
        {
            expected.Add(SafeTensorsRules.WeightName(l));
            expected.Add(ScaleName(l));
            expected.Add(SafeTensorsRules.BiasName(l));
        }

        string expectedText = string.Join(", ", expected.Select(name => "'" + name + "'")) + " (an int8 network file: weights I8, scales and biases F32)";
        foreach (SafeTensorsEntry entry in entries)
        {
            if (!expected.Contains(entry.Name))
            {
                throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorExtra, location, path, entry.Name, entry.ShapeText, sizesText, expectedText));
            }
        }

        SafeTensorsEntry Expect(string name, SafeTensorsDType dtype, long[] shape, int layer)
        {
            string layerText = $"{n[layer - 1]} -> {n[layer]}";
            if (!byName.TryGetValue(name, out SafeTensorsEntry? entry))
            {
                throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTensorMissing, location, path, name, layer, layerText, sizesText, SafeTensorsRules.Format(shape) + " " + dtype));
            }

            if (entry.DType != dtype)
            {
                throw malformed($"tensor '{name}' has dtype {entry.DType}, but an int8 network file holds it as {dtype}");
            }

            if (!entry.Shape.SequenceEqual(shape))
            {
                string hint = SafeTensorsRules.LooksTransposed(entry.Shape, shape) ? " (" + SafeTensorsRules.TransposedHint + ")" : string.Empty;
                throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsShapeMismatch, location, path, name, entry.ShapeText, layer, layerText, sizesText, SafeTensorsRules.Format(shape) + hint));
            }

            return entry;
        }

        var layers = new BakedLayer[layerCount];
        for (int l = 1; l <= layerCount; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int nIn = n[l - 1];
            int nOut = n[l];
            SafeTensorsEntry weight = Expect(SafeTensorsRules.WeightName(l), SafeTensorsDType.I8, new long[] { nOut, nIn }, l);
            SafeTensorsEntry scale = Expect(ScaleName(l), SafeTensorsDType.F32, new long[] { nOut }, l);
            SafeTensorsEntry bias = Expect(SafeTensorsRules.BiasName(l), SafeTensorsDType.F32, new long[] { nOut }, l);

            var q = new byte[nOut * nIn];
            Array.Copy(file, dataStart + (int)weight.Begin, q, 0, q.Length);
            for (int k = 0; k < q.Length; k++)
            {
                if (q[k] == 0x80)
                {
                    throw malformed($"tensor '{weight.Name}' holds -128 at [{k / nIn}, {k % nIn}]; the symmetric scheme's weights are -127 .. 127");
                }
            }

            var s = new byte[nOut * 4];
            var b = new byte[nOut * 4];
            for (int k = 0; k < nOut; k++)
            {
                float sk = BitConverter.ToSingle(LittleEndian(file, dataStart + (int)scale.Begin + (4 * k), 4), 0);
                if (!(sk >= 0f) || float.IsInfinity(sk))
                {
                    throw malformed($"tensor '{scale.Name}' element [{k}] is {sk.ToString("R", CultureInfo.InvariantCulture)}; a weight scale must be finite and >= 0");
                }

                Write(s, k, sk, single: true);
                Write(b, k, Decode(file, dataStart, bias, k, k, -1, single: true, malformed), single: true);
            }

            layers[l - 1] = new BakedLayer(
                l,
                $"'{weight.Name}' {weight.ShapeText} I8 with '{scale.Name}' {scale.ShapeText} F32",
                $"'{bias.Name}' {bias.ShapeText} {bias.DType}",
                Convert.ToBase64String(q),
                Convert.ToBase64String(b),
                Convert.ToBase64String(s),
                QuantisedInFile: true);
        }

        return layers;
    }

    /// <summary>The scheme an int8 network file's metadata names (docs/int8.md, "Files"); the runtime's Int8.Load reads the same.</summary>
    private const string Int8SchemeName = "int8-per-unit-symmetric";

    /// <summary>
    /// The metadata checks of the runtime's <c>Int8.Load</c>, for an int8 network file: where the file names them, the
    /// quantization scheme, the layer sizes and the activations must be this declaration's (the tensors are checked
    /// after). A float file's metadata is not compared (docs/serialization.md): its tensors are the whole contract.
    /// </summary>
    private static void CheckInt8Metadata(NetworkModel network, Dictionary<string, string> metadata, Func<string, Exception> malformed)
    {
        if (metadata.TryGetValue("quantization", out string? scheme) && scheme != Int8SchemeName)
        {
            throw malformed($"its metadata says quantization '{SafeTensorsRules.Truncate(scheme)}' but this network reads '{Int8SchemeName}'");
        }

        string sizes = string.Join(",", network.LayerSizes.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        if (metadata.TryGetValue("layer_sizes", out string? fileSizes) && !string.Equals(fileSizes.Replace(" ", string.Empty), sizes, StringComparison.Ordinal))
        {
            throw malformed($"its metadata says layer sizes {SafeTensorsRules.Truncate(fileSizes)} but this network has {sizes}");
        }

        string activations = string.Join(",", network.Activations.Select(a => a.ToString()));
        if (metadata.TryGetValue("activations", out string? fileActivations)
            && !string.Equals(fileActivations.Replace(" ", string.Empty), activations, StringComparison.OrdinalIgnoreCase))
        {
            throw malformed($"its metadata says activations {SafeTensorsRules.Truncate(fileActivations)} but this network has {activations}: every shape fits, but the weights were quantised for a different function");
        }
    }

    private static string ScaleName(int layer) => SafeTensorsRules.LayersPrefix + (layer - 1).ToString(CultureInfo.InvariantCulture) + ScaleSuffix;

    private static SafeTensorsEntry ReadEntry(string name, object? value, string path, LocationInfo? location, Func<string, Exception> malformed, bool allowInt8)
    {
        if (value is not JsonObject entry)
        {
            throw malformed($"tensor '{name}': its header entry must be an object {{\"dtype\", \"shape\", \"data_offsets\"}}");
        }

        if (!entry.TryGet("dtype", out object? dtypeValue) || dtypeValue is not string dtype)
        {
            throw malformed($"tensor '{name}' has no \"dtype\" string");
        }

        SafeTensorsDType type = SafeTensorsDType.I8;
        if (!(allowInt8 && dtype == "I8") && !SafeTensorsRules.TryParseDType(dtype, out type))
        {
            throw new BakeException(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsUnsupportedDType, location, path, name, SafeTensorsRules.Truncate(dtype)));
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

        return new SafeTensorsEntry(name, type, shape, pair[0], pair[1]);
    }

    private static double Decode(byte[] file, int dataStart, SafeTensorsEntry entry, int index, int row, int column, bool single, Func<string, Exception> malformed)
    {
        int at = dataStart + (int)entry.Begin + (index * SafeTensorsRules.ElementSize(entry.DType));
        double value = entry.DType switch
        {
            SafeTensorsDType.F32 => BitConverter.ToSingle(LittleEndian(file, at, 4), 0),
            SafeTensorsDType.F64 => BitConverter.ToDouble(LittleEndian(file, at, 8), 0),
            SafeTensorsDType.F16 => HalfPrecision.HalfToSingle((ushort)(file[at] | (file[at + 1] << 8))),
            _ => HalfPrecision.BFloat16ToSingle((ushort)(file[at] | (file[at + 1] << 8))),
        };

        double converted = single ? (float)value : value;
        if (double.IsNaN(converted) || double.IsInfinity(converted))
        {
            throw malformed(SafeTensorsRules.NotFinite(entry, row, column, value, converted, single ? nameof(Single) : nameof(Double)).Clause);
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
}
