using System;
using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// The call-site analyzer (BPG024-BPG029), run through the same compile helper as the generator tests:
/// each diagnostic fires at the marked argument with the exact message, and correct calls stay silent.
/// </summary>
public class ShapeAnalyzerTests
{
    /// <summary>Student: 3 inputs, 2 hidden, 1 output; 11 parameters. Teacher: 1 input, 4 outputs.</summary>
    private static string Program(string body) => $$"""
        using System;
        using Backprop.Generated;

        [Layer(3, 2, Activation.Tanh)]
        [Layer(2, 1, Activation.Sigmoid)]
        public partial class Student { }

        [Network(1, 4)]
        public partial class Teacher { }

        [Network(2, 5, Precision = Precision.Double)]
        public partial class Wide { }

        public static class Use
        {
            public static void Run(float[] unknown)
            {
                var net = new Student();
                var teacher = new Teacher();
        {{body}}
            }
        }
        """;

    [Fact]
    public void BPG024_InputStackalloc_Fires() => DiagnosticVerifier.Verify(
        Program("net.Forward([|stackalloc float[4]|], stackalloc float[1]);"),
        "BPG024",
        "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 4 values");

    [Fact]
    public void BPG024_OutputFromLocalArray_Fires() => DiagnosticVerifier.Verify(
        Program("float[] y = new float[Student.OutputSize + 1];\nnet.Forward(new float[] { 1, 2, 3 }, [|y|]);"),
        "BPG024",
        "'output' of Student.Forward must hold one example of 1 value (OutputSize), but the argument holds 2 values");

    [Fact]
    public void BPG024_CollectionExpressionThroughSpanLocal_Fires() => DiagnosticVerifier.Verify(
        Program("ReadOnlySpan<float> x = [1f, 2f];\nSpan<float> y = stackalloc float[Student.OutputSize];\nnet.Forward([|x|], y);"),
        "BPG024",
        "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 2 values");

    [Fact]
    public void BPG024_OtherNetworksInputType_Fires() => DiagnosticVerifier.Verify(
        Program("var x = new Teacher.Input();\nnet.Forward([|x|], new float[1]);"),
        "BPG024",
        "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 1 value");

