using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>The files of Reference/safetensors and the values make_reference.py recorded for them.</summary>
public static class TorchFiles
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Reference", "safetensors");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".safetensors"));

    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "torch_reference.json"))).RootElement.Clone());

    /// <summary>X, rows x 4, row-major (float32 values, exact in double).</summary>
    public static double[] Inputs => Root.Value.GetProperty("inputs").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static int Rows => Root.Value.GetProperty("rows").GetInt32();

    /// <summary>torch's outputs for the module holding the weights stored in file <paramref name="name"/>.</summary>
    public static double[] Outputs(string name) =>
        Root.Value.GetProperty("cases").GetProperty(name).GetProperty("outputs").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>The state-dict tensor <paramref name="tensor"/> of file <paramref name="name"/>, with its shape.</summary>
    public static (int[] Shape, double[] Values) Tensor(string name, string tensor)
    {
        JsonElement t = Root.Value.GetProperty("cases").GetProperty(name).GetProperty("tensors").GetProperty(tensor);
        return (t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                t.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }

    /// <summary>
    /// The flat parameters (for l = 1..L: W[l] row-major (n_{l-1}, n_l), then b[l]) built from torch's tensors by
    /// transposing weight [n_l, n_{l-1}] here in the test, independently of the loader.
    /// </summary>
    public static double[] ExpectedParameters(string name, int[] sizes, string prefix)
    {
        var result = new List<double>();
        for (int l = 1; l < sizes.Length; l++)
        {
            string module = prefix + (2 * (l - 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            (int[] shape, double[] w) = Tensor(name, module + ".weight");
            Xunit.Assert.Equal(new[] { sizes[l], sizes[l - 1] }, shape);
            for (int j = 0; j < sizes[l - 1]; j++)
            {
                for (int k = 0; k < sizes[l]; k++)
                {
                    result.Add(w[(k * sizes[l - 1]) + j]);
                }
            }

            result.AddRange(Tensor(name, module + ".bias").Values);
        }

        return result.ToArray();
    }

    /// <summary>The source folder of this file, to write a .received file next to a committed one.</summary>
    public static string SourceFolder([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", "Reference", "safetensors");
}
