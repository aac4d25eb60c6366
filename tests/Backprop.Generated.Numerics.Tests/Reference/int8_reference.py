#!/usr/bin/python3
"""Writes int8_reference.json: the int8 scheme of docs/int8.md emulated in numpy integer arithmetic, for the networks
and inputs drawn here, and PyTorch's dynamic quantisation of the same weights as a second, looser comparison.

Run from this folder with Debian's interpreter (apt-get install python3-numpy python3-torch):
    /usr/bin/python3 int8_reference.py

Independent of the C# code: it follows the formulas of docs/int8.md, not the kernels. Per network it writes the float32
parameters (layout of Parameters: for l = 1..L, W[l] row-major (n_{l-1}, n_l), then b[l]), the inputs, and per input
each layer's exact int32 sums S_j = sum_i q_a,i q_ij and the float32 outputs. Float steps are float32 numpy operations
in the documented order (no fused multiply-add), so outputs of networks whose activations are exact in float32
(identity, ReLU) are bit-exact; for tanh and softmax the C# scalar functions may differ from numpy's in the last
place, so the tests compare those outputs within a tolerance and only the first layer's sums bit-exactly.

Second comparison: torch.ao.quantization.quantize_dynamic (qint8 weights, per-tensor, activations quantised per batch
as uint8 with a zero point) over an nn.Sequential holding the same weights. A different scheme: the file records its
outputs and the largest differences from our scheme and from float32, which docs/int8.md reports.
"""
import json

import numpy as np
import torch

F = np.float32

NETWORKS = [
    # name, sizes, activations of layers 1..L, bit-exact through every layer
    ("relu_5_7_3", [5, 7, 3], ["ReLU", "Identity"], True),
    ("relu_37_50_19_10", [37, 50, 19, 10], ["ReLU", "ReLU", "Identity"], True),
    ("wide_300_40_6", [300, 40, 6], ["ReLU", "Identity"], True),
    ("digits_64_32_10", [64, 32, 10], ["Tanh", "Softmax"], False),
]


def activate(name, z):
    if name == "Identity":
        return z
    if name == "ReLU":
        return np.where(z <= F(0), F(0), z).astype(F)
    if name == "Tanh":
        return np.tanh(z).astype(F)
    if name == "Softmax":
        e = np.exp(z - z.max()).astype(F)
        return (e / e.sum(dtype=F)).astype(F)
    raise ValueError(name)


def quantise_weights(w):
    """w: (n_in, n_out) float32. Per column: s = max|w| / 127, q = clamp(rint(w / s), -127, 127)."""
    scale = (np.abs(w).max(axis=0) / F(127)).astype(F)
    q = np.zeros(w.shape, dtype=np.int64)
    nonzero = scale != 0
    q[:, nonzero] = np.clip(np.rint((w[:, nonzero] / scale[nonzero]).astype(F)), -127, 127).astype(np.int64)
    return q, scale


def quantise_row(a):
    """a: float32 row. Returns (q_a as int64, s_a); s_a = 0 for a zero row."""
    m = F(np.abs(a).max())
    if m == 0:
        return np.zeros(a.shape, dtype=np.int64), F(0)
    inverse = F(F(127) / m)
    if not np.isfinite(inverse):
        return np.zeros(a.shape, dtype=np.int64), F(0)
    q = np.clip(np.rint((a * inverse).astype(F)), -127, 127).astype(np.int64)
    return q, F(m / F(127))


def int8_forward(layers, activations, x):
    a = x.astype(F)
    sums = []
    for (q, scale, b), g in zip(layers, activations):
        qa, sa = quantise_row(a)
        s = qa @ q                              # exact: int64 products and sums
        assert np.all(np.abs(s) < 2**31)
        sums.append([int(v) for v in s])
        z = (s.astype(np.int32).astype(F) * (sa * scale).astype(F)).astype(F)
        z = (z + b).astype(F)
        a = activate(g, z)
    return sums, a


def float_forward(weights, activations, x):
    a = x.astype(np.float64)
    for (w, b), g in zip(weights, activations):
        z = a @ w.astype(np.float64) + b.astype(np.float64)
        if g == "ReLU":
            a = np.maximum(z, 0)
        elif g == "Tanh":
            a = np.tanh(z)
        elif g == "Softmax":
            e = np.exp(z - z.max())
            a = e / e.sum()
        else:
            a = z
    return a


def torch_dynamic(weights, activations, xs):
    modules = []
    for (w, b), g in zip(weights, activations):
        linear = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        modules.append(linear)
        if g == "ReLU":
            modules.append(torch.nn.ReLU())
        elif g == "Tanh":
            modules.append(torch.nn.Tanh())
        elif g == "Softmax":
            modules.append(torch.nn.Softmax(dim=1))
    model = torch.nn.Sequential(*modules).eval()
    quantised = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    with torch.no_grad():
        # One example per call, as Forward runs: the dynamic activation range is then per example too.
        return np.stack([quantised(torch.from_numpy(x[None, :].copy()))[0].numpy() for x in xs])


def main():
    rng = np.random.default_rng(20261207)
    engine = "qnnpack" if "qnnpack" in torch.backends.quantized.supported_engines else torch.backends.quantized.engine
    torch.backends.quantized.engine = engine
    out = {"torch_version": torch.__version__, "numpy_version": np.__version__, "torch_engine": engine, "networks": []}
    for name, sizes, activations, exact in NETWORKS:
        weights = []
        theta = []
        for l in range(1, len(sizes)):
            w = rng.uniform(-1, 1, size=(sizes[l - 1], sizes[l])).astype(F) / F(np.sqrt(sizes[l - 1]))
            w = w.astype(F)
            b = rng.uniform(-0.2, 0.2, size=sizes[l]).astype(F)
            if name == "relu_5_7_3" and l == 1:
                w[:, 2] = 0          # a unit whose weights are all zero: s = 0
            weights.append((w, b))
            theta.extend(float(v) for v in w.reshape(-1))
            theta.extend(float(v) for v in b)
        layers = [(*quantise_weights(w), b) for w, b in weights]
        xs = rng.uniform(-3, 3, size=(6, sizes[0])).astype(F)
        xs[1] = 0                     # a zero row: s_a = 0
        xs[2, 0] = F(2.5)             # an exact tie under some scales
        cases = []
        ours = []
        for x in xs:
            sums, y = int8_forward(layers, activations, x)
            ours.append(y)
            cases.append({"input": [float(v) for v in x], "sums": sums, "output": [float(v) for v in y]})
        ours = np.stack(ours).astype(np.float64)
        floats = np.stack([float_forward(weights, activations, x) for x in xs])
        dynamic = torch_dynamic(weights, activations, xs).astype(np.float64)
        out["networks"].append({
            "name": name,
            "sizes": sizes,
            "activations": activations,
            "exact": exact,
            "parameters": theta,
            "cases": cases,
            "float64_outputs": floats.tolist(),
            "torch_dynamic_outputs": dynamic.tolist(),
            "max_abs_ours_vs_float": float(np.abs(ours - floats).max()),
            "max_abs_torch_dynamic_vs_float": float(np.abs(dynamic - floats).max()),
            "max_abs_ours_vs_torch_dynamic": float(np.abs(ours - dynamic).max()),
        })
        print(f"{name}: |ours - float| <= {np.abs(ours - floats).max():.3g}, |torch dynamic - float| <= {np.abs(dynamic - floats).max():.3g}, "
              f"|ours - torch dynamic| <= {np.abs(ours - dynamic).max():.3g}")
    with open("int8_reference.json", "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