    /// <summary>
    /// The analyzer keeps its last network shape beside its table of shapes (issue 20 item 13): calls that alternate
    /// between networks, and a network's nested Input type between them, each get their own network's sizes.
    /// </summary>
    [Fact]
    public void Calls_alternating_between_networks_each_get_their_own_shape()
    {
        GeneratorRun run = DiagnosticVerifier.Run(Program("""
            net.Forward(new float[4], new float[1]);
            teacher.Forward(new float[3], new float[4]);
            net.Forward(new Teacher.Input(), new float[1]);
            teacher.Forward(new float[1], new float[2]);
            net.Forward(new float[3], new float[5]);
            """));
        string[] messages = run.AllDiagnostics
            .Where(d => d.Id.StartsWith("BPG", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal(
            new[]
            {
                "BPG024 'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 4 values",
                "BPG024 'input' of Teacher.Forward must hold one example of 1 value (InputSize), but the argument holds 3 values",
                "BPG024 'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 1 value",
                "BPG024 'output' of Teacher.Forward must hold one example of 4 values (OutputSize), but the argument holds 2 values",
                "BPG024 'output' of Student.Forward must hold one example of 1 value (OutputSize), but the argument holds 5 values",
            },
            messages);
    }

    [Fact]
    public void BPG024_SliceWithConstantLength_Fires() => DiagnosticVerifier.Verify(
        Program("net.Forward([|unknown.AsSpan(0, 5)|], new float[1]);"),
        "BPG024",
        "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 5 values");

    [Fact]
    public void BPG024_UserInlineArray_Fires() => DiagnosticVerifier.Verify(
        Program("var buffer = new Buffer5();\nnet.Forward([|buffer|], new float[1]);") + "\n[System.Runtime.CompilerServices.InlineArray(5)]\npublic struct Buffer5 { private float _e0; }\n",
        "BPG024",
        "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 5 values");

    [Fact]
    public void BPG024_SpanConstructorLength_Fires() => DiagnosticVerifier.Verify(
        Program("net.Forward([|new ReadOnlySpan<float>(unknown, 1, 4)|], new float[1]);"),
        "BPG024",
        "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 4 values");

    [Fact]
    public void Methods_with_other_parameter_names_are_not_checked() => DiagnosticVerifier.VerifySilent(Program("""
        Extra.Forward(net, new float[7]);
        """) + """

        public static class Extra
        {
            public static void Forward(Student net, ReadOnlySpan<float> input) { }
        }

        public partial class Student
        {
            public void Forward(ReadOnlySpan<float> input, int repeat) { }

            public void Use() => Forward(new float[7], 2);
        }
        """);

    [Fact]
    public void BPG024_Silent_ForCorrectAndUnknownLengths() => DiagnosticVerifier.VerifySilent(Program("""
        Span<float> y = stackalloc float[Student.OutputSize];
        net.Forward(stackalloc float[Student.InputSize], y);
        net.Forward(new float[] { 1, 2, 3 }, y);
        net.Forward([1f, 2f, 3f], y);
        net.Forward(unknown, y);
        float[] reassigned = new float[2];
        reassigned = new float[3];
        net.Forward(reassigned, y);
        net.Forward(unknown.AsSpan(1, 3), y);
        var x = new Student.Input();
        net.Forward(x, y);
        """));

    [Fact]
    public void BPG025_BatchNotWholeRows_Fires() => DiagnosticVerifier.Verify(
        Program("net.ForwardBatch([|new float[7]|], unknown);"),
        "BPG025",
        "'inputs' of Student.ForwardBatch must hold whole rows of 3 values (InputSize), but the argument holds 7 values: 2 rows and 1 value left over");

    [Fact]
    public void BPG025_TargetsNotWholeRows_Fires() => DiagnosticVerifier.Verify(
        Program("teacher.ComputeGradients(unknown, [|new float[6]|], new float[Teacher.ParameterCount]);"),
        "BPG025",
        "'targets' of Teacher.ComputeGradients must hold whole rows of 4 values (OutputSize), but the argument holds 6 values: 1 row and 2 values left over");

    [Fact]
    public void BPG025_Silent_ForWholeRows() => DiagnosticVerifier.VerifySilent(Program("""
        net.ForwardBatch(new float[3 * 4], new float[4]);
        net.ForwardBatch(new float[0], new float[0]);
        net.ForwardBatch(unknown, new float[5]);
        """));

    [Fact]
    public void BPG026_OutputsRowsMismatch_Fires() => DiagnosticVerifier.Verify(
        Program("Span<float> outputs = stackalloc float[3];\nnet.ForwardBatch(new float[6], [|outputs|]);"),
        "BPG026",
        "'outputs' of Student.ForwardBatch must hold 2 values (2 rows of 1, OutputSize) to match the 2 rows of 'inputs', but the argument holds 3 values");

    [Fact]
    public void BPG026_NamedArgumentsOutOfOrder_Fires() => DiagnosticVerifier.Verify(
        Program("net.ForwardBatch(outputs: [|new float[5]|], inputs: new float[6]);"),
        "BPG026",
        "'outputs' of Student.ForwardBatch must hold 2 values (2 rows of 1, OutputSize) to match the 2 rows of 'inputs', but the argument holds 5 values");

    [Fact]
    public void BPG026_TargetsRowsMismatch_InTrainStep_Fires() => DiagnosticVerifier.Verify(
        Program("teacher.TrainStep(new float[] { 1, 2 }, [|new float[4]|], new Sgd(0.1));"),
        "BPG026",
        "'targets' of Teacher.TrainStep must hold 8 values (2 rows of 4, OutputSize) to match the 2 rows of 'inputs', but the argument holds 4 values");

    [Fact]
    public void BPG026_Silent_WhenRowsMatch() => DiagnosticVerifier.VerifySilent(Program("""
        net.ForwardBatch(new float[6], new float[2]);
        teacher.TrainStep(new float[] { 1, 2 }, new float[8], new Sgd(0.1));
        float loss = net.ComputeGradients(new float[9], new float[3], new float[Student.ParameterCount]);
        """));

    [Fact]
    public void BPG027_Gradients_Fires() => DiagnosticVerifier.Verify(
        Program("net.ComputeGradients(new float[3], new float[1], [|new float[Student.ParameterCount - 1]|]);"),
        "BPG027",
        "'gradients' of Student.ComputeGradients must hold 11 values (ParameterCount, one per weight and bias), but the argument holds 10 values");

    [Fact]
    public void BPG027_Gradients_DoublePrecision_Fires() => DiagnosticVerifier.Verify(
        Program("new Wide().ComputeGradients(new double[2], new double[5], [|stackalloc double[3]|]);"),
        "BPG027",
        "'gradients' of Wide.ComputeGradients must hold 15 values (ParameterCount, one per weight and bias), but the argument holds 3 values");

    [Fact]
    public void BPG027_Silent_WithParameterCount() => DiagnosticVerifier.VerifySilent(Program("""
        Span<float> gradients = stackalloc float[Student.ParameterCount];
        net.ComputeGradients(new float[3], new float[1], gradients);
        net.ComputeGradients(new float[3], new float[1], new Student().Parameters);
        """));

    [Fact]
    public void BPG028_ParametersLoad_Fires() => DiagnosticVerifier.Verify(
        Program("float[] weights = { 0.5f, -0.25f, 1f };\n[|weights|].CopyTo(net.Parameters);"),
        "BPG028",
        "Student.Parameters holds 11 values, but 3 values are copied into it; load exactly 11 values");

    [Fact]
    public void BPG028_LoadParameters_Fires() => DiagnosticVerifier.Verify(
        Program("float[] weights = { 0.5f, -0.25f, 1f };\nnet.LoadParameters([|weights|]);"),
        "BPG028",
        "Student.Parameters holds 11 values, but 3 values are copied into it; load exactly 11 values");

    [Fact]
    public void BPG028_LayerViewLoad_Fires() => DiagnosticVerifier.Verify(
        Program("ReadOnlySpan<float> w = [1f, 2f, 3f, 4f];\n[|w|].CopyTo(net.W1);"),
        "BPG028",
        "Student.W1 holds 6 values, but 4 values are copied into it; load exactly 6 values");

    [Fact]
    public void BPG028_Silent_WithExactLengths() => DiagnosticVerifier.VerifySilent(Program("""
        new float[Student.ParameterCount].CopyTo(net.Parameters);
        net.LoadParameters(new float[Student.ParameterCount]);
        net.LoadParameters(unknown);
        ReadOnlySpan<float> w = [1f, 2f, 3f, 4f, 5f, 6f];
        w.CopyTo(net.W1);
        new float[] { 0.5f, 0.5f }.AsSpan().CopyTo(net.b1);
        unknown.CopyTo(net.Parameters);
        """));

    [Fact]
    public void BPG029_TypedComposition_Fires() => DiagnosticVerifier.Verify(
        Program("Student.Output h = net.Forward(new Student.Input());\nvar w = new Wide();\nw.Forward([|h|]);"),
        "BPG029",
        "The output of Student holds 1 value (Student.OutputSize), but Wide.Forward takes 2 inputs (Wide.InputSize); one network can feed another only when n_L of the first equals n_0 of the second",
        "CS1503");

    [Fact]
    public void BPG029_NestedTypedComposition_Fires() => DiagnosticVerifier.Verify(
        Program("Teacher.Output y = teacher.Forward(new Teacher.Input());\nvar z = net.Forward([|teacher.Forward(new Teacher.Input())|]);"),
        "BPG029",
        "The output of Teacher holds 4 values (Teacher.OutputSize), but Student.Forward takes 3 inputs (Student.InputSize); one network can feed another only when n_L of the first equals n_0 of the second",
        "CS1503");

    [Fact]
    public void BPG029_CompositionThroughSpans_Fires() => DiagnosticVerifier.Verify(
        Program("Teacher.Output h = teacher.Forward(new Teacher.Input());\nnet.Forward([|h|], new float[1]);"),
        "BPG029",
        "The output of Teacher holds 4 values (Teacher.OutputSize), but Student.Forward takes 3 inputs (Student.InputSize); one network can feed another only when n_L of the first equals n_0 of the second");

    [Fact]
    public void BPG029_Silent_WhenShapesChain() => DiagnosticVerifier.VerifySilent(Program("""
        Teacher.Output y = teacher.Forward(net.Forward(new Student.Input()));
        Student.Output h = net.Forward(new Student.Input());
        teacher.Forward(h, new float[4]);
        """));

    [Fact]
    public void BPG030_EmptyTrainingBatch_Fires() => DiagnosticVerifier.Verify(
        Program("net.TrainStep([|new float[0]|], new float[0], new Sgd(0.1));"),
        "BPG030",
        "'inputs' of Student.TrainStep holds no example, but the mean loss J = (1/m) sum L_i needs at least one row of 3 values (InputSize)");

    [Fact]
    public void BPG030_Silent_ForOneRowAndForEmptyInference() => DiagnosticVerifier.VerifySilent(Program("""
        net.TrainStep(new float[] { 0.9f, 0.2f, 0.4f }, new float[] { 1f }, new Sgd(0.1));
        net.ForwardBatch(new float[0], new float[0]);
        """));
}
