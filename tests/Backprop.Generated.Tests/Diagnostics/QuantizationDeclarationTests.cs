using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// The declaration side of the int8 form (docs/int8.md): BPG032 on the <c>Quantization</c> argument of a
/// double-precision network, BPG005 for an undefined value, silence otherwise, and the nested type's name reserved.
/// </summary>
public class QuantizationDeclarationTests
{
    private const string Usings = "using Backprop.Generated;\n";

    [Fact]
    public void BPG032_DoublePrecision_Fires() => DiagnosticVerifier.Verify(
        Usings + "[Network(4, 8, 3, Precision = Precision.Double, [|Quantization = Quantization.Int8|])]\npublic partial class Net { }",
        "BPG032",
        "Quantization = Quantization.Int8 reads and writes single-precision values, but the network is declared with Precision = Precision.Double; remove Precision or the Quantization setting");

    [Fact]
    public void Silent_ForSinglePrecision_AndForNone()
    {
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 8, 3, Quantization = Quantization.Int8)]\npublic partial class Net { }");
        DiagnosticVerifier.VerifySilent(Usings + "[Network(4, 8, 3, Precision = Precision.Double, Quantization = Quantization.None)]\npublic partial class Net { }");
    }

    [Fact]
    public void Int8_generates_a_nested_type_that_compiles_and_none_does_not()
    {
        string quantised = GeneratorHarness.GenerateSingle(Usings + "[Network(4, 8, 3, Quantization = Quantization.Int8)]\npublic partial class Net { }");
        Assert.Contains("public sealed class Int8", quantised);
        Assert.Contains("public Int8 ToInt8()", quantised);
        string plain = GeneratorHarness.GenerateSingle(Usings + "[Network(4, 8, 3)]\npublic partial class Net { }");
        Assert.DoesNotContain("Int8", plain);
    }
}
