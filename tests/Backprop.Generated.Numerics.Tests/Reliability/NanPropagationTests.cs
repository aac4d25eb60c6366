using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Backprop.Generated.Internals;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// A NaN anywhere (an input, a weight, an output bias, a target) reaches every value that depends on it, as
/// in PyTorch, and never turns into a finite number: checked for every activation (as hidden and output
/// layer), every loss, unrolled and vector-loop layers, float and double, single Forward, ForwardBatch and
/// ComputeGradients. The expected values (NaN where PyTorch gives NaN, the number elsewhere) were computed by
/// PyTorch autograd in Reference/nan_propagation.py and committed in Reference/nan_propagation.json; the
/// networks are declared in NanNetworks.cs.
/// </summary>
public class NanPropagationTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "nan_propagation.json"))).RootElement;

    /// <summary>The parameters every network starts from, before one is replaced by NaN (as nan_propagation.py).</summary>
    public static double Parameter(int q) => (((q * 7) + 3) % 17 - 8) / 10.0;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (JsonElement network in Root.GetProperty("networks").EnumerateArray())
        {
            foreach (JsonElement c in network.GetProperty("cases").EnumerateArray())
            {
                data.Add(network.GetProperty("name").GetString()!, c.GetProperty("case").GetString()!);
            }
        }

        return data;
    }

    [Fact]
    public void Every_network_and_case_of_the_reference_is_tested()
    {
        // 9 activations + 2 losses, 2 forms, 2 precisions; 4 places for the NaN.
        Assert.Equal(44, Root.GetProperty("networks").GetArrayLength());
        Assert.Equal(44 * 4, Cases().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_gives_NaN_exactly_where_PyTorch_does(string network, string nanAt)
    {
        Case c = Load(network, nanAt);
        if (c.IsSingle)
        {
            Check<float>(c, (net, x) => RowByRow(net, x));
        }
        else
        {
            Check<double>(c, (net, x) => RowByRow(net, x));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBatch_gives_NaN_exactly_where_PyTorch_does(string network, string nanAt)
    {
        Case c = Load(network, nanAt);
        if (c.IsSingle)
        {
            Check<float>(c, Batch);
        }
        else
        {
            Check<double>(c, Batch);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputeGradients_cost_and_gradients_are_NaN_exactly_where_PyTorch_says(string network, string nanAt)
    {
        Case c = Load(network, nanAt);
        if (c.IsSingle)
        {
            CheckGradients<float>(c);
        }
        else
        {
            CheckGradients<double>(c);
        }
    }

    /// <summary>The reported example: ReLU mapped a NaN input to 0, and ComputeGradients returned the finite cost 0.5.</summary>
    [Fact]
    public void Issue_example_ReLU_network_returns_NaN_for_a_NaN_input()
    {
        var net = new NanIssueReLU();
        new float[] { 1, -1, 0.5f, 0.5f, 0.1f, 0.2f, 1, 1, 0 }.CopyTo(net.Parameters);
        float[] output = new float[1];
        net.Forward(new[] { float.NaN, 1f }, output);
        Assert.True(float.IsNaN(output[0]), $"Forward returned {output[0]}; PyTorch returns NaN");

        float[] gradients = new float[NanIssueReLU.ParameterCount];
        float cost = net.ComputeGradients(new[] { float.NaN, 1f }, new[] { 1f }, gradients);
        Assert.True(float.IsNaN(cost), $"ComputeGradients returned the cost {cost}; PyTorch returns NaN");
        Assert.All(gradients, g => Assert.True(float.IsNaN(g), $"gradient {g}; PyTorch's are all NaN"));
    }

    public static TheoryData<string> ScalarFunctions()
    {
        var data = new TheoryData<string>();
        foreach (MethodInfo method in ScalarMethods())
        {
            data.Add(Describe(method));
        }

        return data;
    }

    /// <summary>
    /// Every public scalar function the generated code can call (each activation, in float and double) returns NaN
    /// when any of its arguments is NaN (the derivatives and losses are the kernels', covered through ComputeGradients
    /// above and RuntimeLoss below). Found by reflection, so a new function is covered without editing this test.
    /// </summary>
    [Theory]
    [MemberData(nameof(ScalarFunctions))]
    public void Every_scalar_runtime_function_returns_NaN_for_a_NaN_argument(string name)
    {
        MethodInfo method = ScalarMethods().Single(m => Describe(m) == name);
        ParameterInfo[] parameters = method.GetParameters();
        bool single = method.ReturnType == typeof(float);
        foreach (double finite in new[] { -3.0, -0.0, 0.0, 2.0 })
        {
            for (int nanAt = 0; nanAt < parameters.Length; nanAt++)
            {
                object[] arguments = parameters.Select((_, i) => i == nanAt ? Value(double.NaN, single) : Value(finite, single)).ToArray();
                double result = Convert.ToDouble(method.Invoke(null, arguments), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(double.IsNaN(result), $"{name} with argument {nanAt} NaN (others {finite}) returned {result}");
            }
        }
    }

    [Fact]
    public void Span_runtime_functions_return_NaN_when_one_element_is_NaN()
    {
        float[] zf = { 1f, float.NaN, -2f };
        ActivationFunctions.Softmax(zf.AsSpan());
        Assert.All(zf, v => Assert.True(float.IsNaN(v)));
        double[] zd = { 1d, double.NaN, -2d };
        ActivationFunctions.Softmax(zd.AsSpan());
        Assert.All(zd, v => Assert.True(double.IsNaN(v)));

        foreach (int at in new[] { 0, 1, 2 })
        {
            float[] logits = { 3f, -1f, 2f };
            logits[at] = float.NaN;
            Assert.True(float.IsNaN(RuntimeLoss.CrossEntropy(logits, new[] { 0f, 1f, 0f })), $"CrossEntropy, NaN logit at {at}");
            double[] logitsD = { 3d, -1d, 2d };
            logitsD[at] = double.NaN;
            Assert.True(double.IsNaN(RuntimeLoss.CrossEntropy(logitsD, new[] { 0d, 1d, 0d })), $"CrossEntropy (double), NaN logit at {at}");
            float[] targets = { 0f, 1f, 0f };
            targets[at] = float.NaN;
            Assert.True(float.IsNaN(RuntimeLoss.CrossEntropy(new[] { 3f, -1f, 2f }, targets)), $"CrossEntropy, NaN target at {at}");
            double[] targetsD = { 0d, 1d, 0d };
            targetsD[at] = double.NaN;
            Assert.True(double.IsNaN(RuntimeLoss.CrossEntropy(new[] { 3d, -1d, 2d }, targetsD)), $"CrossEntropy (double), NaN target at {at}");
        }
    }

    private static IEnumerable<MethodInfo> ScalarMethods() =>
        new[] { typeof(ActivationFunctions) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => (m.ReturnType == typeof(float) || m.ReturnType == typeof(double))
                        && m.GetParameters().Length > 0
                        && m.GetParameters().All(p => p.ParameterType == m.ReturnType));

    private static string Describe(MethodInfo m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";

    private static object Value(double value, bool single) => single ? (object)(float)value : value;

    private sealed record Case(string Network, string NanAt, bool IsSingle, JsonElement Reference, double[][] X, double[][] Y, int NanParameter);

    private static Case Load(string network, string nanAt)
    {
        JsonElement entry = Root.GetProperty("networks").EnumerateArray().Single(n => n.GetProperty("name").GetString() == network);
        JsonElement reference = entry.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("case").GetString() == nanAt);
        int[] sizes = entry.GetProperty("sizes").EnumerateArray().Select(s => s.GetInt32()).ToArray();
        int parameterCount = Enumerable.Range(1, sizes.Length - 1).Sum(l => (sizes[l - 1] * sizes[l]) + sizes[l]);
        double[][] x = Root.GetProperty("x").EnumerateArray().Select(Row).ToArray();
        double[][] y = Root.GetProperty("targets").GetProperty(entry.GetProperty("loss").GetString()!).EnumerateArray().Select(Row).ToArray();
        int nanParameter = -1;
        switch (nanAt)
        {
            case "input": x[1][0] = double.NaN; break;
            case "weight": nanParameter = 0; break;
            case "outputBias": nanParameter = parameterCount - sizes[^1]; break;
            case "target": y[1][1] = double.NaN; break;
            default: throw new ArgumentException(nanAt);
        }

        return new Case(network, nanAt, network.EndsWith("Single", StringComparison.Ordinal), reference, x, y, nanParameter);
    }

    private static double[] Row(JsonElement row) => row.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static INetwork<T> Create<T>(Case c)
        where T : unmanaged
    {
        Type type = typeof(NanPropagationTests).Assembly.GetType("Backprop.Generated.Numerics.Tests.Reliability." + c.Network, throwOnError: true)!;
        var net = (INetwork<T>)Activator.CreateInstance(type)!;
        Span<T> parameters = net.Parameters;
        for (int q = 0; q < parameters.Length; q++)
        {
            parameters[q] = Cast<T>(q == c.NanParameter ? double.NaN : Parameter(q));
        }

        return net;
    }

    private static T Cast<T>(double value) => typeof(T) == typeof(float) ? (T)(object)(float)value : (T)(object)value;

    private static double ToDouble<T>(T value) => value is float f ? f : (double)(object)value!;

    private static T[] Flat<T>(double[][] rows) => rows.SelectMany(r => r).Select(Cast<T>).ToArray();

    private static T[] RowByRow<T>(INetwork<T> net, double[][] x)
        where T : unmanaged
    {
        var outputs = new T[x.Length * net.OutputSize];
        for (int i = 0; i < x.Length; i++)
        {
            net.Forward(Flat<T>(new[] { x[i] }), outputs.AsSpan(i * net.OutputSize, net.OutputSize));
        }

        return outputs;
    }

    private static T[] Batch<T>(INetwork<T> net, double[][] x)
        where T : unmanaged
    {
        var outputs = new T[x.Length * net.OutputSize];
        net.ForwardBatch(Flat<T>(x), outputs);
        return outputs;
    }

    private static void Check<T>(Case c, Func<INetwork<T>, double[][], T[]> forward)
        where T : unmanaged
    {
        INetwork<T> net = Create<T>(c);
        T[] actual = forward(net, c.X);
        double?[] expected = c.Reference.GetProperty("outputs").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(Nullable).ToArray();
        Compare(c, "output", expected, actual.Select(ToDouble).ToArray());
    }

    private static void CheckGradients<T>(Case c)
        where T : unmanaged
    {
        INetwork<T> net = Create<T>(c);
        var gradients = new T[net.ParameterCount];
        double cost = ToDouble(net.ComputeGradients(Flat<T>(c.X), Flat<T>(c.Y), gradients));
        Compare(c, "cost J", new[] { Nullable(c.Reference.GetProperty("cost")) }, new[] { cost });
        double?[] expected = c.Reference.GetProperty("gradients").EnumerateArray().Select(Nullable).ToArray();
        Compare(c, "dJ/dtheta", expected, gradients.Select(ToDouble).ToArray());
    }

    private static double? Nullable(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDouble();

    private static void Compare(Case c, string what, double?[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        (double relative, double absolute) = c.IsSingle ? (1e-4, 1e-5) : (1e-10, 1e-12);
        var wrong = new List<string>();
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = expected[i] is { } e
                ? double.IsFinite(actual[i]) && Math.Abs(actual[i] - e) <= absolute + (relative * Math.Abs(e))
                : double.IsNaN(actual[i]);
            if (!ok)
            {
                wrong.Add($"[{i}] {actual[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, PyTorch {(expected[i] is { } v ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "NaN")}");
            }
        }

        Assert.True(wrong.Count == 0, $"{c.Network}, NaN in {c.NanAt}: {wrong.Count} of {expected.Length} {what} values differ: {string.Join("; ", wrong.Take(8))}");
    }
}
