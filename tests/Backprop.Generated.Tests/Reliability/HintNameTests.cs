using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Backprop.Generated.Tests.Infrastructure;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// No user type name, namespace or nesting can make two generated files share a hint name (Roslyn compares
/// them ignoring case and throws on a duplicate: CS8785, and every network of the project loses its members).
/// The argument is in the remarks of the generator's HintNames; these tests hold it, including against the
/// generator's own fixed file name.
/// </summary>
public class HintNameTests
{
    private static GeneratorRun RunWithoutException(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id is "CS8784" or "CS8785");
        string[] names = run.Sources.Keys.ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        return run;
    }

    [Theory]
    [InlineData("Composition")]
    [InlineData("composition")]
    [InlineData("COMPOSITION")]
    public void A_network_named_like_the_composition_file_compiles_with_its_conversions(string name)
    {
        // Was: CS8785, hint name 'Backprop.Generated.Composition.g.cs' must be unique. 2-2 chains with itself,
        // so the composition file is generated too.
        GeneratorRun run = RunWithoutException($"namespace Backprop.Generated {{ [Network(2, 2)] public partial class {name} {{ }} }}");
        GeneratorHarness.AssertClean(run);
        Assert.Equal(2, run.Sources.Count);
    }

    [Fact]
    public void Composition_and_composition_in_the_generators_namespace_both_compile()
    {
        GeneratorRun run = RunWithoutException("""
            using Backprop.Generated;
            namespace Backprop.Generated
            {
                [Network(2, 2)] public partial class Composition { }
                [Network(2, 2)] public partial class composition { }
                public partial class Backprop { [Network(2, 2)] public partial class Generated { } }
            }
            namespace Backprop { [Network(2, 2)] public partial class Generated_Composition { } }
            """);
        GeneratorHarness.AssertClean(run);
        Assert.Equal(5, run.Sources.Count);
    }

    [Fact]
    public void A_nested_type_and_a_namespace_of_the_same_path_get_distinct_files()
    {
        // namespace A.B { C } and namespace A { B { C } } both were "A.B.C.g.cs". The compiler rejects the pair
        // (CS0101), but that must stay its only complaint: a generator exception would hide every network.
        GeneratorRun run = RunWithoutException("""
            using Backprop.Generated;
            namespace A.B { [Network(2, 1)] public partial class C { } }
            namespace A { public partial class B { [Network(2, 1)] public partial class C { } } }
            """);
        Assert.Contains("A.B.C.g.cs", run.Sources.Keys);
        Assert.Contains("A.B+C.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void Namespaces_that_differ_only_in_case_get_distinct_files()
    {
        GeneratorRun run = RunWithoutException("""
            using Backprop.Generated;
            namespace App.Models { [Network(2, 1)] public partial class Net { } }
            namespace App.models { [Network(2, 1)] public partial class Net { } }
            namespace app.Models { [Network(2, 1)] public partial class Net { } }
            """);
        GeneratorHarness.AssertClean(run);
        Assert.Equal(3, run.Sources.Count);
        Assert.Contains("App(004100700070).Models(004d006f00640065006c0073).Net.g.cs", run.Sources.Keys);
        Assert.Contains("app(006100700070).Models.Net.g.cs", run.Sources.Keys);
    }

    private static readonly string[] Names = { "Net", "net", "NET", "Composition", "composition", "Backprop", "Generated", "g", "G", "cs", "Net_1", "Ab", "aB" };

    private static readonly string[] Namespaces = { "", "Backprop.Generated", "backprop.generated", "Backprop", "App", "app", "App.Net", "Composition", "A.g", "a.G" };

    /// <summary>
    /// Random sets of networks over a small alphabet of names that collide in every way: case, generic
    /// arity, nesting against namespaces, the generator's own namespace and file name. Whatever the compiler
    /// says about a set, the generator never throws and its hint names are distinct ignoring case.
    /// </summary>
    [Fact]
    public void No_set_of_names_namespaces_and_nestings_collides()
    {
        Gen<(int Namespace, int[] Path, int Arity)[]> networks = Gen.Select(Gen.Int[0, Namespaces.Length - 1], Gen.Int[0, Names.Length - 1].Array[1, 3], Gen.Int[0, 2]).Array[2, 8];
        networks.Sample(
            set =>
            {
                string source = Source(set);
                GeneratorRun run = GeneratorHarness.Run(source);
                Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
                Assert.DoesNotContain(run.AllDiagnostics, d => d.Id is "CS8784" or "CS8785");
                string[] names = run.Sources.Keys.ToArray();
                Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            },
            iter: 60,
            print: set => Source(set));
    }

    private static string Source((int Namespace, int[] Path, int Arity)[] set)
    {
        var source = new StringBuilder("using Backprop.Generated;\n");
        foreach ((int ns, int[] path, int arity) in set)
        {
            string open = string.Empty, close = string.Empty;
            for (int i = 0; i < path.Length - 1; i++)
            {
                open += $"public partial class {Names[path[i]]} {{ ";
                close += "} ";
            }

            string typeParameters = arity == 0 ? string.Empty : "<" + string.Join(", ", Enumerable.Range(0, arity).Select(k => "T" + k)) + ">";
            string network = $"[Network(2, 1)] public partial class {Names[path[^1]]}{typeParameters} {{ }} ";
            string body = open + network + close;
            source.Append(Namespaces[ns].Length == 0 ? body : $"namespace {Namespaces[ns]} {{ {body}}}").Append('\n');
        }

        return source.ToString();
    }
}
