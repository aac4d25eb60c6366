using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Parser
    {
        /// <summary>
        /// Adds the <c>Weights</c> named argument (a safetensors path baked in at build time) to a parsed
        /// <c>[Network]</c> declaration: the path goes into the model (the network file then starts from the baked
        /// parameters), the argument's location into the result (for the BPG050-BPG056 diagnostics).
        /// </summary>
        private static ParseResult WithWeights(ParseResult result, AttributeData attribute, AttributeSyntax? syntax)
        {
            if (result.Model is null)
            {
                return result;
            }

            foreach (var pair in attribute.NamedArguments)
            {
                // Weights = null bakes nothing; a non-string value is the compiler's error (no model then anyway).
                if (pair.Key == "Weights" && pair.Value.Value is string path)
                {
                    return result with
                    {
                        Model = result.Model with { Weights = path },
                        WeightsLocation = NamedLocation(syntax, "Weights") ?? LocationInfo.From(syntax),
                    };
                }
            }

            return result;
        }
    }
}
