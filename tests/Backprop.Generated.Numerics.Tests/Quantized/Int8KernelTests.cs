using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using Backprop.Generated.Internals;
using Backprop.Generated.Quantized;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>
/// The int8 kernels (docs/int8.md): every instruction-set path must give the same int32 sums as the plain definition
/// sum_i u_i q_ij, including the extreme products where vpmaddubsw's int16 sums would saturate. Paths this machine
/// cannot run are skipped by name in the output; the AVX-VNNI and AVX-512BW kernel bodies always run over software
/// forms of their instructions (EmulatedAvxVnni, EmulatedAvx512BW).
/// </summary>
public class Int8KernelTests
{
    private readonly ITestOutputHelper _output;

    public Int8KernelTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { 1, 1 },
        new object[] { 3, 5 },
        new object[] { 7, 17 },
        new object[] { 64, 32 },
        new object[] { 130, 33 },
        new object[] { 784, 10 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_path_gives_the_defining_integer_sums(int inputs, int outputs)
    {
        var random = new Random((inputs * 7919) + outputs);
        Int8Layer layer = RandomLayer(random, inputs, outputs);
        byte[] u = new byte[layer.PaddedInputs];
        random.NextBytes(u);
        int[] expected = DefiningSums(u, layer);

        foreach (Int8Path path in RunnablePaths())
        {
            int[] raw = new int[layer.PaddedOutputs];
            Int8Kernels.Dot(path, u, layer, raw);
            Assert.True(expected.SequenceEqual(raw.Take(outputs)), $"{path}: sums differ from sum_i u_i q_ij");
            Assert.All(raw.Skip(outputs), s => Assert.Equal(0, s));
        }
    }

    public static IEnumerable<object[]> RowShapes() => new[]
    {
        // inputs, outputs: k padding (1, 2, 3 and 0 bytes of padding), n not a multiple of the one-row kernel's 64-unit
        // pass (16, 48, 80: the pass then leaves 16-unit blocks) or of 16 (padded units), odd and even group counts.
        new object[] { 1, 1 },
        new object[] { 6, 16 },
        new object[] { 7, 33 },
        new object[] { 9, 48 },
        new object[] { 64, 64 },
        new object[] { 37, 80 },
        new object[] { 130, 130 },
        new object[] { 784, 128 },
    };

    [Theory]
    [MemberData(nameof(RowShapes))]
    public void Every_path_gives_the_defining_sums_for_one_to_four_rows(int inputs, int outputs)
    {
        // DotRows with 4 rows takes the multi-row kernels (AVX2, AVX-VNNI and its emulated form); 1 to 3 rows, the
        // ragged tail of a batch, run the one-row kernel per row. Every row's sums must be the definition's.
        var random = new Random((inputs * 31) + outputs);
        Int8Layer layer = RandomLayer(random, inputs, outputs);
        int kp = layer.PaddedInputs, np = layer.PaddedOutputs;
        for (int rows = 1; rows <= Int8Kernels.MaxRows; rows++)
        {
            byte[] u = new byte[rows * kp];
            random.NextBytes(u);
            for (int r = 0; r < rows; r++)
            {
                // The padding bytes are q = 0 (u = 128), as QuantizeRow writes them.
                u.AsSpan((r * kp) + inputs, kp - inputs).Fill(Int8Layer.ActivationOffset);
            }

            foreach (Int8Path path in RunnablePaths())
            {
                int[] raw = new int[rows * np];
                Int8Kernels.DotRows(path, u, rows, layer, raw);
                for (int r = 0; r < rows; r++)
                {
                    int[] expected = DefiningSums(u.AsSpan(r * kp, kp).ToArray(), layer);
                    int[] padding = new int[np - outputs];
                    Assert.True(expected.SequenceEqual(raw.Skip(r * np).Take(outputs)), $"{path}, {rows} rows: row {r}'s sums differ from sum_i u_i q_ij");
                    Assert.True(padding.SequenceEqual(raw.Skip((r * np) + outputs).Take(np - outputs)), $"{path}, {rows} rows: row {r}'s padded units are not 0");
                }
            }
        }
    }

    [Theory]
    [InlineData(127)]
    [InlineData(-127)]
    public void Extreme_products_do_not_saturate_in_the_multi_row_kernels(int q)
    {
        const int Inputs = 256;
        var layer = new Int8Layer(Inputs, 16, Activation.Identity);
        layer.Quantize(Enumerable.Repeat((float)q, Inputs * 16).ToArray(), new float[16]);
        byte[] u = Enumerable.Repeat((byte)255, Int8Kernels.MaxRows * layer.PaddedInputs).ToArray();
        foreach (Int8Path path in RunnablePaths())
        {
            int[] raw = new int[Int8Kernels.MaxRows * layer.PaddedOutputs];
            Int8Kernels.DotRows(path, u, Int8Kernels.MaxRows, layer, raw);
            Assert.All(raw, s => Assert.Equal(Inputs * 255 * q, s));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(64)]
    public void ForwardBatch_is_bit_identical_on_every_path_for_ragged_batches(int m)
    {
        // m not a multiple of the 4-row tile: the last rows run the one-row kernel. Widths 64 and 80 exercise the one-row
        // VNNI kernel's 64-unit pass and its 16-unit remainder; 37 inputs need k padding.
        int[] sizes = { 37, 80, 64, 10 };
        var net = RandomNetwork(new Random(m), sizes, Activation.ReLU);
        var random = new Random(m + 100);
        float[] x = Enumerable.Range(0, m * sizes[0]).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        float[]? reference = null;
        foreach (Int8Path path in RunnablePaths())
        {
            float[] y = new float[m * sizes[^1]];
            WithPath(path, () => net.ForwardBatch(x, y));
            reference ??= y;
            Assert.True(reference.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Select(BitConverter.SingleToInt32Bits)), $"{path} differs from {RunnablePaths().First()}");
            for (int r = 0; r < m; r++)
            {
                float[] one = new float[sizes[^1]];
                WithPath(path, () => net.Forward(x.AsSpan(r * sizes[0], sizes[0]), one));
                Assert.True(one.SequenceEqual(y.Skip(r * sizes[^1]).Take(sizes[^1])), $"{path}: row {r} of ForwardBatch differs from Forward");
            }
        }
    }

    [Fact]
    public void QuantizeRow_gives_the_scalar_forms_bytes_and_scale_on_every_path()
    {
        // Lengths 1 to 100 (the vector form's 32- and 8-lane loops and its scalar tail), padded to a multiple of 4;
        // values with exact ties at 127 / M scale (M = 127: a_i = k + 0.5), zeros, -0, the extreme +-M, and a row with
        // one NaN or infinity at each place.
        var random = new Random(17);
        for (int n = 1; n <= 100; n++)
        {
            int padded = (n + 3) / 4 * 4;
            for (int variant = 0; variant < 4; variant++)
            {
                float[] a = Enumerable.Range(0, n).Select(i => variant switch
                {
                    0 => (float)((random.NextDouble() * 8) - 4),
                    1 => (random.Next(-254, 255) / 2f) * (i == 0 ? 0 : 1),
                    2 => i % 3 == 0 ? -0f : (float)(random.NextDouble() - 0.5) * 1e-3f,
                    _ => (float)((random.NextDouble() * 2) - 1),
                }).ToArray();
                if (variant == 1)
                {
                    a[n - 1] = -127f;
                }

                if (variant == 3)
                {
                    a[random.Next(n)] = random.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                }

                byte[] expected = new byte[padded];
                float expectedScale = Int8Scheme.QuantizeRowScalar(a, expected);
                foreach (Int8Path path in RunnablePaths())
                {
                    byte[] u = Enumerable.Repeat((byte)7, padded).ToArray();
                    float scale = Int8Scheme.QuantizeRow(a, u, path);
                    Assert.Equal(BitConverter.SingleToInt32Bits(expectedScale), BitConverter.SingleToInt32Bits(scale));
                    if (!float.IsNaN(expectedScale))
                    {
                        Assert.True(expected.SequenceEqual(u), $"{path}, n = {n}, variant {variant}: bytes differ from the scalar form");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(127)]
    [InlineData(-127)]
    public void Extreme_products_do_not_saturate(int q)
    {
        // u = 255 against q = +-127 everywhere: each pair of products is +-64,770, beyond int16; vpmaddubsw would
        // saturate it to +-32,767. The exact sum is n * 255 * q.
        const int Inputs = 256;
        var layer = new Int8Layer(Inputs, 16, Activation.Identity);
        float[] w = Enumerable.Repeat((float)q, Inputs * 16).ToArray();
        layer.Quantize(w, new float[16]);
        byte[] u = Enumerable.Repeat((byte)255, layer.PaddedInputs).ToArray();
        foreach (Int8Path path in RunnablePaths())
        {
            int[] raw = new int[layer.PaddedOutputs];
            Int8Kernels.Dot(path, u, layer, raw);
            Assert.All(raw, s => Assert.Equal(Inputs * 255 * q, s));
        }
    }

    [Fact]
    public void Emulated_vpdpbusd_follows_the_instruction_definition()
    {
        // Lane i: addend + sum_k zero-extended left byte * sign-extended right byte, wrapping on overflow.
        var left = Vector256.Create((byte)255);
        var right = Vector256.Create((sbyte)-128);
        var addend = Vector256.Create(int.MinValue + 1000);
        var result = Int8Kernels.EmulatedVnni.MultiplyWideningAndAdd(addend, left, right);
        Assert.Equal(unchecked(int.MinValue + 1000 + (4 * 255 * -128)), result.GetElement(0));
        Assert.Equal(unchecked(int.MinValue + 1000 + (4 * 255 * -128)), result.GetElement(7));
    }

    [Fact]
    public void Weights_are_quantised_per_unit_with_round_half_even()
    {
        // Column 0: max 127 -> s = 1, so 2.5 and -3.5 are exact ties (round half to even: 2 and -4).
        // Column 1: all zero -> s = 0, q = 0. Column 2: max 2.54 -> s = 2.54 / 127.
        float[] w =
        {
            127f, 0f, -2.54f,
            2.5f, 0f, 1.27f,
            -3.5f, 0f, 0f,
            0.5f, 0f, 0.01f,
        };
        var layer = new Int8Layer(4, 3, Activation.Identity);
        layer.Quantize(w, new float[] { 1f, 2f, 3f });
        Assert.Equal(1f, layer.Scales[0]);
        Assert.Equal(new sbyte[] { 127, 2, -4, 0 }, Column(layer, 0));
        Assert.Equal(0f, layer.Scales[1]);
        Assert.Equal(new sbyte[] { 0, 0, 0, 0 }, Column(layer, 1));
        Assert.Equal(2.54f / 127f, layer.Scales[2]);
        Assert.Equal(-127, layer.Weight(0, 2));
        Assert.Equal((sbyte)Math.Round(1.27f / (2.54f / 127f), MidpointRounding.ToEven), layer.Weight(1, 2));
        Assert.Equal(128 * (127 + 2 - 4), layer.Compensation[0]);
        Assert.Equal(new[] { 1f, 2f, 3f }, layer.Bias.Take(3));
    }

    [Fact]
    public void Non_finite_weights_are_refused_and_change_nothing()
    {
        var net = new Int8Network(new[] { 2, 2 }, new[] { Activation.Identity });
        net.Quantize(new[] { 1f, 2f, 3f, 4f, 0.5f, 0.25f });
        float[] before = Run(net, new[] { 1f, -1f });
        Assert.Throws<ArgumentException>(() => net.Quantize(new[] { 1f, float.NaN, 3f, 4f, 0f, 0f }));
        Assert.Throws<ArgumentException>(() => net.Quantize(new[] { 1f, 2f, 3f, 4f, float.PositiveInfinity, 0f }));
        Assert.Equal(before, Run(net, new[] { 1f, -1f }));
    }

    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softmax)]
    public void Forward_outputs_are_bit_identical_on_every_path(Activation hidden)
    {
        int[] sizes = { 37, 50, 19, 10 };
        var net = RandomNetwork(new Random(5), sizes, hidden);
        var random = new Random(6);
        float[] x = Enumerable.Range(0, 8 * sizes[0]).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        float[]? reference = null;
        foreach (Int8Path path in RunnablePaths())
        {
            float[] y = new float[8 * sizes[^1]];
            WithPath(path, () => net.ForwardBatch(x, y));
            reference ??= y;
            Assert.True(reference.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Select(BitConverter.SingleToInt32Bits)), $"{path} differs from {RunnablePaths().First()}");
        }
    }

    [Fact]
    public void ForwardBatch_rows_equal_one_example_Forward()
    {
        int[] sizes = { 64, 32, 10 };
        var net = RandomNetwork(new Random(9), sizes, Activation.Tanh);
        var random = new Random(10);
        float[] x = Enumerable.Range(0, 5 * 64).Select(_ => (float)random.NextDouble() * 16).ToArray();
        float[] batch = new float[5 * 10];
        net.ForwardBatch(x, batch);
        for (int r = 0; r < 5; r++)
        {
            float[] one = new float[10];
            net.Forward(x.AsSpan(r * 64, 64), one);
            Assert.Equal(one, batch.Skip(r * 10).Take(10));
        }
    }

    [Fact]
    public void Non_finite_inputs_give_NaN_outputs()
    {
        var net = RandomNetwork(new Random(1), new[] { 4, 3, 2 }, Activation.ReLU);
        Assert.All(Run(net, new[] { 1f, float.NaN, 0f, 0f }), v => Assert.True(float.IsNaN(v)));
        Assert.All(Run(net, new[] { 1f, float.NegativeInfinity, 0f, 0f }), v => Assert.True(float.IsNaN(v)));

        // In a batch only that example's outputs are NaN.
        float[] xs = { 1f, 2f, 3f, 4f, 1f, float.NaN, 0f, 0f, 1f, 2f, 3f, 4f, 0f, 0f, 0f, 1f, 1f, 2f, 3f, 4f };
        float[] ys = new float[5 * 2];
        net.ForwardBatch(xs, ys);
        Assert.All(ys.Skip(2).Take(2), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(Run(net, new[] { 1f, 2f, 3f, 4f }), ys.Take(2));
        Assert.Equal(Run(net, new[] { 1f, 2f, 3f, 4f }), ys.Skip(8).Take(2));
        Assert.Equal(Run(net, new[] { 0f, 0f, 0f, 1f }), ys.Skip(6).Take(2));
    }

    [Fact]
    public void Zero_and_tiny_inputs_count_as_zero_rows()
    {
        var net = new Int8Network(new[] { 2, 1 }, new[] { Activation.Identity });
        net.Quantize(new[] { 1f, 1f, 0.75f });
        Assert.Equal(new[] { 0.75f }, Run(net, new[] { 0f, 0f }));
        Assert.Equal(new[] { 0.75f }, Run(net, new[] { 1e-38f, 0f }));
    }

    [Fact]
    public void Error_stays_within_the_documented_bound()
    {
        // docs/int8.md: |z_int8 - z_float| <= (s_j ||a||_1 + s_a ||q_:j s_j||_1) / 2 plus single-precision rounding,
        // for one layer with identity activation.
        var random = new Random(21);
        const int Inputs = 200, Outputs = 30;
        float[] theta = Enumerable.Range(0, (Inputs * Outputs) + Outputs).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var net = new Int8Network(new[] { Inputs, Outputs }, new[] { Activation.Identity });
        net.Quantize(theta);
        Int8Layer layer = net.Layer(1);
        for (int trial = 0; trial < 20; trial++)
        {
            float[] a = Enumerable.Range(0, Inputs).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
            float[] y = Run(net, a);
            double sa = a.Max(Math.Abs) / 127d;
            double l1 = a.Sum(v => Math.Abs((double)v));
            for (int j = 0; j < Outputs; j++)
            {
                double exact = theta[(Inputs * Outputs) + j];
                double quantisedColumn = 0;
                for (int i = 0; i < Inputs; i++)
                {
                    exact += a[i] * (double)theta[(i * Outputs) + j];
                    quantisedColumn += Math.Abs(layer.Weight(i, j) * (double)layer.Scales[j]);
                }

                double bound = (0.5 * ((layer.Scales[j] * l1) + (sa * quantisedColumn))) + (1e-5 * (Math.Abs(exact) + 1));
                Assert.True(Math.Abs(y[j] - exact) <= bound, $"unit {j}: |{y[j]} - {exact}| > {bound}");
            }
        }
    }

    [Fact]
    public void Int8_tanh_is_within_1e6_of_tanh_and_its_lanes_equal_its_scalar_form()
    {
        float[] z = Enumerable.Range(-20000, 40001).Select(k => k * 0.0005f).Concat(new[] { 0f, -0f, 1e-5f, 9f, -9f, float.NaN }).ToArray();
        float[] lanes = (float[])z.Clone();
        Int8Tanh.InPlace(lanes);
        for (int k = 0; k < z.Length; k++)
        {
            float scalar = Int8Tanh.Scalar(z[k]);
            Assert.Equal(BitConverter.SingleToInt32Bits(scalar), BitConverter.SingleToInt32Bits(lanes[k]));
            if (!float.IsNaN(z[k]))
            {
                Assert.True(Math.Abs(scalar - Math.Tanh(z[k])) <= 1e-6, $"tanh({z[k]}): {scalar} vs {Math.Tanh(z[k])}");
            }
        }
    }

    [Fact]
    public void Int8_exp_is_within_2e7_relative_of_exp_and_its_softmax_lanes_equal_its_scalar_form()
    {
        // e^x for x in [-87, 0]: relative error against double precision.
        for (int k = 0; k <= 870_000; k++)
        {
            float x = -k * 1e-4f;
            double exact = Math.Exp(x);
            Assert.True(Math.Abs(Int8Softmax.Exp(x) - exact) <= 2e-7 * exact, $"e^{x}: {Int8Softmax.Exp(x)} vs {exact}");
        }

        Assert.Equal(1f, Int8Softmax.Exp(0f));
        Assert.Equal(1f, Int8Softmax.Exp(-0f));
        Assert.Equal(0f, Int8Softmax.Exp(-88f));
        Assert.Equal(0f, Int8Softmax.Exp(float.NegativeInfinity));
        Assert.True(float.IsNaN(Int8Softmax.Exp(float.NaN)));

        // Rows of 1 to 40 (the 8-lane loops and the scalar tail), wide ranges, -0, -infinity and a NaN: every path's
        // bits equal the scalar form's, and the probabilities are within 1e-6 of double precision's.
        var random = new Random(8);
        for (int n = 1; n <= 40; n++)
        {
            for (int variant = 0; variant < 4; variant++)
            {
                float[] z = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * (variant == 1 ? 200 : 20)) - (variant == 1 ? 100 : 10))).ToArray();
                if (variant == 2)
                {
                    // -infinity only beside a finite value (a row of -infinity alone is NaN for double precision too).
                    z[n - 1] = -0f;
                    if (n > 1)
                    {
                        z[random.Next(n - 1)] = float.NegativeInfinity;
                    }
                }

                if (variant == 3)
                {
                    z[random.Next(n)] = float.NaN;
                }

                float[] scalar = (float[])z.Clone();
                Int8Softmax.InPlace(scalar, Int8Path.Scalar);
                foreach (Int8Path path in RunnablePaths())
                {
                    float[] y = (float[])z.Clone();
                    Int8Softmax.InPlace(y, path);
                    Assert.True(scalar.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Select(BitConverter.SingleToInt32Bits)), $"{path}, n = {n}, variant {variant}: softmax bits differ from the scalar form");
                }

                if (variant == 3)
                {
                    Assert.All(scalar, v => Assert.True(float.IsNaN(v)));
                    continue;
                }

                double max = z.Max(v => (double)v);
                double sum = z.Sum(v => Math.Exp(v - max));
                for (int k = 0; k < n; k++)
                {
                    Assert.True(Math.Abs(scalar[k] - (Math.Exp(z[k] - max) / sum)) <= 1e-6, $"softmax[{k}] of {n}: {scalar[k]} vs {Math.Exp(z[k] - max) / sum}");
                }
            }
        }
    }

    [Fact]
    public void Reports_the_paths_of_this_machine()
    {
        _output.WriteLine($"detected int8 path: {Int8Kernels.DetectedPath}; runnable here: {string.Join(", ", RunnablePaths())}");
        Assert.Contains(Int8Kernels.DetectedPath, RunnablePaths());
    }

    internal static IEnumerable<Int8Path> RunnablePaths() =>
        Enum.GetValues<Int8Path>().Where(Int8Kernels.IsSupported);

    internal static void WithPath(Int8Path path, Action action)
    {
        Int8Path? before = Int8Kernels.ForcedPath;
        Int8Kernels.ForcedPath = path;
        try
        {
            action();
        }
        finally
        {
            Int8Kernels.ForcedPath = before;
        }
    }

    internal static Int8Network RandomNetwork(Random random, int[] sizes, Activation hidden)
    {
        var activations = Enumerable.Range(1, sizes.Length - 1).Select(l => l == sizes.Length - 1 ? Activation.Identity : hidden).ToArray();
        var net = new Int8Network(sizes, activations);
        int count = Enumerable.Range(1, sizes.Length - 1).Sum(l => (sizes[l - 1] * sizes[l]) + sizes[l]);
        net.Quantize(Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray());
        return net;
    }

    private static float[] Run(Int8Network net, float[] x)
    {
        float[] y = new float[net.OutputSize];
        net.Forward(x, y);
        return y;
    }

    private static Int8Layer RandomLayer(Random random, int inputs, int outputs)
    {
        var layer = new Int8Layer(inputs, outputs, Activation.Identity);
        layer.Quantize(
            Enumerable.Range(0, inputs * outputs).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray(),
            new float[outputs]);
        return layer;
    }

    private static int[] DefiningSums(byte[] u, Int8Layer layer)
    {
        int[] sums = new int[layer.Outputs];
        for (int j = 0; j < layer.Outputs; j++)
        {
            for (int i = 0; i < layer.Inputs; i++)
            {
                sums[j] += u[i] * layer.Weight(i, j);
            }
        }

        return sums;
    }

    private static sbyte[] Column(Int8Layer layer, int j) =>
        Enumerable.Range(0, layer.Inputs).Select(i => layer.Weight(i, j)).ToArray();
}
