using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Backprop.Generated.Generator.Rules;

/// <summary>
/// The hint names (generated file names) of the generator. Roslyn requires them unique ignoring case, and a
/// duplicate is an exception that drops every generated file of the project (CS8785), so they are built to be
/// distinct by construction, whatever the user names a type or namespace.
/// </summary>
/// <remarks>
/// <para>A network's hint name is its path, then <c>.g.cs</c>: the namespace segments joined by <c>.</c>, then
/// the type and its containing types joined by <c>+</c> (outermost first, as in the CLR's full type names),
/// each type as its metadata name with the generic arity's <c>`</c> written as <c>-</c>
/// (<c>App.Models.Outer-1+Net.g.cs</c>). A segment that has a sibling (a namespace or type of the same
/// container) whose name differs only in case gets its exact spelling in parentheses, as UTF-16 code units of
/// four lowercase hexadecimal digits each (<c>Net(004e00650074)</c> next to <c>NET(004e00450054)</c>).</para>
/// <para>Why two networks never share a hint name: none of <c>. + - ( )</c> can occur in an identifier, and a
/// hexadecimal digit string is not changed by ignoring case, so a hint name can be read back into its
/// namespace segments, type segments and case marks. Two distinct types differ first in some segment with
/// the same container. If those segments differ ignoring case, so do the hint names; if they differ only in
/// case, they are twins, both carry the hexadecimal of their different exact spellings, and the hint names
/// differ there.</para>
/// <para>The generator's own files contain <c>{</c>, which no network's hint name contains (Roslyn accepts
/// letters, digits and <c>( ) + , - . / [ ] _ ` { }</c> in hint names).</para>
/// </remarks>
internal static class HintNames
{
    /// <summary>The one file of conversions between networks whose shapes chain.</summary>
    public const string Composition = "Backprop.Generated{Composition}.g.cs";

    /// <summary>The hint name of the generated file of <paramref name="type"/> (see the remarks of <see cref="HintNames"/>).</summary>
    public static string ForNetwork(INamedTypeSymbol type)
    {
        var types = new List<string>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            types.Insert(0, Segment(current, current.MetadataName.Replace('`', '-')));
        }

        var namespaces = new List<string>();
        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            // MetadataName is unescaped: the hint name of namespace @class is "class", as a hint name may not contain '@'.
            namespaces.Insert(0, Segment(ns, ns.MetadataName));
        }

        string path = string.Join("+", types);
        return (namespaces.Count > 0 ? string.Join(".", namespaces) + "." + path : path) + ".g.cs";
    }

    private static string Segment(ISymbol symbol, string text) =>
        HasCaseInsensitiveTwin(symbol) ? text + "(" + Hex(symbol.MetadataName) + ")" : text;

    /// <summary>Has <paramref name="symbol"/> a sibling (namespace or type in the same container) whose metadata name equals its own ignoring case only?</summary>
    private static bool HasCaseInsensitiveTwin(ISymbol symbol)
    {
        IEnumerable<ISymbol> siblings = symbol.ContainingSymbol switch
        {
            INamedTypeSymbol outer => outer.GetTypeMembers(),
            INamespaceSymbol ns => ns.GetMembers(),
            _ => Enumerable.Empty<ISymbol>(),
        };
        string name = symbol.MetadataName;
        return siblings.Any(s => s.MetadataName != name && string.Equals(s.MetadataName, name, System.StringComparison.OrdinalIgnoreCase));
    }

    private static string Hex(string text)
    {
        var builder = new StringBuilder(text.Length * 4);
        foreach (char c in text)
        {
            builder.Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
