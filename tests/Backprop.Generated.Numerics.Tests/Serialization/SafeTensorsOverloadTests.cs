using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Backprop.Generated.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// Every way to load a file gives the same error for the same bad file (issue 20 item 7): the generated
/// <c>Load(ReadOnlySpan&lt;byte&gt;)</c>, <c>Load(Stream)</c> (seekable and not) and <c>Load(string path)</c>, and the
/// runtime's <see cref="SafeTensors.Load{T}(ReadOnlySpan{byte}, NetworkTopology, Span{T})"/> and its stream and path
/// overloads. Before, the stream and path overloads capped the bytes they read before parsing the header, so a larger
/// network's file said "The stream holds more than N bytes" where the bytes overload names the tensor and both shapes.
/// The int8 form's loads (the generated <c>Int8.Load</c> overloads and the runtime's <c>Int8Network.Load</c>) are held
/// to the same rule, and its <c>Load(Stream)</c> keeps no more than the float one does.
/// </summary>
public sealed class SafeTensorsOverloadTests
{
    private readonly ITestOutputHelper _output;

    public SafeTensorsOverloadTests(ITestOutputHelper output) => _output = output;

    private static byte[] Valid => TestSafeTensorsFile.TorchSequential().ToBytes();

    private static byte[] WithHeader(Func<string, string> edit)
    {
        (string header, byte[] data) = TestSafeTensorsFile.Split(Valid);
        return TestSafeTensorsFile.Raw(edit(header), data);
    }

    private static byte[] Saved<TNet>()
        where TNet : INetwork<float>, new()
    {
        var net = new TNet();
        net.InitializeParameters(7);
        using var stream = new MemoryStream();
        SafeTensors.Save<float>(net.Parameters, net.Topology, stream);
        return stream.ToArray();
    }

    /// <summary>One file of each kind of fault, each to be loaded into a <see cref="TorchSequential"/> (4-8-6-3).</summary>
    public static TheoryData<string, byte[]> BadFiles()
    {
        byte[] valid = Valid;
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        (string header, byte[] data) = TestSafeTensorsFile.Split(valid);
        byte[] oversized = Valid;
        BinaryPrimitives.WriteUInt64LittleEndian(oversized, 1UL << 40);
        byte[] nan = Valid;
        BitConverter.GetBytes(float.NaN).CopyTo(nan, 8 + headerLength + 160);
        return new TheoryData<string, byte[]>
        {
            { "a larger network's file (64-32-10)", Saved<DigitsSized>() },
            { "a file with one layer more (4-8-6-6-3)", Saved<OneLayerMore>() },
            { "a file with one layer fewer (4-8-3)", Saved<OneLayerFewer>() },
            { "a narrower network's file (4-5-6-3)", Saved<NarrowerHidden>() },
            { "the same shapes with other activations", Saved<SameShapesReLU>() },
            { "empty", Array.Empty<byte>() },
            { "shorter than the header length", valid.Take(5).ToArray() },
            { "truncated in the header", valid.Take(8 + headerLength - 10).ToArray() },
            { "truncated in the data", valid.Take(valid.Length - 4).ToArray() },
            { "4 bytes after the last tensor", TestSafeTensorsFile.Raw(header, data.Concat(new byte[4]).ToArray()) },
            { "1 MB after the last tensor", TestSafeTensorsFile.Raw(header, data.Concat(new byte[1 << 20]).ToArray()) },
            { "an empty header and 1 MB of data", TestSafeTensorsFile.Raw("{}", new byte[1 << 20]) },
            { "a header length of 2^40", oversized },
            { "a Git LFS pointer", GitLfsPointer },
            { "a byte-order mark before the header", WithByteOrderMark(valid) },
            { "a header that is not UTF-8", TestSafeTensorsFile.Raw(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, Array.Empty<byte>()) },
            { "a header that is not JSON", TestSafeTensorsFile.Raw("{\"0.weight\": {\"dtype\": \"F32\",", Array.Empty<byte>()) },
            { "a header that is an array", TestSafeTensorsFile.Raw("[1, 2, 3]", Array.Empty<byte>()) },
            { "a name given twice", WithHeader(h => h.Replace("{\"0.weight\"", "{\"0.bias\":{},\"0.weight\"")) },
            { "metadata that is a number", WithHeader(h => "{\"__metadata__\":5," + h.Substring(1)) },
            { "an unknown dtype", WithHeader(h => h.Replace("\"0.weight\":{\"dtype\":\"F32\"", "\"0.weight\":{\"dtype\":\"I32\"")) },
            { "overlapping offsets", WithHeader(h => h.Replace("\"data_offsets\":[128,160]", "\"data_offsets\":[96,128]")) },
            { "offsets beyond the data", WithHeader(h => h.Replace("\"data_offsets\":[448,460]", "\"data_offsets\":[452,464]")) },
            { "a missing bias", TestSafeTensorsFile.TorchSequential("", "2.bias").ToBytes() },
            { "a tensor that is not a layer", TestSafeTensorsFile.TorchSequential().AddF32("running_mean", new long[] { 3 }, new float[3]).ToBytes() },
            { "a NaN weight", nan },
        };
    }

