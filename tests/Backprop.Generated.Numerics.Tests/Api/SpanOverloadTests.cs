using System.Collections.Generic;
using Backprop.Generated.TestRules;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Api;

/// <summary>Every public generic method whose T only span parameters carry has float and double overloads, so that a
/// call with arrays compiles under C# 12 (net8.0's default), where type inference does not see through the
/// array-to-span conversion (issue 20 item 11; tests/Shared/SpanOverloadRule.cs).</summary>
public class SpanOverloadTests
{
    [Fact]
    public void Generic_span_methods_of_the_runtime_have_float_and_double_overloads()
    {
        IReadOnlyList<string> missing = SpanOverloadRule.MissingOverloads(typeof(NetworkAttribute).Assembly);
        Assert.True(missing.Count == 0, "Missing overloads: " + string.Join("; ", missing));
    }

    [Fact]
    public void The_rule_finds_a_method_without_the_overloads_and_accepts_one_with_them()
    {
        IReadOnlyList<string> missing = SpanOverloadRule.MissingOverloads(typeof(SpanOverloadTests).Assembly);
        Assert.Contains($"{typeof(SpanOverloadFixtures).FullName}.Lacking(ReadOnlySpan`1, Int32)", missing);
        Assert.DoesNotContain(missing, m => m.Contains(".Covered(", System.StringComparison.Ordinal));
        Assert.DoesNotContain(missing, m => m.Contains(".InferredFromTheNetwork(", System.StringComparison.Ordinal));
    }
}

/// <summary>Methods the rule must flag or accept (public, so that the rule's scan of exported types sees them).</summary>
public static class SpanOverloadFixtures
{
    public static T Lacking<T>(System.ReadOnlySpan<T> values, int index) => values[index];

    public static T Covered<T>(System.ReadOnlySpan<T> values) => values[0];

    public static float Covered(System.ReadOnlySpan<float> values) => Covered<float>(values);

    public static double Covered(System.ReadOnlySpan<double> values) => Covered<double>(values);

    public static int InferredFromTheNetwork<T>(INetwork<T> network, System.ReadOnlySpan<T> values)
        where T : unmanaged => network.InputSize + values.Length;
}
