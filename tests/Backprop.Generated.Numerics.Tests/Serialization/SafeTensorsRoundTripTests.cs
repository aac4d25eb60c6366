using System;
using System.IO;
using System.Linq;
using Backprop.Generated.Serialization;
using CsCheck;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>Save then load gives back every parameter bit for bit; saves are atomic; LoadParameters demands the exact length.</summary>
public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bpg-safetensors-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsRoundTripTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    private static long[] Bits(ReadOnlySpan<double> values) => values.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Fact]
    public void FloatRoundTripIsBitExactThroughBytesStreamAndFile()
    {
        var saved = new DigitsSized();
        saved.InitializeParameters(3);

        var fromBytes = new DigitsSized();
        fromBytes.Load(saved.ToSafeTensors());
        Assert.Equal(Bits(saved.Parameters), Bits(fromBytes.Parameters));

        var stream = new MemoryStream();
        saved.Save(stream);
        stream.Position = 0;
        var fromStream = new DigitsSized();
        fromStream.Load(stream);
        Assert.Equal(Bits(saved.Parameters), Bits(fromStream.Parameters));

        string path = Path.Combine(_folder, "digits.safetensors");
        saved.Save(path);
        var fromFile = new DigitsSized();
        fromFile.Load(path);
        Assert.Equal(Bits(saved.Parameters), Bits(fromFile.Parameters));
        Assert.Equal(saved.ToSafeTensors(), File.ReadAllBytes(path));
    }

    [Fact]
    public void DoubleRoundTripIsBitExactThroughBytesStreamAndFile()
    {
        var saved = new DoubleRoundTrip();
        saved.InitializeParameters(5);

        var fromBytes = new DoubleRoundTrip();
        fromBytes.Load(saved.ToSafeTensors());
        Assert.Equal(Bits(saved.Parameters), Bits(fromBytes.Parameters));

        var stream = new MemoryStream();
        saved.Save(stream);
        stream.Position = 0;
        var fromStream = new DoubleRoundTrip();
        fromStream.Load(stream);
        Assert.Equal(Bits(saved.Parameters), Bits(fromStream.Parameters));

        string path = Path.Combine(_folder, "double.safetensors");
        saved.Save(path);
        var fromFile = new DoubleRoundTrip();
        fromFile.Load(path);
        Assert.Equal(Bits(saved.Parameters), Bits(fromFile.Parameters));
    }

    [Fact]
    public void AnyFiniteFloatBitPatternRoundTrips()
    {
        // Subnormals, signed zeros, the largest and smallest magnitudes: every finite float survives.
        Gen.Int.Where(bits => !float.IsNaN(BitConverter.Int32BitsToSingle(bits)) && !float.IsInfinity(BitConverter.Int32BitsToSingle(bits)))
            .Array[TorchSequential.ParameterCount]
            .Sample(bits =>
            {
                var net = new TorchSequential();
                net.LoadParameters(bits.Select(BitConverter.Int32BitsToSingle).ToArray());
                var copy = new TorchSequential();
                copy.Load(net.ToSafeTensors());
                Assert.Equal(bits, Bits(copy.Parameters));
            }, iter: 500);
    }

    [Fact]
    public void AnyFiniteDoubleBitPatternRoundTrips()
    {
        Gen.Long.Where(bits => !double.IsNaN(BitConverter.Int64BitsToDouble(bits)) && !double.IsInfinity(BitConverter.Int64BitsToDouble(bits)))
            .Array[TorchSequentialDouble.ParameterCount]
            .Sample(bits =>
            {
                var net = new TorchSequentialDouble();
                net.LoadParameters(bits.Select(BitConverter.Int64BitsToDouble).ToArray());
                var copy = new TorchSequentialDouble();
                copy.Load(net.ToSafeTensors());
                Assert.Equal(bits, Bits(copy.Parameters));
            }, iter: 500);
    }

    [Fact]
    public void GenericCodeSavesAndLoadsThroughTheInterface()
    {
        INetwork<float> source = new TorchSequential();
        source.InitializeParameters(9);
        INetwork<float> target = new TorchSequential();
        target.Load(source.ToSafeTensors());
        Assert.Equal(Bits(source.Parameters), Bits(target.Parameters));
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        File.WriteAllText(path, "old content");
        var net = new TorchSequential();
        net.InitializeParameters(1);
        net.Save(path);
        Assert.Equal(net.ToSafeTensors(), File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void FailedSaveLeavesTheTargetUntouchedAndNoTemporaryFile()
    {
        // The target is a folder: the temporary file is written, the rename fails, the temporary file is removed.
        string target = Path.Combine(_folder, "is-a-folder.safetensors");
        Directory.CreateDirectory(target);
        var net = new TorchSequential();
        Exception e = Assert.ThrowsAny<Exception>(() => net.Save(target));
        Assert.True(e is IOException or UnauthorizedAccessException, e.ToString());
        Assert.Empty(Directory.GetFiles(_folder));
        Assert.True(Directory.Exists(target));

        // A parameter that is not finite: nothing is written, the existing file keeps its bytes.
        string path = Path.Combine(_folder, "model.safetensors");
        File.WriteAllText(path, "previous");
        net.Parameters[9] = float.NaN;
        InvalidOperationException nan = Assert.Throws<InvalidOperationException>(() => net.Save(path));
        Assert.Contains("Parameter 9 (W1[1, 1]) is NaN", nan.Message); // W1 is 4x8: index 9 = row 1, column 1
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));

        // A missing folder.
        Assert.Throws<DirectoryNotFoundException>(() => new TorchSequential().Save(Path.Combine(_folder, "missing", "m.safetensors")));
    }

    [Fact]
    public void LoadParametersDemandsTheExactLength()
    {
        var net = new TorchSequential();
        net.InitializeParameters(2);
        float[] before = net.Parameters.ToArray();

        // Lengths the compiler cannot see (a constant wrong length is error BPG028 at build time).
        static float[] Of(int length) => new float[length];
        ArgumentException shorter = Assert.Throws<ArgumentException>(() => net.LoadParameters(Of(TorchSequential.ParameterCount - 1)));
        Assert.Contains($"must have length {TorchSequential.ParameterCount} but has length {TorchSequential.ParameterCount - 1}", shorter.Message);
        Assert.Throws<ArgumentException>(() => net.LoadParameters(Of(TorchSequential.ParameterCount + 1)));
        Assert.Equal(before, net.Parameters.ToArray());

        float[] values = Enumerable.Range(0, TorchSequential.ParameterCount).Select(i => i * 0.5f).ToArray();
        net.LoadParameters(values);
        Assert.Equal(values, net.Parameters.ToArray());
    }

    [Fact]
    public void SavedHeaderRecordsTheDeclarationAndPyTorchShapes()
    {
        (string header, byte[] data) = TestSafeTensorsFile.Split(new TorchSequential().ToSafeTensors());
        Assert.Contains("\"layer_sizes\":\"4,8,6,3\"", header);
        Assert.Contains("\"activations\":\"Tanh,Tanh,Softmax\"", header);
        Assert.Contains("\"loss\":\"CrossEntropy\"", header);
        Assert.Contains("\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[8,4],\"data_offsets\":[0,128]}", header);
        Assert.Contains("\"layers.2.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[448,460]}", header);
        Assert.Equal(0, (8 + System.Text.Encoding.UTF8.GetByteCount(header)) % 8);
        Assert.Equal(TorchSequential.ParameterCount * 4, data.Length);
        Assert.Equal("4-8-6-3 (Tanh,Tanh,Softmax; loss CrossEntropy)", TorchSequential.Topology.ToString());
    }

    [Fact]
    public void RuntimeApiWorksWithoutAGeneratedType()
    {
        var topology = new NetworkTopology(new[] { 2, 3, 1 }, new[] { Activation.ReLU, Activation.Sigmoid }, Loss.BinaryCrossEntropy);
        float[] parameters = Enumerable.Range(1, topology.ParameterCount).Select(i => (float)i).ToArray();
        byte[] file = SafeTensors.Save<float>(parameters, topology);
        float[] loaded = new float[topology.ParameterCount];
        SafeTensors.Load<float>(file, topology, loaded);
        Assert.Equal(parameters, loaded);
        Assert.Throws<ArgumentException>(() => SafeTensors.Load<float>(file, topology, new float[topology.ParameterCount + 1]));
    }
}
