using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Backprop.Generated;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Training.Dropout;

/// <summary>One network of Reference/dropout_reference.json: a step with the masks rebuilt in Python from the stream.</summary>
public sealed record DropoutCase(
    string Name, int[] Sizes, string[] Activations, double[] Dropout, string Loss, int Rows, string State, int Draws,
    string FinalState, int Kept, double[] Parameters, double[] Inputs, double[] Targets, double Cost, double[] Gradients);

/// <summary>
/// One training step with inverted dropout against PyTorch autograd (float64) with the same masks, rebuilt in
/// Python from the documented draw order (Reference/dropout_reference.py, docs/dropout.md): 70 rows, so two blocks
/// of the generated code (64 + 6). J and every gradient within 1e-9 relative plus 1e-12 absolute, and the stream
/// advanced by exactly rows x dropped units draws.
/// </summary>
public class DropoutTorchTests
{
    private const double Relative = 1e-9;
    private const double Absolute = 1e-12;

    private static readonly Lazy<DropoutCase[]> LazyCases = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Reference", "dropout_reference.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").Deserialize<DropoutCase[]>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    });

    private readonly ITestOutputHelper _output;

    public DropoutTorchTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> CaseNames() => LazyCases.Value.Select(c => new object[] { c.Name });

    private static INetwork<double> Create(string name) => name switch
    {
        "DropoutTanh" => new DropoutTanh(),
        "DropoutSigmoidThenSoftmax" => new DropoutSigmoidThenSoftmax(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not declared in DropoutTests.cs."),
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Step_with_the_rebuilt_mask_matches_torch_autograd(string name)
    {
        DropoutCase reference = LazyCases.Value.Single(c => c.Name == name);
        INetwork<double> network = Create(name);
        Assert.Equal(reference.Sizes, network.LayerSizes.ToArray());
        Assert.Equal(reference.Parameters.Length, network.Parameters.Length);
        Assert.Equal(reference.Rows * reference.Sizes[0], reference.Inputs.Length);
        Assert.Equal(reference.Rows * reference.Sizes[^1], reference.Targets.Length);

        reference.Parameters.CopyTo(network.Parameters);
        ulong state = ulong.Parse(reference.State, CultureInfo.InvariantCulture);
        var dropout = (IDropoutNetwork)network;
        dropout.DropoutRandom = new SplitMix64(state);

        double[] gradients = new double[reference.Gradients.Length];
        double cost = network.ComputeGradients(reference.Inputs, reference.Targets, gradients);

        // The stream advanced by exactly one draw per example and dropped unit, no more, no fewer.
        int droppedUnits = reference.Dropout.Select((p, l) => p > 0 ? reference.Sizes[l + 1] : 0).Sum();
        Assert.Equal(reference.Rows * droppedUnits, reference.Draws);
        var expectedStream = new SplitMix64(state);
        for (int k = 0; k < reference.Draws; k++)
        {
            expectedStream.NextUInt64();
        }

        Assert.Equal(new SplitMix64(ulong.Parse(reference.FinalState, CultureInfo.InvariantCulture)), expectedStream);
        Assert.Equal(expectedStream, dropout.DropoutRandom);
        SplitMix64 after = dropout.DropoutRandom;
        Assert.Equal(expectedStream.NextUInt64(), after.NextUInt64());

        double costDifference = Math.Abs(cost - reference.Cost);
        double worstAbsolute = 0;
        double worstRelative = 0;
        for (int q = 0; q < gradients.Length; q++)
        {
            double difference = Math.Abs(gradients[q] - reference.Gradients[q]);
            worstAbsolute = Math.Max(worstAbsolute, difference);
            if (reference.Gradients[q] != 0)
            {
                worstRelative = Math.Max(worstRelative, difference / Math.Abs(reference.Gradients[q]));
            }
        }

        _output.WriteLine(
            $"{name}: {reference.Draws} draws, {reference.Kept} kept; cost {cost:R} vs {reference.Cost:R} (difference {costDifference:E3}, " +
            $"relative {costDifference / Math.Abs(reference.Cost):E3}); gradients worst absolute {worstAbsolute:E3}, worst relative {worstRelative:E3}");

        AssertClose(reference.Cost, cost, $"{name} cost");
        for (int q = 0; q < gradients.Length; q++)
        {
            AssertClose(reference.Gradients[q], gradients[q], $"{name} gradient {q}");
        }
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(
            Math.Abs(actual - expected) <= (Relative * Math.Abs(expected)) + Absolute,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3})");
}
