using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

/// <summary>
/// Writes the inference graph of a workload as an ONNX model (opset 13, IR version 8) in the protobuf wire format, so
/// the ONNX Runtime peer runs exactly the parameters of the generated network without Python at benchmark time.
/// Graph: X (m x n_0, m symbolic) -> per layer MatMul(A, W_l) -> Add(., b_l) -> activation (Relu, Tanh, Sigmoid, Softmax
/// over the last axis; none for identity) -> Y (m x n_L). Weights are initializers in the documented row-major layout.
/// Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto).
/// </summary>
public static class OnnxModelWriter
{
    private const int FloatType = 1; // TensorProto.DataType.FLOAT

    public static byte[] Write(Workload workload, ReadOnlySpan<float> parameters)
    {
        int[] n = workload.Sizes;
        var graph = new Proto();
        var initializers = new List<Proto>();
        string input = "X";
        int offset = 0;
        int nodeIndex = 0;
        for (int l = 1; l < n.Length; l++)
        {
            string w = $"W{l}", b = $"b{l}";
            initializers.Add(Tensor(w, new long[] { n[l - 1], n[l] }, parameters.Slice(offset, n[l - 1] * n[l])));
            offset += n[l - 1] * n[l];
            initializers.Add(Tensor(b, new long[] { n[l] }, parameters.Slice(offset, n[l])));
            offset += n[l];
            string product = $"XW{l}", z = $"Z{l}";
            graph.Message(1, Node($"matmul{nodeIndex++}", "MatMul", new[] { input, w }, product));
            string last = l == n.Length - 1 ? "Y" : $"A{l}";
            string? op = workload.Activations[l - 1] switch
            {
                ArrayMlp.Kind.ReLU => "Relu",
                ArrayMlp.Kind.Tanh => "Tanh",
                ArrayMlp.Kind.Sigmoid => "Sigmoid",
                ArrayMlp.Kind.Softmax => "Softmax", // opset 13: axis defaults to -1, one softmax per row
                _ => null,
            };
            graph.Message(1, Node($"add{nodeIndex++}", "Add", new[] { product, b }, op is null ? last : z));
            if (op is not null)
            {
                graph.Message(1, Node($"{op.ToLowerInvariant()}{nodeIndex++}", op, new[] { z }, last));
            }

            input = last;
        }

        graph.String(2, workload.Name.Replace(' ', '_'));
        foreach (Proto tensor in initializers)
        {
            graph.Message(5, tensor);
        }

        graph.Message(11, ValueInfo("X", n[0]));
        graph.Message(12, ValueInfo("Y", n[^1]));

        var opset = new Proto();
        opset.String(1, string.Empty);
        opset.Int(2, 13);
        var model = new Proto();
        model.Int(1, 8); // ir_version
        model.String(2, "Backprop.Generated.Benchmarks");
        model.Message(7, graph);
        model.Message(8, opset);
        return model.ToArray();
    }

