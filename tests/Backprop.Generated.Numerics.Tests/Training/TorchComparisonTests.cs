using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// Costs, gradients, optimizer steps and initialisation against values PyTorch (autograd, torch.optim, float64)
/// computed from the same parameters and data (Reference/training_reference.py). Single-precision networks
/// must agree within 1e-4 relative plus 1e-6 absolute, double-precision ones within 1e-9 relative plus 1e-12 absolute.
/// </summary>
public class TorchComparisonTests
{
    private readonly ITestOutputHelper _output;

    public TorchComparisonTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> CaseNames() => TorchReference.Cases.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> OptimizerRuns() => TorchReference.Optimizers.Select(r => new object[] { r.Network, r.Optimizer });

    public static IEnumerable<object[]> InitializationNames() => TorchReference.Initializations.Select(r => new object[] { r.Network, r.Seed });

    internal static object Create(string name) => name switch
    {
        "TorchStudent" => new TorchStudent(),
        "TorchXor" => new TorchXor(),
        "TorchMixed4" => new TorchMixed4(),
        "TorchEveryActivation" => new TorchEveryActivation(),
        "TorchDigits" => new TorchDigits(),
        "TorchWideBce" => new TorchWideBce(),
        "TorchDoubleCe" => new TorchDoubleCe(),
        "TorchDoubleWideMse" => new TorchDoubleWideMse(),
        "TorchDoubleDeep" => new TorchDoubleDeep(),
        "TorchDoubleMixedPlan" => new TorchDoubleMixedPlan(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not declared in TrainingNetworks.cs."),
    };

    internal static IOptimizer Optimizer(string name) => name switch
    {
        "Sgd" => new Sgd(0.1),
        "SgdMomentum" => new Sgd(0.05, momentum: 0.9),
        "SgdNesterov" => new Sgd(0.05, momentum: 0.9, nesterov: true),
        "SgdDampenedDecay" => new Sgd(0.05, momentum: 0.8, dampening: 0.1, weightDecay: 0.01),
        "AdamDefaults" => new Adam(),
        "AdamCustom" => new Adam(0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.01),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an optimizer of training_reference.py."),
    };

    private static (double Relative, double Absolute) Tolerance(string precision) =>
        precision == "float" ? (1e-4, 1e-6) : (1e-9, 1e-12);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Cost_and_gradients_match_torch_autograd(string name)
    {
        GradientCase reference = TorchReference.Cases.Single(c => c.Name == name);
        object network = Create(name);
        (double cost, double[] gradients) = network switch
        {
            INetwork<float> single => Compute(single, reference),
            INetwork<double> @double => Compute(@double, reference),
            _ => throw new InvalidOperationException(),
        };

        Assert.Equal(reference.Sizes, network is INetwork<float> f ? f.LayerSizes.ToArray() : ((INetwork<double>)network).LayerSizes.ToArray());
        (double relative, double absolute) = Tolerance(reference.Precision);
        Report(name, "cost", new[] { cost }, new[] { reference.Cost });
        Report(name, "gradients", gradients, reference.Gradients);
        AssertClose(reference.Cost, cost, relative, absolute, $"{name} cost");
        Assert.Equal(reference.Gradients.Length, gradients.Length);
        for (int q = 0; q < gradients.Length; q++)
        {
            AssertClose(reference.Gradients[q], gradients[q], relative, absolute, $"{name} gradient {q}");
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerRuns))]
    public void Optimizer_steps_match_torch_optim(string networkName, string optimizerName)
    {
        OptimizerRun run = TorchReference.Optimizers.Single(r => r.Network == networkName && r.Optimizer == optimizerName);
        GradientCase data = TorchReference.Cases.Single(c => c.Name == networkName);
        object network = Create(networkName);
        IOptimizer optimizer = Optimizer(optimizerName);
        (double[] costs, double[] parameters) = network switch
        {
            INetwork<float> single => Train(single, data, optimizer, TorchReference.Steps),
            INetwork<double> @double => Train(@double, data, optimizer, TorchReference.Steps),
            _ => throw new InvalidOperationException(),
        };

        (double relative, double absolute) = Tolerance(data.Precision);
        Report($"{networkName}/{optimizerName}", "costs", costs, run.Costs);
        Report($"{networkName}/{optimizerName}", "parameters", parameters, run.Parameters);
        for (int s = 0; s < costs.Length; s++)
        {
            AssertClose(run.Costs[s], costs[s], relative, absolute, $"{networkName}/{optimizerName} cost of step {s + 1}");
        }

        for (int q = 0; q < parameters.Length; q++)
        {
            AssertClose(run.Parameters[q], parameters[q], relative, absolute, $"{networkName}/{optimizerName} parameter {q}");
        }
    }

