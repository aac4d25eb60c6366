using System;
using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Tests;

/// <summary>
/// The generated code compiles with every warning an error, under C# 12 and the latest language
/// version, in the shapes of declaration users write, and the compiled code runs.
/// </summary>
public class CompileAndRunTests
{
    // W1 (3x2), b1, W2 (2x1), b2 of the README example. By hand: Z1 = [0.45, 0.025],
    // A1 = tanh(Z1), Z2 = 0.3 + 1.5 tanh(0.45) - 2 tanh(0.025), A2 = sigmoid(Z2).
    private static readonly float[] StudentWeights = { 0.5f, -0.25f, -1.0f, 0.75f, 0.25f, 0.5f, 0.1f, -0.1f, 1.5f, -2.0f, 0.3f };
    private static readonly float[] StudentInput = { 0.9f, 0.2f, 0.4f };
    private static readonly double StudentExpected = 1 / (1 + Math.Exp(-(0.3 + (1.5 * Math.Tanh(0.45)) - (2 * Math.Tanh(0.025)))));

    [Theory]
    [InlineData(LanguageVersion.CSharp12)]
    [InlineData(LanguageVersion.Latest)]
    [InlineData(LanguageVersion.Preview)]
    public void Readme_example_compiles_and_computes_the_hand_worked_value(LanguageVersion version)
    {
        var assembly = GeneratorHarness.CompileAndLoad("""
            using Backprop.Generated;

            [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
            public partial class Student { }
            """, version);
        var net = new LoadedNetwork(assembly, "Student");
        Assert.Equal(3, net.InputSize);
        Assert.Equal(1, net.OutputSize);
        Assert.Equal(11, net.ParameterCount);
        Assert.Equal(2, net.Constant("LayerCount"));

        net.SetParameters(StudentWeights);
        float[] y = net.Forward(StudentInput);
        Assert.Equal(StudentExpected, y[0], 6);
        Assert.Equal(y, net.ForwardBatch(StudentInput));
    }

    [Fact]
    public void Per_layer_views_alias_the_flat_parameters_in_the_documented_order()
    {
        var assembly = GeneratorHarness.CompileAndLoad("""
            using Backprop.Generated;

            namespace Views;

            [Network(3, 2, 1)]
            public partial class Net
            {
                public static float[][] Blocks(Net net) =>
                    new[] { net.W1.ToArray(), net.b1.ToArray(), net.W2.ToArray(), net.b2.ToArray() };

                public void WriteW1(int j, int k, float value) => W1[(j * 2) + k] = value;
            }
            """);
        var net = new LoadedNetwork(assembly, "Views.Net");
        net.SetParameters(Enumerable.Range(0, 11).Select(i => (float)i).ToArray());
        var blocks = (float[][])net.Type.GetMethod("Blocks")!.Invoke(null, new[] { net.Instance })!;
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, blocks[0]);
        Assert.Equal(new float[] { 6, 7 }, blocks[1]);
        Assert.Equal(new float[] { 8, 9 }, blocks[2]);
        Assert.Equal(new float[] { 10 }, blocks[3]);

        // Element (j, k) of W1 is at j * n_1 + k: (2, 1) is index 5.
        net.Type.GetMethod("WriteW1")!.Invoke(net.Instance, new object[] { 2, 1, 42f });
        Assert.Equal(42f, net.GetParameters<float>()[5]);
    }

    [Fact]
    public void Wide_784_128_10_compiles_and_runs()
    {
        var assembly = GeneratorHarness.CompileAndLoad("""
            using Backprop.Generated;

            [Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]
            public partial class Mnist { }
            """);
        var net = new LoadedNetwork(assembly, "Mnist");
        Assert.Equal(784 * 128 + 128 + 128 * 10 + 10, net.ParameterCount);

        // All weights zero, b2 = [0, 1, ..., 9]: the output is softmax(b2) whatever the input.
        float[] parameters = new float[net.ParameterCount];
        for (int k = 0; k < 10; k++)
        {
            parameters[net.ParameterCount - 10 + k] = k;
        }

        net.SetParameters(parameters);
        float[] y = net.Forward(Enumerable.Repeat(1f, 784).ToArray());
        double denominator = Enumerable.Range(0, 10).Sum(k => Math.Exp(k));
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(Math.Exp(k) / denominator, y[k], 6);
        }
    }

    [Fact]
    public void Declarations_of_every_supported_shape_compile_cleanly_together()
    {
        var assembly = GeneratorHarness.CompileAndLoad("""
            using Backprop.Generated;

            [Network(2, 1)]
            public partial class InGlobalNamespace { }

            namespace A.B.C
            {
                internal static partial class Outer
                {
                    public partial struct Holder
                    {
                        public partial record Inner<T>
                            where T : class
                        {
                            [Network(2, 3, 1, Hidden = Activation.ReLU)]
                            private sealed partial class Deep { }
                        }
                    }
                }

                [Network(3, 3, Output = Activation.Softmax, Precision = Precision.Double, Loss = Loss.MeanSquaredError)]
                public sealed partial class PrimaryConstructorNet(int id) { public int Id => id; }

                [Network(2, 2)]
                public partial class Generic<TLabel> where TLabel : notnull { }

                [Network(4, 3, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.Softplus, Activation.Identity })]
                public abstract partial class AbstractNet { }

                /// <summary>A documented network: the generated members carry their own XML docs.</summary>
                [Network(1, 1)]
                public partial class Documented { }
            }
            """);
        Assert.NotNull(assembly.GetType("InGlobalNamespace"));
        Assert.NotNull(assembly.GetType("A.B.C.Generic`1"));
        var global = new LoadedNetwork(assembly, "InGlobalNamespace");
        global.SetParameters(new float[] { 2f, -1f, 0.5f });
        Assert.Equal(new[] { (2f * 3f) + (-1f * 4f) + 0.5f }, global.Forward(new[] { 3f, 4f }));
    }

    [Fact]
    public void Two_networks_with_the_same_name_in_different_scopes_get_distinct_files()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using Backprop.Generated;

            namespace First { [Network(1, 1)] public partial class Net { } }
            namespace Second { [Network(2, 1)] public partial class Net { } }
            public partial class Outer { [Network(3, 1)] public partial class Net { } }
            public partial class Outer<T> { [Network(4, 1)] public partial class Net { } }
            """);
        GeneratorHarness.AssertClean(run);
        Assert.Equal(
            // The networks with one output chain into First.Net (one input): one shared composition file.
            new[] { "Backprop.Generated{Composition}.g.cs", "First.Net.g.cs", "Outer+Net.g.cs", "Outer-1+Net.g.cs", "Second.Net.g.cs" },
            run.Sources.Keys.Order(StringComparer.Ordinal));
    }
}
