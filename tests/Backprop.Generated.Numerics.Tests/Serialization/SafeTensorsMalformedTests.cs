using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Backprop.Generated.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// Every malformed or mismatched file throws <see cref="SafeTensorsException"/> whose message names the tensor and
/// the expected and actual shapes (or sizes), and leaves the parameters exactly as they were.
/// </summary>
public sealed class SafeTensorsMalformedTests
{
    private readonly ITestOutputHelper _output;

    public SafeTensorsMalformedTests(ITestOutputHelper output) => _output = output;

    private static byte[] Valid => TestSafeTensorsFile.TorchSequential().ToBytes();

    /// <summary>Loads <paramref name="file"/> through bytes, stream and path; each must throw, mention every fragment, and change nothing.</summary>
    private SafeTensorsException Rejects<TNet>(TNet net, byte[] file, string? tensor, params string[] fragments)
        where TNet : INetwork<float>
    {
        net.InitializeParameters(42);
        float[] before = net.Parameters.ToArray();
        SafeTensorsException e = Assert.Throws<SafeTensorsException>(() => net.Load(file));
        _output.WriteLine(e.Message);
        Assert.Equal(tensor, e.TensorName);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message);
        }

        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(e.Message, Assert.Throws<SafeTensorsException>(() => net.Load(new MemoryStream(file))).Message);
        string path = Path.Combine(Path.GetTempPath(), "bpg-bad-" + Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, file);
        try
        {
            Assert.Equal(e.Message, Assert.Throws<SafeTensorsException>(() => net.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(before, net.Parameters.ToArray());
        return e;
    }

    private SafeTensorsException Rejects(byte[] file, string? tensor, params string[] fragments) =>
        Rejects(new TorchSequential(), file, tensor, fragments);

    private static byte[] WithHeader(Func<string, string> edit)
    {
        (string header, byte[] data) = TestSafeTensorsFile.Split(Valid);
        return TestSafeTensorsFile.Raw(edit(header), data);
    }

    [Fact]
    public void TheValidFileLoads()
    {
        var net = new TorchSequential();
        net.Load(Valid);
    }

    [Fact]
    public void Truncated()
    {
        Rejects(Valid.Take(5).ToArray(), null, "truncated", "5 bytes", "8-byte header length");
        Rejects(Array.Empty<byte>(), null, "truncated", "0 bytes");
        byte[] valid = Valid;
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        Rejects(valid.Take(8 + headerLength - 10).ToArray(), null, "truncated", $"says {headerLength} bytes", $"only {headerLength - 10} follow");
        Rejects(valid.Take(valid.Length - 4).ToArray(), "4.bias", "'4.bias'", "shape [3]", "[448, 460]", "beyond the data section's 456 bytes", "truncated");
    }

    [Fact]
    public void BadOrOversizedHeader()
    {
        byte[] file = Valid;
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1UL << 40);
        Rejects(file, null, "header length is 1099511627776 bytes", "at most 100000000");
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        Rejects(file, null, "header length is 18446744073709551615");
    }

    [Fact]
    public void HeaderThatIsNotJson()
    {
        Rejects(TestSafeTensorsFile.Raw("{\"0.weight\": {\"dtype\": \"F32\",", Array.Empty<byte>()), null, "not valid JSON");
        Rejects(TestSafeTensorsFile.Raw("[1, 2, 3]", Array.Empty<byte>()), null, "not a JSON object", "'[1, 2, 3]'");
        Rejects(TestSafeTensorsFile.Raw("", Array.Empty<byte>()), null, "not a JSON object", "nothing");
        Rejects(TestSafeTensorsFile.Raw(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, Array.Empty<byte>()), null, "not valid UTF-8");
        Rejects(TestSafeTensorsFile.Raw("{\"0.weight\": 5}", Array.Empty<byte>()), "0.weight", "'0.weight'", "must be an object", "Number");
        Rejects(TestSafeTensorsFile.Raw("{\"__metadata__\": {\"a\": 1}}", Array.Empty<byte>()), "__metadata__", "'a' must be a string");
        Rejects(WithHeader(h => h.Replace("\"shape\":[8,4]", "\"shape\":[8,-4]")), "0.weight", "'0.weight'", "[8,-4]", "integer from 0");
        Rejects(WithHeader(h => h.Replace("\"shape\":[8,4]", "\"shape\":[8,4.5]")), "0.weight", "[8,4.5]");
        Rejects(WithHeader(h => h.Replace("\"data_offsets\":[0,128]", "\"data_offsets\":[0]")), "0.weight", "no \"data_offsets\" pair");
        Rejects(WithHeader(h => h.Replace("\"dtype\":\"F32\",\"shape\":[8,4]", "\"shape\":[8,4]")), "0.weight", "no \"dtype\"");
        Rejects(WithHeader(h => h.Replace("{\"0.weight\"", "{\"0.bias\":{},\"0.weight\"")), "0.bias", "names '0.bias' twice");
        Rejects(TestSafeTensorsFile.Raw(new string('[', 100) + new string(']', 100), Array.Empty<byte>()), null, "not a JSON object");
        Rejects(TestSafeTensorsFile.Raw("{\"__metadata__\":" + new string('[', 100) + new string(']', 100) + "}", Array.Empty<byte>()), null, "not valid JSON");
    }

    [Fact]
    public void UnknownDType()
    {
        Rejects(WithHeader(h => h.Replace("\"0.weight\":{\"dtype\":\"F32\"", "\"0.weight\":{\"dtype\":\"I32\"")), "0.weight", "'0.weight'", "dtype \"I32\"", "F32, F64, F16 and BF16");
        Rejects(WithHeader(h => h.Replace("\"2.bias\":{\"dtype\":\"F32\"", "\"2.bias\":{\"dtype\":\"float32\"")), "2.bias", "dtype \"float32\"");
    }

    [Fact]
    public void OverlappingOutOfOrderOrOutOfRangeOffsets()
    {
        // In the valid file: 0.weight [0,128], 0.bias [128,160], 2.weight [160,352], 2.bias [352,376], 4.weight [376,448], 4.bias [448,460].
        Rejects(WithHeader(h => h.Replace("\"data_offsets\":[128,160]", "\"data_offsets\":[96,128]")), "0.bias", "'0.bias' (data_offsets [96, 128]) overlaps tensor '0.weight' (data_offsets [0, 128])");
        Rejects(WithHeader(h => h.Replace("\"data_offsets\":[128,160]", "\"data_offsets\":[160,128]")), "0.bias", "'0.bias'", "[160, 128]", "end is before the begin");
        Rejects(WithHeader(h => h.Replace("\"data_offsets\":[448,460]", "\"data_offsets\":[452,464]")), "4.bias", "'4.bias'", "[452, 464]", "beyond the data section's 460 bytes");
        Rejects(WithHeader(h => h.Replace("\"data_offsets\":[448,460]", "\"data_offsets\":[448,456]")), "4.bias", "shape [3] of F32, which needs 12 bytes", "span 8");
        Rejects(WithHeader(h => h.Replace("\"data_offsets\":[448,460]", "\"data_offsets\":[-1,11]")), "4.bias", "non-negative");
        Rejects(WithHeader(h => h.Replace("\"shape\":[3],\"data_offsets\":[448,460]", "\"shape\":[1],\"data_offsets\":[456,460]")), "4.bias", "starts at data offset 456", "ends at 448", "gap");
        (string header, byte[] data) = TestSafeTensorsFile.Split(Valid);
        Rejects(TestSafeTensorsFile.Raw(header, data.Concat(new byte[4]).ToArray()), null, "464 bytes but the tensors cover 460", "4 bytes follow");
    }

    [Fact]
    public void MissingOrExtraTensor()
    {
        Rejects(TestSafeTensorsFile.TorchSequential("", "2.bias").ToBytes(), "2.bias",
            "Tensor '2.bias' is missing", "layer 2 (8 -> 6)", "shape [6]");
        Rejects(TestSafeTensorsFile.TorchSequential("layers.", "layers.4.weight").ToBytes(), "layers.4.weight",
            "'layers.4.weight' is missing", "layer 3 (6 -> 3)", "[3, 6]");
        Rejects(TestSafeTensorsFile.TorchSequential().AddF32("6.weight", new long[] { 2, 3 }, new float[6]).ToBytes(), "6.weight",
            "'6.weight' (shape [2, 3]) is extra", "4 linear layers", "4-8-6-3 network has 3");
        Rejects(TestSafeTensorsFile.TorchSequential().AddF32("running_mean", new long[] { 3 }, new float[3]).ToBytes(), "running_mean",
            "'running_mean' (shape [3]) is not a layer", "layers.0.weight [8, 4]", "layers.2.bias [3]");
        Rejects(TestSafeTensorsFile.TorchSequential().AddF32("layers.6.weight", new long[] { 2, 3 }, new float[6]).ToBytes(), "layers.6.weight", "mixes names");
        Rejects(TestSafeTensorsFile.TorchSequential("", "4.weight", "4.bias").ToBytes(), null,
            "the file has 2 linear layers but this 4-8-6-3 network has 3", "layer 3 (6 -> 3)", "[3, 6]");
        Rejects(new TestSafeTensorsFile().ToBytes(), "layers.0.weight", "has 0 linear layers");
    }

    [Fact]
    public void ShapeThatDoesNotFitTheTopology()
    {
        Rejects(new NarrowerHidden(), Valid, "0.weight", "'0.weight' has shape [8, 4]", "layer 1 (4 -> 5)", "4-5-6-3 network needs [5, 4]");
        Rejects(new OneLayerFewer(), Valid, "2.weight", "'2.weight' has shape [6, 8]", "needs [3, 8]");
        Rejects(new OneLayerMore(), Valid, "4.weight", "'4.weight' has shape [3, 6]", "needs [6, 6]");

        // A weight stored in our (n_{l-1}, n_l) layout instead of PyTorch's: named as transposed.
        var transposed = new TestSafeTensorsFile();
        foreach ((string name, long[] shape) in new[] { ("0.weight", new long[] { 4, 8 }), ("0.bias", new long[] { 8 }), ("2.weight", new long[] { 6, 8 }), ("2.bias", new long[] { 6 }), ("4.weight", new long[] { 3, 6 }), ("4.bias", new long[] { 3 }) })
        {
            transposed.AddF32(name, shape, new float[shape.Aggregate(1L, (a, b) => a * b)]);
        }

        Rejects(transposed.ToBytes(), "0.weight", "'0.weight' has shape [4, 8]", "needs [8, 4]", "looks transposed");
        Rejects(WithHeader(h => h.Replace("\"shape\":[3],\"data_offsets\":[448,460]", "\"shape\":[3,1],\"data_offsets\":[448,460]")), "4.bias", "'4.bias' has shape [3, 1]", "needs [3]");
    }

    [Fact]
    public void MetadataExplainsAMismatchedFile()
    {
        byte[] fromOtherNetwork = new TorchSequential().ToSafeTensors();
        Rejects(new NarrowerHidden(), fromOtherNetwork, "layers.0.weight",
            "'layers.0.weight' has shape [8, 4]", "needs [5, 4]", "saved from a 4-8-6-3 network (Tanh,Tanh,Softmax; loss CrossEntropy)", "this network is 4-5-6-3");
        Rejects(new SameShapesReLU(), fromOtherNetwork, null,
            "metadata says activations Tanh,Tanh,Softmax but this network has ReLU,ReLU,Softmax", "every shape fits");
        var lying = TestSafeTensorsFile.TorchSequential();
        lying.Metadata = new Dictionary<string, string> { ["layer_sizes"] = "4,8,6,2" };
        Rejects(lying.ToBytes(), null, "metadata says layer sizes 4,8,6,2 but this network has 4,8,6,3");
    }

    [Fact]
    public void ValueThatIsNotFinite()
    {
        byte[] file = Valid;
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        BitConverter.GetBytes(float.NaN).CopyTo(file, 8 + headerLength + 160 + (4 * 9)); // 2.weight element 9 = [1, 1]
        Rejects(file, "2.weight", "'2.weight' (shape [6, 8], F32) element [1, 1] is NaN");

        var huge = new TestSafeTensorsFile();
        foreach (string module in new[] { "0", "2", "4" })
        {
            (int[] shape, double[] values) = TorchFiles.Tensor("sequential_f32", module + ".weight");
            double[] v = values.ToArray();
            if (module == "2")
            {
                v[0] = 1e300;
            }

            huge.Add(module + ".weight", "F64", shape.Select(d => (long)d).ToArray(), v.SelectMany(BitConverter.GetBytes).ToArray());
            (int[] bShape, double[] b) = TorchFiles.Tensor("sequential_f32", module + ".bias");
            huge.Add(module + ".bias", "F64", bShape.Select(d => (long)d).ToArray(), b.SelectMany(BitConverter.GetBytes).ToArray());
        }

        Rejects(huge.ToBytes(), "2.weight", "'2.weight' (shape [6, 8], F64) element [0, 0] is Infinity", "conversion to Single", "1E+300");
        new TorchSequentialDouble().Load(huge.ToBytes()); // fits a double network
    }

    [Fact]
    public void GitLfsPointerIsNamedAsSuch()
    {
        // Its first 8 bytes, "version ", read as a header length would be 2,338,042,707,334,751,606 bytes.
        Rejects(SafeTensorsOverloadTests.GitLfsPointer, null, "starts with the text \"version \"", "looks like a Git LFS pointer file", "git lfs pull");
    }

    [Fact]
    public void ByteOrderMarkIsNamedAsSuch()
    {
        Rejects(SafeTensorsOverloadTests.WithByteOrderMark(Valid), null, "starts with a UTF-8 byte-order mark (bytes EF BB BF)", "RFC 8259");
        Rejects(TestSafeTensorsFile.Raw(new byte[] { 0xEF, 0xBB, 0xBF }, Array.Empty<byte>()), null, "byte-order mark");
    }

    [Fact]
    public void NullMetadataIsNoMetadata()
    {
        // The reference reader declares __metadata__ as Option<HashMap<String, String>> (safetensors/src/tensor.rs,
        // HashMetadata), so serde reads null as None: such a file loads, with the values of the file without it.
        var expected = new TorchSequential();
        expected.Load(Valid);
        byte[] file = WithHeader(h => "{\"__metadata__\":null," + h.Substring(1));
        var net = new TorchSequential();
        net.Load(file);
        Assert.Equal(expected.Parameters.ToArray(), net.Parameters.ToArray());
        net.Load(new MemoryStream(file));
        Assert.Equal(expected.Parameters.ToArray(), net.Parameters.ToArray());

        // Any other kind that is not an object is still refused.
        Rejects(WithHeader(h => "{\"__metadata__\":[]," + h.Substring(1)), "__metadata__", "must be a JSON object of strings but is Array");
        Rejects(WithHeader(h => "{\"__metadata__\":\"x\"," + h.Substring(1)), "__metadata__", "but is String");
    }

    [Fact]
    public void UnreadMetadataIsCheckedButNotKept()
    {
        // Keys the loader does not read are still checked to be strings, in file order.
        Rejects(WithHeader(h => "{\"__metadata__\":{\"notes\":\"a\",\"epochs\":12}," + h.Substring(1)), "__metadata__", "entry 'epochs' must be a string but is Number");
        var net = new TorchSequential();
        net.Load(WithHeader(h => "{\"__metadata__\":{\"notes\":\"" + new string('x', 10_000) + "\",\"format\":\"pt\"}," + h.Substring(1)));
    }

    [Fact]
    public void ModuleIndexWithALeadingZeroIsNotALayer()
    {
        // '02.weight' would otherwise be module 2, beside a '2.weight' claiming the same layer.
        Rejects(WithHeader(h => h.Replace("\"2.weight\"", "\"02.weight\"")), "02.weight", "'02.weight' (shape [6, 8]) is not a layer");
    }

    [Fact]
    public void MissingFileIsAnIOExceptionAndChangesNothing()
    {
        var net = new TorchSequential();
        net.InitializeParameters(1);
        float[] before = net.Parameters.ToArray();
        Assert.Throws<FileNotFoundException>(() => net.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".safetensors")));
        Assert.Equal(before, net.Parameters.ToArray());
    }
}
