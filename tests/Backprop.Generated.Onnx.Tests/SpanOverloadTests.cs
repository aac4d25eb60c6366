using System.Collections.Generic;
using Backprop.Generated.TestRules;
using Xunit;

namespace Backprop.Generated.Onnx.Tests;

/// <summary>The ONNX package's generic span methods have float and double overloads, as the runtime's (C# 12 infers no
/// type argument from an array passed to a span; tests/Shared/SpanOverloadRule.cs).</summary>
public class SpanOverloadTests
{
    [Fact]
    public void Generic_span_methods_of_the_onnx_package_have_float_and_double_overloads()
    {
        IReadOnlyList<string> missing = SpanOverloadRule.MissingOverloads(typeof(OnnxExport).Assembly);
        Assert.True(missing.Count == 0, "Missing overloads: " + string.Join("; ", missing));
    }
}
