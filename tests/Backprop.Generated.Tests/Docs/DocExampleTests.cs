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
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Backprop.Generated.Tests.Docs;

/// <summary>
/// Every ```csharp block of README.md and docs/**/*.md compiles as a net8.0 user's project compiles it (issue 20 item
/// 11: a doc example a C# 12 user copies must compile): C# 12 (net8.0's default), against the .NET 8 reference
/// assemblies, the runtime library's net8.0 build and the ONNX package, with the generator, both analyzers, nullable on
/// and warnings as errors. Whole programs also compile under C# 13 and preview (C# 14 with this test's Roslyn, whose
/// first-class span conversions infer T from an array passed as a ReadOnlySpan&lt;T&gt;, so overloads must stay
/// unambiguous there). The blocks are read from the markdown at test time, so a doc cannot drift from the API without
/// failing here; diagnostics point to the markdown file and line.
/// </summary>
/// <remarks>
/// A block is compiled on its own as a net8.0 project's Program.cs: with the implicit usings of <c>dotnet new console</c>
/// plus <c>using Backprop.Generated;</c>, its using directives first, then its statements (top-level), then its type
/// declarations. What the text around a block gives in words goes in a marker, the HTML comment ending on the line just
/// above the fence (invisible when the markdown is rendered):
/// <list type="bullet">
/// <item><c>&lt;!-- compile: with CODE --&gt;</c>: CODE (declarations and statements, may span lines) is compiled before
/// the block, e.g. <c>with [Network(3, 2, 1)] public partial class Student { } var net = new Student();</c>.</item>
/// <item><c>&lt;!-- compile: expect BPG024 --&gt;</c> (ids separated by ", "; may be followed by <c>with</c>): wrong code, which
/// must give exactly these diagnostic ids, each at least once, and nothing else; on a diagnostic's page, its own id.</item>
/// <item><c>&lt;!-- compile: weights 64-32-10 --&gt;</c> (before <c>with</c>): the project, in <c>/project</c> with the build
/// logic imported, has <c>models/digits.safetensors</c> as an additional file, saved from a network of these sizes (for
/// <c>Weights = "models/digits.safetensors"</c>); <c>weights none</c>: the same project without the file.</item>
/// <item><c>&lt;!-- compile: skip REASON --&gt;</c>: not compiled, for the reason given (an excerpt of generated code, a
/// block that needs another package or a project setting); the few of them are listed when the test runs.</item>
/// <item><c>&lt;!-- compile: program --&gt;</c>: a whole program, compiled as it stands (no implicit usings), under all three
/// versions; <c>&lt;!-- compile: NAME --&gt;</c>: blocks of one file that together form such a program.</item>
/// </list>
/// An unmarked block that leans on text elsewhere fails here: give it a <c>with</c> marker, or make it whole.
/// </remarks>
public class DocExampleTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public DocExampleTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static readonly Regex Marker = new(
        @"^\s*<!-- compile: (?:(?<skip>skip)(?<reason>\s.*?)|(?:expect (?<expect>(?:BPG|CS)[0-9]{3,4}(?:, (?:BPG|CS)[0-9]{3,4})*))?\s*(?:weights (?<weights>none|[0-9]+(?:-[0-9]+)+))?\s*(?:with\s+(?<with>.*?))?|(?!skip|expect|with)(?<name>[A-Za-z0-9-]+)) -->\s*$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);

    private static readonly Lazy<IReadOnlyList<DocProgram>> Programs = new(() => ReadPrograms(Root()));

    public static TheoryData<string, LanguageVersion> Cases()
    {
        var data = new TheoryData<string, LanguageVersion>();
        foreach (DocProgram program in Programs.Value)
        {
            // Whole programs also under C# 13 and preview; every fragment under C# 12, the version net8.0 users have.
            LanguageVersion[] versions = program.Kind switch
            {
                DocKind.Program => new[] { LanguageVersion.CSharp12, LanguageVersion.CSharp13, LanguageVersion.Preview },
                DocKind.Skip => Array.Empty<LanguageVersion>(),
                _ => new[] { LanguageVersion.CSharp12 },
            };
            foreach (LanguageVersion version in versions)
            {
                data.Add(program.Id, version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_doc_example_compiles_for_net8(string id, LanguageVersion version)
    {
        DocProgram program = Programs.Value.Single(p => p.Id == id);
        string[] problems = Compile(program, version);
        Assert.True(
            problems.Length == 0,
            $"{id} under C# {version.ToDisplayString()}:\n{string.Join("\n", problems)}\n\n{program.Source}\n\n"
            + "A fragment that uses names from the text around it needs a marker above its fence, e.g. <!-- compile: with var net = new Student(); --> (see DocExampleTests' remarks).");
    }

    [Fact]
    public void Every_csharp_block_of_the_docs_is_compiled_or_skipped_for_a_stated_reason()
    {
        // Every ```csharp block is a case of the theory above; the ones skipped say why in the doc, and stay few.
        DocProgram[] skipped = Programs.Value.Where(p => p.Kind == DocKind.Skip).ToArray();
        _output.WriteLine($"{skipped.Length} blocks skipped:\n" + string.Join("\n", skipped.Select(p => $"{p.Id}: {p.SkipReason}")));
        Assert.All(skipped, p => Assert.True(p.SkipReason!.Length >= 20, $"{p.Id}: a skip marker needs a reason: '{p.SkipReason}'"));
        string root = Root();
        int blocks = new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Sum(f => File.ReadAllLines(Path.Combine(root, f)).Count(l => l.Trim() == "```csharp"));
        int read = Programs.Value.Sum(p => p.Blocks);
        Assert.Equal(blocks, read);
        // Wrong code on a diagnostic's page gives that diagnostic.
        Assert.All(Programs.Value.Where(p => p.Kind == DocKind.Expect && p.File.StartsWith("docs/diagnostics/BPG", StringComparison.Ordinal)),
            p => Assert.Contains(Path.GetFileNameWithoutExtension(p.File), p.Expected));
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

    [Fact]
    public void An_unmarked_block_that_does_not_compile_fails_and_markers_say_what_they_mean()
    {
        const string markdown = """
            # Page

            ```csharp
            var net = new Student();
            net.Forward(new float[3], new float[1]);
            ```

            <!-- compile: with var net = new Student(); -->
            ```csharp
            net.Forward(new float[3], new float[1]);

            [Network(3, 2, 1)]
            public partial class Student { }
            ```

            <!-- compile: expect BPG024 -->
            ```csharp
            var net = new Student();
            net.Forward(stackalloc float[4], stackalloc float[1]);

            [Network(3, 2, 1)]
            public partial class Student { }
            ```

            <!-- compile: skip it needs ONNX Runtime, which this project does not reference -->
            ```csharp
            using var session = new InferenceSession("digits.onnx");
            ```
            """;
        DocProgram[] blocks = ReadMarkdown("test.md", markdown).ToArray();
        Assert.Equal(new[] { DocKind.Fragment, DocKind.Fragment, DocKind.Expect, DocKind.Skip }, blocks.Select(b => b.Kind));

        // No marker: compiled on its own, so a fragment that leans on text elsewhere fails, at the markdown's line.
        string[] unmarked = Compile(blocks[0], LanguageVersion.CSharp12);
        Assert.Contains(unmarked, p => p.Contains("test.md(4,", StringComparison.Ordinal) && p.Contains("CS0246", StringComparison.Ordinal));

        // with: the context comes first; the block compiles with the implicit usings (Backprop.Generated among them).
        Assert.Empty(Compile(blocks[1], LanguageVersion.CSharp12));

        // expect: exactly the named diagnostic. The same code expected to give another one fails.
        Assert.Equal(new[] { "BPG024" }, blocks[2].Expected);
        Assert.Empty(Compile(blocks[2], LanguageVersion.CSharp12));
        Assert.NotEmpty(Compile(blocks[2] with { Expected = new[] { "BPG025" } }, LanguageVersion.CSharp12));
        Assert.NotEmpty(Compile(blocks[1] with { Kind = DocKind.Expect, Expected = new[] { "BPG024" } }, LanguageVersion.CSharp12));

        Assert.Equal("it needs ONNX Runtime, which this project does not reference", blocks[3].SkipReason);
        InvalidDataException noReason = Assert.Throws<InvalidDataException>(() => ReadMarkdown("skip.md", "<!-- compile: skip -->\n```csharp\n```\n"));
        Assert.Contains("skip.md:1", noReason.Message, StringComparison.Ordinal);
    }

    private static string[] Compile(DocProgram program, LanguageVersion version)
    {
        CSharpParseOptions options = GeneratorHarness.ParseOptions(version).WithPreprocessorSymbols(Net8Symbols);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(program.Source, options, program.File + ".cs") };
        if (program.Kind != DocKind.Program)
        {
            trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, options, "GlobalUsings.g.cs"));
        }

        bool executable = trees[0].GetCompilationUnitRoot().Members.Any(m => m is GlobalStatementSyntax);
        CSharpCompilation input = CSharpCompilation.Create(
            "DocProgram" + Guid.NewGuid().ToString("N"),
            trees,
            Net8References.Value,
            new CSharpCompilationOptions(
                executable ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress }));
        // Both analyzers, as in a user's build: a doc example must not pass a buffer of the wrong length either.
        GeneratorRun run = Run(input, version, program.Weights);
        // Warnings and errors; for wrong code also the expected diagnostic at any severity (BPG012 is an info).
        Diagnostic[] diagnostics = run.AllDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError || program.Expected.Contains(d.Id))
            .ToArray();
        if (program.Kind == DocKind.Expect)
        {
            // Wrong code: exactly the documented diagnostics, each at least once, and nothing else.
            string[] ids = diagnostics.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToArray();
            if (!ids.SequenceEqual(program.Expected.OrderBy(i => i, StringComparer.Ordinal)))
            {
                return new[] { $"expected exactly {string.Join(", ", program.Expected)}, got: " + (diagnostics.Length == 0 ? "none" : string.Join("\n", diagnostics.Select(d => d.ToString()))) };
            }

            // A diagnostic's page shows the message its wrong code gives, word for word.
            if (program.DocumentedMessage is { } documented
                && !diagnostics.Any(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture) == documented))
            {
                return new[] { $"the page's message\n  {documented}\nis not what its wrong code gives:\n  " + string.Join("\n  ", diagnostics.Select(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))) };
            }

            return Array.Empty<string>();
        }

        var problems = diagnostics.Select(d => d.ToString()).ToList();
        if (problems.Count == 0 && program.Kind == DocKind.Program)
        {
            // Whole programs are emitted too; for fragments the diagnostics are the check (emitting each costs more than it finds).
            using var stream = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emit = run.Output.Emit(stream);
            problems.AddRange(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        }

        return problems.ToArray();
    }

    /// <summary>
    /// The generator, then the compiler and both analyzers in one pass (<c>GetAllDiagnosticsAsync</c> binds each body
    /// once); with <paramref name="weights"/>, in a project whose <c>models/digits.safetensors</c> was saved from a
    /// network of these sizes (none when empty).
    /// </summary>
    private static GeneratorRun Run(CSharpCompilation input, LanguageVersion version, int[]? weights)
    {
        GeneratorDriver driver;
        if (weights is null)
        {
            driver = GeneratorHarness.CreateDriver(version);
        }
        else
        {
            var tensors = new List<Backprop.Generated.Tests.Weights.Tensor>();
            for (int l = 0; l + 1 < weights.Length; l++)
            {
                tensors.Add(Backprop.Generated.Tests.Weights.Tensor.F32($"layers.{l}.weight", new[] { weights[l + 1], weights[l] }, new float[weights[l + 1] * weights[l]]));
                tensors.Add(Backprop.Generated.Tests.Weights.Tensor.F32($"layers.{l}.bias", new[] { weights[l + 1] }, new float[weights[l + 1]]));
            }

            (string, byte[])[] files = weights.Length == 0
                ? Array.Empty<(string, byte[])>()
                : new[] { ("models/digits.safetensors", Backprop.Generated.Tests.Weights.WeightsProject.File(tensors.ToArray())) };
            driver = Backprop.Generated.Tests.Weights.WeightsProject.CreateDriver(buildLogic: true, files);
        }

        driver = driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out System.Collections.Immutable.ImmutableArray<Diagnostic> generatorDiagnostics);
        System.Collections.Immutable.ImmutableArray<Diagnostic> diagnostics = output
            .WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(
                new Backprop.Generated.Generator.Analyzers.DeclarationAnalyzer(), new Backprop.Generated.Generator.Analyzers.ShapeAnalyzer()))
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        return new GeneratorRun(input, output, driver, driver.GetRunResult(), generatorDiagnostics, diagnostics);
    }

    /// <summary>The preprocessor symbols of a net8.0 project (the SDK defines them from the target framework).</summary>
    private static readonly string[] Net8Symbols =
        { "NET", "NET8_0", "NETCOREAPP", "NETCOREAPP3_1_OR_GREATER", "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER" };

    /// <summary>
    /// What a fragment is compiled with besides its own code and its <c>with</c> context: the implicit usings of a
    /// net8.0 console project (<c>ImplicitUsings</c> on, as <c>dotnet new console</c> writes it) and the library's namespace.
    /// </summary>
    private const string ImplicitUsings = ProjectSettingsTests.SdkImplicitUsings + "\nglobal using global::Backprop.Generated;";

    /// <summary>The .NET 8 reference assemblies (as a net8.0 project compiles against), the runtime library and the ONNX package.</summary>
    private static readonly Lazy<MetadataReference[]> Net8References = new(() =>
    {
        string root = typeof(DocExampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        string pack = Directory.GetDirectories(Path.Combine(root, "microsoft.netcore.app.ref"), "8.0.*")
            .OrderBy(d => Version.Parse(Path.GetFileName(d)))
            .Last();
        // The runtime library as a net8.0 project gets it: its net8.0 build (the test project references the net10.0 one).
        string runtime = ProjectSettingsTests.Net8Runtime();
        // The ONNX package (net8.0 only), for the examples of docs/onnx.md and the README's export line.
        string onnx = typeof(Backprop.Generated.Onnx.OnnxExport).Assembly.Location;
        return Directory.GetFiles(Path.Combine(pack, "ref", "net8.0"), "*.dll")
            .Append(runtime)
            .Append(onnx)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    private static IReadOnlyList<DocProgram> ReadPrograms(string root) =>
        new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
                .OrderBy(p => p, StringComparer.Ordinal))
            .SelectMany(file => ReadMarkdown(file, File.ReadAllText(Path.Combine(root, file))))
            .ToArray();

    /// <summary>Every ```csharp block of one markdown file, as programs (marked groups), fragments, wrong code or skipped blocks.</summary>
    internal static IReadOnlyList<DocProgram> ReadMarkdown(string file, string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

        // The markers: an HTML comment starting "<!-- compile:" whose last line is just above a ```csharp fence.
        var markers = new Dictionary<int, (int Line, string Text)>(); // fence line -> (first line of the marker, its text)
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("<!-- compile", StringComparison.Ordinal))
            {
                continue;
            }

            int last = i;
            while (last < lines.Length && !lines[last].TrimEnd().EndsWith("-->", StringComparison.Ordinal))
            {
                last++;
            }

            if (last + 1 >= lines.Length || lines[last + 1].Trim() != "```csharp")
            {
                throw new InvalidDataException($"{file}:{i + 1}: a compile marker must end on the line just above a ```csharp fence.");
            }

            markers[last + 1] = (i, string.Join("\n", lines[i..(last + 1)]));
            i = last;
        }

        var groups = new List<(string Name, List<(int Line, string Code)> Blocks)>();
        var programs = new List<DocProgram>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            int start = i + 1;
            int end = start;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            (int Line, string Code) block = (start + 1, string.Join("\n", lines[start..end]));
            string id = $"{file}:{start + 1}";
            i = end;
            if (!markers.TryGetValue(start - 1, out (int Line, string Text) marker))
            {
                programs.Add(new DocProgram(file, id, Compose(file, new[] { block }), DocKind.Fragment, Array.Empty<string>(), null));
                continue;
            }

            Match match = Marker.Match(marker.Text);
            if (!match.Success || !(match.Groups["name"].Success || match.Groups["skip"].Success || match.Groups["expect"].Success || match.Groups["weights"].Success || match.Groups["with"].Success))
            {
                throw new InvalidDataException($"{file}:{marker.Line + 1}: not a compile marker: {marker.Text}");
            }

            if (match.Groups["name"].Success)
            {
                string name = match.Groups["name"].Value;
                int existing = name == "program" ? -1 : groups.FindIndex(g => g.Name == name);
                if (existing < 0)
                {
                    groups.Add((name, new List<(int, string)> { block }));
                }
                else
                {
                    groups[existing].Blocks.Add(block);
                }
            }
            else if (match.Groups["skip"].Success)
            {
                string reason = match.Groups["reason"].Value.Trim();
                if (reason.Length == 0)
                {
                    throw new InvalidDataException($"{file}:{marker.Line + 1}: a skip marker must say why the block is not compiled.");
                }

                programs.Add(new DocProgram(file, id, "", DocKind.Skip, Array.Empty<string>(), reason));
            }
            else
            {
                var parts = new List<(int Line, string Code)>();
                if (match.Groups["with"].Success)
                {
                    // The context, on the marker's lines: declarations and statements the text around the block gives in words.
                    Group with = match.Groups["with"];
                    int line = marker.Line + 1 + marker.Text[..with.Index].Count(c => c == '\n');
                    parts.Add((line, with.Value));
                }

                parts.Add(block);
                string[] expected = match.Groups["expect"].Success
                    ? match.Groups["expect"].Value.Split(',', StringSplitOptions.TrimEntries)
                    : Array.Empty<string>();
                int[]? weights = !match.Groups["weights"].Success ? null
                    : match.Groups["weights"].Value == "none" ? Array.Empty<int>()
                    : match.Groups["weights"].Value.Split('-').Select(int.Parse).ToArray();
                // On a diagnostic's page, the "## Message" block shows what the wrong code gives.
                Match message = Regex.Match(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), "## Message\\s+```text\\n((BPG[0-9]{3}): [^\\n]*)\\n```");
                string? documented = message.Success && expected.Contains(message.Groups[2].Value) ? message.Groups[1].Value : null;
                programs.Add(new DocProgram(file, id, Compose(file, parts), expected.Length > 0 ? DocKind.Expect : DocKind.Fragment, expected, null) { Weights = weights, DocumentedMessage = documented });
            }
        }

        return groups
            .Select(g => new DocProgram(file, $"{file}:{g.Blocks[0].Line} ({g.Name})", Compose(file, g.Blocks), DocKind.Program, Array.Empty<string>(), null, g.Blocks.Count))
            .Concat(programs)
            .ToArray();
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
            SyntaxTree tree = CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions(LanguageVersion.Latest).WithPreprocessorSymbols(Net8Symbols));
            var unit = (CompilationUnitSyntax)tree.GetRoot();
            StringBuilder? last = null;
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
                last = target;
            }

            // A directive after the last member (the #endif of a block that is one #if) stays with that member.
            last?.Append(unit.EndOfFileToken.ToFullString().Trim()).Append('\n');
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

    /// <summary>
    /// One compiled unit: its markdown file, a readable id (file and first line, and a group's marker name), its C#
    /// source, what it is, the diagnostics wrong code must give, and why a skipped block is not compiled.
    /// </summary>
    internal sealed record DocProgram(string File, string Id, string Source, DocKind Kind, string[] Expected, string? SkipReason, int Blocks = 1)
    {
        /// <summary>
        /// <c>weights 64-32-10</c>: the project has <c>models/digits.safetensors</c> as an additional file (through the
        /// build logic), saved from a network of these sizes (F32, <c>Save</c>'s names; the values do not matter here);
        /// <c>weights none</c> (empty): the project without it.
        /// </summary>
        public int[]? Weights { get; init; }

        /// <summary>For wrong code on a diagnostic's page: the page's "## Message" text, which the code must give word for word.</summary>
        public string? DocumentedMessage { get; init; }
    }

    internal enum DocKind
    {
        /// <summary>A whole program (<c>program</c> or a named group), compiled as it stands.</summary>
        Program,

        /// <summary>A block compiled on its own with the implicit usings and its <c>with</c> context: it must compile.</summary>
        Fragment,

        /// <summary>Wrong code (<c>expect</c>): it must give exactly the named diagnostics.</summary>
        Expect,

        /// <summary>Not compiled (<c>skip</c>), for the reason the marker gives.</summary>
        Skip,
    }
}
