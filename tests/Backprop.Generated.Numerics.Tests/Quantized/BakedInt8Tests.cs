using System;
using System.Linq;
using Backprop.Generated.Internals;
using Backprop.Generated.Numerics.Tests.Serialization;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>
/// Weights baked at build time in int8 (<c>Weights = "..."</c> with <c>Quantization.Int8</c>, docs/int8.md "Baked
/// weights"): the generator's quantisation is the runtime's ToInt8() bit for bit, the float network starts from the
/// dequantised values, and <see cref="Int8Network.SetLayer"/> refuses what the scheme cannot hold and changes nothing then.
/// </summary>
public class BakedInt8Tests
{
    /// <summary>The twin's int8 form quantised at run time from the float file's values (baked into <paramref name="source"/>).</summary>
    private static Int8Twin.Int8 RuntimeQuantised(INetwork<float> source)
    {
        var twin = new Int8Twin();
        source.Parameters.CopyTo(twin.Parameters);
        return twin.ToInt8();
    }

    public static TheoryData<string> Sources => new() { "F32", "F16" };

    private static (INetwork<float> Float, byte[] Baked) Case(string dtype) => dtype == "F32"
        ? (new BakedF32(), new BakedInt8.Int8().ToSafeTensors())
        : (new BakedF16(), new BakedInt8FromF16.Int8().ToSafeTensors());

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_build_time_quantisation_is_ToInt8_bit_for_bit(string dtype)
    {
        (INetwork<float> source, byte[] baked) = Case(dtype);
        byte[] runtime = RuntimeQuantised(source).ToSafeTensors();

        // The files differ only in the declaration's type name, which the metadata does not hold: the same bytes.
        Assert.Equal(runtime, baked);
    }

