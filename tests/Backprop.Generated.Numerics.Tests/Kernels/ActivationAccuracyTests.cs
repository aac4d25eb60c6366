using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Backprop.Generated.Compute;
using Backprop.Generated.Internals;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// Issue 8 item 3: the single-precision lane functions (exp, sigmoid, tanh, e^x - 1, log(1 + x) of <see cref="ILanes{TVector, T}"/>,
/// and the <see cref="Activations"/> ELU, SiLU and softplus) for each ops type, on about 1.15 million arguments
/// (every multiple of 2^-12 in [-104, 104], 2^e (1 + j/8) for every exponent e in [-149, 0], and 300,000 random bit
/// patterns, which cover every exponent), on the committed mpmath points (Reference/extreme_activations.json), and on
/// NaN, +-infinity, +-0 and subnormals; softmax through the layer kernels on random and mpmath vectors.
/// The reference is double precision (System.Math). Asserted: NaN in gives NaN out; wherever the double result is a
/// normal float (magnitude in [1.1754944e-38, float.MaxValue]) the relative error is below 1e-6 for sigmoid, tanh
/// and softmax and below the stated bound of each other function (<see cref="Bounds"/>); below the normal range the
/// absolute error is at most 2^-126 (underflow, never garbage); above it the result is the infinity of the right sign.
/// The measured maxima (relative and in ulps of the float nearest the reference) are printed for docs/performance.md.
/// </summary>
public class ActivationAccuracyTests
{
    private const double SmallestNormal = 1.1754943508222875e-38;
    private readonly ITestOutputHelper output;

    public ActivationAccuracyTests(ITestOutputHelper output) => this.output = output;

    public static readonly string[] Functions = { "exp", "sigmoid", "tanh", "expm1", "log1p", "ELU", "SiLU", "Softplus" };

    /// <summary>
    /// The relative error each function must stay below where the double result is a normal float: 1e-6, except
    /// SiLU, 1e-5: z sigmoid(z) for z in (-92.3, -87.3] multiplies a subnormal sigmoid(z) (spacing 2^-149, so a
    /// relative rounding of up to 2^-150 / e^z, about 8.5e-6 at z = -92.3) by |z| ~ 90 back into the normal range.
    /// (The runtime's scalar ActivationFunctions.SiLU switches to double below z = -80; the lane form does not.)
    /// </summary>
    public static readonly Dictionary<string, double> Bounds = new()
    {
        ["exp"] = 1e-6, ["sigmoid"] = 1e-6, ["tanh"] = 1e-6, ["expm1"] = 1e-6, ["log1p"] = 1e-6, ["ELU"] = 1e-6, ["SiLU"] = 1e-5, ["Softplus"] = 1e-6,
    };

    /// <summary>
    /// The arguments each function is held to its bound on in the sweep. e^x - 1 only for x &lt;= 0, where ELU uses it:
    /// for x &gt; 0 it is wrong (see <see cref="ExpM1_of_positive_arguments_is_within_1e_6_of_double"/>).
    /// </summary>
    private static bool InDomain(string function, float x) => function != "expm1" || !(x > 0);

    internal static readonly Lazy<float[]> Sweep = new(() =>
    {
        var points = new List<float>();
        for (int k = -104 * 4096; k <= 104 * 4096; k++)
        {
            points.Add(k / 4096f);
        }

        for (int e = -149; e <= 0; e++)
        {
            for (int j = 0; j < 8; j++)
            {
                float v = (float)(Math.Pow(2, e) * (1 + (j / 8.0)));
                points.Add(v);
                points.Add(-v);
            }
        }

        var random = new Random(20261201);
        while (points.Count < 1_150_000)
        {
            float v = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
            if (!float.IsNaN(v))
            {
                points.Add(v);
            }
        }

        return points.ToArray();
    });

