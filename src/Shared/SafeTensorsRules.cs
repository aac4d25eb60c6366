// The rules of the safetensors format as this library reads it, written once for the two readers that apply them:
// the runtime loader (src/Backprop.Generated/Serialization/SafeTensors.cs, netstandard2.0 and net8.0) and the
// generator's build-time reader (generator/Backprop.Generated.Generator/Weights/SafeTensorsBaker.cs, netstandard2.0).
// The generator cannot reference the runtime assembly, so this file is compiled into both
// (<Compile Include="..." Link="..." /> in each project file): it must stay plain C# with no dependency beyond
// netstandard2.0's base library (no System.Text.Json, no Span), and every type in it stays internal in both assemblies.
// Each reader parses the JSON header its own way and reports a broken rule its own way (SafeTensorsException or a
// BPG05x diagnostic); what a rule is, and the words that describe a broken one, live here.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Backprop.Generated.Serialization;

/// <summary>The tensor element types both readers convert to a network's precision.</summary>
internal enum SafeTensorsDType
{
    F32,
    F64,
    F16,
    BF16,

    /// <summary>int8, only in the int8 network files of docs/int8.md (neither float reader accepts it).</summary>
    I8,
}

/// <summary>One tensor of a safetensors header: name, dtype, shape and its byte range in the data section.</summary>
internal sealed class SafeTensorsEntry
{
    public SafeTensorsEntry(string name, SafeTensorsDType dtype, long[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public SafeTensorsDType DType { get; }

    public long[] Shape { get; }

    /// <summary>The first byte, relative to the start of the data section.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte, relative to the start of the data section.</summary>
    public long End { get; }

    public string ShapeText => SafeTensorsRules.Format(Shape);
}

/// <summary>
/// A broken rule of the format, described once: <see cref="Clause"/> ("the file is truncated: ...", lower case, no final
/// full stop) is the reason in the generator's BPG052 message; <see cref="Sentence"/> is the runtime's
/// SafeTensorsException message.
/// </summary>
internal sealed class SafeTensorsProblem
{
    public SafeTensorsProblem(string clause, string? tensor = null)
    {
        Clause = clause;
        Tensor = tensor;
    }

    public string Clause { get; }

    /// <summary>The tensor at fault, or <see langword="null"/> when the fault is not in one tensor.</summary>
    public string? Tensor { get; }

    public string Sentence => char.ToUpperInvariant(Clause[0]) + Clause.Substring(1) + ".";
}

/// <summary>What is wrong with a file's tensor names or shapes for the declared layers, if anything.</summary>
internal enum SafeTensorsLayerFault
{
    None,

    /// <summary><see cref="SafeTensorsLayerMap.Entry"/> is named neither <c>[layers.]{i}.weight</c> nor <c>[layers.]{i}.bias</c>.</summary>
    NotALayer,

    /// <summary><see cref="SafeTensorsLayerMap.Entry"/> uses the other naming style (with or without <c>layers.</c>) than an earlier tensor.</summary>
    MixedNaming,

    /// <summary><see cref="SafeTensorsLayerMap.Entry"/> belongs to a linear layer beyond the declared ones.</summary>
    ExtraLayer,

    /// <summary>Layer <see cref="SafeTensorsLayerMap.Layer"/> has a bias but no weight <see cref="SafeTensorsLayerMap.MissingName"/>.</summary>
    MissingWeight,

    /// <summary>Layer <see cref="SafeTensorsLayerMap.Layer"/> has a weight but no bias <see cref="SafeTensorsLayerMap.MissingName"/>.</summary>
    MissingBias,

    /// <summary>The file has <see cref="SafeTensorsLayerMap.FileLayerCount"/> linear layers, fewer than declared; layer
    /// <see cref="SafeTensorsLayerMap.Layer"/> is the first without tensors.</summary>
    MissingLayer,

    /// <summary><see cref="SafeTensorsLayerMap.Entry"/> of layer <see cref="SafeTensorsLayerMap.Layer"/> has a shape other than
    /// <see cref="SafeTensorsLayerMap.ExpectedShape"/>.</summary>
    WrongShape,
}

/// <summary>
/// The file's tensors assigned to the declared layers (<see cref="Weights"/>, <see cref="Biases"/>, index l - 1), or the
/// first fault found, checking layer by layer in index order: extra layer, missing weight, missing bias, weight shape,
/// bias shape.
/// </summary>
internal sealed class SafeTensorsLayerMap
{
    public SafeTensorsLayerFault Fault { get; set; }

    /// <summary>The tensor at fault (NotALayer, MixedNaming, ExtraLayer, WrongShape).</summary>
    public SafeTensorsEntry? Entry { get; set; }

    /// <summary>The layer l (1-based) at fault (MissingWeight, MissingBias, MissingLayer, WrongShape).</summary>
    public int Layer { get; set; }

    /// <summary>The name of the missing tensor: <c>{module}.weight</c> / <c>{module}.bias</c> beside its partner, or for
    /// MissingLayer the next layer's weight: <c>layers.{l-1}.weight</c> in this library's style, or the next index of a
    /// Sequential (the last index + 2, as a Linear and its activation take two) without the prefix.</summary>
    public string? MissingName { get; set; }

    /// <summary>The shape the layer needs (WrongShape, MissingWeight, MissingBias, MissingLayer's weight).</summary>
    public long[]? ExpectedShape { get; set; }

    /// <summary>How many linear layers the file has (ExtraLayer, MissingLayer).</summary>
    public int FileLayerCount { get; set; }

    /// <summary>Whether the names carry the <c>layers.</c> prefix; <see langword="null"/> when the file has no tensors.</summary>
    public bool? Prefixed { get; set; }

    public SafeTensorsEntry[] Weights { get; set; } = Array.Empty<SafeTensorsEntry>();

    public SafeTensorsEntry[] Biases { get; set; } = Array.Empty<SafeTensorsEntry>();
}

internal static class SafeTensorsRules
{
    /// <summary>The largest header accepted, in bytes: 100,000,000, the limit of the reference Rust reader.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The most objects and arrays a header may nest (a valid header nests three: root, entry, shape).</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>The header key of the optional map of strings that is not a tensor.</summary>
    public const string MetadataName = "__metadata__";

    /// <summary>The prefix of the tensor names this library writes (<c>layers.0.weight</c>).</summary>
    public const string LayersPrefix = "layers.";

    /// <summary>Appended, in each reader's punctuation, to a wrong weight shape that is the needed one transposed.</summary>
    public const string TransposedHint = "it looks transposed: PyTorch's nn.Linear stores weight as [out_features, in_features]";

    // ---------------------------------------------------------------- dtypes

    /// <summary>The dtype named <paramref name="text"/> (F32, F64, F16 or BF16), or <see langword="false"/>.</summary>
    public static bool TryParseDType(string text, out SafeTensorsDType dtype)
    {
        switch (text)
        {
            case "F32":
                dtype = SafeTensorsDType.F32;
                return true;
            case "F64":
                dtype = SafeTensorsDType.F64;
                return true;
            case "F16":
                dtype = SafeTensorsDType.F16;
                return true;
            case "BF16":
                dtype = SafeTensorsDType.BF16;
                return true;
            default:
                dtype = default;
                return false;
        }
    }

    /// <summary>The bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => 8,
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.I8 => 1,
        _ => 2,
    };

    // ---------------------------------------------------------------- framing and offsets

    /// <summary>The fault of a file of <paramref name="fileLength"/> bytes too short to hold the 8-byte header length, or null.</summary>
    public static SafeTensorsProblem? CheckFileLength(long fileLength) => fileLength >= 8
        ? null
        : new SafeTensorsProblem($"the file is truncated: it has {fileLength.ToString(CultureInfo.InvariantCulture)} bytes, fewer than the 8-byte header length that starts every safetensors file");

    /// <summary>The fault of a header length of <paramref name="declared"/> bytes in a file of <paramref name="fileLength"/> bytes, or null.</summary>
    public static SafeTensorsProblem? CheckHeaderLength(ulong declared, long fileLength)
    {
        if (declared == GitLfsPointerStart)
        {
            return new SafeTensorsProblem(
                "the file starts with the text \"version \" where the 8-byte header length belongs: it looks like a Git LFS pointer file (\"version https://git-lfs.github.com/spec/v1\", then the oid and size of the real file), not the weights; fetch the real file with 'git lfs pull'");
        }

        if (declared > (ulong)MaxHeaderLength)
        {
            return HeaderTooLong(declared);
        }

        return (long)declared <= fileLength - 8
            ? null
            : new SafeTensorsProblem($"the file is truncated: the header length says {declared.ToString(CultureInfo.InvariantCulture)} bytes but only {(fileLength - 8).ToString(CultureInfo.InvariantCulture)} follow the 8-byte length");
    }

    /// <summary>
    /// The 8 bytes "version " read as a little-endian header length: how every Git LFS pointer file starts (its first key
    /// is always <c>version</c>, git-lfs docs/spec.md). A checkout without Git LFS leaves such a pointer, about 130 bytes
    /// of text, in place of the real file.
    /// </summary>
    public static readonly ulong GitLfsPointerStart = LittleEndianText("version ");

    /// <summary>
    /// The fault of a header whose first three bytes are <paramref name="b0"/>, <paramref name="b1"/>,
    /// <paramref name="b2"/> (-1 where the header is shorter) when they are a UTF-8 byte-order mark, or null. JSON text
    /// has none (RFC 8259, section 8.1) and the reference reader's JSON parser refuses one, so the header is refused,
    /// naming the mark rather than the invisible character it decodes to.
    /// </summary>
    public static SafeTensorsProblem? CheckByteOrderMark(int b0, int b1, int b2) => b0 == 0xEF && b1 == 0xBB && b2 == 0xBF
        ? new SafeTensorsProblem("the header starts with a UTF-8 byte-order mark (bytes EF BB BF) before its JSON text, which must start with '{' (JSON text has no byte-order mark, RFC 8259 section 8.1); save the header without it")
        : null;

    private static ulong LittleEndianText(string eightAsciiCharacters)
    {
        ulong value = 0;
        for (int i = 7; i >= 0; i--)
        {
            value = (value << 8) | eightAsciiCharacters[i];
        }

        return value;
    }

    /// <summary>A header length above <see cref="MaxHeaderLength"/>.</summary>
    public static SafeTensorsProblem HeaderTooLong(ulong declared) => new(
        $"the header length is {declared.ToString(CultureInfo.InvariantCulture)} bytes; at most {MaxHeaderLength.ToString(CultureInfo.InvariantCulture)} are accepted (the file is not safetensors or is corrupt)");

    /// <summary>
    /// The first broken offset rule, or null: every tensor's range lies in the data section of
    /// <paramref name="dataLength"/> bytes and spans exactly its shape times its element size; sorted by offset, as the
    /// reference reader sorts them, every tensor starts where the previous one ends (no overlap, no gap) and the last one
    /// ends where the data section does.
    /// </summary>
    public static SafeTensorsProblem? CheckOffsets(IReadOnlyList<SafeTensorsEntry> entries, long dataLength)
    {
        foreach (SafeTensorsEntry e in entries)
        {
            if (e.End < e.Begin)
            {
                return new SafeTensorsProblem($"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}]: the end is before the begin", e.Name);
            }

            if (e.End > dataLength)
            {
                return new SafeTensorsProblem(
                    $"tensor '{e.Name}' (shape {e.ShapeText}, {e.DType}) has data_offsets [{e.Begin}, {e.End}] beyond the data section's {dataLength} bytes: the file is truncated or the offsets are wrong",
                    e.Name);
            }

            long elements = 1;
            foreach (long d in e.Shape)
            {
                elements *= d;
                if (elements > int.MaxValue)
                {
                    return new SafeTensorsProblem($"tensor '{e.Name}' has shape {e.ShapeText}, more than {int.MaxValue} elements", e.Name);
                }
            }

            long expected = elements * ElementSize(e.DType);
            if (e.End - e.Begin != expected)
            {
                return new SafeTensorsProblem(
                    $"tensor '{e.Name}' has shape {e.ShapeText} of {e.DType}, which needs {expected} bytes, but data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin}",
                    e.Name);
            }
        }

        SafeTensorsEntry? previous = null;
        long position = 0;
        foreach (SafeTensorsEntry e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < position)
            {
                return new SafeTensorsProblem(
                    $"tensor '{e.Name}' (data_offsets [{e.Begin}, {e.End}]) overlaps tensor '{previous!.Name}' (data_offsets [{previous.Begin}, {previous.End}])",
                    e.Name);
            }

            if (e.Begin > position)
            {
                return new SafeTensorsProblem(
                    $"tensor '{e.Name}' starts at data offset {e.Begin} but the previous tensor ends at {position}: the data section has a gap",
                    e.Name);
            }

            position = e.End;
            previous = e;
        }

        return position == dataLength
            ? null
            : new SafeTensorsProblem($"the data section has {dataLength} bytes but the tensors cover {position}: {dataLength - position} bytes follow the last tensor");
    }

