using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions"/> (scikit-learn's L2 alpha, clip_grad_norm_), <see cref="AdamW"/>, <see cref="RMSprop"/>,
/// weight-decay masks and the learning-rate schedules against scikit-learn and PyTorch runs
/// (Reference/regularisation_reference.py, float64). Double-precision networks must agree within 1e-9 relative plus
/// 1e-12 absolute, single-precision ones within 1e-4 relative plus 1e-6 absolute; schedules within 1e-12 relative.
/// Each comparison writes its worst difference to the test output ("WORST ...").
/// </summary>
public class RegularisationComparisonTests
{
    private readonly ITestOutputHelper _output;

    public RegularisationComparisonTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> SklearnNames() => RegularisationReference.Sklearn.Select(r => new object[] { r.Name });

    public static IEnumerable<object[]> TorchRunNames() =>
        RegularisationReference.Torch.Runs.SelectMany(r => new[] { new object[] { r.Name, "double" }, new object[] { r.Name, "float" } });

    public static IEnumerable<object[]> ScheduleNames() => RegularisationReference.Schedules.Select(r => new object[] { r.Name });

    public static IEnumerable<object[]> FitScheduleNames() => RegularisationReference.Fit.Runs.Select(r => new object[] { r.Name });

    [Theory]
    [MemberData(nameof(SklearnNames))]
    public void Fit_with_L2_matches_scikit_learn_weights_biases_and_loss_curve(string name)
    {
        SklearnRun run = RegularisationReference.Sklearn.Single(r => r.Name == name);
        INetwork<double> network = run.Network == "SkRegressor" ? new SkRegressor() : new SkClassifier();
        run.Initial.CopyTo(network.Parameters);

        // scikit-learn's momentum SGD (velocity = momentum v - lr g; nesterov: theta += momentum v - lr g) takes
        // PyTorch's Nesterov step when lr is constant, which these runs keep.
        IOptimizer optimizer = run.Momentum > 0 ? new Sgd(run.LearningRate, momentum: run.Momentum, nesterov: true) : new Sgd(run.LearningRate);
        var options = new TrainingOptions
        {
            L2 = run.Alpha,
            Schedule = run.Schedule == "invscaling" ? new InverseScaling(0.5) : null,
        };
        double[] curve = network.Fit(run.Inputs, run.Targets, optimizer, run.Epochs, run.BatchSize, shuffle: false, options: options);

        var worstCurve = new Worst();
        worstCurve.AddAll(run.LossCurve, curve);
        var worstParameters = new Worst();
        worstParameters.AddAll(run.Final, network.Parameters.ToArray());
        _output.WriteLine($"WORST sklearn {name} loss_curve_: {worstCurve}; weights and biases: {worstParameters}");
        for (int e = 0; e < curve.Length; e++)
        {
            AssertClose(run.LossCurve[e], curve[e], 1e-9, 1e-12, $"{name} loss_curve_[{e}]");
        }

        double[] final = network.Parameters.ToArray();
        for (int q = 0; q < final.Length; q++)
        {
            AssertClose(run.Final[q], final[q], 1e-9, 1e-12, $"{name} parameter {q}");
        }
    }

    [Fact]
    public void Single_precision_Fit_with_L2_matches_scikit_learn()
    {
        SklearnRun run = RegularisationReference.Sklearn.Single(r => r.Name == "ClassifierAlpha");
        var network = new SkClassifierSingle();
        Load(network.Parameters, run.Initial);
        double[] curve = network.Fit(Floats(run.Inputs), Floats(run.Targets), new Sgd(run.LearningRate), run.Epochs, run.BatchSize, shuffle: false, options: new TrainingOptions { L2 = run.Alpha });
        var worst = new Worst();
        worst.AddAll(run.LossCurve, curve);
        worst.AddAll(run.Final, network.Parameters.ToArray().Select(v => (double)v).ToArray());
        _output.WriteLine($"WORST sklearn ClassifierAlpha in single precision: {worst}");
        for (int e = 0; e < curve.Length; e++)
        {
            AssertClose(run.LossCurve[e], curve[e], 1e-4, 1e-6, $"loss_curve_[{e}]");
        }

        for (int q = 0; q < network.Parameters.Length; q++)
        {
            AssertClose(run.Final[q], network.Parameters[q], 1e-4, 1e-6, $"parameter {q}");
        }
    }