    /// <summary>The double-precision value of <paramref name="function"/> at x.</summary>
    public static double Reference(string function, double x) => function switch
    {
        "exp" => Math.Exp(x),
        "sigmoid" => DenseReference.Sigmoid(x),
        "tanh" => Math.Tanh(x),
        "expm1" => DenseReference.ExpM1(x),
        "log1p" => DenseReference.Log1P(x),
        "ELU" => x > 0 ? x : DenseReference.ExpM1(x),
        "SiLU" => x * DenseReference.Sigmoid(x),
        "Softplus" => Math.Max(x, 0) + DenseReference.Log1P(Math.Exp(-Math.Abs(x))),
        _ => throw new ArgumentException(function),
    };

    /// <summary>Evaluates one function over <paramref name="x"/> a register at a time with <typeparamref name="TOps"/>.</summary>
    public static float[] Evaluate<TOps, TV>(string function, float[] x)
        where TOps : ILanes<TV, float>
        where TV : struct
    {
        int c = TOps.Count;
        float[] padded = new float[(x.Length + c - 1) / c * c];
        x.CopyTo(padded, 0);
        float[] y = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += c)
        {
            TV v = TOps.Load(ref padded[i]);
            TV r = function switch
            {
                "exp" => TOps.Exp(v),
                "sigmoid" => TOps.Sigmoid(v),
                "tanh" => TOps.Tanh(v),
                "expm1" => TOps.ExpM1(v),
                "log1p" => TOps.Log1P(v),
                "ELU" => Activations.ELU.Apply<TOps, TV, float>(v),
                "SiLU" => Activations.SiLU.Apply<TOps, TV, float>(v),
                "Softplus" => Activations.Softplus.Apply<TOps, TV, float>(v),
                _ => throw new ArgumentException(function),
            };
            TOps.Store(r, ref y[i]);
        }

