using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// Every loss with every output activation, in both precisions (54 declarations in one compilation):
/// the pairings a loss does not fit get BPG008 on the Loss argument; all the others generate, compile
/// without a warning, and run Forward and ComputeGradients with finite results.
/// </summary>
public class LossActivationPairingTests
{
    private static readonly string[] Activations = { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SiLU", "Softplus", "Softmax" };
    private static readonly string[] Losses = { "MeanSquaredError", "BinaryCrossEntropy", "CrossEntropy" };

    private static bool Fits(string loss, string output) =>
        loss == "MeanSquaredError" || (loss == "BinaryCrossEntropy" && output == "Sigmoid") || (loss == "CrossEntropy" && output == "Softmax");

    private static IEnumerable<(string Name, string Loss, string Output, string Precision)> Pairings() =>
        from loss in Losses
        from output in Activations
        from precision in new[] { "Single", "Double" }
        select ($"{loss}_{output}_{precision}", loss, output, precision);

    private static string Declaration((string Name, string Loss, string Output, string Precision) p) =>
        $"[Network(3, 4, 3, Hidden = Activation.Tanh, Output = Activation.{p.Output}, Loss = Loss.{p.Loss}, Precision = Precision.{p.Precision})]\npublic partial class {p.Name} {{ }}\n";

    [Fact]
    public void Unfitting_pairings_get_BPG008_on_the_loss()
    {
        string source = "using Backprop.Generated;\n" + string.Concat(Pairings().Select(Declaration));
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Diagnostic[] errors = run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.All(errors, d => Assert.Equal("BPG008", d.Id));
        Assert.All(errors, d => Assert.StartsWith("Loss = Loss.", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length), StringComparison.Ordinal));
        string[] reported = errors.Select(d => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)).ToArray();
        int unfitting = Pairings().Count(p => !Fits(p.Loss, p.Output));
        Assert.Equal(unfitting, errors.Length); // 2 losses x 8 other activations x 2 precisions = 32
        Assert.Equal(32, unfitting);
        // Network code for the fitting pairings; for the others only the stub of signatures (issue 20 item 9).
        string[] networks = run.Sources.Where(s => s.Key != "Backprop.Generated{Composition}.g.cs").Select(s => s.Value).ToArray();
        Assert.Equal(Pairings().Count(p => Fits(p.Loss, p.Output)), networks.Count(s => s.Contains("ForwardCore", StringComparison.Ordinal)));
        Assert.Equal(unfitting, networks.Count(s => s.Contains("// Its BPG error says why. These are the members' signatures only", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_fitting_pairing_compiles_clean_and_trains_with_finite_results()
    {
        var fitting = Pairings().Where(p => Fits(p.Loss, p.Output)).ToArray();
        Assembly assembly = GeneratorHarness.CompileAndLoad("using Backprop.Generated;\n" + string.Concat(fitting.Select(Declaration)));
        foreach (var p in fitting)
        {
            object net = Activator.CreateInstance(assembly.GetType(p.Name, throwOnError: true)!)!;
            net.GetType().GetMethod("InitializeParameters")!.Invoke(net, new object[] { 1 });
            if (p.Precision == "Single")
            {
                Check((INetwork<float>)net, new float[] { 0.5f, -1f, 2f, 1f, 0f, -0.5f }, new float[] { 1, 0, 0, 0, 1, 0 }, p.Name);
            }
            else
            {
                Check((INetwork<double>)net, new double[] { 0.5, -1, 2, 1, 0, -0.5 }, new double[] { 1, 0, 0, 0, 1, 0 }, p.Name);
            }
        }

        Assert.Equal(22, fitting.Length);
    }

    private static void Check<T>(INetwork<T> net, T[] x, T[] y, string name)
        where T : unmanaged
    {
        var output = new T[6];
        net.ForwardBatch(x, output);
        var gradients = new T[net.ParameterCount];
        double cost = Convert.ToDouble(net.ComputeGradients(x, y, gradients), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(cost) && cost >= 0, $"{name}: cost {cost}");
        Assert.All(output.Concat(gradients), v => Assert.True(double.IsFinite(Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)), name));
    }
}
