#!/usr/bin/python3
"""Writes sequential_int8.safetensors, the int8 network file (docs/int8.md, "Files") of sequential_f32.safetensors,
and edge_f32.safetensors with its int8 file edge_int8.safetensors: a 4-3 layer whose units are all zeros (with -0.0),
exact rounding ties (0.5, 2.5, -1.5 with s = 1) and subnormal weights, with a -0.0 and a subnormal bias.

Run from this folder with Debian's interpreter (numpy only):
    /usr/bin/python3 make_int8_file.py

An implementation of the scheme independent of the C# code: for each layer, torch's weight [n_l, n_{l-1}] (row k is
unit k) in float32, s_k = max_i |W_ki| / 127 and q_ki = clip(rint(W_ki / s_k), -127, 127) with numpy's float32
division and rint (round half to even), q = 0 where s_k = 0. Tensors layers.{i}.weight I8 [n_l, n_{l-1}],
layers.{i}.weight_scale F32 [n_l] and layers.{i}.bias F32 [n_l], with the metadata the runtime's Int8.Load checks.
BakedInt8Tests requires, for each pair, the network baked from the int8 file, the one baked from the float file with
Quantization.Int8 and the one loaded from the int8 file at run time to be the same bytes.
"""
import json
import struct

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    dtypes = {"F32": "<f4"}
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
    return out


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        dtype, array = tensors[name]
        data = array.astype({"I8": "i1", "F32": "<f4"}[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def quantise(layers):
    """[(torch weight [n_l, n_{l-1}], bias [n_l])] -> the int8 file's tensors."""
    tensors = {}
    for i, (w, b) in enumerate(layers):
        w = w.astype(np.float32)
        scale = (np.abs(w).max(axis=1) / np.float32(127)).astype(np.float32)
        safe = np.where(scale == 0, np.float32(1), scale).astype(np.float32)
        q = np.clip(np.rint((w / safe[:, None]).astype(np.float32)), -127, 127)
        q = np.where(scale[:, None] == 0, 0, q)
        tensors[f"layers.{i}.weight"] = ("I8", q)
        tensors[f"layers.{i}.weight_scale"] = ("F32", scale)
        tensors[f"layers.{i}.bias"] = ("F32", b.astype(np.float32))
    return tensors


source = read_safetensors("sequential_f32.safetensors")
write_safetensors("sequential_int8.safetensors", quantise([(source[f"{m}.weight"], source[f"{m}.bias"]) for m in [0, 2, 4]]), {
    "format": "pt",
    "layer_sizes": "4,8,6,3",
    "activations": "Tanh,Tanh,Softmax",
    "loss": "CrossEntropy",
    "quantization": "int8-per-unit-symmetric",
})

edge_w = np.array([
    [0.0, -0.0, 0.0, -0.0],           # a unit of zeros: s = 0, q = 0
    [127.0, 0.5, 2.5, -1.5],          # s = 1: the ties 0.5, 2.5, -1.5 round half to even to 0, 2, -2
    [1e-40, -5e-41, 1.4e-45, 3e-39],  # subnormal weights, and a subnormal scale
], dtype=np.float32)
edge_b = np.array([-0.0, 1e-40, 0.25], dtype=np.float32)
write_safetensors("edge_f32.safetensors", {"layers.0.weight": ("F32", edge_w), "layers.0.bias": ("F32", edge_b)}, {"format": "pt"})
write_safetensors("edge_int8.safetensors", quantise([(edge_w, edge_b)]), {"format": "pt", "quantization": "int8-per-unit-symmetric"})
