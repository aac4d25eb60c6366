using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// Every descriptor has a docs page (with the wrong code, a message that matches the descriptor, and the
/// fix), a row in docs/diagnostics/README.md and an AnalyzerReleases entry; and nothing is documented or
/// released that does not exist.
/// </summary>
public class DiagnosticCatalogTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Docs = Path.Combine(Root, "docs", "diagnostics");

    [Fact]
    public void Every_descriptor_has_a_page_and_every_page_a_descriptor()
    {
        string[] ids = DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal).ToArray();
        string[] pages = Directory.GetFiles(Docs, "BPG*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(i => i, StringComparer.Ordinal).ToArray()!;
        Assert.Equal(ids, pages);
    }

    [Fact]
    public void Every_page_shows_wrong_code_a_matching_message_and_the_fix()
    {
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            string page = File.ReadAllText(Path.Combine(Docs, descriptor.Id + ".md"));
            Assert.StartsWith($"# {descriptor.Id}: {descriptor.Title}", page, StringComparison.Ordinal);
            Assert.Contains("## Wrong code", page, StringComparison.Ordinal);
            Assert.Contains("## Fix", page, StringComparison.Ordinal);

            Match message = Regex.Match(page, "## Message\\s+```text\\n" + descriptor.Id + ": (.*)\\n```");
            Assert.True(message.Success, descriptor.Id + ": no message block");
            string pattern = "^" + Regex.Replace(Regex.Escape(descriptor.MessageFormat.ToString()), "\\\\\\{\\d+}", ".+") + "$";
            Assert.Matches(new Regex(pattern), message.Groups[1].Value);
        }
    }

    [Fact]
    public void Every_page_names_its_severity_and_the_analyzer_that_reports_it()
    {
        string[] declaration = new DeclarationAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToArray();
        string[] callSite = new ShapeAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToArray();
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            string page = File.ReadAllText(Path.Combine(Docs, descriptor.Id + ".md"));
            Match row = Regex.Match(page, "\\| Severity \\| Reported by \\|\\n\\|---\\|---\\|\\n\\| (\\w+) \\| ([^|\\n]+) \\|");
            Assert.True(row.Success, descriptor.Id + ": no severity / reported-by table");
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Groups[1].Value);
            // BPG050-BPG056 come from the generator itself, which alone reads a Weights file (DiagnosticDescriptors).
            string analyzer = string.CompareOrdinal(descriptor.Id, "BPG050") >= 0 && string.CompareOrdinal(descriptor.Id, "BPG056") <= 0 ? "the generator"
                : declaration.Contains(descriptor.Id) ? "`DeclarationAnalyzer`"
                : callSite.Contains(descriptor.Id) ? "`ShapeAnalyzer`"
                : throw new InvalidOperationException(descriptor.Id + " is reported by no analyzer");
            Assert.Contains(analyzer, row.Groups[2].Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_help_link_is_the_configured_base_plus_a_page_that_exists_or_there_is_none()
    {
        // The base is set once, as BackpropRepositoryUrl (and BackpropDocsUrl) in Directory.Build.props; while it is
        // empty (no public repository yet) the descriptors carry no link rather than one that leads nowhere.
        string props = File.ReadAllText(Path.Combine(Root, "Directory.Build.props"));
        string repositoryUrl = Regex.Match(props, "<BackpropRepositoryUrl>([^<]*)</BackpropRepositoryUrl>").Groups[1].Value.Trim();
        Assert.Equal(repositoryUrl.Length == 0, DiagnosticDescriptors.DocsUrl.Length == 0);

        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            string path = DiagnosticDescriptors.HelpPath(descriptor.Id);
            Assert.True(File.Exists(Path.Combine(Root, path)), descriptor.Id + ": no page at " + path);
            string expected = DiagnosticDescriptors.DocsUrl.Length == 0 ? string.Empty : DiagnosticDescriptors.DocsUrl + path;
            Assert.Equal(expected, descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void A_help_link_is_the_base_plus_the_page_path_and_no_base_means_no_link()
    {
        // example.org is reserved for documentation (RFC 2606): a base that no real project uses.
        Assert.Equal("https://example.org/repo/blob/main/docs/diagnostics/BPG020.md", DiagnosticDescriptors.HelpLink("https://example.org/repo/blob/main/", "BPG020"));
        Assert.Null(DiagnosticDescriptors.HelpLink(string.Empty, "BPG020"));
    }

    [Fact]
    public void The_index_lists_every_page()
    {
        string index = File.ReadAllText(Path.Combine(Docs, "README.md"));
        string[] listed = Regex.Matches(index, "\\[(BPG\\d{3})\\]\\(\\1\\.md\\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), listed.OrderBy(i => i, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_descriptor_is_in_the_release_tracking_files_and_nothing_else_is()
    {
        string generator = Path.Combine(Root, "generator", "Backprop.Generated.Generator");
        var rows = File.ReadAllLines(Path.Combine(generator, "AnalyzerReleases.Shipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(generator, "AnalyzerReleases.Unshipped.md")))
            .Select(line => Regex.Match(line, "^(BPG\\d{3}) \\| ([^|]+) \\| (\\w+) \\| (.*)$"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value);

        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), rows.Keys.OrderBy(i => i, StringComparer.Ordinal));
        foreach (DiagnosticDescriptor descriptor in DiagnosticDescriptors.All)
        {
            Match row = rows[descriptor.Id];
            Assert.Equal(descriptor.Category, row.Groups[2].Value.Trim());
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Groups[3].Value);
        }
    }

    [Fact]
    public void The_analyzer_supports_exactly_the_call_site_descriptors()
    {
        string[] supported = new ShapeAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToArray();
        Assert.Equal(new[] { "BPG024", "BPG025", "BPG026", "BPG027", "BPG028", "BPG029", "BPG030", "BPG031" }, supported);
        Assert.All(supported, id => Assert.Same(DiagnosticDescriptors.ById(id), new ShapeAnalyzer().SupportedDiagnostics.First(d => d.Id == id)));
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Backprop.Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Backprop.Generated.sln not found above " + AppContext.BaseDirectory);
    }
}