    [Fact]
    public void The_baked_int8_network_gives_the_same_outputs_as_ToInt8()
    {
        var baked = new BakedInt8.Int8();
        Int8Twin.Int8 runtime = RuntimeQuantised(new BakedF32());
        var random = new Random(11);
        float[] rows = Enumerable.Range(0, 16 * 4).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        float[] expected = new float[16 * 3], actual = new float[16 * 3];
        runtime.ForwardBatch(rows, expected);
        baked.ForwardBatch(rows, actual);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void The_float_network_holds_the_dequantised_values_and_requantises_to_the_same_weights()
    {
        var net = new BakedInt8();
        float[] original = new BakedF32().Parameters.ToArray();
        float[] dequantised = net.Parameters.ToArray();

        // Each weight moved by at most half its unit's step s_j / 2 = max_i |W_ij| / 254 (plus one rounding); biases not at all.
        int at = 0;
        int[] sizes = { 4, 8, 6, 3 };
        for (int l = 1; l < sizes.Length; l++)
        {
            int nIn = sizes[l - 1], nOut = sizes[l];
            for (int j = 0; j < nOut; j++)
            {
                float max = Enumerable.Range(0, nIn).Max(i => Math.Abs(original[at + (i * nOut) + j]));
                for (int i = 0; i < nIn; i++)
                {
                    float w = original[at + (i * nOut) + j], d = dequantised[at + (i * nOut) + j];
                    Assert.True(Math.Abs(w - d) <= (max / 254f) * 1.000001f, $"W{l}[{i}, {j}] = {w}, dequantised {d}");
                }
            }

            at += nIn * nOut;
            Assert.Equal(original.Skip(at).Take(nOut), dequantised.Skip(at).Take(nOut));
            at += nOut;
        }

        // ToInt8() of those values gives the baked int8 weights exactly (the scales may move by one unit in the last place).
        byte[] baked = new BakedInt8.Int8().ToSafeTensors();
        byte[] again = net.ToInt8().ToSafeTensors();
        for (int l = 0; l < 3; l++)
        {
            Assert.Equal(Tensor(baked, $"layers.{l}.weight"), Tensor(again, $"layers.{l}.weight"));
            float[] s = Floats(Tensor(baked, $"layers.{l}.weight_scale")), s2 = Floats(Tensor(again, $"layers.{l}.weight_scale"));
            Assert.All(s.Zip(s2), p => Assert.True(Math.Abs(BitConverter.SingleToInt32Bits(p.First) - BitConverter.SingleToInt32Bits(p.Second)) <= 1, $"{p.First} vs {p.Second}"));
        }
    }

    [Fact]
    public void An_int8_file_is_baked_as_it_is_and_numpy_quantises_the_float_file_to_the_same_bytes()
    {
        // sequential_int8.safetensors is numpy's quantisation of sequential_f32.safetensors (make_int8_file.py): baked as
        // it is, loaded at run time, and quantised by the generator from the float file, the three are one network.
        byte[] fromInt8File = new BakedFromInt8File.Int8().ToSafeTensors();
        Assert.Equal(new BakedInt8.Int8().ToSafeTensors(), fromInt8File);
        var loaded = new Int8Twin.Int8();
        loaded.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "safetensors", "sequential_int8.safetensors"));
        Assert.Equal(loaded.ToSafeTensors(), fromInt8File);
    }

    [Fact]
    public void Edge_cases_quantise_the_same_at_build_time_at_run_time_and_in_numpy()
    {
        // A unit of zeros (with -0.0), exact ties (0.5, 2.5, -1.5 with s = 1: round half to even), subnormal weights and
        // a subnormal scale, a -0.0 and a subnormal bias (make_int8_file.py).
        string folder = System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", "safetensors");
        byte[] baked = new BakedEdge.Int8().ToSafeTensors();
        Assert.Equal(baked, new BakedEdgeFromInt8File.Int8().ToSafeTensors());

        var twin = new EdgeTwin();
        twin.Load(System.IO.Path.Combine(folder, "edge_f32.safetensors"));
        Assert.Equal(baked, twin.ToInt8().ToSafeTensors());

        var loaded = new EdgeTwin.Int8();
        loaded.Load(System.IO.Path.Combine(folder, "edge_int8.safetensors"));
        Assert.Equal(baked, loaded.ToSafeTensors());

        // The values themselves, as numpy wrote them: q (out, in) and the scales.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 127, 0, 2, unchecked((byte)-2), 4, unchecked((byte)-2), 0, 127 }, Tensor(baked, "layers.0.weight"));
        float[] scales = Floats(Tensor(baked, "layers.0.weight_scale"));
        Assert.Equal(0f, scales[0]);
        Assert.Equal(1f, scales[1]);
        Assert.Equal(3e-39f / 127f, scales[2]);
    }

    [Fact]
    public void Load_replaces_the_baked_values()
    {
        var baked = new BakedInt8.Int8();
        var other = new Int8Twin();
        other.InitializeParameters(seed: 5);
        byte[] file = other.ToInt8().ToSafeTensors();
        baked.Load(file);
        Assert.Equal(file, baked.ToSafeTensors());
        Assert.NotEqual(file, new BakedInt8.Int8().ToSafeTensors());
    }

    [Fact]
    public void SetLayer_refuses_what_the_scheme_cannot_hold_and_changes_nothing()
    {
        var network = new Int8Network(new[] { 3, 2 }, new[] { Activation.Identity });
        sbyte[] q = { 1, 2, 3, 4, 5, 6 };
        float[] s = { 0.5f, 0.25f }, b = { 1f, -1f };
        network.SetLayer(1, q, s, b);
        float[] before = new float[8];
        network.Dequantize(before);
        Assert.Equal(new[] { 0.5f, 1f, 1f, 1.25f, 1.5f, 1.5f, 1f, -1f }, before);

        void Refused<TException>(Action set, string parameter)
            where TException : ArgumentException
        {
            TException e = Assert.Throws<TException>(set);
            Assert.Equal(parameter, e.ParamName);
            float[] after = new float[8];
            network.Dequantize(after);
            Assert.Equal(before, after);
        }

        Refused<ArgumentOutOfRangeException>(() => network.SetLayer(0, q, s, b), "layer");
        Refused<ArgumentOutOfRangeException>(() => network.SetLayer(2, q, s, b), "layer");
        Refused<ArgumentException>(() => network.SetLayer(1, q.Take(5).ToArray(), s, b), "weightsOutIn");
        Refused<ArgumentException>(() => network.SetLayer(1, new sbyte[] { 1, 2, sbyte.MinValue, 4, 5, 6 }, s, b), "weightsOutIn");
        Refused<ArgumentException>(() => network.SetLayer(1, q, new[] { 0.5f }, b), "scales");
        Refused<ArgumentException>(() => network.SetLayer(1, q, new[] { 0.5f, -0.25f }, b), "scales");
        Refused<ArgumentException>(() => network.SetLayer(1, q, new[] { float.NaN, 0.25f }, b), "scales");
        Refused<ArgumentException>(() => network.SetLayer(1, q, new[] { 0.5f, float.PositiveInfinity }, b), "scales");
        Refused<ArgumentException>(() => network.SetLayer(1, q, s, new[] { 1f, float.NaN }), "bias");
        Refused<ArgumentException>(() => network.SetLayer(1, q, s, new[] { float.NegativeInfinity, 1f }), "bias");
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => network.Dequantize(new float[7])).ParamName);
    }

    private static byte[] Tensor(byte[] file, string name)
    {
        int headerLength = (int)BitConverter.ToUInt64(file, 0);
        using var json = System.Text.Json.JsonDocument.Parse(file.AsMemory(8, headerLength));
        System.Text.Json.JsonElement offsets = json.RootElement.GetProperty(name).GetProperty("data_offsets");
        int begin = 8 + headerLength + offsets[0].GetInt32(), end = 8 + headerLength + offsets[1].GetInt32();
        return file[begin..end];
    }

    private static float[] Floats(byte[] bytes)
    {
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
