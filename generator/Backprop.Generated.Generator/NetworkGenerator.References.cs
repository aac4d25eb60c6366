using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    /// <summary>
    /// Finds the networks of referenced assemblies (compiled with this generator, in either declaration form),
    /// so the composition file can declare conversions between them and this project's networks.
    /// </summary>
    internal static class ReferencedNetworks
    {
        private const string RuntimeAssemblyName = "Backprop.Generated";

        /// <summary>
        /// The public, non-generic network types of every referenced assembly that references the runtime
        /// library. Only those assemblies are walked, so the scan stays small however many references a project has.
        /// </summary>
        public static EquatableArray<CompositionEndpoint> Scan(Compilation compilation, CancellationToken cancellationToken)
        {
            INamedTypeSymbol? networkAttribute = compilation.GetTypeByMetadataName(NetworkAttributeName);
            INamedTypeSymbol? layerAttribute = compilation.GetTypeByMetadataName(LayerAttributeName);
            INamedTypeSymbol? networkInterface = compilation.GetTypeByMetadataName("Backprop.Generated.INetwork`1");
            if (networkAttribute is null || layerAttribute is null || networkInterface is null)
            {
                return EquatableArray<CompositionEndpoint>.Empty;
            }

            var found = new List<CompositionEndpoint>();
            foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (assembly.Name == RuntimeAssemblyName
                    || !assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == RuntimeAssemblyName)))
                {
                    continue;
                }

                Walk(assembly.GlobalNamespace, found, networkAttribute, layerAttribute, networkInterface, cancellationToken);
            }

            return new EquatableArray<CompositionEndpoint>(found.OrderBy(e => e.FullName, System.StringComparer.Ordinal).ToArray());
        }

        private static void Walk(INamespaceOrTypeSymbol container, List<CompositionEndpoint> found, INamedTypeSymbol networkAttribute, INamedTypeSymbol layerAttribute, INamedTypeSymbol networkInterface, CancellationToken cancellationToken)
        {
            foreach (ISymbol member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    Walk(ns, found, networkAttribute, layerAttribute, networkInterface, cancellationToken);
                }
                else if (member is INamedTypeSymbol { DeclaredAccessibility: Accessibility.Public } type && !type.IsGenericType)
                {
                    if (TryCreate(type, networkAttribute, layerAttribute, networkInterface) is { } endpoint)
                    {
                        found.Add(endpoint);
                    }

                    Walk(type, found, networkAttribute, layerAttribute, networkInterface, cancellationToken);
                }
            }
        }

        private static CompositionEndpoint? TryCreate(INamedTypeSymbol type, INamedTypeSymbol networkAttribute, INamedTypeSymbol layerAttribute, INamedTypeSymbol networkInterface)
        {
            if (type.TypeKind != TypeKind.Class
                || !type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute) || SymbolEqualityComparer.Default.Equals(a.AttributeClass, layerAttribute))
                || Constant(type, "InputSize") is not { } inputSize
                || Constant(type, "OutputSize") is not { } outputSize
                || !HasPublicStruct(type, "Input")
                || !HasPublicStruct(type, "Output"))
            {
                return null;
            }

            INamedTypeSymbol? implemented = type.AllInterfaces.FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, networkInterface));
            PrecisionKind? precision = implemented?.TypeArguments[0].SpecialType switch
            {
                SpecialType.System_Single => PrecisionKind.Single,
                SpecialType.System_Double => PrecisionKind.Double,
                _ => null,
            };
            if (precision is null)
            {
                return null;
            }

            string fullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return new CompositionEndpoint(
                fullName,
                Namespace: null,
                ContainingTypes: EquatableArray<TypeHeader>.Empty,
                Type: new TypeHeader("class", type.Name),
                inputSize,
                outputSize,
                precision.Value,
                IsPublic: true,
                Assembly: type.ContainingAssembly.Identity.Name);
        }

        private static int? Constant(INamedTypeSymbol type, string name) =>
            type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && f.ConstantValue is int)?.ConstantValue as int?;

        private static bool HasPublicStruct(INamedTypeSymbol type, string name) =>
            type.GetTypeMembers(name).Any(t => t.TypeKind == TypeKind.Struct && t.DeclaredAccessibility == Accessibility.Public && t.Arity == 0);
    }
}
