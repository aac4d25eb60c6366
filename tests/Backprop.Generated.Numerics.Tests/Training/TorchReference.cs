using System;
using System.IO;
using System.Text.Json;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>One network of Reference/training_reference.json: data, parameters, J and dJ/dtheta from PyTorch autograd (float64).</summary>
public sealed record GradientCase(string Name, int[] Sizes, string[] Activations, string Loss, string Precision, int Rows, double[] Parameters, double[] Inputs, double[] Targets, double Cost, double[] Gradients);

/// <summary>STEPS torch.optim steps of one optimizer on one network's batch: the cost before each step and the final parameters.</summary>
public sealed record OptimizerRun(string Network, string Optimizer, double[] Costs, double[] Parameters);

/// <summary>The expected parameters after InitializeParameters(seed), from the SplitMix64 definition in Python.</summary>
public sealed record InitializationCase(string Network, int Seed, double[] Parameters);

/// <summary>The committed reference values, loaded once.</summary>
public static class TorchReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "training_reference.json"))));

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static GradientCase[] Cases => Document.Value.RootElement.GetProperty("cases").Deserialize<GradientCase[]>(Options)!;

    public static OptimizerRun[] Optimizers => Document.Value.RootElement.GetProperty("optimizers").Deserialize<OptimizerRun[]>(Options)!;

    public static InitializationCase[] Initializations => Document.Value.RootElement.GetProperty("initializations").Deserialize<InitializationCase[]>(Options)!;

    public static int Steps => Document.Value.RootElement.GetProperty("steps").GetInt32();
}
