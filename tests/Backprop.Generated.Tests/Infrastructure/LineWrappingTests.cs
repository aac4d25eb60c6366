using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Generator.Emit;
using CsCheck;
using Xunit;

namespace Backprop.Generated.Tests.Infrastructure;

/// <summary>
/// The generated code's line wrapping (Emit/LineWrapping.cs) changes layout only: a wrapped comment keeps every word in
/// order under its own prefix and never breaks an XML tag; a wrapped statement is the same tokens. Whether wrapped code
/// still compiles is what every compile-and-run test checks, on every generated file.
/// </summary>
public class LineWrappingTests
{
    private static readonly Gen<string> Word = Gen.OneOfConst(
        "Z[l]", "=", "A[l-1]", "W[l]", "+", "b[l],", "the", "units", "<see cref=\"Parameters\"/>",
        "<see cref=\"ComputeGradients(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/>", "<c>BlockRows</c>",
        "(one", "example:", "registers", "of", "256-bit", "x", "examples;", "dW2", "=", "(1/m)", "A1^T", "dZ2");

    [Fact]
    public void Comments_keep_their_words_in_order_and_their_prefix()
    {
        Gen.Select(Gen.OneOfConst("/// ", "// "), Word.Array[1, 60], Gen.Int[0, 40]).Sample((prefix, words, indent) =>
        {
            string text = prefix + string.Join(" ", words);
            int width = LineWrapping.MaxWidth - indent;
            List<string> lines = LineWrapping.Wrap(text, width);
            Assert.All(lines, line => Assert.StartsWith(prefix, line));
            Assert.Equal(Words(text), lines.SelectMany(Words).Where(w => w != prefix.Trim()).Prepend(prefix.Trim()).ToArray());
            // Every line fits but one that is a single tag longer than the width (a tag is never broken).
            Assert.All(
                lines.Where(line => !line.Contains("ComputeGradients", System.StringComparison.Ordinal) || Words(line).Length > 4),
                line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        });
    }

    [Theory]
    [InlineData("global::Backprop.Generated.Compute.Dense.ForwardBlock<Layer2Shape, global::Backprop.Generated.Compute.Activations.Softmax, float>(theta, a1, default, a2, rows);")]
    [InlineData("public float ComputeGradients(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<float> targets, global::System.Span<float> gradients)")]
    [InlineData("public void Load(string path) => global::Backprop.Generated.Serialization.SafeTensors.Load<float>(path, Topology, _parameters, \"a, (b)\");")]
    [InlineData("float z1_0 = theta[b1Offset] + a0[0] * theta[W1Offset] + a0[1] * theta[W1Offset + 2] + a0[2] * theta[W1Offset + 4] + a0[3] * theta[W1Offset + 6];")]
    [InlineData("new global::Backprop.Generated.Activation[] { global::Backprop.Generated.Activation.ReLU, global::Backprop.Generated.Activation.ELU, global::Backprop.Generated.Activation.SiLU },")]
    [InlineData("x = Call(a, b); // a comment (with, commas) that must stay a comment, however long the line becomes in the end")]
    public void Statements_are_the_same_tokens_and_fit(string text)
    {
        List<string> lines = LineWrapping.Wrap(text, 100);
        Assert.Equal(Tokens(text), Tokens(string.Join(" ", lines)));
        if (!text.Contains("//"))
        {
            Assert.All(lines, line => Assert.True(line.Length <= 100, $"{line.Length}: {line}"));
        }
        else
        {
            Assert.Single(lines);
        }
    }

    private static string[] Words(string line) => line.Split(' ', System.StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The text without any whitespace: wrapping may only move whitespace.</summary>
    private static string Tokens(string text) => string.Concat(text.Where(ch => !char.IsWhiteSpace(ch)));
}
