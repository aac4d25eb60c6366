using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.PackageTests;

/// <summary>
/// Packs Backprop.Generated and Backprop.Generated.Onnx into a local folder feed, as the README's install section does,
/// and builds and runs a consumer that takes both from nothing but that feed: proves the one package carries the runtime
/// in lib/ and the generator in analyzers/dotnet/cs, and that the ONNX package restores beside it (no NU1101).
/// </summary>
public class PackageConsumerTests
{
    private readonly ITestOutputHelper _output;

    public PackageConsumerTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Packed_package_generates_and_runs_in_a_consumer_project()
    {
        string root = RepositoryRoot();
        string work = Path.Combine(Path.GetTempPath(), "bpg-package-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        string consumer = Path.Combine(work, "consumer");
        Directory.CreateDirectory(consumer);

        // A version of its own, so no package cached by an earlier run can stand in for this one.
        string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Run(root, "pack", Path.Combine(root, "src", "Backprop.Generated", "Backprop.Generated.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}");
            AssertPackageContents(root, Path.Combine(feed, $"Backprop.Generated.{version}.nupkg"));

            // The ONNX exporter, its own package, into the same feed as the README's install section does (issue 20
            // item 12: packed as the README said before, a consumer got NU1101 for it).
            Run(root, "pack", Path.Combine(root, "src", "Backprop.Generated.Onnx", "Backprop.Generated.Onnx.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}");
            AssertOnnxPackageContents(Path.Combine(feed, $"Backprop.Generated.Onnx.{version}.nupkg"), version);

            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                  <!-- This repository's packages come from the feed only; Google.Protobuf, the ONNX package's
                       dependency, from the registry, as in a user's project. -->
                  <packageSourceMapping>
                    <packageSource key="local">
                      <package pattern="Backprop.Generated" />
                      <package pattern="Backprop.Generated.Onnx" />
                    </packageSource>
                    <packageSource key="nuget.org">
                      <package pattern="*" />
                    </packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <!-- A generator or analyzer that fails to load or throws (CS8784, CS8785), or that was built
                         against a newer compiler than this one (CS9057), fails the build. -->
                    <WarningsAsErrors>$(WarningsAsErrors);CS8784;CS8785;CS9057</WarningsAsErrors>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                    <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Backprop.Generated" Version="{version}" />
                    <PackageReference Include="Backprop.Generated.Onnx" Version="{version}" />
                    <AdditionalFiles Include="models/tiny.safetensors" />
                  </ItemGroup>
                </Project>
                """);
            // Weights baked in at build time through the package's build logic (build/Backprop.Generated.targets):
            // a safetensors file written here byte by byte, W = [2, -1] as PyTorch's [1, 2] weight, b = [0.5], in F64.
            Directory.CreateDirectory(Path.Combine(consumer, "models"));
            File.WriteAllBytes(Path.Combine(consumer, "models", "tiny.safetensors"), TinySafeTensors());
            // Keep the repository's Directory.*.props out of the consumer: it is someone else's project.
            File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(consumer, "Directory.Packages.props"), "<Project />");
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
                using System;
                using Backprop.Generated;
                using Backprop.Generated.Onnx;

                var trained = new Tiny();
                trained.LoadParameters(new float[] { 2f, -1f, 0.5f });
                var net = new Tiny();
                net.Load(trained.ToSafeTensors()); // safetensors round trip through the packaged runtime
                Span<float> y = stackalloc float[Tiny.OutputSize];
                net.Forward(new float[] { 3f, 4f }, y);
                Console.WriteLine($"{Tiny.InputSize}->{Tiny.OutputSize}: {y[0]}; {Tiny.Topology}");

                var baked = new Baked(); // starts with the parameters of models/tiny.safetensors
                Span<float> z = stackalloc float[Baked.OutputSize];
                baked.Forward(new float[] { 3f, 4f }, z);
                Console.WriteLine($"baked: {z[0]}; parameters {string.Join(", ", baked.Parameters.ToArray())}");

                byte[] onnx = trained.ToOnnx(); // the ONNX package, from the same feed
                Console.WriteLine($"onnx: {onnx.Length} bytes, ir_version field first: {onnx[0] == 0x08}");

                [Network(2, 1)]
                public partial class Tiny { }

                [Network(2, 1, Weights = "models/tiny.safetensors")]
                public partial class Baked { }
                """);

            string output = Run(consumer, "run", "--project", consumer);
            Assert.Contains("2->1: 2.5; 2-1 (Identity; loss MeanSquaredError)", output);
            Assert.Contains("baked: 2.5; parameters 2, -1, 0.5", output);
            Assert.Matches(@"onnx: [1-9][0-9]* bytes, ir_version field first: True", output);

            // The README's "Use it in your project" program, verbatim, in a second consumer of the same feed
            // (ImplicitUsings on, as `dotnet new console` sets it), printing exactly what the README shows.
            (string program, string expected) = ReadmeInstallExample(root);
            string readmeConsumer = Path.Combine(work, "readme-consumer");
            Directory.CreateDirectory(readmeConsumer);
            foreach (string file in new[] { "nuget.config", "Directory.Build.props", "Directory.Packages.props" })
            {
                File.Copy(Path.Combine(consumer, file), Path.Combine(readmeConsumer, file));
            }

            File.WriteAllText(Path.Combine(readmeConsumer, "MyApp.csproj"), File.ReadAllText(Path.Combine(consumer, "Consumer.csproj"))
                .Replace("<Nullable>enable</Nullable>", "<Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings>", StringComparison.Ordinal)
                .Replace("<AdditionalFiles Include=\"models/tiny.safetensors\" />", string.Empty, StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(readmeConsumer, "Program.cs"), program);
            Assert.Equal(expected, Run(readmeConsumer, "run", "--project", readmeConsumer).Trim());
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not a test failure.
            }
        }
    }

    /// <summary>The C# block of the README's "Use it in your project" section and the output it says it prints.</summary>
    private static (string Program, string Output) ReadmeInstallExample(string root)
    {
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int start = readme.IndexOf("## Use it in your project", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no 'Use it in your project' section");
        int end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        string section = readme.Substring(start, end - start);
        string program = Regex.Match(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        string output = Regex.Match(section, "```text\n(.*?)```", RegexOptions.Singleline).Groups[1].Value.Trim();
        Assert.Contains("[Network(", program, StringComparison.Ordinal);
        Assert.NotEqual(string.Empty, output);
        return (program, output);
    }

    /// <summary>
    /// The analyzer folder holds the generator and the code fixes only (no Roslyn assembly rides along), and neither
    /// references a Microsoft.CodeAnalysis newer than 4.8.0.0, the compiler floor (issue 22 item 1): a compiler older
    /// than the Roslyn an analyzer references refuses to load it (CS9057), so a .NET 8 SDK or Visual Studio 17.8 would
    /// get no generated code.
    /// </summary>
    private static void AssertAnalyzersNeedNoNewerCompiler(ZipArchive zip)
    {
        var floor = new Version(4, 8, 0, 0);
        ZipArchiveEntry[] analyzers = zip.Entries.Where(e => e.FullName.StartsWith("analyzers/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            new[] { "analyzers/dotnet/cs/Backprop.Generated.CodeFixes.dll", "analyzers/dotnet/cs/Backprop.Generated.Generator.dll" },
            analyzers.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray());
        foreach (ZipArchiveEntry entry in analyzers)
        {
            using var image = new MemoryStream();
            using (Stream stream = entry.Open())
            {
                stream.CopyTo(image);
            }

            image.Position = 0;
            using var pe = new PEReader(image);
            MetadataReader metadata = pe.GetMetadataReader();
            var roslyn = metadata.AssemblyReferences
                .Select(h => metadata.GetAssemblyReference(h))
                .Select(r => (Name: metadata.GetString(r.Name), r.Version))
                .Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                .ToArray();
            Assert.Contains(roslyn, r => r.Name == "Microsoft.CodeAnalysis");
            Assert.All(roslyn, r => Assert.True(r.Version <= floor, $"{entry.FullName} references {r.Name} {r.Version}, newer than the floor {floor}"));
        }
    }

    /// <summary>
    /// The package carries the runtime, the generator and code fixes, the licence, every diagnostic's page (the help
    /// links are omitted while no public repository exists, so the pages must ship), and a README whose links all
    /// work where nuget.org shows it, which resolves no relative link.
    /// </summary>
    private static void AssertPackageContents(string root, string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        // Three builds: net8.0 (the SIMD kernels), net10.0 (the same plus the int8 kernels' AVX-VNNI path, docs/int8.md)
        // and netstandard2.0 (for targets older than .NET 8).
        Assert.Contains("lib/net10.0/Backprop.Generated.dll", entries);
        Assert.Contains("lib/net8.0/Backprop.Generated.dll", entries);
        Assert.Contains("lib/netstandard2.0/Backprop.Generated.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Backprop.Generated.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Backprop.Generated.CodeFixes.dll", entries);
        AssertAnalyzersNeedNoNewerCompiler(zip);
        Assert.Contains("LICENSE", entries);
        foreach (string page in Directory.GetFiles(Path.Combine(root, "docs", "diagnostics"), "*.md"))
        {
            Assert.Contains("docs/diagnostics/" + Path.GetFileName(page), entries);
        }

        // The shipped diagnostic pages' relative links lead to files shipped next to them.
        foreach (ZipArchiveEntry page in zip.Entries.Where(e => e.FullName.StartsWith("docs/diagnostics/", StringComparison.Ordinal)))
        {
            using var pageReader = new StreamReader(page.Open());
            foreach (Match link in Regex.Matches(pageReader.ReadToEnd(), @"\]\(([^)#]+)(#[^)]*)?\)"))
            {
                string target = link.Groups[1].Value;
                if (target.StartsWith("https://", StringComparison.Ordinal))
                {
                    continue;
                }

                string fakeRoot = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "package-root"));
                string resolved = Path.GetRelativePath(fakeRoot, Path.GetFullPath(Path.Combine(fakeRoot, "docs", "diagnostics", target))).Replace('\\', '/');
                Assert.True(entries.Contains(resolved), $"{page.FullName} links to {target}, which the package does not contain");
            }
        }

        using var reader = new StreamReader(zip.GetEntry("README.md")!.Open());
        string readme = reader.ReadToEnd();
        Assert.Equal(File.ReadAllText(Path.Combine(root, "docs", "package-readme.md")), readme);
        string[] relative = Regex.Matches(readme, @"\]\(([^)]*)\)").Select(m => m.Groups[1].Value)
            .Where(link => !link.StartsWith("https://", StringComparison.Ordinal)).ToArray();
        Assert.Empty(relative);

        using var nuspecReader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string nuspec = nuspecReader.ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
    }

    /// <summary>The ONNX package: its assembly for net8.0 and a dependency on the same version of Backprop.Generated.</summary>
    private static void AssertOnnxPackageContents(string package, string version)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        Assert.Contains("lib/net8.0/Backprop.Generated.Onnx.dll", zip.Entries.Select(e => e.FullName));
        using var nuspecReader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string nuspec = nuspecReader.ReadToEnd();
        Assert.Contains($"<dependency id=\"Backprop.Generated\" version=\"{version}\"", nuspec);
        Assert.Contains("<dependency id=\"Google.Protobuf\"", nuspec);
    }

    /// <summary>
    /// A safetensors file by hand (8-byte little-endian header length, JSON header, little-endian F64 data): the tensors
    /// layers.0.weight [1, 2] = [2, -1] and layers.0.bias [1] = [0.5].
    /// </summary>
    private static byte[] TinySafeTensors()
    {
        byte[] header = System.Text.Encoding.UTF8.GetBytes(
            "{\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[0,16]},"
            + "\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}");
        var file = new byte[8 + header.Length + 24];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        double[] values = { 2.0, -1.0, 0.5 };
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(file.AsSpan(8 + header.Length + (8 * i)), values[i]);
        }

        return file;
    }

    private string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _output.WriteLine($"dotnet {string.Join(' ', arguments)}\n{stdout}\n{stderr.Result}");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }

    private static string RepositoryRoot([CallerFilePath] string path = "")
    {
        string? directory = Path.GetDirectoryName(path);
        while (directory is not null && !File.Exists(Path.Combine(directory, "Backprop.Generated.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Repository root not found above " + path);
    }
}
