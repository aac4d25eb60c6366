using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Backprop.Generated.Serialization;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// The reader fed mutated valid files (CsCheck): it either loads (finite parameters) or throws the documented
/// <see cref="SafeTensorsException"/> with the parameters exactly as before; no other exception, no partial load.
/// </summary>
public sealed class SafeTensorsFuzzTests
{
    private readonly ITestOutputHelper _output;

    public SafeTensorsFuzzTests(ITestOutputHelper output) => _output = output;

    /// <summary>Valid files: ours (F32 and with metadata), torch's nn.Sequential in F32 and F16, the prefixed form.</summary>
    private static readonly byte[][] Seeds =
    {
        TorchFiles.Bytes("backprop_saved_f32"),
        TorchFiles.Bytes("sequential_f32"),
        TorchFiles.Bytes("sequential_f16"),
        TorchFiles.Bytes("sequential_bf16"),
        TorchFiles.Bytes("prefixed_f32"),
    };

    private static readonly string[] Tokens =
    {
        "{", "}", "[", "]", ",", ":", "\"", "0", "-1", "1e3", "4.5", "18446744073709551616", "null", "true", "\"F32\"", "\"F64\"",
        "\"F16\"", "\"BF16\"", "\"I8\"", "\"__metadata__\"", "\"layers.0.weight\"", "\"0.bias\"", "\"shape\"", "\"dtype\"",
        "\"data_offsets\"", "\\u0000", "\\ud800", " ",
    };

    /// <summary>One edit of a file: in the header text (where the parser's branches are) or anywhere in the bytes.</summary>
    private static readonly Gen<Func<byte[], byte[]>> Mutation = Gen.OneOf(
        // Flip one bit anywhere.
        Gen.Select(Gen.Double[0, 1], Gen.Int[0, 7]).Select<double, int, Func<byte[], byte[]>>((at, bit) => file =>
        {
            byte[] copy = (byte[])file.Clone();
            int i = Math.Min(file.Length - 1, (int)(at * file.Length));
            copy[i] ^= (byte)(1 << bit);
            return copy;
        }),
        // Set one byte of the length prefix or the header to a random value.
        Gen.Select(Gen.Double[0, 1], Gen.Byte).Select<double, byte, Func<byte[], byte[]>>((at, value) => file =>
        {
            byte[] copy = (byte[])file.Clone();
            int end = 8 + (int)Math.Min(BitConverter.ToUInt64(file, 0), (ulong)(file.Length - 8));
            if (end <= 0)
            {
                return copy;
            }

            copy[Math.Min(end - 1, (int)(at * end))] = value;
            return copy;
        }),
        // Truncate.
        Gen.Double[0, 1].Select<double, Func<byte[], byte[]>>(at => file => file.Take((int)(at * file.Length)).ToArray()),
        // Append bytes.
        Gen.Byte.Array[1, 16].Select<byte[], Func<byte[], byte[]>>(extra => file => file.Concat(extra).ToArray()),
        // Replace a stretch of the header text with a JSON token (length prefix kept consistent).
        Gen.Select(Gen.Double[0, 1], Gen.Int[0, 6], Gen.Int[0, Tokens.Length - 1]).Select<double, int, int, Func<byte[], byte[]>>((at, remove, token) => file =>
        {
            (string header, byte[] data) = TestSafeTensorsFile.Split(file);
            int i = Math.Min(header.Length, (int)(at * header.Length));
            int n = Math.Min(remove, header.Length - i);
            return TestSafeTensorsFile.Raw(header.Substring(0, i) + Tokens[token] + header.Substring(i + n), data);
        }),
        // Change one digit of the header (shapes and offsets).
        Gen.Select(Gen.Double[0, 1], Gen.Char['0', '9']).Select<double, char, Func<byte[], byte[]>>((at, digit) => file =>
        {
            (string header, byte[] data) = TestSafeTensorsFile.Split(file);
            int[] digits = Enumerable.Range(0, header.Length).Where(i => char.IsDigit(header[i])).ToArray();
            if (digits.Length == 0)
            {
                return file;
            }

            int pick = digits[Math.Min(digits.Length - 1, (int)(at * digits.Length))];
            return TestSafeTensorsFile.Raw(header.Substring(0, pick) + digit + header.Substring(pick + 1), data);
        }));

    [Fact]
    public void MutatedValidFilesLoadOrThrowTheDocumentedExceptionAndChangeNothing()
    {
        int loaded = 0;
        int rejected = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Mutation.Array[1, 4], Gen.Int[0, 2])
            .Sample((seed, mutations, via) =>
            {
                byte[] file = mutations.Aggregate(Seeds[seed], (f, m) => f.Length < 9 ? f : m(f));
                var net = new TorchSequential();
                net.InitializeParameters(seed + 1);
                float[] before = net.Parameters.ToArray();
                try
                {
                    switch (via)
                    {
                        case 0:
                            net.Load(file);
                            break;
                        case 1:
                            net.Load(new MemoryStream(file));
                            break;
                        default:
                            var topology = TorchSequential.Topology;
                            SafeTensors.Load<float>(file, topology, net.Parameters);
                            break;
                    }

                    Assert.All(net.Parameters.ToArray(), v => Assert.True(float.IsFinite(v)));
                    System.Threading.Interlocked.Increment(ref loaded);
                }
                catch (SafeTensorsException e)
                {
                    Assert.Equal(before, net.Parameters.ToArray());
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    System.Threading.Interlocked.Increment(ref rejected);
                    string reason = System.Text.RegularExpressions.Regex.Replace(
                        string.Concat(e.Message.Split('\'', '"').Where((_, i) => i % 2 == 0)).Split(':', ';', '.')[0], "[0-9]+", "#");
                    lock (reasons)
                    {
                        reasons[reason] = reasons.TryGetValue(reason, out int c) ? c + 1 : 1;
                    }
                }
            }, iter: 20_000, threads: 1);

        _output.WriteLine($"loaded {loaded}, rejected {rejected}");
        foreach (KeyValuePair<string, int> r in reasons.OrderByDescending(r => r.Value).Take(40))
        {
            _output.WriteLine($"{r.Value,6}  {r.Key}");
        }

        // The mutations reach both outcomes and many distinct rejections.
        Assert.True(loaded > 100 && rejected > 5_000, $"loaded {loaded}, rejected {rejected}");
        Assert.True(reasons.Count >= 15, string.Join("\n", reasons.Keys));
    }
}
