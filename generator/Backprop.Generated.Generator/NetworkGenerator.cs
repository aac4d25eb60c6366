using System.Linq;
using Backprop.Generated.Generator.Emit;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Backprop.Generated.Generator;

/// <summary>
/// Implements networks declared with <c>[Network(...)]</c> or a chain of <c>[Layer(...)]</c> on a
/// partial class. The pipeline is: find either attribute (<see cref="Parser"/> turns each declaration
/// into an equatable model or diagnostics; both forms produce the same model; the diagnostics themselves
/// are reported by <see cref="Analyzers.DeclarationAnalyzer"/>),
/// emit each valid model (<see cref="NetworkEmitter"/>), and emit one composition file
/// (<see cref="CompositionEmitter"/>) of conversions between networks whose shapes chain.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    public const string NetworkAttributeName = "Backprop.Generated.NetworkAttribute";

    public const string LayerAttributeName = "Backprop.Generated.LayerAttribute";

    /// <summary>Tracking names of the pipeline steps, asserted by the caching tests.</summary>
    public static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string ParseLayers = nameof(ParseLayers);
        public const string Models = nameof(Models);
        public const string Stubs = nameof(Stubs);
        public const string Endpoints = nameof(Endpoints);
        public const string ReferencedEndpoints = nameof(ReferencedEndpoints);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<ParseResult> layered = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (ctx, ct) => Parser.ParseLayers(ctx, ct))
            .WithTrackingName(TrackingNames.ParseLayers);

        Register(context, networks);
        Register(context, layered);
        RegisterBakedWeights(context, networks);

        // One file for all networks: conversions A.Output -> B.Input where n_L(A) = n_0(B). Only this
        // step reruns when another network changes; the per-network outputs above stay cached.
        // The networks of referenced assemblies (either declaration form): this project's networks can be fed
        // from them and feed them. The scan reruns with the compilation, but its equatable result keeps the
        // composition step cached while the references do not change. Two networks of other assemblies never get a
        // conversion here, so a project with no network of its own that another network's code can name (no endpoint)
        // skips the scan (issue 20 item 13: it ran on every compilation of such a project).
        IncrementalValueProvider<bool> hasOwnEndpoint = networks
            .Collect()
            .Combine(layered.Collect())
            .Select(static (pair, _) => pair.Left.Any(r => r.Endpoint is not null) || pair.Right.Any(r => r.Endpoint is not null));
        IncrementalValueProvider<EquatableArray<CompositionEndpoint>> referenced = context.CompilationProvider
            .Combine(hasOwnEndpoint)
            .Select(static (pair, ct) => pair.Right ? ReferencedNetworks.Scan(pair.Left, ct) : EquatableArray<CompositionEndpoint>.Empty)
            .WithTrackingName(TrackingNames.ReferencedEndpoints);

        IncrementalValueProvider<EquatableArray<CompositionEndpoint>> endpoints = networks
            .Collect()
            .Combine(layered.Collect())
            .Combine(referenced)
            .Select(static (pair, _) =>
            {
                var all = new System.Collections.Generic.List<CompositionEndpoint>();
                foreach (ParseResult result in pair.Left.Left.AddRange(pair.Left.Right))
                {
                    if (result.Endpoint is not null)
                    {
                        all.Add(result.Endpoint);
                    }
                }

                all.AddRange(pair.Right);
                return new EquatableArray<CompositionEndpoint>(all.ToArray());
            })
            .WithTrackingName(TrackingNames.Endpoints);

        context.RegisterSourceOutput(endpoints, static (spc, all) =>
        {
            string? source = CompositionEmitter.Emit(all);
            if (source is not null)
            {
                spc.AddSource(CompositionEmitter.HintName, SourceText.From(source, System.Text.Encoding.UTF8));
            }
        });
    }

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult> results)
    {
        // Diagnostics are reported by Analyzers.DeclarationAnalyzer, which runs the same parser with real
        // source locations; here an invalid declaration produces no model (at most a stub, below).
        IncrementalValuesProvider<NetworkModel> models = results
            .Select(static (result, _) => result.Model!)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (spc, model) =>
            spc.AddSource(model.HintName, SourceText.From(NetworkEmitter.Emit(model), System.Text.Encoding.UTF8)));

        // An invalid declaration on a usable type gets the members' signatures only (bodies that throw; the build fails on
        // the BPG error anyway), so the user's call sites bind and that error is the one the build reports.
        IncrementalValuesProvider<StubModel> stubs = results
            .Select(static (result, _) => result.Stub!)
            .Where(static stub => stub is not null)
            .WithTrackingName(TrackingNames.Stubs);

        context.RegisterSourceOutput(stubs, static (spc, stub) =>
            spc.AddSource(stub.HintName, SourceText.From(StubEmitter.Emit(stub), System.Text.Encoding.UTF8)));
    }
}
