using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>A scikit-learn SGD run (Reference/regularisation_reference.json): initial and final parameters and loss_curve_.</summary>
public sealed record SklearnRun(string Name, string Network, double[] Inputs, double[] Targets, int Rows, int Epochs, int BatchSize, double Alpha, double LearningRate, double Momentum, string Schedule, double[] Initial, double[] Final, double[] LossCurve);

/// <summary>A PyTorch optimizer run: the cost and clip_grad_norm_'s total norm before each step, and the final parameters.</summary>
public sealed record TorchOptimizerRun(string Name, double? MaxNorm, double[] Costs, double[] Norms, double[] Final);

/// <summary>The data all PyTorch optimizer runs start from.</summary>
public sealed record TorchOptimizerData(string Network, double[] Initial, double[] Inputs, double[] Targets, int Rows, int Steps, TorchOptimizerRun[] Runs);

/// <summary>The lr of each epoch under one torch.optim.lr_scheduler (losses for ReduceLROnPlateau).</summary>
public sealed record ScheduleRun(string Name, double[] Lrs, double[]? Losses);

/// <summary>A full-batch SGD run with a scheduler stepped after each epoch.</summary>
public sealed record FitScheduleRun(string Name, double[] Losses, double[] Lrs, double[] Final);

/// <summary>The data of the scheduled full-batch runs.</summary>
public sealed record FitScheduleData(string Network, double[] Initial, double[] Inputs, double[] Targets, int Rows, int Epochs, FitScheduleRun[] Runs);

/// <summary>The committed values of Reference/regularisation_reference.py, loaded once.</summary>
public static class RegularisationReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "regularisation_reference.json"))));

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static SklearnRun[] Sklearn => Get<SklearnRun[]>("sklearn");

    public static TorchOptimizerData Torch => Get<TorchOptimizerData>("torch");

    public static ScheduleRun[] Schedules => Get<ScheduleRun[]>("schedules");

    public static FitScheduleData Fit => Get<FitScheduleData>("fit");

    private static T Get<T>(string name) => Document.Value.RootElement.GetProperty(name).Deserialize<T>(Options)!;
}

/// <summary>Worst absolute and relative differences of one comparison, written to the test output.</summary>
internal sealed class Worst
{
    public double Absolute { get; private set; }

    public double Relative { get; private set; }

    public void Add(double expected, double actual)
    {
        double difference = Math.Abs(actual - expected);
        Absolute = Math.Max(Absolute, difference);
        if (expected != 0)
        {
            Relative = Math.Max(Relative, difference / Math.Abs(expected));
        }
    }

    public void AddAll(double[] expected, double[] actual)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        foreach ((double e, double a) in expected.Zip(actual))
        {
            Add(e, a);
        }
    }

    public override string ToString() => $"max abs {Absolute:E2}, max rel {Relative:E2}";
}
