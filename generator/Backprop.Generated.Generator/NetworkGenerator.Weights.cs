using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Emit;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Backprop.Generated.Generator.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    /// <summary>The metadata that build/Backprop.Generated.targets puts on the text form of a .safetensors file: its original full path.</summary>
    public const string WeightsSourceMetadata = "build_metadata.AdditionalFiles.BackpropWeightsSource";

    /// <summary>The project directory (a CompilerVisibleProperty the build logic requests), against which Weights paths resolve.</summary>
    public const string ProjectDirectoryProperty = "build_property.MSBuildProjectDirectory";

    /// <summary>Tracking names of the baked-weights steps, asserted by the caching tests.</summary>
    public static class WeightsTrackingNames
    {
        public const string Requests = "BakedWeightsRequests";
        public const string Files = "BakedWeightsFiles";
        public const string Baked = "BakedWeights";
    }

    /// <summary>
    /// Weights baked in at build time (<c>[Network(..., Weights = "models/x.safetensors")]</c>): each declaration with a
    /// <c>Weights</c> path is matched with the text form of that file among the additional files, the file is checked
    /// against the declared shapes and converted (<see cref="SafeTensorsBaker"/>), and one more file per network holds
    /// the values (<see cref="BakedWeightsEmitter"/>). Models stay equatable: the file's text and the converted
    /// values are strings, so an unchanged file and declaration skip emission.
    /// </summary>
    private static void RegisterBakedWeights(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult> networks)
    {
        IncrementalValuesProvider<(NetworkModel Model, LocationInfo? Location)> requests = networks
            .Where(static result => result.Model?.Weights is not null)
            .Select(static (result, _) => (result.Model!, result.WeightsLocation))
            .WithTrackingName(WeightsTrackingNames.Requests);

        IncrementalValueProvider<ImmutableArray<WeightsFile>> files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => ReadWeightsFile(pair.Left, pair.Right.GetOptions(pair.Left), ct))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .Collect()
            .WithTrackingName(WeightsTrackingNames.Files);

        IncrementalValueProvider<string?> projectDirectory = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(ProjectDirectoryProperty, out string? directory) && directory.Length > 0 ? directory : null);

        IncrementalValuesProvider<BakedWeightsModel> baked = requests
            .Combine(files)
            .Combine(projectDirectory)
            .Select(static (input, ct) => Bake(input.Left.Left.Model, input.Left.Left.Location, input.Left.Right, input.Right, ct))
            .WithTrackingName(WeightsTrackingNames.Baked);

        context.RegisterSourceOutput(baked, static (spc, model) =>
        {
            if (model.Diagnostic is { } diagnostic)
            {
                spc.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ById(diagnostic.Id),
                    ExternalLocation(diagnostic.Location),
                    diagnostic.MessageArguments.ToArray()));
            }

            spc.AddSource(model.HintName, SourceText.From(BakedWeightsEmitter.Emit(model), System.Text.Encoding.UTF8));
        });
    }

    /// <summary>A .safetensors file's text form (with the build logic's metadata), the binary file itself, or null for other files.</summary>
    private static WeightsFile? ReadWeightsFile(AdditionalText text, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        if (options.TryGetValue(WeightsSourceMetadata, out string? source) && source.Length > 0)
        {
            return new WeightsFile(NormalizePath(source), text.GetText(cancellationToken)?.ToString() ?? string.Empty);
        }

        // Never read: the compiler cannot give a binary file as text (CS2015, dotnet/roslyn#47292).
        return text.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? new WeightsFile(NormalizePath(text.Path), null)
            : null;
    }

    private static BakedWeightsModel Bake(NetworkModel model, LocationInfo? location, ImmutableArray<WeightsFile> files, string? projectDirectory, CancellationToken cancellationToken)
    {
        string path = model.Weights!;
        BakedWeightsModel Failed(DiagnosticInfo diagnostic) => new(model, path, EquatableArray<BakedLayer>.Empty, diagnostic);

        string relative = NormalizePath(path);
        WeightsFile? file = null;
        if (relative.Length > 0)
        {
            if (projectDirectory is not null)
            {
                string full = IsRooted(relative) ? relative : NormalizePath(projectDirectory + "/" + relative);
                file = files.FirstOrDefault(f => string.Equals(f.SourcePath, full, PathComparison));
            }
            else
            {
                // Without the build logic there is no project directory: the binary file, if listed, is found by its path's end.
                file = files.FirstOrDefault(f => f.SourcePath.EndsWith("/" + relative.TrimStart('.', '/'), PathComparison) || f.SourcePath == relative);
            }
        }

        if (file is null)
        {
            string looked = projectDirectory is null
                ? "the build logic Backprop.Generated.targets, which tells the generator the project directory, is not imported either"
                : "looked for " + (IsRooted(relative) ? relative : NormalizePath(projectDirectory + "/" + relative));
            return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, location, path, looked));
        }

        if (file.Base64 is null)
        {
            return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsBuildLogicMissing, location, path));
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(file.Base64);
        }
        catch (FormatException)
        {
            return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileMalformed, location, path, "its text form written by the build logic is not base64 (rebuild to rewrite it)"));
        }

        (BakedLayer[]? layers, DiagnosticInfo? problem) = SafeTensorsBaker.Bake(model, path, bytes, location, cancellationToken);
        return problem is not null ? Failed(problem) : new BakedWeightsModel(model, path, new EquatableArray<BakedLayer>(layers!), null);
    }

    private static StringComparison PathComparison =>
        System.IO.Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static bool IsRooted(string normalized) =>
        normalized.StartsWith("/", StringComparison.Ordinal) || (normalized.Length >= 2 && normalized[1] == ':');

    /// <summary>Forward slashes, '.' and '..' segments resolved, no repeated or trailing separator (no file system access).</summary>
    internal static string NormalizePath(string path)
    {
        string slashed = path.Replace('\\', '/');
        bool rooted = slashed.StartsWith("/", StringComparison.Ordinal);
        var segments = new List<string>();
        foreach (string segment in slashed.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return (rooted ? "/" : string.Empty) + string.Join("/", segments);
    }

    private static Location ExternalLocation(LocationInfo? info) =>
        info is null
            ? Location.None
            : Location.Create(
                info.FilePath,
                new TextSpan(info.Start, info.Length),
                new LinePositionSpan(new LinePosition(info.StartLine, info.StartCharacter), new LinePosition(info.EndLine, info.EndCharacter)));
}
