using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// NaN and infinities never reach the parameters silently: a step whose cost or gradients are not
/// finite throws <see cref="TrainingDivergedException"/> and leaves the parameters (and the optimizer's
/// state) bit-for-bit as they were; Fit stops with the same exception and the last good step's parameters.
/// </summary>
public class NonFiniteTrainingTests
{
    private readonly ITestOutputHelper _output;

    public NonFiniteTrainingTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, float> BadInputs => new()
    {
        { "NaN in X", float.NaN },
        { "+Inf in X", float.PositiveInfinity },
        { "-Inf in X", float.NegativeInfinity },
        { "NaN in Y", float.NaN },
        { "+Inf in Y", float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void A_non_finite_step_throws_and_changes_nothing(string what, float bad)
    {
        foreach (IOptimizer optimizer in new IOptimizer[] { new Sgd(0.1, momentum: 0.9), new Adam() })
        {
            var net = new GuardedSmall();
            net.InitializeParameters(4);
            // A few good steps first, so the optimizer has state (momentum, moments) to protect.
            float[] x = { 0.1f, -0.2f, 0.3f, 0.5f, 0.4f, -0.6f };
            float[] y = { 1f, 0f, 0f, 1f };
            net.TrainStep(x, y, optimizer);
            net.TrainStep(x, y, optimizer);
            float[] before = net.Parameters.ToArray();

            float[] badX = x.ToArray(), badY = y.ToArray();
            if (what.Contains("in Y", StringComparison.Ordinal))
            {
                badY[1] = bad;
            }
            else
            {
                badX[4] = bad;
            }

            var exception = Assert.Throws<TrainingDivergedException>(() => net.TrainStep(badX, badY, optimizer));
            _output.WriteLine($"{optimizer.GetType().Name}, {what}: {exception.Message}");
            Assert.True(before.AsSpan().SequenceEqual(net.Parameters), what + ": parameters changed");

            // The optimizer's state is untouched too: the next good step equals that of a twin that never saw the bad batch.
            var twin = new GuardedSmall();
            twin.InitializeParameters(4);
            IOptimizer twinOptimizer = optimizer is Sgd ? new Sgd(0.1, momentum: 0.9) : new Adam();
            twin.TrainStep(x, y, twinOptimizer);
            twin.TrainStep(x, y, twinOptimizer);
            net.TrainStep(x, y, optimizer);
            twin.TrainStep(x, y, twinOptimizer);
            Assert.True(twin.Parameters.SequenceEqual(net.Parameters), what + ": optimizer state changed");
        }
    }

    [Fact]
    public void Fit_stops_with_the_parameters_of_the_last_good_step_double()
    {
        var net = new GuardedWideDouble();
        net.InitializeParameters(9);
        var random = new Random(1);
        double[] x = Enumerable.Range(0, 6 * 40).Select(_ => random.NextDouble()).ToArray();
        double[] y = Enumerable.Range(0, 6).SelectMany(i => Enumerable.Range(0, 3).Select(k => k == i % 3 ? 1d : 0d)).ToArray();
        x[(5 * 40) + 7] = double.PositiveInfinity; // in the third batch of two rows

        var reference = new GuardedWideDouble();
        reference.InitializeParameters(9);
        var sgd = new Sgd(0.05);
        reference.TrainStep(x.AsSpan(0, 80), y.AsSpan(0, 6), sgd);
        reference.TrainStep(x.AsSpan(80, 80), y.AsSpan(6, 6), sgd);

        var exception = Assert.Throws<TrainingDivergedException>(() => net.Fit(x, y, new Sgd(0.05), epochs: 2, batchSize: 2, shuffle: false));
        _output.WriteLine($"Fit with +Inf in row 5: {exception.Message}");
        Assert.True(reference.Parameters.SequenceEqual(net.Parameters));
    }
}
