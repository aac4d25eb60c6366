using Backprop.Generated.Generator.Helpers;

namespace Backprop.Generated.Generator.Model;

/// <summary>
/// What the composition file needs to know about one network: where its generated <c>Input</c> and
/// <c>Output</c> structs live, their sizes and element type, and how visible they are. Kept apart from
/// <see cref="NetworkModel"/> so the composition step (a <c>Collect()</c> over every network) is the only
/// step that reruns when another network changes; each network's own file stays cached.
/// </summary>
/// <param name="FullName">The network type's <c>global::</c>-qualified name, e.g. <c>global::Demo.Encoder</c>.</param>
/// <param name="Namespace">The containing namespace, or <see langword="null"/>.</param>
/// <param name="ContainingTypes">The enclosing types, outermost first.</param>
/// <param name="Type">The network type's own header.</param>
/// <param name="InputSize">n_0.</param>
/// <param name="OutputSize">n_L.</param>
/// <param name="Precision">The element type of Input and Output.</param>
/// <param name="IsPublic">Whether Input and Output are public (every enclosing type is public) rather than internal.</param>
/// <param name="Assembly">The referenced assembly that declares the network, or <see langword="null"/> for this project's own.</param>
internal sealed record CompositionEndpoint(
    string FullName,
    string? Namespace,
    EquatableArray<TypeHeader> ContainingTypes,
    TypeHeader Type,
    int InputSize,
    int OutputSize,
    PrecisionKind Precision,
    bool IsPublic,
    string? Assembly = null)
{
    /// <summary>Declared in a referenced assembly: its Input and Output cannot host a conversion written here.</summary>
    public bool IsExternal => Assembly is not null;

    /// <summary>The sizes of a network whose declaration is invalid (a stub): unknown, so it composes with any network.</summary>
    public const int UnknownSize = -1;

    /// <summary>The network is a stub of an invalid declaration (<see cref="StubModel"/>): its sizes are unknown.</summary>
    public bool IsStub => InputSize == UnknownSize;
}
