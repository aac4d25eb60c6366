#!/usr/bin/python3
"""Reads the files Backprop.Generated saved (backprop_saved_f32/f64.safetensors, pinned byte for byte by
SafeTensorsTorchTests.TorchReadsWhatWeSave) with torch, and writes torch_reads_backprop.json.

Run from this folder after make_reference.py, with Debian's interpreter (apt-get install python3-torch):
    /usr/bin/python3 check_saved.py

Debian 12 does not package the `safetensors` Python library, so read_safetensors() follows the format's
specification (https://github.com/huggingface/safetensors, README "Format") and builds each tensor with
torch.frombuffer. The tensors are loaded with load_state_dict into a torch.nn.Sequential of the declared shape
(Linear(4,8), Tanh, Linear(8,6), Tanh, Linear(6,3), Softmax), strict=True, after mapping layers.{i} to the
Sequential's module index 2*i; the script checks the metadata, checks each tensor equals the tensor of the file
make_reference.py wrote, and records torch's forward outputs for the C# test to compare with ours.
"""
import json
import struct

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    return tensors, metadata


def main():
    with open("torch_reference.json") as f:
        reference = json.load(f)
    x = torch.tensor(reference["inputs"], dtype=torch.float64).reshape(reference["rows"], 4)
    results = {"torch": torch.__version__}
    for name, original, dtype in [("backprop_saved_f32", "sequential_f32", torch.float32),
                                  ("backprop_saved_f64", "sequential_f64", torch.float64)]:
        tensors, metadata = read_safetensors(name + ".safetensors")
        assert metadata["layer_sizes"] == "4,8,6,3", metadata
        assert metadata["activations"] == "Tanh,Tanh,Softmax", metadata
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 3), nn.Softmax(dim=1)).to(dtype)
        state = {}
        for key, t in tensors.items():
            _, index, kind = key.split(".")
            state[f"{2 * int(index)}.{kind}"] = t
        model.load_state_dict(state, strict=True)
        expected = reference["cases"][original]["tensors"]
        equal = all(state[k].to(torch.float64).reshape(-1).tolist() == expected[k]["values"] for k in expected)
        with torch.no_grad():
            out = model(x.to(dtype))
        results[name] = {
            "metadata": metadata,
            "tensors_equal_original": equal,
            "outputs": [float(v) for v in out.to(torch.float64).reshape(-1)],
        }
        print(name, "tensors equal torch's original:", equal)
    with open("torch_reads_backprop.json", "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
