using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Performance;

/// <summary>
/// Issue 8's generator-cost targets for the benchmark workloads W1-W4: the generated source of W4 stays under 300 KB
/// (asserted: a size does not depend on the machine), and the time to generate each network is measured and printed
/// (not asserted: no timing assertions in unit tests). Read the figures with
/// <c>dotnet test tests/Backprop.Generated.Tests --filter "FullyQualifiedName~GeneratorCostTests" --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class GeneratorCostTests
{
    private readonly ITestOutputHelper _output;

    public GeneratorCostTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string, int> Workloads => new()
    {
        { "W1", "[Network(3, 2, 1, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid)]", 300_000 },
        { "W2", "[Network(8, 16, 16, 4, Hidden = Activation.Tanh, Output = Activation.Identity)]", 300_000 },
        { "W3", "[Network(16, 64, 64, 8, Hidden = Activation.ReLU, Output = Activation.Identity)]", 300_000 },
        { "W4", "[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]", 300_000 },
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Generated_source_stays_small_and_generation_is_timed(string name, string attribute, int maxBytes)
    {
        string source = "using Backprop.Generated;\n" + attribute + "\npublic partial class " + name + "Net { }\n";
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source);

        // Warm up (JIT of the generator and of Roslyn), then time fresh drivers: every run generates from scratch.
        GeneratorDriverRunResult result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult();
        for (int i = 0; i < 5; i++)
        {
            GeneratorHarness.CreateDriver().RunGenerators(compilation);
        }

        var times = new double[21];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            GeneratorHarness.CreateDriver().RunGenerators(compilation);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        int bytes = result.GeneratedTrees.Sum(t => Encoding.UTF8.GetByteCount(t.GetText().ToString()));
        _output.WriteLine($"{name}: {result.GeneratedTrees.Length} files, {bytes:N0} bytes of generated source; generation median {times[times.Length / 2]:F2} ms, fastest {times[0]:F2} ms (of {times.Length} runs)");
        Assert.Empty(result.Diagnostics);
        Assert.True(bytes < maxBytes, $"{name}: {bytes:N0} bytes of generated source, over {maxBytes:N0}");
    }
}
