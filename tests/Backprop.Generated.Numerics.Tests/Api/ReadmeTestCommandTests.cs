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

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
