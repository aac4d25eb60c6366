using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Api;

/// <summary>
/// docs/api.md is a reference of the public API (issue 20 item 12): every public type of the approved public API
/// snapshot (<see cref="PublicApiTests"/>) has a row in its namespace's section, and every row of those sections names
/// a public type of the snapshot. A type added to the library without a line in the reference, or a line left behind by
/// a removed type, fails here.
/// </summary>
public sealed class ApiReferenceTests
{
    private const string Snapshot = "PublicApiTests.Runtime_public_api_is_the_approved_one.approved.txt";

    private readonly ITestOutputHelper _output;

    public ApiReferenceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_public_type_of_the_snapshot_has_a_row_in_docs_api_md_and_every_row_a_type()
    {
        string root = RepositoryRoot();
        Dictionary<string, HashSet<string>> api = SnapshotTypes(File.ReadAllText(Path.Combine(root, "tests", "Backprop.Generated.Numerics.Tests", "Snapshots", Snapshot)));
        Dictionary<string, HashSet<string>> docs = DocumentedTypes(File.ReadAllText(Path.Combine(root, "docs", "api.md")));

        // The snapshot's listing is not empty, and its parser sees nested and generic types.
        Assert.Contains("INetwork<T>", api["Backprop.Generated"]);
        Assert.Contains("Activations.Softmax", api["Backprop.Generated.Compute"]);

        var missing = new List<string>();
        var stale = new List<string>();
        foreach ((string ns, HashSet<string> types) in api)
        {
            HashSet<string> documented = docs.TryGetValue(ns, out HashSet<string>? rows) ? rows : new HashSet<string>();
            missing.AddRange(types.Where(t => !documented.Contains(t)).Select(t => $"{ns}.{t}"));
            stale.AddRange(documented.Where(t => !types.Contains(t)).Select(t => $"{ns}.{t}"));
            _output.WriteLine($"{ns}: {types.Count} public types, {documented.Count} rows");
        }

        Assert.True(missing.Count == 0, "docs/api.md has no row for: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "docs/api.md has rows for types that are not public: " + string.Join(", ", stale));
    }

    /// <summary>
    /// The public types PublicApiGenerator lists, by namespace: top-level types at 4 spaces of indent, nested ones at 8
    /// (named <c>Outer.Inner</c>), generic ones with their type parameters as declared (<c>ILanes&lt;TVector, T&gt;</c>).
    /// </summary>
    internal static Dictionary<string, HashSet<string>> SnapshotTypes(string listing)
    {
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        string? ns = null;
        string? outer = null;
        var declaration = new Regex(@"^(?<indent> +)(?:\[[^\]]*\] )*public (?:(?:sealed|static|abstract|readonly|ref|partial) )*(?:class|struct|interface|enum|record|delegate) (?<name>\w+(?:<[^>]*>)?)");
        foreach (string line in listing.Split('\n'))
        {
            Match n = Regex.Match(line, @"^\W*namespace (\S+)");
            if (n.Success)
            {
                ns = n.Groups[1].Value;
                types[ns] = new HashSet<string>(StringComparer.Ordinal);
                continue;
            }

            Match d = declaration.Match(line);
            if (!d.Success || ns is null)
            {
                continue;
            }

            string name = d.Groups["name"].Value;
            if (d.Groups["indent"].Length == 4)
            {
                outer = name;
                types[ns].Add(name);
            }
            else
            {
                types[ns].Add(outer + "." + name);
            }
        }

        return types;
    }

    /// <summary>The types named by the table rows (<c>| `Name` | ...</c>) of each <c>## Namespace `X`</c> section.</summary>
    internal static Dictionary<string, HashSet<string>> DocumentedTypes(string markdown)
    {
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string>? current = null;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Match heading = Regex.Match(line, @"^## Namespace `([^`]+)`");
                current = heading.Success ? types[heading.Groups[1].Value] = new HashSet<string>(StringComparer.Ordinal) : null;
                continue;
            }

            Match row = Regex.Match(line, @"^\| `([^`]+)` \|");
            if (current is not null && row.Success)
            {
                Assert.True(current.Add(row.Groups[1].Value), $"docs/api.md lists {row.Groups[1].Value} twice");
            }
        }

        return types;
    }

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
