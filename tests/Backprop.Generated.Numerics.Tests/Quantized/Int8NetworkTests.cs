using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Backprop.Generated.Serialization;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>The generated <c>{Network}.Int8</c> type (docs/int8.md): its forms agree, it allocates nothing per call,
/// and its safetensors files round-trip and are validated like the float files.</summary>
public class Int8NetworkTests
{
    [Fact]
    public void ToInt8_is_close_to_the_float_network_and_its_forms_agree()
    {
        DigitsInt8 net = Trained();
        DigitsInt8.Int8 q = net.ToInt8();
        var random = new Random(3);
        float[] x = Enumerable.Range(0, 64).Select(_ => (float)random.Next(17)).ToArray();
        float[] expected = new float[10], span = new float[10];
        net.Forward(x, expected);
        q.Forward(x, span);
        Assert.All(expected.Zip(span), p => Assert.True(Math.Abs(p.First - p.Second) < 0.05, $"{p.First} vs {p.Second}"));

        var input = new DigitsInt8.Input();
        x.CopyTo(input);
        DigitsInt8.Output typed = q.Forward(input);
        Assert.Equal(span, ((ReadOnlySpan<float>)typed).ToArray());

        float[] batch = new float[3 * 10];
        q.ForwardBatch(x.Concat(x).Concat(x).ToArray(), batch);
        Assert.Equal(span.Concat(span).Concat(span), batch);
    }

