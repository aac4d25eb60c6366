using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Api;

/// <summary>
/// The README's test command is the one CI runs (issue 20 item 12): <c>.ci/run</c> calls it verbatim, only adding
/// the TRX logger it counts "N passed, N failed" from, and the command shows progress (a console logger at normal
/// verbosity names each test as it passes; tests/xunit.runner.json adds xUnit's long-running-test notices).
/// </summary>
public sealed class ReadmeTestCommandTests
{
    [Fact]
    public void Ci_runs_the_readme_test_command_and_it_shows_progress()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Match command = Regex.Match(readme, @"^(dotnet test Backprop\.Generated\.sln[^#\n]*?)\s*(#.*)?$", RegexOptions.Multiline);
        Assert.True(command.Success, "README.md has no 'dotnet test Backprop.Generated.sln' line");
        string text = command.Groups[1].Value;
        Assert.Contains("--logger \"console;verbosity=normal\"", text, StringComparison.Ordinal);

        string[] ci = File.ReadAllLines(Path.Combine(root, ".ci", "run"));
        string solutionRun = Assert.Single(ci, line => line.StartsWith("dotnet test Backprop.Generated.sln", StringComparison.Ordinal));
        Assert.Equal(text + " --logger \"trx\" --results-directory \"$results\"", solutionRun);

        string runnerJson = File.ReadAllText(Path.Combine(root, "tests", "xunit.runner.json"));
        Assert.Matches("\"diagnosticMessages\": true", runnerJson);
        Assert.Matches("\"longRunningTestSeconds\": [1-9][0-9]*", runnerJson);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "xunit.runner.json")), "xunit.runner.json is not copied next to the tests");
    }

    [Fact]
    public void The_readme_names_exactly_the_test_projects_of_the_solution()
    {
        // The paragraph after the command names the projects it runs (issue 20 item 12: it said "four" when a fifth had
        // been added). The solution's test projects are those whose project file sets IsTestProject, as dotnet test
        // decides; the README must name each of them and no other, and say how many.
        string root = RepositoryRoot();
        string[] solution = Regex.Matches(File.ReadAllText(Path.Combine(root, "Backprop.Generated.sln")), "\"([^\"]+\\.csproj)\"")
            .Select(m => m.Groups[1].Value.Replace('\\', '/'))
            .Where(path => Regex.IsMatch(File.ReadAllText(Path.Combine(root, path)), @"<IsTestProject>\s*true\s*</IsTestProject>", RegexOptions.IgnoreCase))
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
        Assert.Contains("Backprop.Generated.Roslyn48.Tests", solution);

        string readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Match paragraph = Regex.Match(readme, @"^The test command builds the solution and runs its (?<count>\w+) test projects.*?(?=\n\n)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(paragraph.Success, "README.md has no paragraph 'The test command builds the solution and runs its N test projects'");
        string[] named = Regex.Matches(paragraph.Value, @"`(Backprop\.Generated\.(?:[A-Za-z0-9]+\.)?[A-Za-z0-9]*Tests)`")
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(solution, named);
        string[] words = { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten" };
        Assert.Equal(words[solution.Length], paragraph.Groups["count"].Value);

        // Counts and durations drift with every commit: the paragraph gives them only as measured at a named commit.
        Assert.DoesNotContain("this commit", paragraph.Value, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"at [0-9a-f]{7,40} \(\d{4}-\d{2}-\d{2}", paragraph.Value);
    }

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