        return y.AsSpan(0, x.Length).ToArray();
    }

    private static float[] Run(string ops, string function, float[] x)
    {
        (Type opsType, Type vector) = KernelTypes.Ops(ops, typeof(float));
        return (float[])KernelTypes.Invoke(typeof(ActivationAccuracyTests), nameof(Evaluate), new[] { opsType, vector }, function, x)!;
    }

    /// <summary>The spacing of floats at |f| (for f = float.MaxValue, the spacing below it).</summary>
    private static double Ulp(float f)
    {
        float a = Math.Abs(f);
        return float.IsFinite(MathF.BitIncrement(a)) ? MathF.BitIncrement(a) - (double)a : a - (double)MathF.BitDecrement(a);
    }

    /// <summary>Running maxima of the relative and ulp errors, with the arguments where they occur.</summary>
    public sealed class Maxima
    {
        public double Relative;
        public double RelativeAt;
        public double Ulps;
        public double UlpsAt;
        public long Points;

        public void Add(double x, double expected, double actual)
        {
            double difference = Math.Abs(actual - expected);
            double relative = difference / Math.Abs(expected);
            double ulps = difference / Ulp((float)expected);
            Points++;
            if (relative > Relative)
            {
                Relative = relative;
                RelativeAt = x;
            }

            if (ulps > Ulps)
            {
                Ulps = ulps;
                UlpsAt = x;
            }
        }
    }

    /// <summary>Checks one result; returns a failure message or null.</summary>
    private static string? Check(string function, double x, double expected, float actual, double bound, Maxima maxima)
    {
        if (double.IsNaN(expected))
        {
            return float.IsNaN(actual) ? null : $"{function}({x:R}) = {actual:R}, expected NaN";
        }

        if (float.IsNaN(actual))
        {
            return $"{function}({x:R}) = NaN, expected {expected:R}";
        }

        double magnitude = Math.Abs(expected);
        if (magnitude > float.MaxValue)
        {
            return float.IsInfinity(actual) && Math.Sign(actual) == Math.Sign(expected) ? null : $"{function}({x:R}) = {actual:R}, expected overflow to {Math.Sign(expected)} infinity";
        }

        if (magnitude < SmallestNormal)
        {
            return Math.Abs(actual - expected) <= SmallestNormal ? null : $"{function}({x:R}) = {actual:R}, expected {expected:R} (below the normal range)";
        }

        maxima.Add(x, expected, actual);
        double relative = Math.Abs(actual - expected) / magnitude;
        return relative < bound ? null : $"{function}({x:R}) = {actual:R}, double {expected:R}: relative error {relative:E3} >= {bound:E0}";
    }

    public static IEnumerable<object[]> Ops => KernelTypes.OpsNames.Select(o => new object[] { o });

    /// <summary>
    /// The scalar sigmoid and tanh of straight-line (unrolled) layers, Compute.UnrolledActivations, meet the same bounds
    /// as the lane functions across the float range, and at NaN, the infinities, zeros and subnormals.
    /// </summary>
    [Fact]
    public void Unrolled_sigmoid_and_tanh_stay_within_their_bounds()
    {
        float[] x = Sweep.Value.Concat(new[]
        {
            0f, -0f, float.Epsilon, -float.Epsilon, 0.625f, -0.625f, MathF.BitDecrement(0.625f), 88.72283f, -88.72283f, -87.33654f,
            -103.97208f, -150f, 1e-20f, -1e-20f, float.MaxValue, float.MinValue,
        }).ToArray();
        var failures = new List<string>();
        // The one-unit forms, and the three-unit forms (one 128-bit register, or the scalar polynomial without SIMD) on
        // triples of the same arguments, each lane checked.
        static float SigmoidInRegister(float z)
        {
            UnrolledActivations.Sigmoid(-1f, z, 2f, out _, out float a, out _);
            return a;
        }

        static float TanhInRegister(float z)
        {
            UnrolledActivations.Tanh(z, 0.5f, out float a, out _);
            return a;
        }

        foreach ((string function, Func<float, float> f) in new (string, Func<float, float>)[]
        {
            ("sigmoid", UnrolledActivations.Sigmoid), ("tanh", UnrolledActivations.Tanh), ("sigmoid", SigmoidInRegister), ("tanh", TanhInRegister),
        })
        {
            var maxima = new Maxima();
            foreach (float xi in x)
            {
                string? failure = Check(function, xi, Reference(function, xi), f(xi), Bounds[function], maxima);
                if (failure is not null && failures.Count < 20)
                {
                    failures.Add($"unrolled: {failure}");
                }
            }

            output.WriteLine($"| {function} | unrolled | {maxima.Points:N0} | {maxima.Relative:E2} | {maxima.RelativeAt:R} | {maxima.Ulps:F2} | {maxima.UlpsAt:R} |");
            Assert.True(float.IsNaN(f(float.NaN)), $"{function}(NaN)");
        }

        Assert.Equal(0f, UnrolledActivations.Sigmoid(float.NegativeInfinity));
        Assert.Equal(1f, UnrolledActivations.Sigmoid(float.PositiveInfinity));
        Assert.Equal(-1f, UnrolledActivations.Tanh(float.NegativeInfinity));
        Assert.Equal(1f, UnrolledActivations.Tanh(float.PositiveInfinity));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Lane_functions_stay_within_their_bounds_across_the_float_range(string ops)
    {
        float[] x = Sweep.Value;
        var failures = new List<string>();
        output.WriteLine($"| function | ops | points (normal results) | max relative error | at x | max error (ulps) | at x |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (string function in Functions)
        {
            float[] y = Run(ops, function, x);
            var maxima = new Maxima();
            for (int i = 0; i < x.Length; i++)
            {
                if (!InDomain(function, x[i]))
                {
                    continue;
                }

                string? failure = Check(function, x[i], Reference(function, x[i]), y[i], Bounds[function], maxima);
                if (failure is not null && failures.Count < 20)
                {
                    failures.Add($"{ops}: {failure}");
                }
            }

            output.WriteLine($"| {(function == "expm1" ? "expm1 (x <= 0)" : function)} | {ops} | {maxima.Points:N0} | {maxima.Relative:E2} | {maxima.RelativeAt:R} | {maxima.Ulps:F2} | {maxima.UlpsAt:R} |");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void NaN_infinities_zeros_and_subnormals(string ops)
    {
        float[] nans =
        {
            float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7F800001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00123)),
            BitConverter.Int32BitsToSingle(0x7FFFFFFF),
        };
        float[] specials =
        {
            float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon,
            BitConverter.Int32BitsToSingle(0x007FFFFF), BitConverter.Int32BitsToSingle(unchecked((int)0x807FFFFF)),
            BitConverter.Int32BitsToSingle(0x00400000), -BitConverter.Int32BitsToSingle(0x00012345),
            float.MaxValue, float.MinValue, 88.72283f, 88.7229f, -87.33654f, -103.97208f, -104f, -150f,
        };

        // The limits at -+infinity; SiLU(-infinity) = -infinity * sigmoid(-infinity) is NaN, as in PyTorch 2
        // (torch.nn.functional.silu(tensor(-inf)) gives nan) and the runtime's scalar ActivationFunctions.SiLU.
        var atInfinity = new Dictionary<string, (float Negative, float Positive)>
        {
            ["exp"] = (0f, float.PositiveInfinity), ["sigmoid"] = (0f, 1f), ["tanh"] = (-1f, 1f), ["expm1"] = (-1f, float.PositiveInfinity),
            ["log1p"] = (float.NaN, float.PositiveInfinity), ["ELU"] = (-1f, float.PositiveInfinity), ["SiLU"] = (float.NaN, float.PositiveInfinity), ["Softplus"] = (0f, float.PositiveInfinity),
        };

        var failures = new List<string>();
        foreach (string function in Functions)
        {
            float[] y = Run(ops, function, nans.Concat(specials).ToArray());
            for (int i = 0; i < nans.Length; i++)
            {
                if (!float.IsNaN(y[i]))
                {
                    failures.Add($"{ops} {function}(NaN 0x{BitConverter.SingleToInt32Bits(nans[i]):X8}) = {y[i]:R}, expected NaN");
                }
            }

            for (int i = 0; i < specials.Length; i++)
            {
                float x = specials[i], actual = y[nans.Length + i];
                if (float.IsInfinity(x))
                {
                    float expected = x > 0 ? atInfinity[function].Positive : atInfinity[function].Negative;
                    if (!(expected.Equals(actual) || (expected == 0 && actual == 0)))
                    {
                        failures.Add($"{ops} {function}({x}) = {actual:R}, expected {expected:R}");
                    }

                    continue;
                }

                if (InDomain(function, x))
                {
                    string? failure = Check(function, x, Reference(function, x), actual, Bounds[function], new Maxima());
                    if (failure is not null)
                    {
                        failures.Add($"{ops} {failure}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// e^x - 1 for x &gt; 0: LaneMath.ExpM1 once computed it as 2t / (1 - t) with t = tanh(x / 2) up to x = 17, where 1 - t
    /// cancels (relative error 1.01e-6 at x = 4.1147461f, 0.5 at x = 16.92334f); it now takes e^x - 1 from exp above 0.5.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ops))]
    public void ExpM1_of_positive_arguments_is_within_1e_6_of_double(string ops)
    {
        float[] x = Sweep.Value.Where(v => v > 0).ToArray();
        float[] y = Run(ops, "expm1", x);
        var maxima = new Maxima();
        var failures = new List<string>();
        for (int i = 0; i < x.Length; i++)
        {
            string? failure = Check("expm1", x[i], Reference("expm1", x[i]), y[i], Bounds["expm1"], maxima);
            if (failure is not null && failures.Count < 10)
            {
                failures.Add($"{ops}: {failure}");
            }
        }

        output.WriteLine($"| expm1 (x > 0) | {ops} | {maxima.Points:N0} | {maxima.Relative:E2} | {maxima.RelativeAt:R} | {maxima.Ulps:F2} | {maxima.UlpsAt:R} |");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Lane_functions_match_the_committed_mpmath_points(string ops)
    {
        JsonElement root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "extreme_activations.json"))).RootElement;
        var rows = root.GetProperty("scalars").EnumerateArray().Where(r => (float)r.GetProperty("z").GetDouble() == r.GetProperty("z").GetDouble()).ToArray();
        float[] x = rows.Select(r => (float)r.GetProperty("z").GetDouble()).ToArray();
        var names = new Dictionary<string, string> { ["sigmoid"] = "sigmoid", ["tanh"] = "tanh", ["ELU"] = "elu", ["SiLU"] = "silu", ["Softplus"] = "softplus" };
        var failures = new List<string>();
        foreach ((string function, string key) in names)
        {
            float[] y = Run(ops, function, x);
            for (int i = 0; i < x.Length; i++)
            {
                string? failure = Check(function, x[i], rows[i].GetProperty(key).GetDouble(), y[i], Bounds[function], new Maxima());
                if (failure is not null)
                {
                    failures.Add($"{ops} (mpmath) {failure}");
                }
            }
        }

        // 35 of the 43 arguments are floats (0, +-0.5, +-1, ..., +-1e4); 1e-300, 1e-12, 1e-8 and 1e-4 are not.
        Assert.Equal(35, x.Length);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// softmax through the layer kernels: a layer with W = I and b = 0 has Z = X exactly, so A = softmax(X) as the
    /// batch kernel (lane exp of <typeparamref name="TOps"/>) and the one-example kernel compute it.
    /// </summary>
    public static (float[] Block, float[] Example) Softmax<TOps, TV, TLayer>(float[] rowMajor, int rows)
        where TOps : ILanes<TV, float>
        where TV : struct
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        float[] p = new float[TLayer.BiasOffset + n + 5];
        for (int k = 0; k < n; k++)
        {
            p[TLayer.WeightOffset + (k * n) + k] = 1f;
        }

        float[] block = new float[rows * n];
        float[] example = new float[rows * n];
        float[] lanes = new float[n * Dense.LaneStride];
        float[] a = new float[n * Dense.LaneStride];
        float[] unused = new float[1];
        for (int start = 0; start < rows; start += Dense.BlockRows)
        {
            int count = Math.Min(Dense.BlockRows, rows - start);
            Dense.ToLanes<float>(rowMajor.AsSpan(start * n, count * n), n, count, lanes);
            Dense.ForwardBlock<TOps, TV, float, TLayer, Activations.Softmax>(ref p[0], ref lanes[0], ref unused[0], false, ref a[0], count);
            Dense.FromLanes<float>(a, n, count, block.AsSpan(start * n, count * n));
        }

        for (int i = 0; i < rows; i++)
        {
            Dense.ForwardExample<TOps, TV, float, TLayer, Activations.Softmax>(ref p[0], ref rowMajor[i * n], ref example[i * n]);
        }

        return (block, example);
    }

    /// <summary>
    /// softmax within 1e-6 of double for the outputs whose z_k - max z &gt; -8, and NaN propagation. Further out the
    /// single-precision difference z_k - max z itself is rounded by up to half an ulp of it, which is 2^-21 and more
    /// below -8 (the test below covers all outputs).
    /// </summary>
    [Theory]
    [MemberData(nameof(Ops))]
    public void Softmax_stays_within_1e_6_of_double_where_z_minus_max_is_above_minus_8(string ops)
    {
        (Maxima block, Maxima example, List<string> failures) = CheckSoftmax(ops, d => d > -8);
        output.WriteLine($"| softmax, z - max > -8 (ForwardBlock) | {ops} | {block.Points:N0} | {block.Relative:E2} | {block.RelativeAt:R} | {block.Ulps:F2} | {block.UlpsAt:R} |");
        output.WriteLine($"| softmax, z - max > -8 (ForwardExample) | {ops} | {example.Points:N0} | {example.Relative:E2} | {example.RelativeAt:R} | {example.Ulps:F2} | {example.UlpsAt:R} |");

        // NaN anywhere in an example makes all of its outputs NaN, and no other example's.
        (Type opsType, Type vector) = KernelTypes.Ops(ops, typeof(float));
        float[] withNaN = { 1f, float.NaN, 2f, 0.5f, -1f, 3f };
        var (nb, ne) = ((float[], float[]))KernelTypes.Invoke(typeof(ActivationAccuracyTests), nameof(Softmax), new[] { opsType, vector, KernelTypes.Layer(3, 3) }, withNaN, 2)!;
        Assert.True(nb.Take(3).Concat(ne.Take(3)).All(float.IsNaN), $"{ops}: softmax of a row with NaN: {string.Join(", ", nb.Take(3))} / {string.Join(", ", ne.Take(3))}");
        Assert.True(nb.Skip(3).Concat(ne.Skip(3)).All(float.IsFinite), $"{ops}: the NaN leaked into the next example");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// softmax of widely spread logits (issue 8 item 3 requires 1e-6 relative of double): e^(z_k - max z) from the rounded
    /// single-precision difference had a relative error growing like 6e-8 |z_k - max z| (1.1e-6 for
    /// softmax([-9.857304f, -9.825991f, 6.4843416f])[0], 4.0e-6 further out); both kernels now restore the
    /// subtraction's rounding error (TwoSum) before the exponential.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ops))]
    public void Softmax_of_widely_spread_logits_is_within_1e_6_of_double(string ops)
    {
        (Maxima block, Maxima example, List<string> failures) = CheckSoftmax(ops, _ => true);
        output.WriteLine($"| softmax, all (ForwardBlock) | {ops} | {block.Points:N0} | {block.Relative:E2} | {block.RelativeAt:R} | {block.Ulps:F2} | {block.UlpsAt:R} |");
        output.WriteLine($"| softmax, all (ForwardExample) | {ops} | {example.Points:N0} | {example.Relative:E2} | {example.RelativeAt:R} | {example.Ulps:F2} | {example.UlpsAt:R} |");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Random rows of 3, 10 and 17 logits with spreads 0.1 to 100 (outputs down to e^-200, underflowing) and the mpmath
    /// vectors, through both softmax kernels; each output whose z_k - max z satisfies <paramref name="domain"/> is checked.
    /// </summary>
    private static (Maxima Block, Maxima Example, List<string> Failures) CheckSoftmax(string ops, Func<double, bool> domain)
    {
        (Type opsType, Type vector) = KernelTypes.Ops(ops, typeof(float));
        var failures = new List<string>();
        var blockMaxima = new Maxima();
        var exampleMaxima = new Maxima();
        var random = new Random(7);
        var cases = new List<(int Units, float[] Rows, double[]? Expected)>();
        foreach (int units in new[] { 3, 10, 17 })
        {
            foreach (double spread in new[] { 0.1, 1, 10, 30, 100 })
            {
                cases.Add((units, Enumerable.Range(0, 640 * units).Select(_ => (float)(((random.NextDouble() * 2) - 1) * spread)).ToArray(), null));
            }
        }

        JsonElement root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "extreme_activations.json"))).RootElement;
        foreach (JsonElement v in root.GetProperty("vectors").EnumerateArray())
        {
            float[] z = v.GetProperty("z").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            cases.Add((z.Length, z, v.GetProperty("softmax").EnumerateArray().Select(e => e.GetDouble()).ToArray()));
        }

        foreach ((int units, float[] x, double[]? mpmath) in cases)
        {
            int rows = x.Length / units;
            var (block, example) = ((float[], float[]))KernelTypes.Invoke(
                typeof(ActivationAccuracyTests), nameof(Softmax), new[] { opsType, vector, KernelTypes.Layer(units, units) }, x, rows)!;
            for (int i = 0; i < rows; i++)
            {
                double[] row = x.Skip(i * units).Take(units).Select(f => (double)f).ToArray();
                double[] expected = mpmath ?? DenseReference.Softmax(row);
                for (int k = 0; k < units; k++)
                {
                    if (!domain(row[k] - row.Max()))
                    {
                        continue;
                    }

                    foreach ((string kernel, float[] result, Maxima maxima) in new[] { ("ForwardBlock", block, blockMaxima), ("ForwardExample", example, exampleMaxima) })
                    {
                        string? failure = Check($"softmax {kernel}", x[(i * units) + k], expected[k], result[(i * units) + k], 1e-6, maxima);
                        if (failure is not null && failures.Count < 20)
                        {
                            failures.Add($"{ops} {failure} in [{string.Join(", ", row.Select(f => ((float)f).ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]");
                        }
                    }
                }
            }
        }

        return (blockMaxima, exampleMaxima, failures);
    }
}
