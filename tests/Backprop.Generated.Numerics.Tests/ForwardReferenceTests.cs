using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using Backprop.Generated.Numerics.Tests.ForwardReference;
using Xunit;

namespace Backprop.Generated.Numerics.Tests;

/// <summary>
/// Forward passes of generated networks against PyTorch (Reference/forward_reference.py wrote the float64
/// outputs from the same float32 weights and inputs). Tolerance: 1e-5 relative plus 1e-6 absolute for
/// float, 1e-12 relative plus 1e-14 absolute for double.
/// </summary>
public class ForwardReferenceTests
{
    private delegate void SpanForward<T>(ReadOnlySpan<T> input, Span<T> output);

    private delegate Span<T> SpanGetter<T>();

    /// <summary>A network under test, seen through its span APIs.</summary>
    private sealed record Subject<T>(int InputSize, int OutputSize, int ParameterCount, SpanGetter<T> Parameters, SpanForward<T> Forward, SpanForward<T> ForwardBatch);

    private static readonly Dictionary<string, object> Subjects = new()
    {
        ["Student"] = Make(new Student()),
        ["Mixed4"] = Make(new Mixed4()),
        ["EveryActivation"] = Make(new EveryActivation()),
        ["SoftmaxHidden"] = Make(new SoftmaxHidden()),
        ["LoopThenUnrolled"] = Make(new LoopThenUnrolled()),
        ["UnrolledLoopUnrolled"] = Make(new UnrolledLoopUnrolled()),
        ["Mnist"] = Make(new Mnist()),
        ["DoubleNet"] = Make(new DoubleNet()),
        ["Digits"] = Make(new Digits()),
        ["Wide16"] = Make(new Wide16()),
        ["Sigmoid12"] = Make(new Sigmoid12()),
    };