    [Fact]
    public void An_empty_Int8_outputs_g_of_zero()
    {
        var q = new ReluInt8.Int8();
        float[] y = new float[8];
        q.Forward(new float[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, y);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Forward_and_ForwardBatch_allocate_nothing()
    {
        DigitsInt8.Int8 q = Trained().ToInt8();
        float[] x = Enumerable.Range(0, 64).Select(i => (float)(i % 17)).ToArray();
        float[] y = new float[10];
        Assert.Equal(0, ForwardAllocationTests.AllocatedBytes(() => q.Forward(x, y)));
        float[] xs = Enumerable.Repeat(x, 64).SelectMany(r => r).ToArray();
        float[] ys = new float[64 * 10];
        Assert.Equal(0, ForwardAllocationTests.AllocatedBytes(() => q.ForwardBatch(xs, ys), calls: 200));
        var input = new DigitsInt8.Input();
        float sink = 0;
        Assert.Equal(0, ForwardAllocationTests.AllocatedBytes(() => sink += q.Forward(input)[0]));
    }

    [Fact]
    public void Threads_sharing_one_instance_get_the_same_bits()
    {
        DigitsInt8.Int8 q = Trained().ToInt8();
        float[] expected = Outputs(q);
        var results = new float[4][];
        var threads = Enumerable.Range(0, 4).Select(t => new System.Threading.Thread(() =>
        {
            float[] last = Array.Empty<float>();
            for (int k = 0; k < 200; k++)
            {
                last = Outputs(q);
            }

            results[t] = last;
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Save_and_Load_round_trip_to_the_same_bits()
    {
        DigitsInt8.Int8 q = Trained().ToInt8();
        byte[] file = q.ToSafeTensors();
        var loaded = new DigitsInt8.Int8();
        loaded.Load(file);
        Assert.Equal(Outputs(q), Outputs(loaded));

        var stream = new MemoryStream();
        q.Save(stream);
        Assert.Equal(file, stream.ToArray());
        string path = Path.Combine(Path.GetTempPath(), $"int8-{Guid.NewGuid():N}.safetensors");
        try
        {
            q.Save(path);
            var fromPath = new DigitsInt8.Int8();
            fromPath.Load(path);
            Assert.Equal(Outputs(q), Outputs(fromPath));
            var fromStream = new DigitsInt8.Int8();
            fromStream.Load(new MemoryStream(file));
            Assert.Equal(Outputs(q), Outputs(fromStream));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_file_has_the_documented_tensors()
    {
        byte[] file = Trained().ToInt8().ToSafeTensors();
        string header = Header(file);
        foreach (string name in new[] { "layers.0.weight", "layers.0.weight_scale", "layers.0.bias", "layers.1.weight", "layers.1.weight_scale", "layers.1.bias" })
        {
            Assert.Contains($"\"{name}\"", header);
        }

        Assert.Contains("\"layers.0.weight\":{\"dtype\":\"I8\",\"shape\":[32,64]", header);
        Assert.Contains("\"layers.0.weight_scale\":{\"dtype\":\"F32\",\"shape\":[32]", header);
        Assert.Contains("\"quantization\":\"int8-per-unit-symmetric\"", header);
    }

    public static IEnumerable<object[]> BadFiles()
    {
        yield return new object[] { "truncated", (Func<byte[], byte[]>)(f => f.Take(f.Length - 1).ToArray()), "" };
        yield return new object[] { "weight -128", (Func<byte[], byte[]>)(f => SetWeight(f, 0, 0x80)), "-128" };
        yield return new object[] { "negative scale", (Func<byte[], byte[]>)(f => SetScale(f, -1f)), "scale" };
        yield return new object[] { "NaN scale", (Func<byte[], byte[]>)(f => SetScale(f, float.NaN)), "scale" };
        yield return new object[] { "renamed scale", (Func<byte[], byte[]>)(f => Rename(f, "layers.1.weight_scale", "layers.1.weight_scalX")), "layers.1.weight_scale" };
        yield return new object[] { "wrong dtype", (Func<byte[], byte[]>)(f => Rename(f, "\"dtype\":\"I8\"", "\"dtype\":\"U8\"")), "dtype" };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_malformed_file_throws_and_changes_nothing(string what, Func<byte[], byte[]> corrupt, string mentions)
    {
        DigitsInt8.Int8 q = Trained().ToInt8();
        byte[] good = q.ToSafeTensors();
        var target = Trained(seed: 7).ToInt8();
        float[] before = Outputs(target);
        var error = Assert.Throws<SafeTensorsException>(() => target.Load(corrupt(good)));
        Assert.Contains(mentions, error.Message);
        Assert.Equal(before, Outputs(target));
        _ = what;
    }

    [Fact]
    public void Another_networks_file_is_refused_with_both_shapes()
    {
        byte[] relu = new ReluInt8().ToInt8().ToSafeTensors();
        var target = new DigitsInt8.Int8();
        var error = Assert.Throws<SafeTensorsException>(() => target.Load(relu));
        Assert.Contains("[32, 64]", error.Message);
        Assert.Contains("[64, 16]", error.Message);

        // A float file is not an int8 file.
        byte[] floats = Trained().ToSafeTensors();
        error = Assert.Throws<SafeTensorsException>(() => target.Load(floats));
        Assert.Contains("I8", error.Message);

        // And the float loader still refuses I8.
        Assert.Throws<SafeTensorsException>(() => new DigitsInt8().Load(Trained().ToInt8().ToSafeTensors()));
    }

    [Fact]
    public void Non_finite_parameters_cannot_be_quantised()
    {
        DigitsInt8 net = Trained();
        net.Parameters[5] = float.NaN;
        Assert.Throws<ArgumentException>(() => net.ToInt8());
    }

    internal static DigitsInt8 Trained(int seed = 1)
    {
        var net = new DigitsInt8();
        net.InitializeParameters(seed);
        return net;
    }

    private static float[] Outputs(DigitsInt8.Int8 q)
    {
        var random = new Random(11);
        float[] x = Enumerable.Range(0, 5 * 64).Select(_ => (float)random.Next(17)).ToArray();
        float[] y = new float[5 * 10];
        q.ForwardBatch(x, y);
        return y;
    }

    private static string Header(byte[] file) => Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0));

    private static int DataStart(byte[] file) => 8 + (int)BitConverter.ToUInt64(file, 0);

    private static (long Begin, long End) Offsets(byte[] file, string name)
    {
        string header = Header(file);
        int at = header.IndexOf($"\"{name}\"", StringComparison.Ordinal);
        int offsets = header.IndexOf("\"data_offsets\":[", at, StringComparison.Ordinal) + "\"data_offsets\":[".Length;
        string[] parts = header.Substring(offsets, header.IndexOf(']', offsets) - offsets).Split(',');
        return (long.Parse(parts[0]), long.Parse(parts[1]));
    }

    private static byte[] SetWeight(byte[] file, int index, byte value)
    {
        byte[] copy = (byte[])file.Clone();
        copy[DataStart(file) + (int)Offsets(file, "layers.0.weight").Begin + index] = value;
        return copy;
    }

    private static byte[] SetScale(byte[] file, float value)
    {
        byte[] copy = (byte[])file.Clone();
        BitConverter.GetBytes(value).CopyTo(copy, DataStart(file) + (int)Offsets(file, "layers.1.weight_scale").Begin + 4);
        return copy;
    }

    private static byte[] Rename(byte[] file, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        string header = Header(file);
        Assert.Contains(from, header);
        byte[] copy = (byte[])file.Clone();
        Encoding.UTF8.GetBytes(header.Replace(from, to)).CopyTo(copy, 8);
        return copy;
    }
}