    [Theory]
    [MemberData(nameof(InitializationNames))]
    public void InitializeParameters_is_bit_identical_to_the_SplitMix64_definition(string networkName, int seed)
    {
        InitializationCase reference = TorchReference.Initializations.Single(r => r.Network == networkName && r.Seed == seed);
        object network = Create(networkName);
        double[] actual;
        if (network is INetwork<float> single)
        {
            single.InitializeParameters(seed);
            actual = single.Parameters.ToArray().Select(v => (double)v).ToArray();
        }
        else
        {
            var @double = (INetwork<double>)network;
            @double.InitializeParameters(seed);
            actual = @double.Parameters.ToArray();
        }

        Assert.Equal(reference.Parameters.Length, actual.Length);
        for (int q = 0; q < actual.Length; q++)
        {
            Assert.True(
                BitConverter.DoubleToInt64Bits(reference.Parameters[q]) == BitConverter.DoubleToInt64Bits(actual[q]),
                $"{networkName} seed {seed}, parameter {q}: expected {reference.Parameters[q]:R}, got {actual[q]:R}");
        }
    }

    private static (double, double[]) Compute<T>(INetwork<T> network, GradientCase reference)
        where T : unmanaged
    {
        Load(network.Parameters, reference.Parameters);
        var gradients = new T[network.ParameterCount];
        T cost = network.ComputeGradients(Convert<T>(reference.Inputs), Convert<T>(reference.Targets), gradients);
        return (TestData.ToDouble(cost), gradients.Select(TestData.ToDouble).ToArray());
    }

    private static (double[], double[]) Train<T>(INetwork<T> network, GradientCase data, IOptimizer optimizer, int steps)
        where T : unmanaged
    {
        Load(network.Parameters, data.Parameters);
        T[] x = Convert<T>(data.Inputs);
        T[] y = Convert<T>(data.Targets);
        var costs = new double[steps];
        for (int s = 0; s < steps; s++)
        {
            costs[s] = TestData.ToDouble(network.TrainStep(x, y, optimizer));
        }

        return (costs, network.Parameters.ToArray().Select(TestData.ToDouble).ToArray());
    }

    private static void Load<T>(Span<T> target, double[] values)
        where T : unmanaged
    {
        Assert.Equal(values.Length, target.Length);
        for (int q = 0; q < values.Length; q++)
        {
            target[q] = TestData.Convert<T>(values[q]);
        }
    }

    private static T[] Convert<T>(double[] values)
        where T : unmanaged => values.Select(TestData.Convert<T>).ToArray();

    private static void AssertClose(double expected, double actual, double relative, double absolute, string what) =>
        Assert.True(
            Math.Abs(actual - expected) <= (relative * Math.Abs(expected)) + absolute,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3})");

    private void Report(string name, string what, double[] actual, double[] expected)
    {
        double maxAbsolute = 0;
        double maxRelative = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            maxAbsolute = Math.Max(maxAbsolute, difference);
            if (expected[i] != 0)
            {
                maxRelative = Math.Max(maxRelative, difference / Math.Abs(expected[i]));
            }
        }

        _output.WriteLine($"TORCH {name} {what}: max abs error {maxAbsolute:E3}, max rel error {maxRelative:E3}");
    }
}