    private static Subject<float> Make(Student n) => new(Student.InputSize, Student.OutputSize, Student.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(Mixed4 n) => new(Mixed4.InputSize, Mixed4.OutputSize, Mixed4.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(EveryActivation n) => new(EveryActivation.InputSize, EveryActivation.OutputSize, EveryActivation.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(SoftmaxHidden n) => new(SoftmaxHidden.InputSize, SoftmaxHidden.OutputSize, SoftmaxHidden.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(LoopThenUnrolled n) => new(LoopThenUnrolled.InputSize, LoopThenUnrolled.OutputSize, LoopThenUnrolled.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(UnrolledLoopUnrolled n) => new(UnrolledLoopUnrolled.InputSize, UnrolledLoopUnrolled.OutputSize, UnrolledLoopUnrolled.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(Mnist n) => new(Mnist.InputSize, Mnist.OutputSize, Mnist.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(Digits n) => new(Digits.InputSize, Digits.OutputSize, Digits.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(Wide16 n) => new(Wide16.InputSize, Wide16.OutputSize, Wide16.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<float> Make(Sigmoid12 n) => new(Sigmoid12.InputSize, Sigmoid12.OutputSize, Sigmoid12.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    private static Subject<double> Make(DoubleNet n) => new(DoubleNet.InputSize, DoubleNet.OutputSize, DoubleNet.ParameterCount, () => n.Parameters, n.Forward, n.ForwardBatch);

    public static IEnumerable<object[]> Cases() => Reference.Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_ForwardBatch_match_pytorch(string name)
    {
        ReferenceCase reference = Reference.Cases.Single(c => c.Name == name);
        if (reference.Precision == "float")
        {
            Check((Subject<float>)Subjects[name], reference, b => MemoryMarshal.Cast<byte, float>(b).ToArray(), 1e-5, 1e-6);
        }
        else
        {
            Check((Subject<double>)Subjects[name], reference, b => MemoryMarshal.Cast<byte, double>(b).ToArray(), 1e-12, 1e-14);
        }
    }

    /// <summary>The generated one-example pass of a small float network, per register width (private static methods).</summary>
    private delegate void WidthForward(ReadOnlySpan<float> theta, ReadOnlySpan<float> a0, Span<float> output);

    private static readonly Dictionary<string, Type> FloatTypes = new()
    {
        ["Student"] = typeof(Student),
        ["Mixed4"] = typeof(Mixed4),
        ["EveryActivation"] = typeof(EveryActivation),
        ["SoftmaxHidden"] = typeof(SoftmaxHidden),
        ["LoopThenUnrolled"] = typeof(LoopThenUnrolled),
        ["UnrolledLoopUnrolled"] = typeof(UnrolledLoopUnrolled),
        ["Mnist"] = typeof(Mnist),
        ["Digits"] = typeof(Digits),
        ["Wide16"] = typeof(Wide16),
        ["Sigmoid12"] = typeof(Sigmoid12),
    };

    /// <summary>
    /// Small float networks with register-held layers get their one-example pass written once per register width
    /// (ForwardInRegisters512/256/128) plus ForwardWithoutSimd; Forward runs only the widest accelerated one. Every
    /// width is run here directly, whatever the machine (a Vector512 method runs in software where AVX-512 is absent),
    /// against PyTorch with the same tolerance.
    /// </summary>
    [Fact]
    public void Every_register_width_of_the_one_example_pass_matches_pytorch()
    {
        var covered = new List<string>();
        foreach ((string name, Type type) in FloatTypes)
        {
            ReferenceCase reference = Reference.Cases.Single(c => c.Name == name);
            var subject = (Subject<float>)Subjects[name];
            float[] parameters = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(reference.Parameters)).ToArray();
            float[] inputs = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(reference.Inputs)).ToArray();
            parameters.CopyTo(subject.Parameters());
            foreach (string method in new[] { "ForwardInRegisters512", "ForwardInRegisters256", "ForwardInRegisters128", "ForwardWithoutSimd" })
            {
                System.Reflection.MethodInfo? info = type.GetMethod(method, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
                if (info is null)
                {
                    continue;
                }

                covered.Add($"{name}.{method}");
                WidthForward forward = info.CreateDelegate<WidthForward>();
                for (int i = 0; i < reference.Rows; i++)
                {
                    var one = new float[subject.OutputSize];
                    forward(subject.Parameters(), inputs.AsSpan(i * subject.InputSize, subject.InputSize), one);
                    AssertClose(reference.Expected.AsSpan(i * subject.OutputSize, subject.OutputSize).ToArray(), one, 1e-5, 1e-6, $"{name}.{method} row {i}");
                }
            }
        }

        // The networks whose one-example pass is register code (Mixed4: ReLU, ELU, SiLU layers of 8, 6, 5 units;
        // EveryActivation: every g on 6-unit layers; SoftmaxHidden: a hidden softmax of 4 units; Digits, Wide16 and
        // Sigmoid12: layers of more than 32 bytes, so 512-bit registers too), at every width their widest layer needs;
        // the others keep the runtime's kernels.
        string[] widths512 = { "ForwardInRegisters128", "ForwardInRegisters256", "ForwardInRegisters512", "ForwardWithoutSimd" };
        string[] widths256 = { "ForwardInRegisters128", "ForwardInRegisters256", "ForwardWithoutSimd" };
        Assert.Equal(
            widths512.Select(m => $"Digits.{m}")
                .Concat(widths256.Select(m => $"EveryActivation.{m}"))
                .Concat(widths256.Select(m => $"Mixed4.{m}"))
                .Concat(widths512.Select(m => $"Sigmoid12.{m}"))
                .Concat(new[] { "SoftmaxHidden.ForwardInRegisters128", "SoftmaxHidden.ForwardWithoutSimd" })
                .Concat(widths512.Select(m => $"Wide16.{m}")),
            covered.Order());
    }

    [Fact]
    public void Every_reference_case_has_a_declared_network_with_its_shape()
    {
        Assert.Equal(Subjects.Keys.Order(), Reference.Cases.Select(c => c.Name).Order());
        Assert.All(Reference.Cases, c => Assert.Equal(c.Sizes[0], Subjects[c.Name] is Subject<float> f ? f.InputSize : ((Subject<double>)Subjects[c.Name]).InputSize));
    }

    private static void Check<T>(Subject<T> subject, ReferenceCase reference, Func<byte[], T[]> decode, double relative, double absolute)
        where T : struct, IConvertible
    {
        string name = reference.Name;
        T[] parameters = decode(Convert.FromBase64String(reference.Parameters));
        T[] inputs = decode(Convert.FromBase64String(reference.Inputs));
        Assert.Equal(subject.ParameterCount, parameters.Length);
        Assert.Equal(reference.Rows * subject.InputSize, inputs.Length);
        Assert.Equal(reference.Rows * subject.OutputSize, reference.Expected.Length);

        // Load through the documented flat layout, as users do.
        parameters.CopyTo(subject.Parameters());

        var batch = new T[reference.Rows * subject.OutputSize];
        subject.ForwardBatch(inputs, batch);
        AssertClose(reference.Expected, batch, relative, absolute, $"{name} ForwardBatch");

        for (int i = 0; i < reference.Rows; i++)
        {
            var one = new T[subject.OutputSize];
            subject.Forward(inputs.AsSpan(i * subject.InputSize, subject.InputSize), one);
            AssertClose(reference.Expected.AsSpan(i * subject.OutputSize, subject.OutputSize).ToArray(), one, relative, absolute, $"{name} Forward row {i}");

            // Row by row and batched run different kernels (units or examples in SIMD lanes): they agree to rounding.
            AssertClose(batch.AsSpan(i * subject.OutputSize, subject.OutputSize).ToArray().Select(v => v.ToDouble(CultureInfo.InvariantCulture)).ToArray(), one, relative, absolute, $"{name} Forward row {i} against ForwardBatch");
        }
    }

    private static void AssertClose<T>(double[] expected, T[] actual, double relative, double absolute, string what)
        where T : struct, IConvertible
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double got = actual[i].ToDouble(null);
            double tolerance = (relative * Math.Abs(expected[i])) + absolute;
            Assert.True(
                Math.Abs(got - expected[i]) <= tolerance,
                $"{what}[{i}]: expected {expected[i]:R} (PyTorch, float64), got {got:R}, |error| {Math.Abs(got - expected[i]):E2} > {tolerance:E2}");
        }
    }
}
