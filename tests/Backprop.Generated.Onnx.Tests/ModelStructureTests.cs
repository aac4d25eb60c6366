using System;
using System.IO;
using System.Linq;
using Backprop.Generated.Serialization;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using OnnxProto = global::Onnx;

namespace Backprop.Generated.Onnx.Tests;

/// <summary>The exported ModelProto, parsed back: opset, IR version, names, symbolic shapes, nodes, attributes, weights.</summary>
public sealed class ModelStructureTests
{
    [Fact]
    public void Model_states_opset_17_ir_8_and_names_input_and_output_with_symbolic_batch()
    {
        var net = new DigitsNet();
        OrtRunner.Seed(net, 1);
        OnnxProto.ModelProto model = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx());

        Assert.Equal(8, model.IrVersion);
        OnnxProto.OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal(string.Empty, opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal(17, OnnxExport.Opset);
        Assert.Equal("Backprop.Generated.Onnx", model.ProducerName);
        Assert.Equal("DigitsNet", model.Graph.Name);

        OnnxProto.ValueInfoProto input = Assert.Single(model.Graph.Input);
        OnnxProto.ValueInfoProto output = Assert.Single(model.Graph.Output);
        Assert.Equal("input", input.Name);
        Assert.Equal("output", output.Name);
        foreach ((OnnxProto.ValueInfoProto value, int columns) in new[] { (input, 64), (output, 10) })
        {
            Assert.Equal((int)OnnxProto.TensorProto.Types.DataType.Float, value.Type.TensorType.ElemType);
            var dims = value.Type.TensorType.Shape.Dim;
            Assert.Equal(2, dims.Count);
            Assert.Equal(OnnxProto.TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam, dims[0].ValueCase);
            Assert.Equal("batch", dims[0].DimParam);
            Assert.Equal(OnnxProto.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, dims[1].ValueCase);
            Assert.Equal(columns, dims[1].DimValue);
        }
    }

    [Fact]
    public void Nodes_follow_the_documented_mapping_for_every_activation()
    {
        var net = new AllActivations();
        OrtRunner.Seed(net, 2);
        OnnxProto.GraphProto graph = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx()).Graph;

        // Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SiLU, Softplus, Softmax; one Gemm per layer.
        string[] expected =
        {
            "Gemm",
            "Gemm", "Sigmoid",
            "Gemm", "Tanh",
            "Gemm", "Relu",
            "Gemm", "LeakyRelu",
            "Gemm", "Elu",
            "Gemm", "Sigmoid", "Mul",
            "Gemm", "Softplus",
            "Gemm", "Softmax",
        };
        Assert.Equal(expected, graph.Node.Select(n => n.OpType).ToArray());

        // Gemm with the defaults alpha = beta = 1, transA = transB = 0: Z = A W + b with W as (n_{l-1}, n_l).
        Assert.All(graph.Node.Where(n => n.OpType == "Gemm"), n => Assert.Empty(n.Attribute));
        OnnxProto.AttributeProto leaky = Assert.Single(graph.Node.Single(n => n.OpType == "LeakyRelu").Attribute);
        Assert.Equal(("alpha", OnnxProto.AttributeProto.Types.AttributeType.Float, 0.01f), (leaky.Name, leaky.Type, leaky.F));
        OnnxProto.AttributeProto elu = Assert.Single(graph.Node.Single(n => n.OpType == "Elu").Attribute);
        Assert.Equal(("alpha", OnnxProto.AttributeProto.Types.AttributeType.Float, 1f), (elu.Name, elu.Type, elu.F));
        OnnxProto.AttributeProto softmax = Assert.Single(graph.Node.Single(n => n.OpType == "Softmax").Attribute);
        Assert.Equal(("axis", OnnxProto.AttributeProto.Types.AttributeType.Int, -1L), (softmax.Name, softmax.Type, softmax.I));

