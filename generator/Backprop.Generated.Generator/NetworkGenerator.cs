using Backprop.Generated.Generator.Emit;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Backprop.Generated.Generator;

/// <summary>
/// Implements <c>[Network(...)]</c> partial classes. The pipeline is: find the attribute
/// (<see cref="Parser"/> turns each declaration into an equatable model or diagnostics), report the
/// diagnostics, and emit each valid model (<see cref="NetworkEmitter"/>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    public const string NetworkAttributeName = "Backprop.Generated.NetworkAttribute";

    /// <summary>Tracking names of the pipeline steps, asserted by the caching tests.</summary>
    public static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Models = nameof(Models);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .Where(static d => d.Length > 0)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (spc, infos) =>
        {
            foreach (DiagnosticInfo info in infos)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<NetworkModel> models = results
            .Select(static (result, _) => result.Model!)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (spc, model) =>
            spc.AddSource(model.HintName, SourceText.From(NetworkEmitter.Emit(model), System.Text.Encoding.UTF8)));
    }
}
