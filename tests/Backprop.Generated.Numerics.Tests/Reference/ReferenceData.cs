using System;
using System.IO;
using System.Text.Json;

namespace Backprop.Generated.Numerics.Tests;

/// <summary>One network of Reference/forward_reference.json.</summary>
public sealed record ReferenceCase(string Name, int[] Sizes, string[] Activations, string Precision, int Rows, string Parameters, string Inputs, double[] Expected);

/// <summary>The committed reference values, loaded once.</summary>
public static class Reference
{
    private static readonly Lazy<ReferenceCase[]> LazyCases = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Reference", "forward_reference.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").Deserialize<ReferenceCase[]>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    });

    public static ReferenceCase[] Cases => LazyCases.Value;
}
