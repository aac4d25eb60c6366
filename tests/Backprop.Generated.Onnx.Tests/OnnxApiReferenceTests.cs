using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace Backprop.Generated.Onnx.Tests;

/// <summary>
/// docs/api.md's section <c>## Namespace `Backprop.Generated.Onnx`</c> has one row for each public type of the ONNX
/// package and no other (issue 20 item 12; the runtime's types are held to the public API snapshot by
/// <c>ApiReferenceTests</c> in the numerics tests).
/// </summary>
public sealed class OnnxApiReferenceTests
{
    [Fact]
    public void Every_public_type_of_the_package_has_a_row_in_docs_api_md_and_every_row_a_type()
    {
        string[] exported = typeof(OnnxExport).Assembly.GetExportedTypes().Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Contains("Backprop.Generated.Onnx.OnnxExport", exported);

        string markdown = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "api.md"));
        const string Heading = "## Namespace `Backprop.Generated.Onnx`";
        int start = markdown.IndexOf(Heading, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/api.md has no section " + Heading);
        int end = markdown.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
        string section = markdown.Substring(start, (end < 0 ? markdown.Length : end) - start);
        string[] documented = Regex.Matches(section, @"^\| `([^`]+)` \|", RegexOptions.Multiline)
            .Select(m => "Backprop.Generated.Onnx." + m.Groups[1].Value).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.Equal(exported, documented);
    }

    private static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
