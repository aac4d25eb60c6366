using System;
using System.Linq;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// Runs source through the same compile helper as the generator tests (<see cref="GeneratorHarness"/>,
/// with <see cref="ShapeAnalyzer"/> attached) and checks diagnostics against a span marked in the source
/// with <c>[|</c> and <c>|]</c>: the ID, the exact span and the exact message.
/// </summary>
internal static class DiagnosticVerifier
{
    public const string Open = "[|";
    public const string Close = "|]";

    /// <summary>Removes the markers; returns the clean source and the marked span.</summary>
    public static (string Source, TextSpan Span) Unmark(string marked)
    {
        int start = marked.IndexOf(Open, StringComparison.Ordinal);
        int end = marked.IndexOf(Close, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "The test source must mark the expected span with [| |].");
        Assert.Equal(-1, marked.IndexOf(Open, start + Open.Length, StringComparison.Ordinal));
        string source = marked.Remove(end, Close.Length).Remove(start, Open.Length);
        return (source, new TextSpan(start, end - start - Open.Length));
    }

    public static GeneratorRun Run(string source) =>
        GeneratorHarness.Run(source, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());

    /// <summary>
    /// Asserts that <paramref name="id"/> is reported exactly once, at the marked span, with
    /// <paramref name="message"/>, and that no other Backprop.Generated diagnostic is reported.
    /// Compiler errors are allowed only when <paramref name="allowCompilerErrors"/> lists them.
    /// </summary>
    public static Diagnostic Verify(string marked, string id, string message, params string[] allowCompilerErrors)
    {
        RunVerified(marked, id, message, allowCompilerErrors);
        return Last!;
    }

    [System.ThreadStatic]
    private static Diagnostic? Last;

    /// <summary>As <see cref="Verify"/>, returning the run for further assertions.</summary>
    public static GeneratorRun RunVerified(string marked, string id, string message, params string[] allowCompilerErrors)
    {
        (string source, TextSpan span) = Unmark(marked);
        GeneratorRun run = Run(source);
        Diagnostic[] ours = run.AllDiagnostics.Where(d => d.Id.StartsWith("BPG", StringComparison.Ordinal)).ToArray();
        Diagnostic[] matching = ours.Where(d => d.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"Expected exactly one {id}, got:\n{Describe(run)}");
        Diagnostic diagnostic = matching[0];
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Network.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.True(span == diagnostic.Location.SourceSpan, $"{id} at {diagnostic.Location.SourceSpan} '{Text(source, diagnostic.Location.SourceSpan)}', expected {span} '{Text(source, span)}'");
        Assert.True(ours.Length == 1, $"Expected only {id}, got:\n{Describe(run)}");

        Diagnostic[] otherErrors = run.AllDiagnostics
            .Where(d => !d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning && !allowCompilerErrors.Contains(d.Id))
            .ToArray();
        Assert.True(otherErrors.Length == 0, $"Unexpected compiler diagnostics:\n{Describe(run)}");
        Last = diagnostic;
        return run;
    }

    /// <summary>Asserts the source compiles with no warnings and no Backprop.Generated diagnostic of any severity.</summary>
    public static GeneratorRun VerifySilent(string source)
    {
        GeneratorRun run = Run(source);
        Assert.True(
            run.AllDiagnostics.All(d => !d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Severity < DiagnosticSeverity.Warning),
            "Expected no diagnostics, got:\n" + Describe(run));
        return run;
    }

    public static string Describe(GeneratorRun run) => string.Join("\n", run.AllDiagnostics.Select(d => d.ToString()));

    private static string Text(string source, TextSpan span) => span.End <= source.Length ? source.Substring(span.Start, span.Length) : "?";
}
