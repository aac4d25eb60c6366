using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Backprop.Generated.Tests.Docs;

/// <summary>
/// The C# examples of README.md and docs/*.md that are whole programs compile as a net8.0 user's project compiles them:
/// C# 12 (net8.0's default), C# 13 and preview (C# 14 with this test's Roslyn, whose first-class span conversions
/// infer T from an array passed as a ReadOnlySpan&lt;T&gt;, so overloads must stay unambiguous there), against the .NET 8 reference assemblies and the runtime library's
/// net8.0 build, with the generator, nullable on and warnings as errors. The fenced blocks are read from the markdown
/// at test time, so a doc cannot drift from the API without failing here.
/// </summary>
/// <remarks>
/// Most ```csharp blocks are fragments (they use variables of the text around them), so a block is compiled only when
/// the line just above its fence is a marker, invisible when the markdown is rendered:
/// <c>&lt;!-- compile: program --&gt;</c> for a block that is a whole program on its own, or
/// <c>&lt;!-- compile: NAME --&gt;</c> for blocks of one file that together form a program (in document order: their
/// using directives first, then their statements, then their type declarations). Diagnostics point to the markdown
/// file and line.
/// </remarks>
public class DocExampleTests
{
    private static readonly Regex Marker = new(@"^<!-- compile: (?<name>[A-Za-z0-9-]+) -->$", RegexOptions.CultureInvariant);

    private static readonly Lazy<IReadOnlyList<DocProgram>> Programs = new(() => ReadPrograms(Root()));

