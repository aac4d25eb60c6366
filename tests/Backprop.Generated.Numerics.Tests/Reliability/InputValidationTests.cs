using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// Every span API of a generated network rejects a wrong length with an <see cref="ArgumentException"/>
/// that names the parameter and states the expected and the actual length, before anything is written:
/// output buffers, gradient buffers, the parameters and the optimizer state are exactly as before.
/// Each bad input and the message it produced is printed (the list in the issue's closing note).
/// </summary>
public class InputValidationTests
{
    private readonly ITestOutputHelper _output;

    public InputValidationTests(ITestOutputHelper output) => _output = output;

    private const float FloatSentinel = 42.5f;

    private delegate void Call<T>(INetwork<T> net, T[] a, T[] b, T[] c, IOptimizer optimizer)
        where T : unmanaged;

    /// <summary>One API call with buffers of the given lengths; which parameter is wrong and its expected length.</summary>
    private sealed record BadCall<T>(string Api, int A, int B, int C, string Parameter, int? Expected, Call<T> Invoke)
        where T : unmanaged;

    private static IEnumerable<BadCall<T>> BadCalls<T>(INetwork<T> net)
        where T : unmanaged
    {
        int n0 = net.InputSize, nL = net.OutputSize, p = net.ParameterCount;
        Call<T> forward = (x, a, b, _, _) => x.Forward(a, b);
        Call<T> batch = (x, a, b, _, _) => x.ForwardBatch(a, b);
        Call<T> gradients = (x, a, b, c, _) => x.ComputeGradients(a, b, c);
        Call<T> step = (x, a, b, _, o) => x.TrainStep(a, b, o);
        Call<T> fit = (x, a, b, _, o) => x.Fit(a, b, o, epochs: 2, batchSize: 2);

        yield return new("Forward", n0 - 1, nL, 0, "input", n0, forward);
        yield return new("Forward", n0 + 1, nL, 0, "input", n0, forward);
        yield return new("Forward", 0, nL, 0, "input", n0, forward);
        yield return new("Forward", n0, nL - 1, 0, "output", nL, forward);
        yield return new("Forward", n0, nL + 3, 0, "output", nL, forward);
        yield return new("Forward", n0, 0, 0, "output", nL, forward);
        yield return new("ForwardBatch", (2 * n0) + 1, 2 * nL, 0, "inputs", null, batch);
        yield return new("ForwardBatch", 3 * n0, 2 * nL, 0, "outputs", 3 * nL, batch);
        yield return new("ForwardBatch", 3 * n0, (3 * nL) + 1, 0, "outputs", 3 * nL, batch);
        yield return new("ComputeGradients", (2 * n0) - 1, 2 * nL, p, "inputs", null, gradients);
        yield return new("ComputeGradients", 0, 0, p, "inputs", null, gradients);
        yield return new("ComputeGradients", 2 * n0, (2 * nL) - 1, p, "targets", 2 * nL, gradients);
        yield return new("ComputeGradients", 2 * n0, 2 * nL, p - 1, "gradients", p, gradients);
        yield return new("ComputeGradients", 2 * n0, 2 * nL, p + 1, "gradients", p, gradients);
        yield return new("TrainStep", (2 * n0) + 1, 2 * nL, 0, "inputs", null, step);
        yield return new("TrainStep", 0, 0, 0, "inputs", null, step);
        yield return new("TrainStep", 2 * n0, 3 * nL, 0, "targets", 2 * nL, step);
        yield return new("Fit", (4 * n0) + 2, 4 * nL, 0, "inputs", null, fit);
        yield return new("Fit", 4 * n0, 5 * nL, 0, "targets", 4 * nL, fit);
        yield return new("Fit", 0, 0, 0, "inputs", null, fit);
    }

    [Fact]
    public void Wrong_lengths_throw_before_writing_single() => CheckAll(new GuardedSmall(), FloatSentinel);

    [Fact]
    public void Wrong_lengths_throw_before_writing_double() => CheckAll(new GuardedWideDouble(), -7.25);

