#!/usr/bin/python3
"""Validates the ONNX models exported by Backprop.Generated.Onnx (written by ReferenceModelTests with
BACKPROP_WRITE_ONNX_REFERENCE=1) with the ONNX project's own checker, and evaluates each with NumPy, op by op from the
ONNX operator specifications, on a fixed batch.

Needs Debian's python3-onnx (1.12.0, IR version 8, opsets up to 17) and python3-numpy. Run from anywhere:
    /usr/bin/python3 tests/Backprop.Generated.Onnx.Tests/Reference/check_models.py
Writes check_models.txt (the report) and check_models.json (input, NumPy output and checker verdict per model), which
ReferenceModelTests compares with ForwardBatch, so CI needs no Python.
"""
import json
import os
import sys

import numpy as np
import onnx
import onnx.checker
import onnx.helper
import onnx.mapping
import onnx.numpy_helper
import onnx.shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 6


def evaluate(model, x):
    """Runs the graph with NumPy in the model's element type. Only the operators the exporter writes are known."""
    values = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        a = [values[i] for i in node.input]
        attrs = {at.name: onnx.helper.get_attribute_value(at) for at in node.attribute}
        z = a[0]
        op = node.op_type
        if op == "Gemm":
            assert not attrs, attrs  # alpha = beta = 1, transA = transB = 0
            y = z @ a[1] + a[2]
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-z))
        elif op == "Tanh":
            y = np.tanh(z)
        elif op == "Relu":
            y = np.maximum(z, 0)
        elif op == "LeakyRelu":
            alpha = z.dtype.type(np.float32(attrs.get("alpha", 0.01)))  # a float32 attribute
            y = np.where(z >= 0, z, alpha * z)
        elif op == "Elu":
            alpha = z.dtype.type(np.float32(attrs.get("alpha", 1.0)))
            y = np.where(z > 0, z, alpha * np.expm1(z))
        elif op == "Softplus":
            y = np.logaddexp(0, z)  # log(1 + e^z) without overflow
        elif op == "Mul":
            y = z * a[1]
        elif op == "Softmax":
            assert attrs.get("axis", -1) == -1, attrs
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        else:
            raise ValueError("unexpected operator " + op)
        assert y.dtype == z.dtype, (op, y.dtype, z.dtype)
        values[node.output[0]] = y
    return values[model.graph.output[0].name]


def shape_text(value_info):
    dims = value_info.type.tensor_type.shape.dim
    return "[" + ", ".join(d.dim_param if d.HasField("dim_param") else str(d.dim_value) for d in dims) + "]"


def main():
    report = [f"onnx {onnx.__version__}, numpy {np.__version__}, checker: onnx.checker.check_model(full_check=True)"]
    results = {}
    for name in sorted(f for f in os.listdir(HERE) if f.endswith(".onnx")):
        model = onnx.load(os.path.join(HERE, name))
        onnx.checker.check_model(model, full_check=True)  # raises on any violation, including shape inference
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        opset = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0]
        inp, out = model.graph.input[0], model.graph.output[0]
        elem = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[inp.type.tensor_type.elem_type]
        n0 = inp.type.tensor_type.shape.dim[1].dim_value
        # A fixed batch covering both signs and the saturated ends: x_ij = 3 sin(1.7 (i n0 + j) + 0.3).
        x = (3 * np.sin(1.7 * np.arange(BATCH * n0) + 0.3)).astype(elem).reshape(BATCH, n0)
        y = evaluate(model, x)
        ops = [n.op_type for n in model.graph.node]
        report.append(
            f"{name}: ok; ir_version {model.ir_version}, opset {opset}, {inp.name} {shape_text(inp)} -> {out.name} "
            f"{shape_text(out)} {np.dtype(elem).name}; inferred output {shape_text(inferred.graph.output[0])}; "
            f"nodes {' '.join(ops)}")
        results[name] = {
            "checker": "ok",
            "ir_version": model.ir_version,
            "opset": opset,
            "dtype": np.dtype(elem).name,
            "batch": BATCH,
            "input": [float(v) for v in x.ravel()],
            "output": [float(v) for v in y.ravel()],
        }
    with open(os.path.join(HERE, "check_models.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "check_models.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    sys.exit(main())