    // ---------------------------------------------------------------- names and shapes

    /// <summary>The tensor name of W[l] in files this library writes: <c>layers.{l-1}.weight</c>.</summary>
    public static string WeightName(int layer) => LayersPrefix + (layer - 1).ToString(CultureInfo.InvariantCulture) + ".weight";

    /// <summary>The tensor name of b[l] in files this library writes: <c>layers.{l-1}.bias</c>.</summary>
    public static string BiasName(int layer) => LayersPrefix + (layer - 1).ToString(CultureInfo.InvariantCulture) + ".bias";

    /// <summary>PyTorch's nn.Linear shape of W[l] for a layer of <paramref name="nIn"/> inputs and <paramref name="nOut"/>
    /// units: [n_l, n_{l-1}] (this library stores the transpose).</summary>
    public static long[] WeightShape(int nIn, int nOut) => new long[] { nOut, nIn };

    /// <summary>The shape of b[l]: [n_l].</summary>
    public static long[] BiasShape(int nOut) => new long[] { nOut };

    /// <summary>Whether <paramref name="actual"/> is the weight shape <paramref name="expected"/> transposed.</summary>
    public static bool LooksTransposed(long[] actual, long[] expected) =>
        expected.Length == 2 && actual.Length == 2 && actual[0] == expected[1] && actual[1] == expected[0];

