using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Helpers;
using Microsoft.CodeAnalysis;

namespace Backprop.Generated.Generator.Model;

/// <summary>A diagnostic to report, as equatable values (descriptor ID, location, message arguments).</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        var strings = new string[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            strings[i] = System.Convert.ToString(arguments[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return new DiagnosticInfo(descriptor.Id, location, new EquatableArray<string>(strings));
    }

    /// <summary>The diagnostic, located in <paramref name="compilation"/>'s syntax tree of the recorded file when it has one.</summary>
    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(
            DiagnosticDescriptors.ById(Id),
            Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None,
            MessageArguments.ToArray());
}

/// <summary>
/// The outcome of parsing one annotated type: a model to emit (if valid), its diagnostics, and (if the
/// network can take part in typed composition) its <see cref="CompositionEndpoint"/>, and where the <c>Weights</c>
/// argument is (for the baked-weights diagnostics; kept out of the model so moving it does not re-emit the network).
/// </summary>
internal sealed record ParseResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, CompositionEndpoint? Endpoint = null, LocationInfo? WeightsLocation = null, StubModel? Stub = null);