    /// <summary>A Git LFS pointer file as a checkout without Git LFS leaves it (git-lfs docs/spec.md: version, oid, size).</summary>
    internal static byte[] GitLfsPointer => Encoding.ASCII.GetBytes(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + new string('4', 64) + "\nsize 1234\n");

    internal static byte[] WithByteOrderMark(byte[] file)
    {
        (string header, byte[] data) = TestSafeTensorsFile.Split(file);
        return TestSafeTensorsFile.Raw(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(header)).ToArray(), data);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Every_overload_gives_the_same_message(string kind, byte[] file) =>
        AssertEveryOverloadSaysTheSame(kind, file, path => new (string, Action)[]
        {
            ("generated Load(ReadOnlySpan<byte>)", Unchanged(net => net.Load(file))),
            ("generated Load(Stream), seekable", Unchanged(net => net.Load(new MemoryStream(file)))),
            ("generated Load(Stream), not seekable", Unchanged(net => net.Load(new ForwardOnlyStream(file)))),
            ("generated Load(string path)", Unchanged(net => net.Load(path))),
            ("SafeTensors.Load(ReadOnlySpan<byte>)", Unchanged(net => SafeTensors.Load<float>(file, TorchSequential.Topology, Writable(net)))),
            ("SafeTensors.Load(Stream)", Unchanged(net => SafeTensors.Load<float>(new ForwardOnlyStream(file), TorchSequential.Topology, Writable(net)))),
            ("SafeTensors.Load(string path)", Unchanged(net => SafeTensors.Load<float>(path, TorchSequential.Topology, Writable(net)))),
        });

    /// <summary>A load on a fresh network that must leave its parameters as they were.</summary>
    private static Action Unchanged(Action<TorchSequential> load) => () =>
    {
        var net = new TorchSequential();
        net.InitializeParameters(42);
        float[] before = net.Parameters.ToArray();
        try
        {
            load(net);
        }
        finally
        {
            Assert.Equal(before, net.Parameters.ToArray());
        }
    };

