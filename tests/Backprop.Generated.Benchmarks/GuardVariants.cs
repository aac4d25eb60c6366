using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using Backprop.Generated.Compute;
using Backprop.Generated.Internals;

/// <summary>
/// <c>--guard-variants [rounds]</c>: W1's generated one-example pass copied four ways, to show what the argument guards'
/// throw helpers and the parameters' storage cost (docs/performance.md, "The argument guards, and a tiny network's
/// parameters in the instance"), beside the hand-unrolled peer. Each variant is called through a non-inlined wrapper,
/// as the paired benchmark's delegate calls the real one; rounds of 2 million calls alternate, and the median ns per
/// call is printed. Pin it to one core (taskset -c 1).
/// </summary>
internal static class GuardVariants
{
    private const int W1Offset = 0, b1Offset = 6, W2Offset = 8, b2Offset = 10, ParameterCount = 11, InputSize = 3, OutputSize = 1;

    public static void Run(int rounds)
    {
        var random = new Random(1);
        float[] p = Enumerable.Range(0, ParameterCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var before = new BeforeGuards(p);
        var aligned = new AlignedParameters(p);
        var inline = new InlineParameters(p);
        var unguarded = new NoGuards(p);
        HandUnrolledMlp? hand = HandUnrolledMlp.Create(Workloads.W1, p);
        float[] x = { 0.3f, -0.2f, 0.9f }, y = new float[1];
        const int Calls = 2_000_000;
        var variants = new List<(string Name, Action Body)>
        {
            ("AlignedArray parameters, throw helpers NoInlining (as generated before)", () => { for (int i = 0; i < Calls; i++) CallBefore(before, x, y); }),
            ("AlignedArray parameters, ShapeGuard as now", () => { for (int i = 0; i < Calls; i++) CallAligned(aligned, x, y); }),
            ("[InlineArray] parameters, ShapeGuard as now (as generated now)", () => { for (int i = 0; i < Calls; i++) CallInline(inline, x, y); }),
            ("[InlineArray] parameters, no guards (not shippable; for scale)", () => { for (int i = 0; i < Calls; i++) CallUnguarded(unguarded, x, y); }),
        };
        if (hand is not null)
        {
            variants.Add(("hand-unrolled peer", () => { for (int i = 0; i < Calls; i++) CallHand(hand, x, y); }));
        }

        var times = variants.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds + 3; round++)
        {
            for (int v = 0; v < variants.Count; v++)
            {
                long start = Stopwatch.GetTimestamp();
                variants[v].Body();
                if (round >= 3)
                {
                    times[v].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / Calls);
                }
            }
        }

        for (int v = 0; v < variants.Count; v++)
        {
            times[v].Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {variants[v].Name} | {times[v][times[v].Count / 2]:F1} |"));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallBefore(BeforeGuards n, float[] x, float[] y) => n.Forward(x, y);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallAligned(AlignedParameters n, float[] x, float[] y) => n.Forward(x, y);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallInline(InlineParameters n, float[] x, float[] y) => n.Forward(x, y);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallUnguarded(NoGuards n, float[] x, float[] y) => n.Forward(x, y);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallHand(HandUnrolledMlp n, float[] x, float[] y) => n.Forward(x, y);

    /// <summary>The pass's body, as the generator writes it for W1 (3-2-1, sigmoid/sigmoid).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass(ReadOnlySpan<float> theta, ReadOnlySpan<float> a0, Span<float> output)
    {
        _ = theta[ParameterCount - 1];
        _ = a0[InputSize - 1];
        _ = output[OutputSize - 1];
        float z1_0 = theta[b1Offset] + a0[0] * theta[W1Offset] + a0[1] * theta[W1Offset + 2] + a0[2] * theta[W1Offset + 4];
        float z1_1 = theta[b1Offset + 1] + a0[0] * theta[W1Offset + 1] + a0[1] * theta[W1Offset + 3] + a0[2] * theta[W1Offset + 5];
        UnrolledActivations.Sigmoid(z1_0, z1_1, out float a1_0, out float a1_1);
        float z2_0 = theta[b2Offset] + a1_0 * theta[W2Offset] + a1_1 * theta[W2Offset + 1];
        output[0] = UnrolledActivations.Sigmoid(z2_0);
    }

    private sealed class BeforeGuards(float[] p)
    {
        private readonly AlignedArray<float> _parameters = Copy(p);

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            OldGuard.Length(input.Length, InputSize, nameof(input));
            OldGuard.Length(output.Length, OutputSize, nameof(output));
            Pass(_parameters, input, output);
        }
    }

    private sealed class AlignedParameters(float[] p)
    {
        private readonly AlignedArray<float> _parameters = Copy(p);

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            ShapeGuard.Length(input.Length, InputSize, nameof(input));
            ShapeGuard.Length(output.Length, OutputSize, nameof(output));
            Pass(_parameters, input, output);
        }
    }

    [InlineArray(ParameterCount + 16)]
    private struct Block
    {
        private float _element0;
    }

    private sealed class InlineParameters
    {
        private Block _parameters;

        public InlineParameters(float[] p) => p.CopyTo(_parameters);

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            ShapeGuard.Length(input.Length, InputSize, nameof(input));
            ShapeGuard.Length(output.Length, OutputSize, nameof(output));
            Pass(_parameters, input, output);
        }
    }

    private sealed class NoGuards
    {
        private Block _parameters;

        public NoGuards(float[] p) => p.CopyTo(_parameters);

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => Pass(_parameters, input, output);
    }

    private static AlignedArray<float> Copy(float[] p)
    {
        var a = new AlignedArray<float>(p.Length);
        p.CopyTo(a.Span);
        return a;
    }

    /// <summary>ShapeGuard as it was: the throw helper marked NoInlining, so the JIT cannot see it never returns.</summary>
    private static class OldGuard
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Length(int actual, int expected, string parameterName)
        {
            if (actual != expected)
            {
                Throw(actual, expected, parameterName);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Throw(int actual, int expected, string parameterName) =>
            throw new ArgumentException($"'{parameterName}' must have length {expected} but has length {actual}.", parameterName);
    }
}
