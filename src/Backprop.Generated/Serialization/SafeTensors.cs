using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Backprop.Generated.Internals;

namespace Backprop.Generated.Serialization;

/// <summary>
/// Reads and writes a network's weights in the safetensors format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON <c>{name: {dtype, shape, data_offsets}}</c> with an
/// optional <c>__metadata__</c> map of strings, then the little-endian tensor data.
/// </summary>
/// <remarks>
/// <para>Tensors use PyTorch's <c>nn.Linear</c> names and layout: for layer l = 1..L (index i = l - 1),
/// <c>layers.{i}.weight</c> of shape [n_l, n_{l-1}] (W[l] transposed; this library stores W[l] as (n_{l-1}, n_l))
/// and <c>layers.{i}.bias</c> of shape [n_l]. Loading also accepts a plain <c>nn.Sequential</c> state dict
/// (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, ...: linear layers taken in index order, activation modules
/// having no tensors), with or without the <c>layers.</c> prefix.</para>
/// <para>Loading converts F32, F64, F16 and BF16 data to the network's precision. Saving writes F32 for a
/// <see cref="float"/> network and F64 for a <see cref="double"/> one, with <c>__metadata__</c> recording the layer
/// sizes, activations and loss; when a loaded file's metadata disagrees with the network, the error says so.</para>
/// <para>Loading validates the whole file into a scratch array before copying: on any
/// <see cref="SafeTensorsException"/> the destination is exactly as before.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted, in bytes: 100,000,000, the limit of the reference Rust reader.</summary>
    public const long MaxHeaderLength = SafeTensorsRules.MaxHeaderLength;

    /// <summary>Metadata key of the layer sizes n_0,...,n_L (comma-separated).</summary>
    public const string LayerSizesKey = "layer_sizes";

    /// <summary>Metadata key of the activations of layers 1..L (comma-separated <see cref="Activation"/> names).</summary>
    public const string ActivationsKey = "activations";

    /// <summary>Metadata key of the training loss (a <see cref="Backprop.Generated.Loss"/> name).</summary>
    public const string LossKey = "loss";

    private const string MetadataName = SafeTensorsRules.MetadataName;

    /// <summary>Loads the weights in <paramref name="file"/> into <paramref name="parameters"/>.</summary>
    /// <typeparam name="T">The network's precision, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="file">A whole safetensors file.</param>
    /// <param name="topology">The network the file must fit.</param>
    /// <param name="parameters">The network's flat parameters (<see cref="NetworkTopology.ParameterCount"/> values),
    /// laid out as <see cref="INetwork{T}.Parameters"/> documents.</param>
    /// <exception cref="SafeTensorsException">The file is malformed or does not fit <paramref name="topology"/>;
    /// <paramref name="parameters"/> is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not have ParameterCount values.</exception>
    public static void Load<T>(ReadOnlySpan<byte> file, NetworkTopology topology, Span<T> parameters)
        where T : unmanaged
    {
        if (topology is null)
        {
            throw new ArgumentNullException(nameof(topology));
        }

        ShapeGuard.Length(parameters.Length, topology.ParameterCount, nameof(parameters));
        T[] scratch = Read<T>(file, topology);
        scratch.AsSpan().CopyTo(parameters);
    }

    /// <summary>Reads a safetensors file from <paramref name="stream"/> (to its end) and loads it as
    /// <see cref="Load{T}(ReadOnlySpan{byte}, NetworkTopology, Span{T})"/> does, with the same checks in the same order
    /// and the same messages.</summary>
    /// <remarks>Memory: the header (at most <see cref="MaxHeaderLength"/> bytes) and at most 8 bytes per parameter of
    /// data are kept. The rest of a longer stream, such as another network's file, is measured (<see cref="Stream.Length"/>
    /// when the stream can seek, else read and counted without being kept), so that its error names the tensor and both
    /// shapes as the bytes overload does.</remarks>
    /// <exception cref="SafeTensorsException">The stream's content is malformed or does not fit
    /// <paramref name="topology"/>; <paramref name="parameters"/> is unchanged.</exception>
    /// <exception cref="IOException">Reading the stream failed; <paramref name="parameters"/> is unchanged.</exception>
    public static void Load<T>(Stream stream, NetworkTopology topology, Span<T> parameters)
        where T : unmanaged
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (topology is null)
        {
            throw new ArgumentNullException(nameof(topology));
        }

        ShapeGuard.Length(parameters.Length, topology.ParameterCount, nameof(parameters));
        T[] scratch = ReadStream<T>(stream, topology);
        scratch.AsSpan().CopyTo(parameters);
    }

    /// <summary>Reads the safetensors file at <paramref name="path"/> and loads it as
    /// <see cref="Load{T}(Stream, NetworkTopology, Span{T})"/> does (same checks and messages as the bytes overload;
    /// only the header and the data this network can use are read into memory).</summary>
    /// <exception cref="SafeTensorsException">The file is malformed or does not fit <paramref name="topology"/>;
    /// <paramref name="parameters"/> is unchanged.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>);
    /// <paramref name="parameters"/> is unchanged.</exception>
    public static void Load<T>(string path, NetworkTopology topology, Span<T> parameters)
        where T : unmanaged
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Load(stream, topology, parameters);
    }

    /// <summary>Encodes <paramref name="parameters"/> as a safetensors file.</summary>
    /// <typeparam name="T">The network's precision: <see cref="float"/> writes F32, <see cref="double"/> writes F64.</typeparam>
    /// <param name="parameters">The network's flat parameters (<see cref="NetworkTopology.ParameterCount"/> values).</param>
    /// <param name="topology">The network's declaration, written to <c>__metadata__</c>.</param>
    /// <returns>The whole file: <c>layers.{i}.weight</c> [n_l, n_{l-1}] and <c>layers.{i}.bias</c> [n_l] for i = 0..L-1.</returns>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not have ParameterCount values.</exception>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite (such a file could not be loaded).</exception>
    public static byte[] Save<T>(ReadOnlySpan<T> parameters, NetworkTopology topology)
        where T : unmanaged
    {
        if (topology is null)
        {
            throw new ArgumentNullException(nameof(topology));
        }

        ShapeGuard.Length(parameters.Length, topology.ParameterCount, nameof(parameters));
        SafeTensorsDType dtype = typeof(T) == typeof(double) ? SafeTensorsDType.F64 : typeof(T) == typeof(float) ? SafeTensorsDType.F32
            : throw new NotSupportedException($"Networks compute in float or double, not {typeof(T)}.");
        int size = SafeTensorsRules.ElementSize(dtype);
        CheckFinite(parameters, topology);

        // Header: tensors in layer order, weight then bias, data packed back to back from offset 0.
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataName);
            json.WriteString("format", "pt");
            json.WriteString(LayerSizesKey, string.Join(",", topology.LayerSizes.Select(n => n.ToString(CultureInfo.InvariantCulture))));
            json.WriteString(ActivationsKey, topology.ActivationsText);
            json.WriteString(LossKey, topology.Loss.ToString());
            json.WriteString("generator", "Backprop.Generated");
            json.WriteEndObject();
            long offset = 0;
            for (int l = 1; l <= topology.LayerCount; l++)
            {
                int nIn = topology.LayerSizes[l - 1];
                int nOut = topology.LayerSizes[l];
                offset = WriteEntry(json, WeightName(l), dtype, SafeTensorsRules.WeightShape(nIn, nOut), offset, size);
                offset = WriteEntry(json, BiasName(l), dtype, SafeTensorsRules.BiasShape(nOut), offset, size);
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces so the data starts on an 8-byte boundary, as the reference writer does.
        int headerLength = (int)header.Length;
        int padded = (headerLength + 7) & ~7;
        byte[] file = new byte[8 + padded + ((long)topology.ParameterCount * size)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');

        Span<byte> data = file.AsSpan(8 + padded);
        int at = 0;
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nIn = topology.LayerSizes[l - 1];
            int nOut = topology.LayerSizes[l];
            int w = topology.WeightOffset(l);

            // PyTorch's weight[k, j] (unit k, input j) is our W[l][j, k] at w + j * n_l + k.
            for (int k = 0; k < nOut; k++)
            {
                for (int j = 0; j < nIn; j++)
                {
                    WriteValue(data.Slice(at), dtype, parameters[w + (j * nOut) + k]);
                    at += size;
                }
            }

            int b = topology.BiasOffset(l);
            for (int k = 0; k < nOut; k++)
            {
                WriteValue(data.Slice(at), dtype, parameters[b + k]);
                at += size;
            }
        }

        return file;
    }

    /// <summary>Writes <paramref name="parameters"/> as a safetensors file to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not have ParameterCount values.</exception>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite; nothing is written.</exception>
    public static void Save<T>(ReadOnlySpan<T> parameters, NetworkTopology topology, Stream stream)
        where T : unmanaged
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        byte[] file = Save(parameters, topology);
        stream.Write(file, 0, file.Length);
    }

    /// <summary>
    /// Writes <paramref name="parameters"/> as a safetensors file at <paramref name="path"/>, atomically: the file is
    /// written to a temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>.
    /// A failed save leaves any existing file at <paramref name="path"/> untouched and no temporary file behind.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not have ParameterCount values.</exception>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite; nothing is written.</exception>
    /// <exception cref="IOException">The folder does not exist or the file cannot be written or replaced.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder is not writable.</exception>
    public static void Save<T>(ReadOnlySpan<T> parameters, NetworkTopology topology, string path)
        where T : unmanaged
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        AtomicFile.WriteAllBytes(path, Save(parameters, topology));
    }

    /// <summary>The tensor name of W[l] in files this library writes: <c>layers.{l-1}.weight</c>.</summary>
    public static string WeightName(int layer) => SafeTensorsRules.WeightName(layer);

    /// <summary><see cref="Load{T}(ReadOnlySpan{byte}, NetworkTopology, Span{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Load(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Load{T}(ReadOnlySpan{byte}, NetworkTopology, Span{T})"/>
    public static void Load(ReadOnlySpan<byte> file, NetworkTopology topology, Span<float> parameters) => Load<float>(file, topology, parameters);

    /// <summary><see cref="Load{T}(Stream, NetworkTopology, Span{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Load(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Load{T}(Stream, NetworkTopology, Span{T})"/>
    public static void Load(Stream stream, NetworkTopology topology, Span<float> parameters) => Load<float>(stream, topology, parameters);

    /// <summary><see cref="Load{T}(string, NetworkTopology, Span{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Load(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Load{T}(string, NetworkTopology, Span{T})"/>
    public static void Load(string path, NetworkTopology topology, Span<float> parameters) => Load<float>(path, topology, parameters);

    /// <summary><see cref="Save{T}(ReadOnlySpan{T}, NetworkTopology)"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Save(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Save{T}(ReadOnlySpan{T}, NetworkTopology)"/>
    public static byte[] Save(ReadOnlySpan<float> parameters, NetworkTopology topology) => Save<float>(parameters, topology);

    /// <summary><see cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, Stream)"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Save(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, Stream)"/>
    public static void Save(ReadOnlySpan<float> parameters, NetworkTopology topology, Stream stream) => Save<float>(parameters, topology, stream);

    /// <summary><see cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, string)"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Save(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, string)"/>
    public static void Save(ReadOnlySpan<float> parameters, NetworkTopology topology, string path) => Save<float>(parameters, topology, path);

    /// <summary><see cref="Load{T}(ReadOnlySpan{byte}, NetworkTopology, Span{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Load(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Load{T}(ReadOnlySpan{byte}, NetworkTopology, Span{T})"/>
    public static void Load(ReadOnlySpan<byte> file, NetworkTopology topology, Span<double> parameters) => Load<double>(file, topology, parameters);

    /// <summary><see cref="Load{T}(Stream, NetworkTopology, Span{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Load(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Load{T}(Stream, NetworkTopology, Span{T})"/>
    public static void Load(Stream stream, NetworkTopology topology, Span<double> parameters) => Load<double>(stream, topology, parameters);

    /// <summary><see cref="Load{T}(string, NetworkTopology, Span{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Load(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Load{T}(string, NetworkTopology, Span{T})"/>
    public static void Load(string path, NetworkTopology topology, Span<double> parameters) => Load<double>(path, topology, parameters);

    /// <summary><see cref="Save{T}(ReadOnlySpan{T}, NetworkTopology)"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Save(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Save{T}(ReadOnlySpan{T}, NetworkTopology)"/>
    public static byte[] Save(ReadOnlySpan<double> parameters, NetworkTopology topology) => Save<double>(parameters, topology);

    /// <summary><see cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, Stream)"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Save(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, Stream)"/>
    public static void Save(ReadOnlySpan<double> parameters, NetworkTopology topology, Stream stream) => Save<double>(parameters, topology, stream);

    /// <summary><see cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, string)"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so these float and double overloads are what let <c>SafeTensors.Save(...)</c> with an array
    /// compile there.</remarks>
    /// <inheritdoc cref="Save{T}(ReadOnlySpan{T}, NetworkTopology, string)"/>
    public static void Save(ReadOnlySpan<double> parameters, NetworkTopology topology, string path) => Save<double>(parameters, topology, path);

    /// <summary>The tensor name of b[l] in files this library writes: <c>layers.{l-1}.bias</c>.</summary>
    public static string BiasName(int layer) => SafeTensorsRules.BiasName(layer);

    private static long WriteEntry(Utf8JsonWriter json, string name, SafeTensorsDType dtype, long[] shape, long offset, int size)
    {
        long end = offset + (shape.Aggregate(1L, (a, b) => a * b) * size);
        json.WriteStartObject(name);
        json.WriteString("dtype", dtype.ToString());
        json.WriteStartArray("shape");
        foreach (long d in shape)
        {
            json.WriteNumberValue(d);
        }

        json.WriteEndArray();
        json.WriteStartArray("data_offsets");
        json.WriteNumberValue(offset);
        json.WriteNumberValue(end);
        json.WriteEndArray();
        json.WriteEndObject();
        return end;
    }

    private static void WriteValue<T>(Span<byte> destination, SafeTensorsDType dtype, T value)
        where T : unmanaged
    {
        double v = Scalar.ToDouble(value);
        if (dtype == SafeTensorsDType.F64)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination, BitConverter.DoubleToInt64Bits(v));
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination, HalfPrecision.SingleToInt32Bits((float)v));
        }
    }

    private static void CheckFinite<T>(ReadOnlySpan<T> parameters, NetworkTopology topology)
        where T : unmanaged
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            double v = Scalar.ToDouble(parameters[i]);
            if (double.IsNaN(v) || double.IsInfinity(v))
            {
                throw new InvalidOperationException(
                    $"Parameter {i} ({Describe(topology, i)}) is {v.ToString(CultureInfo.InvariantCulture)}; a file holding it could not be loaded. Nothing was written.");
            }
        }
    }

    private static string Describe(NetworkTopology topology, int index)
    {
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nOut = topology.LayerSizes[l];
            if (index < topology.BiasOffset(l))
            {
                int i = index - topology.WeightOffset(l);
                return $"W{l}[{i / nOut}, {i % nOut}]";
            }

            if (index < topology.BiasOffset(l) + nOut)
            {
                return $"b{l}[{index - topology.BiasOffset(l)}]";
            }
        }

        return "?";
    }

    private static int ReadAtMost(Stream stream, byte[] buffer, int count)
    {
        int total = 0;
        while (total < count)
        {
            int n = stream.Read(buffer, total, count - total);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>The bytes left in <paramref name="stream"/>: from its length when it can seek, else read and counted.</summary>
    private static long CountRest(Stream stream)
    {
        if (stream.CanSeek)
        {
            return Math.Max(0, stream.Length - stream.Position);
        }

        long count = 0;
        byte[] chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            count += n;
        }

        return count;
    }

    private static SafeTensorsException Rejected(SafeTensorsProblem problem) => new(problem.Sentence, problem.Tensor);

    // ---------------------------------------------------------------- reading

    /// <summary>
    /// The first steps of reading any safetensors file here (float or int8): 1. the framing, the 8-byte header length,
    /// the header and the data section; 2. the header, a JSON object of tensor entries and an optional __metadata__ map
    /// of strings.
    /// </summary>
    /// <param name="file">The whole file.</param>
    /// <param name="acceptInt8">Whether I8 tensors are allowed (the int8 reader).</param>
    /// <param name="dataStart">Where the data section starts in <paramref name="file"/>.</param>
    /// <exception cref="SafeTensorsException">The framing or the header is malformed.</exception>
    internal static SafeTensorsHeader ReadFraming(ReadOnlySpan<byte> file, bool acceptInt8, out int dataStart)
    {
        if (SafeTensorsRules.CheckFileLength(file.Length) is SafeTensorsProblem tooShort)
        {
            throw Rejected(tooShort);
        }

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (SafeTensorsRules.CheckHeaderLength(declared, file.Length) is SafeTensorsProblem badLength)
        {
            throw Rejected(badLength);
        }

        int headerLength = (int)declared;
        dataStart = 8 + headerLength;
        return SafeTensorsHeaderReader.Parse(file.Slice(8, headerLength), acceptInt8);
    }

    private static T[] Read<T>(ReadOnlySpan<byte> file, NetworkTopology topology)
        where T : unmanaged
    {
        // 1.-2. Framing and header.
        SafeTensorsHeader header = ReadFraming(file, acceptInt8: false, out int dataStart);
        ReadOnlySpan<byte> data = file.Slice(dataStart);

        // 3.-5. Offsets, names and shapes, metadata.
        SafeTensorsLayerMap layers = Check(header, data.Length, topology);

        // 6. Decode.
        return DecodeAll<T>(layers, data, topology);
    }

    /// <summary>
    /// <see cref="Read{T}(ReadOnlySpan{byte}, NetworkTopology)"/> over a stream, keeping only what a file of this network
    /// can hold: each check sees the same values (the file's length included) as it would over the whole file.
    /// </summary>
    private static T[] ReadStream<T>(Stream stream, NetworkTopology topology)
        where T : unmanaged
    {
        // No more than this network's tensors can take: 8 bytes per parameter (F64).
        SafeTensorsHeader header = ReadStream(stream, acceptInt8: false, 8L * topology.ParameterCount, out byte[] data, out long dataLength);

        // Once the checks pass, the tensors are this network's (one weight and one bias per layer, names unique) and
        // cover the data section exactly, so the section is at most 8 bytes per parameter and was kept whole.
        SafeTensorsLayerMap layers = Check(header, dataLength, topology);
        return DecodeAll<T>(layers, data.AsSpan(0, (int)dataLength), topology);
    }

    /// <summary>
    /// Steps 1 and 2 over a stream (float or int8 reader), and the data section: the bytes the tensors claim, but no more
    /// than <paramref name="maxData"/>, what the reading network's own tensors can take. Beyond that only the length is
    /// needed (<paramref name="dataLength"/>, for the offsets' message), so each check sees the same values, the file's
    /// length included, as it would over the whole file.
    /// </summary>
    internal static SafeTensorsHeader ReadStream(Stream stream, bool acceptInt8, long maxData, out byte[] data, out long dataLength)
    {
        // 1. Framing. A header length that is too large (or a Git LFS pointer's text) is refused whatever follows;
        // a shorter stream is a truncated file of 8 + what was read.
        byte[] prefix = new byte[8];
        int read = ReadAtMost(stream, prefix, 8);
        if (SafeTensorsRules.CheckFileLength(read) is SafeTensorsProblem tooShort)
        {
            throw Rejected(tooShort);
        }

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (SafeTensorsRules.CheckHeaderLength(declared, long.MaxValue) is SafeTensorsProblem badLength)
        {
            throw Rejected(badLength);
        }

        byte[] headerBytes = new byte[(int)declared];
        read = ReadAtMost(stream, headerBytes, headerBytes.Length);
        if (SafeTensorsRules.CheckHeaderLength(declared, 8L + read) is SafeTensorsProblem truncated)
        {
            throw Rejected(truncated);
        }

        // 2. The header.
        SafeTensorsHeader header = SafeTensorsHeaderReader.Parse(headerBytes, acceptInt8);

        // 3. The data section, at most maxData bytes kept; the rest counted.
        long claimed = 0;
        foreach (SafeTensorsEntry e in header.Entries)
        {
            claimed = Math.Max(claimed, e.End);
        }

        data = new byte[(int)Math.Min(claimed, maxData)];
        dataLength = ReadAtMost(stream, data, data.Length);
        if (dataLength == data.Length)
        {
            dataLength += CountRest(stream);
        }

        return header;
    }

    /// <summary>Steps 3 to 5 of reading: offsets against a data section of <paramref name="dataLength"/> bytes, the
    /// tensors' names and shapes against <paramref name="topology"/>, then the metadata.</summary>
    private static SafeTensorsLayerMap Check(SafeTensorsHeader header, long dataLength, NetworkTopology topology)
    {
        // 3. Offsets: within the data section, each tensor's byte size, no overlap, no gap, nothing after the last.
        if (SafeTensorsRules.CheckOffsets(header.Entries, dataLength) is SafeTensorsProblem badOffsets)
        {
            throw Rejected(badOffsets);
        }

        // 4. Names and shapes against the declared topology.
        SafeTensorsLayerMap layers = MapLayers(header.Entries, topology, header.Metadata);

        // 5. Metadata that contradicts the declaration although every shape fits.
        CheckMetadata(header.Metadata, topology);
        return layers;
    }

    /// <summary>Step 6: decodes the data into scratch, converting to the network's precision; every value must be finite.</summary>
    private static T[] DecodeAll<T>(SafeTensorsLayerMap layers, ReadOnlySpan<byte> data, NetworkTopology topology)
        where T : unmanaged
    {
        var scratch = new T[topology.ParameterCount];
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nIn = topology.LayerSizes[l - 1];
            int nOut = topology.LayerSizes[l];
            SafeTensorsEntry weight = layers.Weights[l - 1];
            SafeTensorsEntry bias = layers.Biases[l - 1];
            ReadOnlySpan<byte> w = data.Slice((int)weight.Begin, (int)(weight.End - weight.Begin));
            ReadOnlySpan<byte> b = data.Slice((int)bias.Begin, (int)(bias.End - bias.Begin));
            int wOffset = topology.WeightOffset(l);
            int bOffset = topology.BiasOffset(l);
            for (int k = 0; k < nOut; k++)
            {
                for (int j = 0; j < nIn; j++)
                {
                    // PyTorch's weight[k, j] becomes our W[l][j, k].
                    scratch[wOffset + (j * nOut) + k] = Decode<T>(w, (k * nIn) + j, weight, k, j);
                }

                scratch[bOffset + k] = Decode<T>(b, k, bias, k, -1);
            }
        }

        return scratch;
    }

    private static SafeTensorsLayerMap MapLayers(IReadOnlyList<SafeTensorsEntry> entries, NetworkTopology topology, Dictionary<string, string> metadata)
    {
        SafeTensorsLayerMap map = SafeTensorsRules.MapLayers(entries, topology.LayerSizes);
        int l = map.Layer;
        string layer = l == 0 ? string.Empty : $"layer {l} ({topology.LayerSizes[l - 1]} -> {topology.LayerSizes[l]})";
        SafeTensorsEntry? e = map.Entry;
        switch (map.Fault)
        {
            case SafeTensorsLayerFault.NotALayer:
                throw Explained(
                    $"Tensor '{e!.Name}' (shape {e.ShapeText}) is not a layer of this network: expected {SafeTensorsRules.ExpectedTensors(topology.LayerSizes)}.",
                    e.Name, topology, metadata);
            case SafeTensorsLayerFault.MixedNaming:
                throw new SafeTensorsException(
                    $"Tensor '{e!.Name}' mixes names with and without the '{SafeTensorsRules.LayersPrefix}' prefix; a file uses one style.", e.Name);
            case SafeTensorsLayerFault.ExtraLayer:
                throw Explained(
                    $"Tensor '{e!.Name}' (shape {e.ShapeText}) is extra: the file has {map.FileLayerCount} linear layers but this {topology.SizesText} network has {topology.LayerCount}.",
                    e.Name, topology, metadata);
            case SafeTensorsLayerFault.MissingWeight:
                throw Explained(
                    $"Tensor '{map.MissingName}' is missing: {layer} needs a weight of shape {Format(map.ExpectedShape!)} beside '{map.MissingName!.Substring(0, map.MissingName.Length - "weight".Length)}bias'.",
                    map.MissingName, topology, metadata);
            case SafeTensorsLayerFault.MissingBias:
                throw Explained(
                    $"Tensor '{map.MissingName}' is missing: {layer} needs a bias of shape {Format(map.ExpectedShape!)} (an nn.Linear with bias=True).",
                    map.MissingName, topology, metadata);
            case SafeTensorsLayerFault.MissingLayer:
                string? name = map.Prefixed == false ? null : map.MissingName;
                throw Explained(
                    $"{(name is null ? $"The weight of linear layer {l}" : $"Tensor '{name}'")} is missing: the file has {map.FileLayerCount} linear layers but this {topology.SizesText} network has {topology.LayerCount}; {layer} needs a weight of shape {Format(map.ExpectedShape!)} and a bias of shape [{topology.LayerSizes[l]}].",
                    name, topology, metadata);
            case SafeTensorsLayerFault.WrongShape:
                string hint = SafeTensorsRules.LooksTransposed(e!.Shape, map.ExpectedShape!)
                    ? " " + char.ToUpperInvariant(SafeTensorsRules.TransposedHint[0]) + SafeTensorsRules.TransposedHint.Substring(1) + "."
                    : string.Empty;
                throw Explained(
                    $"Tensor '{e.Name}' has shape {e.ShapeText} but {layer} of this {topology.SizesText} network needs {Format(map.ExpectedShape!)}.{hint}",
                    e.Name, topology, metadata);
            default:
                return map;
        }
    }

    internal static void CheckMetadata(Dictionary<string, string> metadata, NetworkTopology topology)
    {
        string sizes = string.Join(",", topology.LayerSizes.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        if (metadata.TryGetValue(LayerSizesKey, out string? fileSizes) && !string.Equals(fileSizes.Replace(" ", string.Empty), sizes, StringComparison.Ordinal))
        {
            throw new SafeTensorsException($"The file's metadata says layer sizes {Truncate(fileSizes)} but this network has {sizes}.");
        }

        if (metadata.TryGetValue(ActivationsKey, out string? fileActivations)
            && !string.Equals(fileActivations.Replace(" ", string.Empty), topology.ActivationsText, StringComparison.OrdinalIgnoreCase))
        {
            throw new SafeTensorsException(
                $"The file's metadata says activations {Truncate(fileActivations)} but this network has {topology.ActivationsText}: every shape fits, but the weights were trained for a different function.");
        }
    }

    private static SafeTensorsException Explained(string message, string? tensor, NetworkTopology topology, Dictionary<string, string> metadata)
    {
        if (metadata.TryGetValue(LayerSizesKey, out string? sizes))
        {
            metadata.TryGetValue(ActivationsKey, out string? activations);
            metadata.TryGetValue(LossKey, out string? loss);
            message += $" The file's metadata says it was saved from a {Truncate(sizes.Replace(",", "-"))} network ({Truncate(activations ?? "activations not recorded")}; loss {Truncate(loss ?? "not recorded")}); this network is {topology}.";
        }

        return new SafeTensorsException(message, tensor);
    }

    private static T Decode<T>(ReadOnlySpan<byte> tensor, int index, SafeTensorsEntry entry, int row, int column)
        where T : unmanaged
    {
        double value = entry.DType switch
        {
            SafeTensorsDType.F32 => HalfPrecision.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(tensor.Slice(index * 4))),
            SafeTensorsDType.F64 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(tensor.Slice(index * 8))),
            SafeTensorsDType.F16 => HalfPrecision.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(tensor.Slice(index * 2))),
            _ => HalfPrecision.BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(tensor.Slice(index * 2))),
        };

        T converted = Scalar.FromDouble<T>(value);
        double check = Scalar.ToDouble(converted);
        if (double.IsNaN(check) || double.IsInfinity(check))
        {
            throw Rejected(SafeTensorsRules.NotFinite(entry, row, column, value, check, typeof(T).Name));
        }

        return converted;
    }

    private static string Format(long[] shape) => SafeTensorsRules.Format(shape);

    private static string Truncate(string text) => SafeTensorsRules.Truncate(text);
}