    public static TheoryData<string, LanguageVersion> Cases()
    {
        var data = new TheoryData<string, LanguageVersion>();
        foreach (DocProgram program in Programs.Value)
        {
            foreach (LanguageVersion version in new[] { LanguageVersion.CSharp12, LanguageVersion.CSharp13, LanguageVersion.Preview })
            {
                data.Add(program.Id, version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Marked_doc_program_compiles_for_net8(string id, LanguageVersion version)
    {
        DocProgram program = Programs.Value.Single(p => p.Id == id);
        string[] problems = Compile(program, version);
        Assert.True(problems.Length == 0, $"{id} under C# {version.ToDisplayString()}:\n{string.Join("\n", problems)}\n\n{program.Source}");
    }

    [Fact]
    public void The_documents_a_new_user_follows_have_marked_programs()
    {
        // The README's first program, the package's README and the training guide's classifier (TrainTestSplit,
        // StandardScaler, labels) must stay marked: removing a marker would silently stop the check above.
        string[] files = Programs.Value.Select(p => p.File).Distinct().ToArray();
        Assert.Contains("README.md", files);
        Assert.Contains("docs/package-readme.md", files);
        Assert.Contains("docs/training.md", files);
        string training = string.Concat(Programs.Value.Where(p => p.File == "docs/training.md").Select(p => p.Source));
        Assert.Contains("TrainTestSplit.Stratified(", training, StringComparison.Ordinal);
        Assert.Contains("StandardScaler.Fit(", training, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp12, true)]
    [InlineData(LanguageVersion.CSharp13, true)]
    [InlineData(LanguageVersion.Preview, false)]
    public void Why_the_float_and_double_overloads_exist(LanguageVersion version, bool cs0411)
    {
        // C# 12 and 13 infer no T from a float[] passed as a ReadOnlySpan<T> (the user-defined array-to-span conversion
        // plays no part in type inference): CS0411. C# 14's first-class span conversions (preview in this Roslyn) do.
        const string source = """
            using System;

            float[] x = new float[4];
            Console.WriteLine(Generic.First(x));

            static class Generic
            {
                public static T First<T>(ReadOnlySpan<T> values) => values[0];
            }
            """;
        string[] problems = Compile(ReadMarkdown("why.md", "<!-- compile: program -->\n```csharp\n" + source + "\n```\n").Single(), version);
        Assert.Equal(cs0411, problems.Any(p => p.Contains("error CS0411", StringComparison.Ordinal)));
        Assert.Equal(cs0411 ? 1 : 0, problems.Length);
    }

    [Fact]
    public void A_marked_program_that_does_not_compile_fails_and_a_stray_marker_is_an_error()
    {
        const string markdown = """
            Text.

            <!-- compile: program -->
            ```csharp
            using Backprop.Generated;

            float[] x = new float[8];
            TrainTestSplit split = TrainTestSplit.Random(4, 0.5, 0);
            float[] train = split.Train(x);
            split.NoSuchMethod();
            ```
            """;
        DocProgram program = Assert.Single(ReadMarkdown("test.md", markdown));
        string[] problems = Compile(program, LanguageVersion.CSharp12);
        string problem = Assert.Single(problems);
        Assert.Contains("test.md(10,", problem, StringComparison.Ordinal); // the markdown's own line
        Assert.Contains("CS1061", problem, StringComparison.Ordinal);

        InvalidDataException stray = Assert.Throws<InvalidDataException>(() => ReadMarkdown("stray.md", "<!-- compile: program -->\nText.\n```csharp\n```\n"));
        Assert.Contains("stray.md:1", stray.Message, StringComparison.Ordinal);
    }

    private static string[] Compile(DocProgram program, LanguageVersion version)
    {
        CSharpParseOptions options = GeneratorHarness.ParseOptions(version);
        CSharpCompilation input = CSharpCompilation.Create(
            "DocProgram" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(program.Source, options, program.File + ".cs") },
            Net8References.Value,
            new CSharpCompilationOptions(
                OutputKind.ConsoleApplication,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress }));
        GeneratorRun run = GeneratorHarness.Run(input, version);
        var problems = run.AllDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError)
            .Select(d => d.ToString())
            .ToList();
        if (problems.Count == 0)
        {
            using var stream = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emit = run.Output.Emit(stream);
            problems.AddRange(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        }

        return problems.ToArray();
    }

    /// <summary>The .NET 8 reference assemblies (as a net8.0 project compiles against) and the runtime library.</summary>
    private static readonly Lazy<MetadataReference[]> Net8References = new(() =>
    {
        string root = typeof(DocExampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        string pack = Directory.GetDirectories(Path.Combine(root, "microsoft.netcore.app.ref"), "8.0.*")
            .OrderBy(d => Version.Parse(Path.GetFileName(d)))
            .Last();
        // The runtime library as a net8.0 project gets it: its net8.0 build (what this net10.0 test project references).
        Assembly library = typeof(NetworkAttribute).Assembly;
        Assert.Equal(".NETCoreApp,Version=v8.0", library.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()!.FrameworkName);
        string runtime = library.Location;
        return Directory.GetFiles(Path.Combine(pack, "ref", "net8.0"), "*.dll")
            .Append(runtime)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    private static IReadOnlyList<DocProgram> ReadPrograms(string root) =>
        new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(p => "docs/" + Path.GetFileName(p)).OrderBy(p => p, StringComparer.Ordinal))
            .SelectMany(file => ReadMarkdown(file, File.ReadAllText(Path.Combine(root, file))))
            .ToArray();

    /// <summary>The marked programs of one markdown file.</summary>
    internal static IReadOnlyList<DocProgram> ReadMarkdown(string file, string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var groups = new List<(string Name, List<(int Line, string Code)> Blocks)>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match match = Marker.Match(lines[i].Trim());
            if (!match.Success)
            {
                continue;
            }

            if (i + 1 >= lines.Length || lines[i + 1].Trim() != "```csharp")
            {
                throw new InvalidDataException($"{file}:{i + 1}: a compile marker must be the line just above a ```csharp fence.");
            }

            int start = i + 2;
            int end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            string name = match.Groups["name"].Value;
            (int Line, string Code) block = (start + 1, string.Join("\n", lines[start..end]));
            int existing = name == "program" ? -1 : groups.FindIndex(g => g.Name == name);
            if (existing < 0)
            {
                groups.Add((name, new List<(int, string)> { block }));
            }
            else
            {
                groups[existing].Blocks.Add(block);
            }

            i = end;
        }

        return groups.Select(g => new DocProgram(file, $"{file}:{g.Blocks[0].Line} ({g.Name})", Compose(file, g.Blocks))).ToArray();
    }

    /// <summary>
    /// One compilation unit from the blocks: using directives, then top-level statements, then declarations (C# wants
    /// statements before types), each piece under a #line directive naming its markdown line.
    /// </summary>
    private static string Compose(string file, IReadOnlyList<(int Line, string Code)> blocks)
    {
        var usings = new StringBuilder();
        var statements = new StringBuilder();
        var declarations = new StringBuilder();
        foreach ((int line, string code) in blocks)
        {
            SyntaxTree tree = CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions(LanguageVersion.Latest));
            var unit = (CompilationUnitSyntax)tree.GetRoot();
            foreach (SyntaxNode node in unit.Usings.Cast<SyntaxNode>().Concat(unit.Members))
            {
                StringBuilder target = node switch
                {
                    UsingDirectiveSyntax => usings,
                    GlobalStatementSyntax => statements,
                    _ => declarations,
                };
                int first = tree.GetLineSpan(node.FullSpan).StartLinePosition.Line;
                target.Append("#line ").Append(line + first).Append(" \"").Append(file).Append("\"\n").Append(node.ToFullString().TrimEnd()).Append('\n');
            }
        }

        return usings.Append(statements).Append(declarations).ToString();
    }

    private static string Root()
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

    /// <summary>One program: its markdown file, a readable id (file, first line, marker name) and its C# source.</summary>
    internal sealed record DocProgram(string File, string Id, string Source);
}