    [Theory]
    [MemberData(nameof(TorchRunNames))]
    public void Optimizers_and_clipping_match_torch(string name, string precision)
    {
        TorchOptimizerData data = RegularisationReference.Torch;
        TorchOptimizerRun run = data.Runs.Single(r => r.Name == name);
        var options = new TrainingOptions();
        if (run.MaxNorm is double maxNorm)
        {
            options.MaxGradientNorm = maxNorm;
        }

        (double relative, double absolute) = precision == "float" ? (1e-4, 1e-6) : (1e-9, 1e-12);
        (StepResult[] steps, double[] final) = precision == "float"
            ? Steps(new SkClassifierSingle(), data, Optimizer(name), options)
            : Steps(new SkClassifier(), data, Optimizer(name), options);

        var worstCosts = new Worst();
        worstCosts.AddAll(run.Costs, steps.Select(s => s.Cost).ToArray());
        var worstNorms = new Worst();
        worstNorms.AddAll(run.Norms, steps.Select(s => s.GradientNorm).ToArray());
        var worstParameters = new Worst();
        worstParameters.AddAll(run.Final, final);
        _output.WriteLine($"WORST torch {name} ({precision}) costs: {worstCosts}; norms: {worstNorms}; parameters: {worstParameters}");
        for (int s = 0; s < steps.Length; s++)
        {
            AssertClose(run.Costs[s], steps[s].Cost, relative, absolute, $"{name} cost of step {s + 1}");
            AssertClose(run.Norms[s], steps[s].GradientNorm, relative, absolute, $"{name} gradient norm of step {s + 1}");
            Assert.Equal(run.MaxNorm is double m && m / (run.Norms[s] + 1e-6) < 1, steps[s].Clipped);
        }

        for (int q = 0; q < final.Length; q++)
        {
            AssertClose(run.Final[q], final[q], relative, absolute, $"{name} parameter {q}");
        }
    }

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void Schedules_match_torch_lr_scheduler(string name)
    {
        ScheduleRun run = RegularisationReference.Schedules.Single(r => r.Name == name);
        LearningRateSchedule schedule = Schedule(name);
        var optimizer = new Sgd(0.1);
        var worst = new Worst();
        for (int epoch = 0; epoch < run.Lrs.Length; epoch++)
        {
            double lr = schedule.Apply(optimizer, epoch);
            Assert.Equal(lr, optimizer.LearningRate);
            worst.Add(run.Lrs[epoch], lr);
            AssertClose(run.Lrs[epoch], lr, 1e-12, 1e-15, $"{name} lr of epoch {epoch}");
            if (run.Losses is not null)
            {
                schedule.Observe(run.Losses[epoch]);
            }
        }

        _output.WriteLine($"WORST torch lr_scheduler {name}: {worst}");
    }

