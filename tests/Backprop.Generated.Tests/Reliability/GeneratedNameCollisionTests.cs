using Backprop.Generated.Tests.Diagnostics;
using Xunit;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// BPG040-BPG042: a user member, type parameter, type name or inherited member that collides with a
/// generated member is reported on itself, instead of a CS0102/CS0111/CS0542/CS0108 inside generated code.
/// </summary>
public class GeneratedNameCollisionTests
{
    private const string Usings = "using Backprop.Generated;\nusing System;\n";

    [Fact]
    public void BPG040_Field_named_like_a_constant() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public int [|InputSize|] = 3;\n}",
        "BPG040",
        "'InputSize' in 'Net' has the name of a member that the generator adds (the constant n_0); rename 'InputSize'");

    [Fact]
    public void BPG040_Method_with_the_signature_of_Forward() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public void [|Forward|](ReadOnlySpan<float> x, Span<float> y) { }\n}",
        "BPG040",
        "'Forward' in 'Net' has the name of a member that the generator adds (Forward(ReadOnlySpan<float>, Span<float>)); rename 'Forward'");

    [Fact]
    public void BPG040_Property_named_like_a_layer_view() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public int [|W2|] => 0;\n}",
        "BPG040",
        "'W2' in 'Net' has the name of a member that the generator adds (the weight view W[2]); rename 'W2'");

    [Fact]
    public void BPG040_Nested_type_named_Input() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public sealed class [|Input|] { }\n}",
        "BPG040",
        "'Input' in 'Net' has the name of a member that the generator adds (the fixed-size input type); rename 'Input'");

    [Fact]
    public void BPG040_Training_method_with_the_generated_signature() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public void [|InitializeParameters|](int seed) { }\n}",
        "BPG040",
        "'InitializeParameters' in 'Net' has the name of a member that the generator adds (InitializeParameters(int)); rename 'InitializeParameters'");

    [Fact]
    public void BPG040_Save_with_the_generated_signature() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public void [|Save|](string path) { }\n}",
        "BPG040",
        "'Save' in 'Net' has the name of a member that the generator adds (Save(string)); rename 'Save'");

    [Fact]
    public void BPG040_Load_from_a_stream() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public void [|Load|](System.IO.Stream s) { }\n}",
        "BPG040",
        "'Load' in 'Net' has the name of a member that the generator adds (Load(IO.Stream)); rename 'Load'");

    [Fact]
    public void BPG040_Property_named_Topology() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public string [|Topology|] => \"\";\n}",
        "BPG040",
        "'Topology' in 'Net' has the name of a member that the generator adds (the static property describing the declaration for weights files); rename 'Topology'");

    [Fact]
    public void BPG040_Primary_constructor_parameter_captured_in_a_property_of_that_name() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net(int seed)\n{\n    public int [|Parameters|] => seed;\n}",
        "BPG040",
        "'Parameters' in 'Net' has the name of a member that the generator adds (the span over all weights and biases); rename 'Parameters'");

    /// <summary>Issue 21: the field behind MaxDegreeOfParallelism is in the list, so a user field of that name is BPG040, not CS0102.</summary>
    [Fact]
    public void BPG040_Field_named_like_the_field_behind_MaxDegreeOfParallelism() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    public int [|_maxDegreeOfParallelism|];\n}",
        "BPG040",
        "'_maxDegreeOfParallelism' in 'Net' has the name of a member that the generator adds (the field behind MaxDegreeOfParallelism); rename '_maxDegreeOfParallelism'");

    /// <summary>Issue 20 item 6: this method was missing from the list and gave CS0111 inside the generated file.</summary>
    [Fact]
    public void BPG040_Method_with_the_signature_of_ComputeGradientsCore() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    private float [|ComputeGradientsCore|](ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> g, out bool finite) => throw new NotSupportedException();\n}",
        "BPG040",
        "'ComputeGradientsCore' in 'Net' has the name of a member that the generator adds (ComputeGradientsCore(ReadOnlySpan<float>, ReadOnlySpan<float>, Span<float>, out bool)); rename 'ComputeGradientsCore'");

    [Fact]
    public void BPG040_Method_named_like_the_setter_of_DropoutRandom() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1, Dropout = 0.5)]\npublic partial class Net\n{\n    public void [|set_DropoutRandom|](SplitMix64 value) { }\n}",
        "BPG040",
        "'set_DropoutRandom' in 'Net' has the name of a member that the generator adds (the setter of DropoutRandom); rename 'set_DropoutRandom'");

    [Fact]
    public void A_by_value_overload_of_ComputeGradientsCore_is_allowed() => DiagnosticVerifier.VerifySilent(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net\n{\n    private float ComputeGradientsCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> g, bool finite) => 0;\n    public float Use() => ComputeGradientsCore(default, default, default, true);\n}");

    [Fact]
    public void BPG040_Type_parameter() => DiagnosticVerifier.Verify(
        Usings + "[Network(3, 2, 1)]\npublic partial class Net<[|Output|]> { }",
        "BPG040",
        "'type parameter Output' in 'Net' has the name of a member that the generator adds (the fixed-size output type); rename 'type parameter Output'");

    [Fact]
    public void BPG041_Type_named_like_a_generated_member() => DiagnosticVerifier.Verify(
        Usings + "namespace App;\n[Network(3, 2, 1)]\npublic partial class [|Forward|] { }",
        "BPG041",
        "The type 'Forward' has the name of a member that the generator adds inside it, and a member cannot be named like its enclosing type; rename the type");

    [Fact]
    public void BPG042_Inherited_member_would_be_hidden() => DiagnosticVerifier.Verify(
        Usings + "public class ModelBase { public int Parameters => 0; }\n[Network(3, 2, 1)]\npublic partial class Net : [|ModelBase|] { }",
        "BPG042",
        "'Net' inherits 'Parameters' from 'ModelBase', which a member that the generator adds would hide; rename 'Parameters' in 'ModelBase' or do not derive 'Net' from it");

    [Fact]
    public void BPG042_Deriving_one_network_from_another() => DiagnosticVerifier.Verify(
        Usings + "[Network(2, 1)]\npublic partial class Small { }\n[Network(3, 2, 1)]\npublic partial class Net : [|Small|] { }",
        "BPG042",
        "'Net' inherits 'Forward, Parameters and every other generated member' from 'Small', which a member that the generator adds would hide; rename 'Forward, Parameters and every other generated member' in 'Small' or do not derive 'Net' from it");

    [Fact]
    public void Overloads_and_look_alike_names_are_not_reported() => DiagnosticVerifier.VerifySilent(
        Usings + """
            [Network(3, 2, 1)]
            public partial class Net
            {
                public float[] Forward(float[] input) { var y = new float[OutputSize]; Forward(input, y); return y; }
                public void Forward(ReadOnlySpan<double> x, Span<double> y) { }
                public void TrainStep(ReadOnlySpan<float> x, ReadOnlySpan<float> y) { }
                public void InitializeParameters(long seed) { }
                public void Save(string path, bool compress) { }
                public void Load(byte[] file, int offset) { }
                public void LoadParameters(float[] values, int offset) { }
                public int W0 => 0;
                public int W3 => 0;
                public int B1 => 0;
                public int InputSizes => InputSize;
            }

            public class ModelBase { private int Parameters => 0; public int Unrelated => Parameters; }

            [Network(2, 1)]
            public partial class Derived : ModelBase { }
            """);
}
