using System;
using System.Globalization;
using System.Linq;
using System.Text;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Backprop.Generated;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// Numerical results for fixed seeds, compared with approved files in Snapshots/: a change in the maths,
/// the initialisation, the shuffling or the optimizers shows up as a diff to review. Values are printed
/// with 6 significant digits in double precision and fewer in single (see <see cref="Vector{T}"/>); initial parameters,
/// which are bit-exact by design, in full.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("../Snapshots")]
public class NumericalSnapshotTests
{
    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    // Single-precision results depend on the instruction set in their last bits (fused multiply-adds, the order of
    // vector sums; docs/threading.md), and the snapshot must hold on every machine and under the DOTNET_Enable*=0 runs:
    // costs get 4 significant digits, and gradients are printed on one absolute scale per vector (5 decimals of the
    // largest magnitude), so a cancelling, tiny gradient is not printed to more digits than the vector's rounding supports.
    private static string F<T>(double value) => typeof(T) == typeof(float) ? value.ToString("G4", CultureInfo.InvariantCulture) : F(value);

    private static string Vector<T>(double[] values)
    {
        if (typeof(T) != typeof(float))
        {
            return string.Join(" ", values.Select(F));
        }

        double scale = values.Max(Math.Abs);
        if (scale == 0)
        {
            return string.Join(" ", values.Select(F));
        }

        string unit = scale.ToString("G4", CultureInfo.InvariantCulture);
        return $"(x {unit}) " + string.Join(" ", values.Select(v => (v / scale).ToString("F5", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Costs_and_gradients_for_fixed_seeds()
    {
        var text = new StringBuilder();
        foreach (int seed in new[] { 1, 2 })
        {
            Append(text, new TorchStudent(), Loss.MeanSquaredError, seed);
            Append(text, new TorchMixed4(), Loss.CrossEntropy, seed);
            Append(text, new TorchDoubleCe(), Loss.CrossEntropy, seed);
        }

        Approvals.Verify(text.ToString());
    }

    private static void Append<T>(StringBuilder text, INetwork<T> network, Loss loss, int seed)
        where T : unmanaged
    {
        network.InitializeParameters(seed);
        var random = new SplitMix64((ulong)seed);
        T[] x = TestData.Uniform<T>(4 * network.InputSize, 1, ref random);
        T[] y = TestData.Targets<T>(loss, 4, network.OutputSize, ref random);
        var gradients = new T[network.ParameterCount];
        double cost = TestData.ToDouble(network.ComputeGradients(x, y, gradients));
        text.AppendLine($"{network.GetType().Name} seed {seed} ({typeof(T).Name}, {loss}), InitializeParameters({seed}), 4 rows:");
        text.AppendLine("  initial parameters (round-trip): " + string.Join(" ", network.Parameters.ToArray().Take(6).Select(v => TestData.ToDouble(v).ToString("R", CultureInfo.InvariantCulture))) + " ...");
        text.AppendLine("  J = " + F<T>(cost));
        text.AppendLine("  dJ/dtheta = " + Vector<T>(gradients.Select(g => TestData.ToDouble(g)).ToArray()));
    }

    [Fact]
    public void First_five_epochs_of_a_seeded_Fit()
    {
        var text = new StringBuilder();

        var xor = new Xor();
        xor.InitializeParameters(1);
        double[] xorHistory = xor.Fit(LearningTests.XorInputs, LearningTests.XorTargets, new Sgd(0.5, momentum: 0.9), epochs: 5, batchSize: 2, seed: 1);
        text.AppendLine("Xor 2-4-1, InitializeParameters(1), Sgd(0.5, momentum 0.9), batch 2, shuffle seed 1:");
        text.AppendLine("  " + string.Join(" ", xorHistory.Select(F<float>)));

        DigitsData data = DigitsData.Instance;
        var digits = new DigitsClassifier();
        digits.InitializeParameters(0);
        double[] digitsHistory = digits.Fit(data.TrainInputs, data.TrainTargets, new Sgd(0.1), epochs: 5, batchSize: 32, seed: 0);
        text.AppendLine("Digits 64-32-10, InitializeParameters(0), Sgd(0.1), batch 32, shuffle seed 0:");
        text.AppendLine("  " + string.Join(" ", digitsHistory.Select(F<float>)));

        var deep = new TorchDoubleDeep();
        deep.InitializeParameters(7);
        var random = new SplitMix64(70);
        double[] x = TestData.Uniform<double>(50 * TorchDoubleDeep.InputSize, 1, ref random);
        double[] y = TestData.Targets<double>(Loss.MeanSquaredError, 50, TorchDoubleDeep.OutputSize, ref random);
        double[] deepHistory = deep.Fit(x, y, new Adam(0.01), epochs: 5, batchSize: 8, seed: 7);
        text.AppendLine("TorchDoubleDeep 3-6-5-4-3-2 (double), InitializeParameters(7), Adam(0.01), batch 8, shuffle seed 7:");
        text.AppendLine("  " + string.Join(" ", deepHistory.Select(F)));

        Approvals.Verify(text.ToString());
    }
}