        // SiLU: Mul(z, Sigmoid(z)) on the same z.
        OnnxProto.NodeProto mul = graph.Node.Single(n => n.OpType == "Mul");
        OnnxProto.NodeProto siluSigmoid = graph.Node.Single(n => n.Output[0] == mul.Input[1]);
        Assert.Equal("Sigmoid", siluSigmoid.OpType);
        Assert.Equal(mul.Input[0], siluSigmoid.Input[0]);

        // A chain: each node reads the previous output; the first reads "input", the last writes "output".
        Assert.Equal("input", graph.Node[0].Input[0]);
        Assert.Equal("output", graph.Node[^1].Output[0]);
        Assert.All(graph.Node, n => Assert.NotEmpty(n.Name));
        Assert.Equal(graph.Node.Count, graph.Node.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void Initializers_hold_W_in_the_n_prev_by_n_layout_and_b_exactly()
    {
        var net = new MultiClassifier();
        OrtRunner.Seed(net, 4);
        NetworkTopology topology = MultiClassifier.Topology;
        OnnxProto.GraphProto graph = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx()).Graph;

        Assert.Equal(new[] { "W1", "b1", "W2", "b2", "W3", "b3" }, graph.Initializer.Select(t => t.Name).ToArray());
        float[] parameters = net.Parameters.ToArray();
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nIn = topology.LayerSizes[l - 1], nOut = topology.LayerSizes[l];
            OnnxProto.TensorProto w = graph.Initializer.Single(t => t.Name == $"W{l}");
            OnnxProto.TensorProto b = graph.Initializer.Single(t => t.Name == $"b{l}");
            Assert.Equal(new long[] { nIn, nOut }, w.Dims.ToArray());
            Assert.Equal(new long[] { nOut }, b.Dims.ToArray());
            Assert.Equal((int)OnnxProto.TensorProto.Types.DataType.Float, w.DataType);
            Assert.Equal(parameters.AsSpan(topology.WeightOffset(l), nIn * nOut).ToArray(), w.FloatData.ToArray());
            Assert.Equal(parameters.AsSpan(topology.BiasOffset(l), nOut).ToArray(), b.FloatData.ToArray());

            // The Gemm of layer l reads W{l} as B and b{l} as C.
            OnnxProto.NodeProto gemm = graph.Node.Where(n => n.OpType == "Gemm").ElementAt(l - 1);
            Assert.Equal(new[] { $"W{l}", $"b{l}" }, gemm.Input.Skip(1).ToArray());
        }
    }

    [Fact]
    public void Double_network_exports_float64_tensors_bit_exactly_and_float32_on_request()
    {
        var net = new MultiClassifierD();
        OrtRunner.Seed(net, 5);
        double[] parameters = net.Parameters.ToArray();

        OnnxProto.ModelProto model64 = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx());
        Assert.Equal((int)OnnxProto.TensorProto.Types.DataType.Double, model64.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((int)OnnxProto.TensorProto.Types.DataType.Double, model64.Graph.Output[0].Type.TensorType.ElemType);
        Assert.Equal(parameters, model64.Graph.Initializer.SelectMany(t => t.DoubleData).ToArray());

        OnnxProto.ModelProto model32 = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx(OnnxElementType.Float32));
        Assert.Equal((int)OnnxProto.TensorProto.Types.DataType.Float, model32.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal(parameters.Select(v => (float)v).ToArray(), model32.Graph.Initializer.SelectMany(t => t.FloatData).ToArray());

        // And a float network as float64: every value widened exactly.
        var single = new MultiClassifier();
        OrtRunner.Seed(single, 5);
        OnnxProto.ModelProto widened = OnnxProto.ModelProto.Parser.ParseFrom(single.ToOnnx(OnnxElementType.Float64));
        Assert.Equal(single.Parameters.ToArray().Select(v => (double)v).ToArray(), widened.Graph.Initializer.SelectMany(t => t.DoubleData).ToArray());
    }

    [Fact]
    public void Float_network_exported_as_float64_runs_in_OnnxRuntime()
    {
        var net = new TanhNet();
        OrtRunner.Seed(net, 6);
        float[] x = OrtRunner.Batch<float>(9, TanhNet.InputSize, 8);
        var expected = new float[9 * TanhNet.OutputSize];
        net.ForwardBatch(x, expected);
        double[] actual = OrtRunner.Run(net.ToOnnx(OnnxElementType.Float64), x.Select(v => (double)v).ToArray(), 9, TanhNet.InputSize);
        Assert.True(OrtRunner.MaxAbsDiff(expected, actual) <= 1e-5);
    }

    [Theory]
    [InlineData(13, 7)]
    [InlineData(14, 7)]
    [InlineData(15, 8)]
    [InlineData(16, 8)]
    [InlineData(17, 8)]
    public void Older_opset_changes_only_the_opset_and_the_IR_version_of_its_ONNX_release(int opset, long irVersion)
    {
        var net = new DigitsNet();
        OrtRunner.Seed(net, 1);
        OnnxProto.ModelProto latest = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx());
        OnnxProto.ModelProto model = OnnxProto.ModelProto.Parser.ParseFrom(net.ToOnnx(opset: opset));

        Assert.Equal(irVersion, model.IrVersion);
        Assert.Equal(opset, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(latest.Graph, model.Graph);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    [InlineData(0)]
    public void Opset_outside_13_to_17_throws_naming_the_range(int opset)
    {
        var net = new ReluNet();
        using var stream = new MemoryStream();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => net.ExportOnnx(stream, opset: opset));
        Assert.Equal("opset", error.ParamName);
        Assert.Contains("opsets 13 to 17", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Non_finite_parameter_throws_and_writes_nothing(double bad)
    {
        var net = new ReluNet();
        OrtRunner.Seed(net, 7);
        net.Parameters[20] = (float)bad;
        using var stream = new MemoryStream();
        var error = Assert.Throws<InvalidOperationException>(() => net.ExportOnnx(stream));
        Assert.Contains("Parameter 20", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Span_overload_demands_exactly_ParameterCount_values()
    {
        var net = new ReluNet();
        float[] shortParameters = new float[ReluNet.ParameterCount - 1];
        var error = Assert.Throws<ArgumentException>(() => OnnxExport.ToOnnx<float>(shortParameters, ReluNet.Topology, "short"));
        Assert.Contains($"must have {ReluNet.ParameterCount} values", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => OnnxExport.ToOnnx<float>(new float[ReluNet.ParameterCount], null!, "x"));
        Assert.Throws<ArgumentNullException>(() => net.ExportOnnx((Stream)null!));
    }

    [Fact]
    public void Stream_and_path_overloads_write_the_same_bytes_and_ORT_loads_the_file()
    {
        var net = new SoftmaxNet();
        OrtRunner.Seed(net, 9);
        byte[] bytes = net.ToOnnx();
        using var stream = new MemoryStream();
        stream.WriteByte(0xAB); // written at the stream's position, after what is already there
        net.ExportOnnx(stream);
        Assert.Equal(bytes, stream.ToArray().Skip(1).ToArray());

        string folder = Path.Combine(Path.GetTempPath(), "onnx-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "softmax.onnx");
            File.WriteAllText(path, "an older file, replaced");
            net.ExportOnnx(path);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal(new[] { "softmax.onnx" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
            using var options = new SessionOptions();
            using var session = new InferenceSession(path, options);
            Assert.Equal(new[] { -1, 4 }, session.OutputMetadata["output"].Dimensions);

            // A failed export (missing folder) leaves nothing behind.
            Assert.ThrowsAny<IOException>(() => net.ExportOnnx(Path.Combine(folder, "missing", "x.onnx")));
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Export_is_deterministic()
    {
        var a = new AllActivations();
        var b = new AllActivations();
        OrtRunner.Seed(a, 10);
        OrtRunner.Seed(b, 10);
        Assert.Equal(a.ToOnnx(), b.ToOnnx());
    }
}
