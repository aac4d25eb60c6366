using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Backprop.Generated.Internals;
using Backprop.Generated.Serialization;
using Google.Protobuf;
using OnnxProto = global::Onnx;

namespace Backprop.Generated.Onnx;

/// <summary>
/// Writes a generated network's inference graph as an ONNX model (<see href="https://github.com/onnx/onnx/blob/main/docs/IR.md">ONNX IR</see>
/// version <see cref="IrVersion"/>, default-domain opset <see cref="Opset"/> or an older one on request), so that ONNX Runtime and other ONNX tools
/// compute the same function as <see cref="INetwork{T}.ForwardBatch"/>.
/// </summary>
/// <remarks>
/// <para>
/// The graph has one input <c>input</c> of shape [batch, n_0] and one output <c>output</c> of shape [batch, n_L], where
/// <c>batch</c> is a symbolic dimension (any number of examples). For each layer l = 1..L it holds
/// <c>Gemm(A[l-1], W{l}, b{l})</c> with the default alpha = beta = 1, transA = transB = 0, which is
/// Z[l] = A[l-1] W[l] + b[l] with W[l] in this library's (n_{l-1}, n_l) layout, then the activation's nodes:
/// Sigmoid, Tanh, Relu, LeakyRelu (alpha = 0.01), Elu (alpha = 1), Softplus, SiLU as <c>Mul(z, Sigmoid(z))</c>
/// (opset 17 has no SiLU operator), Softmax (axis = -1, one softmax per example), and no node for the identity.
/// The weights and biases are initializers named <c>W1</c>, <c>b1</c>, ..., <c>WL</c>, <c>bL</c>.
/// </para>
/// <para>
/// A <see cref="float"/> network exports float32 tensors (TensorProto FLOAT); a <see cref="double"/> network exports
/// float64 tensors (DOUBLE), so the model computes in the network's precision (LeakyRelu's alpha is a float32 attribute
/// in ONNX, so there the slope is 0.01f, 2.2e-8 relative from 0.01). ONNX Runtime's CPU provider (1.31) has no float64
/// kernel for Elu or Softplus: export such a double network with <see cref="OnnxElementType.Float32"/> to run it there.
/// </para>
/// <para>The loss is not part of the graph: the model computes the network's outputs A[L], as ForwardBatch does.</para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The default-domain ONNX operator set the exported models import by default (ONNX 1.12).</summary>
    public const int Opset = 17;

    /// <summary>
    /// The lowest operator set an export can declare (the <c>opset</c> argument): 13 (ONNX 1.8). Every operator the
    /// exporter writes (Gemm, Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softplus, Mul, Softmax) has the same definition for
    /// float and double tensors from opset 13 to <see cref="Opset"/>: the later versions only add element types
    /// (bfloat16, integers), and opset 13 is the first whose Softmax normalises along the given axis alone.
    /// A lower opset serves runtimes that support only older ones, such as Unity's Inference Engine (formerly
    /// Sentis) before 2.6, whose documentation supports opsets 7 to 15.
    /// </summary>
    public const int MinimumOpset = 13;

    /// <summary>The ONNX IR version the exported models declare at the default <see cref="Opset"/> (IR version 8, that of
    /// ONNX 1.10 to 1.13; onnx/docs/Versioning.md). An export at opset 13 or 14 declares IR version 7, that of the ONNX
    /// releases (1.8, 1.9) that introduced those opsets, so that a runtime of that age reads it.</summary>
    public const long IrVersion = 8;

    /// <summary>The name of the graph input, of shape [batch, n_0].</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph output, of shape [batch, n_L].</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic name (dim_param) of the first dimension of the input and output: the number of examples.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The negative slope of LeakyRelu, as the runtime's <see cref="ActivationFunctions.LeakyReLUSlope"/>.</summary>
    private const float LeakyReLUAlpha = (float)ActivationFunctions.LeakyReLUSlope;

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="stream"/> (see <see cref="OnnxExport"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">Any generated network (its <see cref="INetwork{T}.Topology"/> gives the activations).</param>
    /// <param name="stream">A writable stream; the model is written at its current position.</param>
    /// <param name="elementType">The tensor type of the model; <see cref="OnnxElementType.Network"/> (the default) uses
    /// the network's precision.</param>
    /// <param name="opset">The default-domain operator set the model declares, from <see cref="MinimumOpset"/> (13) to
    /// <see cref="Opset"/> (17, the default); the graph is the same.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opset"/> is outside 13 to 17.</exception>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite; nothing is written.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double, or the model would
    /// exceed protobuf's 2 GiB message limit.</exception>
    public static void ExportOnnx<T>(
        this INetwork<T> network, Stream stream, OnnxElementType elementType = OnnxElementType.Network, int opset = Opset)
        where T : unmanaged
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        byte[] model = ToOnnx(network, elementType, opset);
        stream.Write(model, 0, model.Length);
    }

    /// <summary>
    /// Writes <paramref name="network"/> as an ONNX model file at <paramref name="path"/>, atomically: a temporary file
    /// in the same folder, flushed, then renamed over <paramref name="path"/>, so a failed export leaves any existing file
    /// untouched and no temporary file behind.
    /// </summary>
    /// <inheritdoc cref="ExportOnnx{T}(INetwork{T}, Stream, OnnxElementType, int)"/>
    /// <param name="network">Any generated network.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.onnx</c>.</param>
    /// <param name="elementType">The tensor type of the model.</param>
    /// <param name="opset">The default-domain operator set the model declares, 13 to 17.</param>
    /// <exception cref="IOException">The folder does not exist or the file cannot be written or replaced.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder is not writable.</exception>
    public static void ExportOnnx<T>(
        this INetwork<T> network, string path, OnnxElementType elementType = OnnxElementType.Network, int opset = Opset)
        where T : unmanaged
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        AtomicFile.WriteAllBytes(path, ToOnnx(network, elementType, opset));
    }

    /// <summary>The ONNX model of <paramref name="network"/> as bytes (a serialized <c>onnx.ModelProto</c>), e.g. for
    /// <c>new InferenceSession(bytes)</c>.</summary>
    /// <inheritdoc cref="ExportOnnx{T}(INetwork{T}, Stream, OnnxElementType, int)"/>
    /// <param name="network">Any generated network.</param>
    /// <param name="elementType">The tensor type of the model.</param>
    /// <param name="opset">The default-domain operator set the model declares, 13 to 17.</param>
    /// <returns>The model file's bytes.</returns>
    public static byte[] ToOnnx<T>(this INetwork<T> network, OnnxElementType elementType = OnnxElementType.Network, int opset = Opset)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        return ToOnnx<T>(network.Parameters, network.Topology, network.GetType().Name, elementType, opset);
    }

    /// <summary>
    /// The ONNX model of a network given by its flat parameters and declaration, without a generated type (as
    /// <see cref="SafeTensors"/> works on spans).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">For l = 1..L, W[l] row-major (n_{l-1}, n_l), then b[l]: exactly
    /// <see cref="NetworkTopology.ParameterCount"/> values.</param>
    /// <param name="topology">The layer sizes and activations.</param>
    /// <param name="graphName">The graph's name, e.g. the network type's name.</param>
    /// <param name="elementType">The tensor type of the model.</param>
    /// <param name="opset">The default-domain operator set the model declares, from <see cref="MinimumOpset"/> (13) to
    /// <see cref="Opset"/> (17, the default); the graph is the same.</param>
    /// <returns>The model file's bytes.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> does not have ParameterCount values, or
    /// <paramref name="elementType"/> is not defined.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opset"/> is outside 13 to 17.</exception>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double, or the model would
    /// exceed protobuf's 2 GiB message limit.</exception>
    public static byte[] ToOnnx<T>(
        ReadOnlySpan<T> parameters,
        NetworkTopology topology,
        string graphName,
        OnnxElementType elementType = OnnxElementType.Network,
        int opset = Opset)
        where T : unmanaged
    {
        if (topology is null)
        {
            throw new ArgumentNullException(nameof(topology));
        }

        if (graphName is null)
        {
            throw new ArgumentNullException(nameof(graphName));
        }

        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"ONNX export supports float and double networks, not {typeof(T).Name}.");
        }

        if (parameters.Length != topology.ParameterCount)
        {
            throw new ArgumentException(
                $"'{nameof(parameters)}' must have {topology.ParameterCount} values (the parameters of {topology}) but has {parameters.Length}.",
                nameof(parameters));
        }

        if (opset < MinimumOpset || opset > Opset)
        {
            throw new ArgumentOutOfRangeException(
                nameof(opset),
                opset,
                $"The exporter writes opsets {MinimumOpset} to {Opset} (ONNX 1.8 to 1.12), not {opset}.");
        }

        bool asDouble = elementType switch
        {
            OnnxElementType.Network => typeof(T) == typeof(double),
            OnnxElementType.Float32 => false,
            OnnxElementType.Float64 => true,
            _ => throw new ArgumentException($"Unknown element type {elementType}.", nameof(elementType)),
        };

        // Protobuf messages are limited to 2 GiB; larger ONNX models need external data, which this exporter does not write.
        long dataBytes = (long)parameters.Length * (asDouble ? sizeof(double) : sizeof(float));
        if (dataBytes > int.MaxValue - (64L * 1024 * 1024))
        {
            throw new NotSupportedException(
                $"The {parameters.Length} parameters take {dataBytes} bytes, beyond protobuf's 2 GiB limit for one ONNX file; external data is not supported.");
        }

        // Every value as double (exact for float), checked before anything is built.
        double[] values = new double[parameters.Length];
        if (typeof(T) == typeof(float))
        {
            ReadOnlySpan<float> single = MemoryMarshal.Cast<T, float>(parameters);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = single[i];
            }
        }
        else
        {
            MemoryMarshal.Cast<T, double>(parameters).CopyTo(values);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]) || double.IsInfinity(values[i]))
            {
                throw new InvalidOperationException(
                    $"Parameter {i} of {topology} is {values[i].ToString(CultureInfo.InvariantCulture)}; nothing was written.");
            }
        }

        var dataType = asDouble ? OnnxProto.TensorProto.Types.DataType.Double : OnnxProto.TensorProto.Types.DataType.Float;
        var graph = new OnnxProto.GraphProto { Name = graphName };
        graph.Input.Add(BatchTensor(InputName, dataType, topology.LayerSizes[0]));
        graph.Output.Add(BatchTensor(OutputName, dataType, topology.LayerSizes[topology.LayerCount]));

        string a = InputName;
        for (int l = 1; l <= topology.LayerCount; l++)
        {
            int nIn = topology.LayerSizes[l - 1];
            int nOut = topology.LayerSizes[l];
            string layer = l.ToString(CultureInfo.InvariantCulture);
            string w = "W" + layer, b = "b" + layer;
            graph.Initializer.Add(Tensor(w, new long[] { nIn, nOut }, new ReadOnlySpan<double>(values, topology.WeightOffset(l), nIn * nOut), asDouble));
            graph.Initializer.Add(Tensor(b, new long[] { nOut }, new ReadOnlySpan<double>(values, topology.BiasOffset(l), nOut), asDouble));

            Activation g = topology.Activations[l - 1];
            string result = l == topology.LayerCount ? OutputName : "a" + layer;
            string z = g == Activation.Identity ? result : "z" + layer;

            // Z[l] = A[l-1] W[l] + b[l] (Gemm defaults: alpha = beta = 1, no transposes; b broadcast over the rows).
            graph.Node.Add(Node("layer" + layer + "/Gemm", "Gemm", new[] { a, w, b }, z));
            AddActivation(graph, g, "layer" + layer, z, result);
            a = result;
        }

        var model = new OnnxProto.ModelProto
        {
            // IR version 7 for opsets 13 and 14 (ONNX 1.8, 1.9), 8 for 15 to 17 (ONNX 1.10 to 1.12): onnx/docs/Versioning.md.
            IrVersion = opset <= 14 ? 7 : IrVersion,
            ProducerName = "Backprop.Generated.Onnx",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString(3) ?? string.Empty,
            DocString = $"Backprop.Generated network {graphName}: {topology}. Computes ForwardBatch: {InputName} [batch, n_0] -> {OutputName} [batch, n_L].",
            Graph = graph,
        };
        model.OpsetImport.Add(new OnnxProto.OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model.ToByteArray();
    }

    /// <summary><see cref="ToOnnx{T}(ReadOnlySpan{T}, NetworkTopology, string, OnnxElementType, int)"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so this overload is what lets <c>OnnxExport.ToOnnx(parameters, topology, name)</c> with an
    /// array compile there.</remarks>
    /// <inheritdoc cref="ToOnnx{T}(ReadOnlySpan{T}, NetworkTopology, string, OnnxElementType, int)"/>
    public static byte[] ToOnnx(
        ReadOnlySpan<float> parameters,
        NetworkTopology topology,
        string graphName,
        OnnxElementType elementType = OnnxElementType.Network,
        int opset = Opset) =>
        ToOnnx<float>(parameters, topology, graphName, elementType, opset);

    /// <summary><see cref="ToOnnx{T}(ReadOnlySpan{T}, NetworkTopology, string, OnnxElementType, int)"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter (C# 14's first-class span
    /// conversions do), so this overload is what lets <c>OnnxExport.ToOnnx(parameters, topology, name)</c> with an
    /// array compile there.</remarks>
    /// <inheritdoc cref="ToOnnx{T}(ReadOnlySpan{T}, NetworkTopology, string, OnnxElementType, int)"/>
    public static byte[] ToOnnx(
        ReadOnlySpan<double> parameters,
        NetworkTopology topology,
        string graphName,
        OnnxElementType elementType = OnnxElementType.Network,
        int opset = Opset) =>
        ToOnnx<double>(parameters, topology, graphName, elementType, opset);

    /// <summary>Adds A[l] = g(Z[l]) from <paramref name="z"/> to <paramref name="result"/>; nothing for the identity.</summary>
    private static void AddActivation(OnnxProto.GraphProto graph, Activation g, string prefix, string z, string result)
    {
        switch (g)
        {
            case Activation.Identity:
                return;
            case Activation.Sigmoid:
                graph.Node.Add(Node(prefix + "/Sigmoid", "Sigmoid", new[] { z }, result));
                return;
            case Activation.Tanh:
                graph.Node.Add(Node(prefix + "/Tanh", "Tanh", new[] { z }, result));
                return;
            case Activation.ReLU:
                graph.Node.Add(Node(prefix + "/Relu", "Relu", new[] { z }, result));
                return;
            case Activation.LeakyReLU:
                // z for z >= 0, else alpha z (ONNX LeakyRelu), alpha = 0.01 as the runtime's slope.
                graph.Node.Add(Node(prefix + "/LeakyRelu", "LeakyRelu", new[] { z }, result, FloatAttribute("alpha", LeakyReLUAlpha)));
                return;
            case Activation.ELU:
                // z for z > 0, else alpha (e^z - 1) (ONNX Elu), alpha = 1 as the runtime's ELU.
                graph.Node.Add(Node(prefix + "/Elu", "Elu", new[] { z }, result, FloatAttribute("alpha", 1f)));
                return;
            case Activation.Softplus:
                // log(1 + e^z) (ONNX Softplus).
                graph.Node.Add(Node(prefix + "/Softplus", "Softplus", new[] { z }, result));
                return;
            case Activation.SiLU:
                // z * sigmoid(z): opset 17 has no SiLU/Swish operator.
                string s = prefix + "_sigmoid";
                graph.Node.Add(Node(prefix + "/Sigmoid", "Sigmoid", new[] { z }, s));
                graph.Node.Add(Node(prefix + "/Mul", "Mul", new[] { z, s }, result));
                return;
            case Activation.Softmax:
                // e^(z_k - max z) / sum_j e^(z_j - max z) along the last axis: one softmax per example (opset >= 13 semantics).
                graph.Node.Add(Node(prefix + "/Softmax", "Softmax", new[] { z }, result, IntAttribute("axis", -1)));
                return;
            default:
                throw new NotSupportedException($"Activation {g} has no ONNX mapping.");
        }
    }

    private static OnnxProto.NodeProto Node(string name, string opType, string[] inputs, string output, OnnxProto.AttributeProto? attribute = null)
    {
        var node = new OnnxProto.NodeProto { Name = name, OpType = opType };
        node.Input.Add(inputs);
        node.Output.Add(output);
        if (attribute is not null)
        {
            node.Attribute.Add(attribute);
        }

        return node;
    }

    private static OnnxProto.AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = OnnxProto.AttributeProto.Types.AttributeType.Float, F = value };

    private static OnnxProto.AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = OnnxProto.AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A tensor value of shape [batch, <paramref name="columns"/>] with <c>batch</c> symbolic.</summary>
    private static OnnxProto.ValueInfoProto BatchTensor(string name, OnnxProto.TensorProto.Types.DataType dataType, int columns)
    {
        var shape = new OnnxProto.TensorShapeProto();
        shape.Dim.Add(new OnnxProto.TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(new OnnxProto.TensorShapeProto.Types.Dimension { DimValue = columns });
        return new OnnxProto.ValueInfoProto
        {
            Name = name,
            Type = new OnnxProto.TypeProto
            {
                TensorType = new OnnxProto.TypeProto.Types.Tensor { ElemType = (int)dataType, Shape = shape },
            },
        };
    }

    /// <summary>An initializer holding <paramref name="values"/> (row-major) in double_data, or rounded to nearest in float_data.</summary>
    private static OnnxProto.TensorProto Tensor(string name, long[] dims, ReadOnlySpan<double> values, bool asDouble)
    {
        var tensor = new OnnxProto.TensorProto
        {
            Name = name,
            DataType = (int)(asDouble ? OnnxProto.TensorProto.Types.DataType.Double : OnnxProto.TensorProto.Types.DataType.Float),
        };
        tensor.Dims.Add(dims);
        if (asDouble)
        {
            tensor.DoubleData.Add(values.ToArray());
        }
        else
        {
            var data = new float[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                data[i] = (float)values[i];
            }

            tensor.FloatData.Add(data);
        }

        return tensor;
    }
}

/// <summary>The tensor element type of an exported ONNX model.</summary>
public enum OnnxElementType
{
    /// <summary>The network's own precision: float32 for a float network, float64 for a double one.</summary>
    Network = 0,

    /// <summary>float32 (TensorProto FLOAT) for every input, output and initializer; a double network's values are rounded to nearest.</summary>
    Float32 = 1,

    /// <summary>float64 (TensorProto DOUBLE) for every input, output and initializer.</summary>
    Float64 = 2,
}
