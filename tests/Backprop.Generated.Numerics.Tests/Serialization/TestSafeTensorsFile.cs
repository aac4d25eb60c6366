using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// A test-side safetensors writer, independent of the library's: builds files tensor by tensor (to drop, add or
/// reshape one) or from raw header text (to break the header itself).
/// </summary>
public sealed class TestSafeTensorsFile
{
    private readonly List<(string Name, string DType, long[] Shape, byte[] Data)> _tensors = new();

    public Dictionary<string, string>? Metadata { get; set; }

    public TestSafeTensorsFile Add(string name, string dtype, long[] shape, byte[] data)
    {
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    public TestSafeTensorsFile AddF32(string name, long[] shape, float[] values) =>
        Add(name, "F32", shape, values.SelectMany(v => BitConverter.GetBytes(v)).ToArray());

    /// <summary>The tensors of the Reference/safetensors/sequential_f32 file (nn.Sequential keys), as F32.</summary>
    public static TestSafeTensorsFile TorchSequential(string prefix = "", params string[] skip)
    {
        var file = new TestSafeTensorsFile();
        foreach (string module in new[] { "0", "2", "4" })
        {
            foreach (string kind in new[] { "weight", "bias" })
            {
                string name = module + "." + kind;
                if (skip.Contains(prefix + name))
                {
                    continue;
                }

                (int[] shape, double[] values) = TorchFiles.Tensor("sequential_f32", name);
                file.AddF32(prefix + name, shape.Select(d => (long)d).ToArray(), values.Select(v => (float)v).ToArray());
            }
        }

        return file;
    }

    public byte[] ToBytes()
    {
        var header = new StringBuilder("{");
        var parts = new List<string>();
        if (Metadata is not null)
        {
            parts.Add("\"__metadata__\":{" + string.Join(",", Metadata.Select(m => $"\"{m.Key}\":\"{m.Value}\"")) + "}");
        }

        long offset = 0;
        foreach ((string name, string dtype, long[] shape, byte[] data) in _tensors)
        {
            parts.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }

        header.Append(string.Join(",", parts)).Append('}');
        return Raw(header.ToString(), _tensors.SelectMany(t => t.Data).ToArray());
    }

    /// <summary>8-byte little-endian length of <paramref name="header"/> (UTF-8), the header, then <paramref name="data"/>.</summary>
    public static byte[] Raw(string header, byte[] data) => Raw(Encoding.UTF8.GetBytes(header), data);

    public static byte[] Raw(byte[] header, byte[] data)
    {
        byte[] file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>The header text and data section of a file.</summary>
    public static (string Header, byte[] Data) Split(byte[] file)
    {
        // Clamped, so fuzz mutations can split a file whose length prefix is already broken.
        int n = (int)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(file), (ulong)(file.Length - 8));
        return (Encoding.UTF8.GetString(file, 8, n), file.AsSpan(8 + n).ToArray());
    }

    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
}