    /// <summary>
    /// Reads <c>{i}.weight</c>, <c>{i}.bias</c>, <c>layers.{i}.weight</c> or <c>layers.{i}.bias</c> (i of 1 to 9 decimal
    /// digits, no leading zero); anything else is not a layer's tensor.
    /// </summary>
    public static bool TryParseName(string name, out bool prefixed, out int index, out bool isWeight)
    {
        prefixed = name.StartsWith(LayersPrefix, StringComparison.Ordinal);
        index = 0;
        isWeight = false;
        string rest = prefixed ? name.Substring(LayersPrefix.Length) : name;
        int dot = rest.IndexOf('.');
        if (dot <= 0 || dot > 9)
        {
            return false;
        }

        // PyTorch names modules by their index in decimal with no leading zero: '01.weight' is not module 1, and reading
        // it as 1 would let '1.weight' and '01.weight' claim the same layer.
        if (dot > 1 && rest[0] == '0')
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

    /// <summary>The tensors a network of <paramref name="layerSizes"/> n_0..n_L expects, for messages.</summary>
    public static string ExpectedTensors(IReadOnlyList<int> layerSizes)
    {
        var parts = new List<string>();
        for (int l = 1; l < layerSizes.Count; l++)
        {
            parts.Add($"{WeightName(l)} {Format(WeightShape(layerSizes[l - 1], layerSizes[l]))}");
            parts.Add($"{BiasName(l)} {Format(BiasShape(layerSizes[l]))}");
        }

        return string.Join(", ", parts) + " (or an nn.Sequential state dict: 0.weight, 0.bias, 2.weight, ...)";
    }

    /// <summary>
    /// Assigns the tensors to the layers of a network of <paramref name="layerSizes"/> n_0..n_L: one naming style per
    /// file (<c>layers.{i}</c> or a Sequential's <c>{i}</c>), the indices taken in increasing order as layers 1, 2, ...
    /// (activation modules have no tensors), each layer a weight [n_l, n_{l-1}] and a bias [n_l].
    /// </summary>
    public static SafeTensorsLayerMap MapLayers(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyList<int> layerSizes)
    {
        int layerCount = layerSizes.Count - 1;
        var map = new SafeTensorsLayerMap();
        var groups = new SortedDictionary<int, SafeTensorsEntry?[]>();
        foreach (SafeTensorsEntry e in entries)
        {
            if (!TryParseName(e.Name, out bool hasPrefix, out int index, out bool isWeight))
            {
                return Fault(map, SafeTensorsLayerFault.NotALayer, e);
            }

            if (map.Prefixed is bool p && p != hasPrefix)
            {
                return Fault(map, SafeTensorsLayerFault.MixedNaming, e);
            }

            map.Prefixed = hasPrefix;
            if (!groups.TryGetValue(index, out SafeTensorsEntry?[]? pair))
            {
                pair = new SafeTensorsEntry?[2];
                groups.Add(index, pair);
            }

            pair[isWeight ? 0 : 1] = e;
        }

        map.FileLayerCount = groups.Count;
        string prefix = map.Prefixed == false ? string.Empty : LayersPrefix;
        var weights = new SafeTensorsEntry[layerCount];
        var biases = new SafeTensorsEntry[layerCount];
        int l = 0;
        foreach (KeyValuePair<int, SafeTensorsEntry?[]> group in groups)
        {
            l++;
            if (l > layerCount)
            {
                return Fault(map, SafeTensorsLayerFault.ExtraLayer, group.Value[0] ?? group.Value[1]!);
            }

            string module = prefix + group.Key.ToString(CultureInfo.InvariantCulture);
            long[] weightShape = WeightShape(layerSizes[l - 1], layerSizes[l]);
            long[] biasShape = BiasShape(layerSizes[l]);
            map.Layer = l;
            if (group.Value[0] is not SafeTensorsEntry weight)
            {
                map.MissingName = module + ".weight";
                map.ExpectedShape = weightShape;
                return Fault(map, SafeTensorsLayerFault.MissingWeight, null);
            }

            if (group.Value[1] is not SafeTensorsEntry bias)
            {
                map.MissingName = module + ".bias";
                map.ExpectedShape = biasShape;
                return Fault(map, SafeTensorsLayerFault.MissingBias, null);
            }

            foreach ((SafeTensorsEntry tensor, long[] shape) in new[] { (weight, weightShape), (bias, biasShape) })
            {
                if (!tensor.Shape.SequenceEqual(shape))
                {
                    map.ExpectedShape = shape;
                    return Fault(map, SafeTensorsLayerFault.WrongShape, tensor);
                }
            }

            weights[l - 1] = weight;
            biases[l - 1] = bias;
        }

        if (l < layerCount)
        {
            int nextIndex = map.Prefixed == false && groups.Count > 0 ? groups.Keys.Last() + 2 : l;
            map.Layer = l + 1;
            map.MissingName = prefix + nextIndex.ToString(CultureInfo.InvariantCulture) + ".weight";
            map.ExpectedShape = WeightShape(layerSizes[l], layerSizes[l + 1]);
            return Fault(map, SafeTensorsLayerFault.MissingLayer, null);
        }

        map.Layer = 0;
        map.Weights = weights;
        map.Biases = biases;
        return map;
    }

    private static SafeTensorsLayerMap Fault(SafeTensorsLayerMap map, SafeTensorsLayerFault fault, SafeTensorsEntry? entry)
    {
        map.Fault = fault;
        map.Entry = entry;
        return map;
    }

    // ---------------------------------------------------------------- values

    /// <summary>
    /// A tensor element that is NaN or infinite, in the file (<paramref name="value"/>) or after conversion to the
    /// network's precision (<paramref name="converted"/>, of the type named <paramref name="precisionName"/>, e.g. Single).
    /// <paramref name="column"/> is negative for an element of a vector.
    /// </summary>
    public static SafeTensorsProblem NotFinite(SafeTensorsEntry entry, int row, int column, double value, double converted, string precisionName)
    {
        string at = column < 0 ? $"[{row}]" : $"[{row}, {column}]";
        string why = double.IsNaN(value) || double.IsInfinity(value)
            ? string.Empty
            : $" after conversion to {precisionName} (its value {value.ToString("R", CultureInfo.InvariantCulture)} is out of range)";
        return new SafeTensorsProblem(
            $"tensor '{entry.Name}' (shape {entry.ShapeText}, {entry.DType}) element {at} is {converted.ToString(CultureInfo.InvariantCulture)}{why}; weights must be finite",
            entry.Name);
    }

    // ---------------------------------------------------------------- text

    /// <summary>A shape as the messages print it: <c>[8, 4]</c>.</summary>
    public static string Format(long[] shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>At most 80 characters of text from the file, so that a message stays readable.</summary>
    public static string Truncate(string text) => text.Length <= 80 ? text : text.Substring(0, 80) + "...";
}
