using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// A valid file whose header is 99 MB (the limit is 100,000,000 bytes) loads without costing many times the header's
/// size in memory (issue 20 item 8): the header is parsed over its UTF-8 bytes with no document tree, and metadata
/// values the loader does not read are skipped, not materialised as strings. Measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around each overload; the figures are printed.
/// </summary>
public sealed class SafeTensorsLargeHeaderTests
{
    private const int HeaderLength = 99_000_000;

    private readonly ITestOutputHelper _output;

    public SafeTensorsLargeHeaderTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// The tensors of Reference/safetensors/sequential_f32 behind a header of exactly <see cref="HeaderLength"/> bytes,
    /// filled by <c>__metadata__</c>: one long string value, or many short entries (the shape of a header whose
    /// training notes or per-tensor annotations grew large).
    /// </summary>
    private static byte[] LargeHeaderFile(bool manyEntries)
    {
        (string header, byte[] data) = TestSafeTensorsFile.Split(TestSafeTensorsFile.TorchSequential().ToBytes());
        string tensors = header.Substring(1); // '"0.weight":{...},...}' after the opening brace
        byte[] file = new byte[8 + HeaderLength + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, HeaderLength);
        var at = 8;
        void Put(string ascii)
        {
            at += Encoding.ASCII.GetBytes(ascii, 0, ascii.Length, file, at);
        }

        Put("{\"__metadata__\":{");
        int end = 8 + HeaderLength - tensors.Length - "},".Length;
        if (manyEntries)
        {
            // "k0000000":"v", repeated: 15 bytes per entry, then one string padding to the exact length.
            for (int i = 0; end - at > 64; i++)
            {
                Put($"\"k{i:D7}\":\"v\",");
            }
        }

        Put("\"notes\":\"");
        file.AsSpan(at, end - at - 1).Fill((byte)'x');
        at = end - 1;
        Put("\"},");
        Put(tensors);
        Assert.Equal(8 + HeaderLength, at);
        data.CopyTo(file, at);
        return file;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_99_MB_header_costs_at_most_twice_its_size(bool manyEntries)
    {
        byte[] file = LargeHeaderFile(manyEntries);
        var reference = new TorchSequential();
        reference.Load(TestSafeTensorsFile.TorchSequential().ToBytes());
        string path = Path.Combine(Path.GetTempPath(), "bpg-large-header-" + Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, file);
        try
        {
            foreach ((string overload, Action<TorchSequential> load) in new (string, Action<TorchSequential>)[]
            {
                ("Load(ReadOnlySpan<byte>)", net => net.Load(file)),
                ("Load(Stream)", net =>
                {
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
                    net.Load(stream);
                }),
                ("Load(string path)", net => net.Load(path)),
            })
            {
                var net = new TorchSequential();
                GC.Collect();
                long before = GC.GetAllocatedBytesForCurrentThread();
                load(net);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                double ratio = (double)allocated / HeaderLength;
                _output.WriteLine($"{(manyEntries ? "many metadata entries" : "one long metadata value")}, {overload}: {allocated:N0} bytes allocated, {ratio:F2}x the header");
                Assert.Equal(reference.Parameters.ToArray(), net.Parameters.ToArray());
                Assert.True(ratio <= 2.0, $"{overload} allocated {ratio:F2}x the header's size");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