    [Theory]
    [MemberData(nameof(FitScheduleNames))]
    public void Fit_with_a_schedule_matches_torch_and_reports_each_epochs_rate(string name)
    {
        FitScheduleData data = RegularisationReference.Fit;
        FitScheduleRun run = data.Runs.Single(r => r.Name == name);
        var network = new SkClassifier();
        data.Initial.CopyTo(network.Parameters);
        LearningRateSchedule schedule = name == "StepLR" ? new StepLR(2, 0.5) : new ReduceLROnPlateau(factor: 0.5, patience: 0, threshold: 0.05);
        var progress = new Recorder();
        double[] losses = network.Fit(data.Inputs, data.Targets, new Sgd(0.5, momentum: 0.5), data.Epochs, data.Rows, shuffle: false, progress: progress, options: new TrainingOptions { Schedule = schedule });

        var worst = new Worst();
        worst.AddAll(run.Losses, losses);
        worst.AddAll(run.Lrs, progress.Reports.Select(p => p.LearningRate).ToArray());
        worst.AddAll(run.Final, network.Parameters.ToArray());
        _output.WriteLine($"WORST torch Fit with {name}: {worst}");
        Assert.Equal(data.Epochs, progress.Reports.Count);
        for (int e = 0; e < data.Epochs; e++)
        {
            AssertClose(run.Losses[e], losses[e], 1e-9, 1e-12, $"{name} loss of epoch {e}");
            AssertClose(run.Lrs[e], progress.Reports[e].LearningRate, 1e-12, 1e-15, $"{name} lr of epoch {e}");
        }

        for (int q = 0; q < run.Final.Length; q++)
        {
            AssertClose(run.Final[q], network.Parameters[q], 1e-9, 1e-12, $"{name} parameter {q}");
        }
    }

    internal static IOptimizer Optimizer(string name) => name switch
    {
        "AdamWDefaults" => new AdamW(),
        "AdamWMasked" => new AdamW(0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05, decayMask: ParameterMask.Weights(SkClassifier.LayerSizes)),
        "RMSpropDefaults" => new RMSprop(),
        "RMSpropFull" => new RMSprop(0.005, alpha: 0.9, epsilon: 1e-6, weightDecay: 0.01, momentum: 0.8, centered: true),
        "RMSpropMomentum" => new RMSprop(0.002, momentum: 0.5),
        "SgdClipped" => new Sgd(0.5, momentum: 0.9),
        "AdamClipped" => new Adam(0.01),
        "SgdClipNotReached" => new Sgd(0.1),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a run of regularisation_reference.py."),
    };

    internal static LearningRateSchedule Schedule(string name) => name switch
    {
        "StepLR" => new StepLR(3, 0.5),
        "ExponentialLR" => new ExponentialLR(0.8),
        "CosineAnnealingLR" => new CosineAnnealingLR(5, minRate: 0.001),
        "WarmupCosine" => new CosineAnnealingLR(8, warmupEpochs: 3, warmupStartFactor: 0.25),
        "PlateauRelative" => new ReduceLROnPlateau(factor: 0.5, patience: 1, threshold: 0.01, cooldown: 1, minRate: 0.02),
        "PlateauAbsolute" => new ReduceLROnPlateau(factor: 0.3, patience: 0, threshold: 0.02, thresholdMode: PlateauThreshold.Absolute),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a schedule of regularisation_reference.py."),
    };

    private static (StepResult[], double[]) Steps<T>(INetwork<T> network, TorchOptimizerData data, IOptimizer optimizer, TrainingOptions options)
        where T : unmanaged
    {
        Load(network.Parameters, data.Initial);
        T[] x = data.Inputs.Select(TestData.Convert<T>).ToArray();
        T[] y = data.Targets.Select(TestData.Convert<T>).ToArray();
        var step = new TrainingStep<T>(network, optimizer, options);
        var results = new StepResult[data.Steps];
        for (int s = 0; s < data.Steps; s++)
        {
            results[s] = step.Run(x, y);
        }

        return (results, network.Parameters.ToArray().Select(TestData.ToDouble).ToArray());
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

    private static float[] Floats(double[] values) => values.Select(v => (float)v).ToArray();

    private static void AssertClose(double expected, double actual, double relative, double absolute, string what) =>
        Assert.True(
            Math.Abs(actual - expected) <= (relative * Math.Abs(expected)) + absolute,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3})");

    private sealed class Recorder : IProgress<EpochProgress>
    {
        public List<EpochProgress> Reports { get; } = new();

        public void Report(EpochProgress value) => Reports.Add(value);
    }
}
