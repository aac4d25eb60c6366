using System.Collections.Immutable;
using System.Linq;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Backprop.Generated.Generator.Analyzers;

/// <summary>
/// Reports the declaration diagnostics (BPG001-BPG023, BPG040-BPG042) of <c>[Network]</c> and <c>[Layer]</c>
/// types. It runs the generator's own <see cref="NetworkGenerator.Parser"/> over the same inputs that
/// <c>ForAttributeWithMetadataName</c> hands the generator, so both always agree on what is valid.
/// </summary>
/// <remarks>
/// The generator itself reports none of these (only the baked-weights diagnostics BPG050-BPG056, which need the
/// weights file it reads). Its cached models hold locations only as plain values, which would have to be mapped
/// back onto the current compilation's syntax trees at reporting time, a step that reruns on every edit. An
/// analyzer reports real source locations directly: <c>#pragma warning disable</c> applies, the IDE squiggles the
/// offending argument and offers the code fixes, and the generator's pipeline stays fully cached.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        DiagnosticDescriptors.All.Where(d => !ShapeAnalyzerIds.Contains(d.Id)).ToImmutableArray();

    private static readonly ImmutableHashSet<string> ShapeAnalyzerIds =
        new ShapeAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToImmutableHashSet();

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(
            Analyze,
            SyntaxKind.ClassDeclaration,
            SyntaxKind.RecordDeclaration,
            SyntaxKind.RecordStructDeclaration);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        var declaration = (TypeDeclarationSyntax)context.Node;
        if (declaration.AttributeLists.Count == 0
            || context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type)
        {
            return;
        }

        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        Report(context, declaration, type, attributes, NetworkGenerator.NetworkAttributeName, layerForm: false);
        Report(context, declaration, type, attributes, NetworkGenerator.LayerAttributeName, layerForm: true);
    }

    /// <summary>
    /// As <c>ForAttributeWithMetadataName</c> does: a declaration that itself carries the attribute is parsed
    /// with every application of that attribute on the type (all partial declarations).
    /// </summary>
    private static void Report(SyntaxNodeAnalysisContext context, TypeDeclarationSyntax declaration, INamedTypeSymbol type, ImmutableArray<AttributeData> all, string attributeName, bool layerForm)
    {
        ImmutableArray<AttributeData> matching = all.Where(a => a.AttributeClass?.ToDisplayString() == attributeName).ToImmutableArray();
        bool onThisDeclaration = matching.Any(a => a.ApplicationSyntaxReference is { } application
            && application.SyntaxTree == declaration.SyntaxTree
            && declaration.AttributeLists.Any(list => list.Span.Contains(application.Span)));
        if (!onThisDeclaration)
        {
            return;
        }

        ParseResult result = layerForm
            ? NetworkGenerator.Parser.ParseLayers(context.Compilation, type, declaration, matching, context.CancellationToken)
            : NetworkGenerator.Parser.Parse(context.Compilation, type, declaration, matching, context.CancellationToken);
        foreach (DiagnosticInfo info in result.Diagnostics)
        {
            context.ReportDiagnostic(info.ToDiagnostic(context.Compilation));
        }
    }
}