    /// <summary>
    /// Writes <paramref name="file"/> to a temporary path, runs every overload's load on it, each of which must throw, and
    /// checks that all give the first one's message and tensor name.
    /// </summary>
    private void AssertEveryOverloadSaysTheSame(string kind, byte[] file, Func<string, (string Overload, Action Load)[]> loadsFrom)
    {
        string path = Path.Combine(Path.GetTempPath(), "bpg-overloads-" + Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, file);
        try
        {
            var messages = new List<(string Overload, string Message, string? Tensor)>();
            foreach ((string overload, Action load) in loadsFrom(path))
            {
                SafeTensorsException e = Assert.Throws<SafeTensorsException>(load);
                messages.Add((overload, e.Message, e.TensorName));
            }

            _output.WriteLine($"{kind}: {messages[0].Message}");
            foreach ((string overload, string message, string? tensor) in messages.Skip(1))
            {
                Assert.True(messages[0].Message == message, $"{overload} says\n  {message}\nwhere {messages[0].Overload} says\n  {messages[0].Message}");
                Assert.Equal(messages[0].Tensor, tensor);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_larger_networks_file_by_path_names_the_tensor_and_both_shapes()
    {
        string path = Path.Combine(Path.GetTempPath(), "bpg-larger-" + Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, Saved<DigitsSized>());
        try
        {
            var net = new TorchSequential();
            SafeTensorsException e = Assert.Throws<SafeTensorsException>(() => net.Load(path));
            _output.WriteLine(e.Message);
            Assert.Equal("layers.0.weight", e.TensorName);
            Assert.StartsWith("Tensor 'layers.0.weight' has shape [32, 64] but layer 1 (4 -> 8) of this 4-8-6-3 network needs [8, 4].", e.Message, StringComparison.Ordinal);
            Assert.Contains("saved from a 64-32-10 network", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_stream_keeps_no_more_than_this_networks_data_of_a_larger_file()
    {
        // 64 MB of data after a header that claims it: the error is the shape's, and the stream's bytes past what a
        // 4-8-6-3 network can use are counted, not kept.
        byte[] big = new TestSafeTensorsFile()
            .Add("0.weight", "F32", new long[] { 4096, 4096 }, new byte[4096 * 4096 * 4])
            .Add("0.bias", "F32", new long[] { 4096 }, new byte[4096 * 4])
            .ToBytes();
        var net = new TorchSequential();
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        SafeTensorsException e = Assert.Throws<SafeTensorsException>(() => net.Load(new ForwardOnlyStream(big)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{allocated:N0} bytes allocated reading a {big.Length:N0}-byte stream: {e.Message}");
        Assert.Contains("'0.weight' has shape [4096, 4096]", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    /// <summary>
    /// The bad files above and int8 ones (another int8 network's file, an int8 file cut short or with bytes after its
    /// last tensor), each to be loaded into the int8 form of the same 4-8-6-3 network (<see cref="Int8Twin"/>).
    /// </summary>
    public static TheoryData<string, byte[]> Int8BadFiles()
    {
        var data = new TheoryData<string, byte[]>();
        foreach (object[] row in BadFiles())
        {
            data.Add((string)row[0], (byte[])row[1]);
        }

        byte[] valid = Int8File<Int8Twin>(n => n.ToInt8().ToSafeTensors());
        (string header, byte[] tensors) = TestSafeTensorsFile.Split(valid);
        data.Add("a larger int8 network's file (64-32-10)", Int8File<Quantized.DigitsInt8>(n => n.ToInt8().ToSafeTensors()));
        data.Add("an int8 file truncated in the data", valid.Take(valid.Length - 4).ToArray());
        data.Add("an int8 file with 1 MB after the last tensor", TestSafeTensorsFile.Raw(header, tensors.Concat(new byte[1 << 20]).ToArray()));
        data.Add("an int8 file with a byte-order mark", WithByteOrderMark(valid));
        return data;
    }

    private static byte[] Int8File<TNet>(Func<TNet, byte[]> save)
        where TNet : INetwork<float>, new()
    {
        var net = new TNet();
        net.InitializeParameters(7);
        return save(net);
    }

    [Theory]
    [MemberData(nameof(Int8BadFiles))]
    public void Every_int8_overload_gives_the_same_message(string kind, byte[] file)
    {
        var twin = new Int8Twin();
        twin.InitializeParameters(42);
        byte[] good = twin.ToInt8().ToSafeTensors();
        NetworkTopology topology = Int8Twin.Topology;
        AssertEveryOverloadSaysTheSame(kind, file, path => new (string, Action)[]
        {
            ("generated Int8.Load(ReadOnlySpan<byte>)", () => Generated(q => q.Load(file))),
            ("generated Int8.Load(Stream), seekable", () => Generated(q => q.Load(new MemoryStream(file)))),
            ("generated Int8.Load(Stream), not seekable", () => Generated(q => q.Load(new ForwardOnlyStream(file)))),
            ("generated Int8.Load(string path)", () => Generated(q => q.Load(path))),
            ("Int8Network.Load(ReadOnlySpan<byte>)", () => Runtime(q => q.Load(file, topology))),
            ("Int8Network.Load(Stream)", () => Runtime(q => q.Load(new ForwardOnlyStream(file), topology))),
            ("Int8Network.Load(string path)", () => Runtime(q => q.Load(path, topology))),
        });

        // Each load fails before anything changes: the network still writes the file it held.
        void Generated(Action<Int8Twin.Int8> load)
        {
            Int8Twin.Int8 q = twin.ToInt8();
            try
            {
                load(q);
            }
            finally
            {
                Assert.Equal(good, q.ToSafeTensors());
            }
        }

        void Runtime(Action<Backprop.Generated.Internals.Int8Network> load)
        {
            var q = new Backprop.Generated.Internals.Int8Network(topology.LayerSizes.ToArray(), topology.Activations.ToArray());
            q.Load(good, topology);
            try
            {
                load(q);
            }
            finally
            {
                Assert.Equal(good, q.ToSafeTensors(topology));
            }
        }
    }

    [Fact]
    public void An_int8_stream_keeps_no_more_than_this_networks_data_of_a_larger_file()
    {
        // 64 MB of int8 data after a header that claims it: the error is the shape's, and the stream's bytes past what
        // the 4-8-6-3 int8 network's file holds (DataLength) are counted, not kept. Before, Load(Stream) copied the
        // whole stream into memory first.
        byte[] big = new TestSafeTensorsFile()
            .Add("layers.0.weight", "I8", new long[] { 8192, 8192 }, new byte[8192 * 8192])
            .Add("layers.0.weight_scale", "F32", new long[] { 8192 }, new byte[8192 * 4])
            .Add("layers.0.bias", "F32", new long[] { 8192 }, new byte[8192 * 4])
            .ToBytes();
        Int8Twin.Int8 q = new Int8Twin().ToInt8();
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        SafeTensorsException e = Assert.Throws<SafeTensorsException>(() => q.Load(new ForwardOnlyStream(big)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{allocated:N0} bytes allocated reading a {big.Length:N0}-byte stream: {e.Message}");
        Assert.Contains("'layers.0.weight' has shape [8192, 8192]", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    private static Span<float> Writable(TorchSequential net) => net.Parameters;

    /// <summary>A stream that can only be read forward, as a network or pipe stream: no Length, no Seek.</summary>
    private sealed class ForwardOnlyStream : Stream
    {
        private readonly MemoryStream _inner;

        public ForwardOnlyStream(byte[] bytes) => _inner = new MemoryStream(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 4096));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
