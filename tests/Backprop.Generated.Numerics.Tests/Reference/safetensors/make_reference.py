#!/usr/bin/python3
"""Writes the safetensors files and torch_reference.json that SafeTensorsTorchTests.cs loads.

Run from this folder with Debian's interpreter (apt-get install python3-torch):
    /usr/bin/python3 make_reference.py

The models are real torch.nn.Sequential modules; the files hold their state_dict() tensors. Debian 12 does not
package the `safetensors` Python library (no python3-safetensors), so write_safetensors() below encodes the
tensors by the format's specification (https://github.com/huggingface/safetensors, README "Format"): an 8-byte
little-endian header length N, N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}} (an
optional "__metadata__" map of strings), then each tensor's bytes, C-contiguous and little-endian, back to back.
Like the reference writer it sorts tensors by name and pads the header with spaces to a multiple of 8 bytes.

Files (all from one seed):
  sequential_f32.safetensors   nn.Sequential(Linear(4,8), Tanh(), Linear(8,6), Tanh(), Linear(6,3), Softmax(1)),
                               keys 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias (F32)
  sequential_f64.safetensors   the same module after .double() (F64)
  sequential_f16.safetensors   the same weights rounded to float16 (F16)
  sequential_bf16.safetensors  the same weights rounded to bfloat16 (BF16)
  prefixed_f32.safetensors     a module whose Sequential is the attribute `layers` (keys layers.0.weight, ...)
torch_reference.json holds the input X, every tensor's values, and torch's outputs for each file
(F16/BF16: the module with the rounded weights, computed in float32).
"""
import json
import struct

import torch
from torch import nn

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} in the safetensors format (see the module docstring)."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        # bytes in little-endian order: view as unsigned integers of the same width, then as bytes.
        raw = t.view(torch.int16 if t.element_size() == 2 else torch.int32 if t.element_size() == 4 else torch.int64)
        data = raw.numpy().astype(raw.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def make_sequential():
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 3), nn.Softmax(dim=1))


class Prefixed(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, x):
        return self.layers(x)


def values(t):
    return [float(v) for v in t.detach().to(torch.float64).reshape(-1)]


def main():
    torch.manual_seed(20261201)
    model = make_sequential()
    x = torch.randn(5, 4) * 1.5
    cases = {}

    def record(name, module, dtype, compute_dtype):
        state = module.state_dict()
        write_safetensors(name + ".safetensors", {k: v.to(dtype) for k, v in state.items()})
        # The network computes with the stored (possibly rounded) weights.
        with torch.no_grad():
            copy = make_sequential().to(compute_dtype)
            copy.load_state_dict({k.replace("layers.", ""): v.to(dtype).to(compute_dtype) for k, v in state.items()})
            out = copy(x.to(compute_dtype))
        cases[name] = {
            "dtype": DTYPES[dtype],
            "tensors": {k: {"shape": list(v.shape), "values": values(v.to(dtype))} for k, v in state.items()},
            "outputs": values(out),
        }

    record("sequential_f32", model, torch.float32, torch.float32)
    record("sequential_f64", model.double(), torch.float64, torch.float64)
    model = model.float()
    record("sequential_f16", model, torch.float16, torch.float32)
    record("sequential_bf16", model, torch.bfloat16, torch.float32)
    record("prefixed_f32", Prefixed(model), torch.float32, torch.float32)

    with open("torch_reference.json", "w") as f:
        json.dump({"torch": torch.__version__, "sizes": [4, 8, 6, 3], "rows": 5, "inputs": values(x), "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