    /// <summary>
    /// The same network as ONNX Runtime's dynamic quantisation writes it (onnxruntime.quantization.quantize_dynamic's
    /// MatMul pattern): per layer DynamicQuantizeLinear(A) -> (A_q uint8, a_scale, a_zero_point), MatMulInteger(A_q,
    /// W_q int8, a_zero_point, 0) -> int32, Cast to float, Mul by a_scale * w_scale (per output unit here, as our
    /// scheme), Add b, activation. W_q and w_scale are docs/int8.md's per-unit symmetric quantisation of the same
    /// parameters, so the weights match the int8 network's; the activations are quantised asymmetrically per call.
    /// </summary>
    public static byte[] WriteDynamicInt8(Workload workload, ReadOnlySpan<float> parameters)
    {
        int[] n = workload.Sizes;
        var graph = new Proto();
        var initializers = new List<Proto>();
        string input = "X";
        int offset = 0;
        int node = 0;
        for (int l = 1; l < n.Length; l++)
        {
            int nIn = n[l - 1], nOut = n[l];
            ReadOnlySpan<float> w = parameters.Slice(offset, nIn * nOut);
            offset += nIn * nOut;
            ReadOnlySpan<float> b = parameters.Slice(offset, nOut);
            offset += nOut;
            var q = new byte[nIn * nOut];
            var scale = new float[nOut];
            for (int j = 0; j < nOut; j++)
            {
                float max = 0f;
                for (int i = 0; i < nIn; i++)
                {
                    max = Math.Max(max, Math.Abs(w[(i * nOut) + j]));
                }

                scale[j] = max / 127f;
                for (int i = 0; i < nIn; i++)
                {
                    int v = scale[j] == 0f ? 0 : (int)Math.Clamp(Math.Round(w[(i * nOut) + j] / scale[j], MidpointRounding.ToEven), -127, 127);
                    q[(i * nOut) + j] = unchecked((byte)(sbyte)v);
                }
            }

            initializers.Add(RawTensor($"Wq{l}", new long[] { nIn, nOut }, Int8Type, q));
            initializers.Add(RawTensor($"Wzp{l}", new long[] { nOut }, Int8Type, new byte[nOut]));
            initializers.Add(Tensor($"Ws{l}", new long[] { nOut }, scale));
            initializers.Add(Tensor($"b{l}", new long[] { nOut }, b));
            string aq = $"Aq{l}", ascale = $"As{l}", azp = $"Azp{l}";
            graph.Message(1, Node($"dql{node++}", "DynamicQuantizeLinear", new[] { input }, new[] { aq, ascale, azp }));
            graph.Message(1, Node($"mmi{node++}", "MatMulInteger", new[] { aq, $"Wq{l}", azp, $"Wzp{l}" }, new[] { $"P{l}" }));
            var cast = Node($"cast{node++}", "Cast", new[] { $"P{l}" }, new[] { $"Pf{l}" });
            cast.Message(5, IntAttribute("to", FloatType));
            graph.Message(1, cast);
            graph.Message(1, Node($"mulscale{node++}", "Mul", new[] { ascale, $"Ws{l}" }, new[] { $"S{l}" }));
            graph.Message(1, Node($"mul{node++}", "Mul", new[] { $"Pf{l}", $"S{l}" }, new[] { $"R{l}" }));
            string last = l == n.Length - 1 ? "Y" : $"A{l}";
            string? op = workload.Activations[l - 1] switch
            {
                ArrayMlp.Kind.ReLU => "Relu",
                ArrayMlp.Kind.Tanh => "Tanh",
                ArrayMlp.Kind.Sigmoid => "Sigmoid",
                ArrayMlp.Kind.Softmax => "Softmax",
                _ => null,
            };
            graph.Message(1, Node($"add{node++}", "Add", new[] { $"R{l}", $"b{l}" }, new[] { op is null ? last : $"Z{l}" }));
            if (op is not null)
            {
                graph.Message(1, Node($"{op.ToLowerInvariant()}{node++}", op, new[] { $"Z{l}" }, new[] { last }));
            }

            input = last;
        }

        graph.String(2, workload.Name.Replace(' ', '_') + "_int8");
        foreach (Proto tensor in initializers)
        {
            graph.Message(5, tensor);
        }

        graph.Message(11, ValueInfo("X", n[0]));
        graph.Message(12, ValueInfo("Y", n[^1]));
        var opset = new Proto();
        opset.String(1, string.Empty);
        opset.Int(2, 13);
        var model = new Proto();
        model.Int(1, 8);
        model.String(2, "Backprop.Generated.Benchmarks");
        model.Message(7, graph);
        model.Message(8, opset);
        return model.ToArray();
    }

    private const int Int8Type = 3; // TensorProto.DataType.INT8

    private static Proto Node(string name, string opType, string[] inputs, string[] outputs)
    {
        var node = new Proto();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        foreach (string output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, name);
        node.String(4, opType);
        return node;
    }

    /// <summary>An INT attribute (AttributeProto: name = 1, i = 3, type = 20 with INT = 2).</summary>
    private static Proto IntAttribute(string name, long value)
    {
        var attribute = new Proto();
        attribute.String(1, name);
        attribute.Int(3, value);
        attribute.Int(20, 2);
        return attribute;
    }

    private static Proto RawTensor(string name, long[] dims, int dataType, byte[] raw)
    {
        var tensor = new Proto();
        foreach (long d in dims)
        {
            tensor.Int(1, d);
        }

        tensor.Int(2, dataType);
        tensor.String(8, name);
        tensor.Bytes(9, raw);
        return tensor;
    }

    private static Proto Node(string name, string opType, string[] inputs, string output)
    {
        var node = new Proto();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output);
        node.String(3, name);
        node.String(4, opType);
        return node;
    }

    private static Proto Tensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var tensor = new Proto();
        foreach (long d in dims)
        {
            tensor.Int(1, d);
        }

        tensor.Int(2, FloatType);
        tensor.String(8, name);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * sizeof(float)), values[i]); // little-endian on x64, as raw_data requires
        }

        tensor.Bytes(9, raw);
        return tensor;
    }

    /// <summary>A float tensor of shape (m, columns) with m the symbolic batch dimension.</summary>
    private static Proto ValueInfo(string name, int columns)
    {
        var rows = new Proto();
        rows.String(2, "m"); // Dimension.dim_param
        var cols = new Proto();
        cols.Int(1, columns); // Dimension.dim_value
        var shape = new Proto();
        shape.Message(1, rows);
        shape.Message(1, cols);
        var tensorType = new Proto();
        tensorType.Int(1, FloatType); // elem_type
        tensorType.Message(2, shape);
        var type = new Proto();
        type.Message(1, tensorType); // TypeProto.tensor_type
        var info = new Proto();
        info.String(1, name);
        info.Message(2, type);
        return info;
    }

    /// <summary>A protobuf message being written: varint (wire type 0) and length-delimited (wire type 2) fields.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _stream = new();

        public void Int(int field, long value)
        {
            Varint(((ulong)field << 3) | 0);
            Varint((ulong)value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, Proto message) => Bytes(field, message.ToArray());

        public void Bytes(int field, byte[] value)
        {
            Varint(((ulong)field << 3) | 2);
            Varint((ulong)value.Length);
            _stream.Write(value);
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