    private void CheckAll<T>(INetwork<T> net, T sentinel)
        where T : unmanaged, IEquatable<T>
    {
        net.InitializeParameters(11);
        T[] parameters = net.Parameters.ToArray();
        int count = 0;
        foreach (BadCall<T> call in BadCalls(net))
        {
            var random = new Random(count);
            T[] a = Enumerable.Range(0, call.A).Select(_ => (T)Convert.ChangeType(random.NextDouble(), typeof(T))).ToArray();
            T[] b = Enumerable.Repeat(sentinel, call.B).ToArray();
            T[] c = Enumerable.Repeat(sentinel, call.C).ToArray();
            if (call.Api is "ComputeGradients" or "TrainStep" or "Fit")
            {
                // Targets are inputs here (read-only): valid values, so only the length is wrong.
                b = Enumerable.Range(0, call.B).Select(_ => (T)Convert.ChangeType(random.NextDouble() < 0.5 ? 0d : 1d, typeof(T))).ToArray();
            }

            T[] bBefore = b.ToArray(), cBefore = c.ToArray();
            var optimizer = new Adam();
            ArgumentException exception = Assert.ThrowsAny<ArgumentException>(() => call.Invoke(net, a, b, c, optimizer));
            string what = $"{typeof(T).Name} {call.Api}(lengths {call.A}, {call.B}{(call.Api is "ComputeGradients" ? ", " + call.C : string.Empty)})";
            _output.WriteLine($"{what}: {exception.GetType().Name}: {exception.Message}");

            Assert.Equal(call.Parameter, exception.ParamName);
            Assert.Contains($"'{call.Parameter}'", exception.Message, StringComparison.Ordinal);
            int actual = call.Parameter switch { "input" or "inputs" => call.A, "output" or "outputs" or "targets" => call.B, _ => call.C };
            if (call.Expected is { } expected)
            {
                Assert.Contains($"must have length {expected} but has length {actual}", exception.Message, StringComparison.Ordinal);
            }
            else if (actual == 0)
            {
                Assert.Contains("must hold at least one example (row) but is empty", exception.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains($"whole rows of {net.InputSize} values", exception.Message, StringComparison.Ordinal);
                Assert.Contains($"has length {actual}", exception.Message, StringComparison.Ordinal);
            }

            // Nothing was written: the output/gradient buffers, the parameters, the optimizer.
            Assert.Equal(bBefore, b);
            Assert.Equal(cBefore, c);
            Assert.True(parameters.AsSpan().SequenceEqual(net.Parameters), $"{what} changed the parameters");
            Assert.Equal(0, optimizer.StepCount);
            count++;
        }

        Assert.Equal(20, count);
    }

    [Fact]
    public void Fixed_size_Forward_cannot_be_given_a_wrong_length()
    {
        // The Input/Output value types carry their length in the type: no check is needed, none can fail.
        var net = new GuardedSmall();
        net.InitializeParameters(3);
        GuardedSmall.Input x = default;
        x[0] = 1f; x[1] = -2f; x[2] = 0.5f;
        GuardedSmall.Output y = net.Forward(in x);
        float[] viaSpans = new float[GuardedSmall.OutputSize];
        net.Forward(new float[] { 1f, -2f, 0.5f }, viaSpans);
        Assert.Equal(viaSpans, ((ReadOnlySpan<float>)y).ToArray());
    }

    [Fact]
    public void A_null_optimizer_is_rejected_before_anything_changes()
    {
        var net = new GuardedSmall();
        net.InitializeParameters(5);
        float[] before = net.Parameters.ToArray();
        ArgumentNullException exception = Assert.Throws<ArgumentNullException>(() => net.TrainStep(new float[3], new float[2], null!));
        _output.WriteLine($"TrainStep(optimizer: null): {exception.Message}");
        Assert.Equal("optimizer", exception.ParamName);
        Assert.Equal(before, net.Parameters.ToArray());
    }
}
