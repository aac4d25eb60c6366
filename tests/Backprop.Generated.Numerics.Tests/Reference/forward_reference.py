#!/usr/bin/python3
"""Writes forward_reference.json: float64 forward passes computed by PyTorch for the networks declared in
ForwardReferenceTests.cs, from float32 weights and inputs drawn here.

Run from this folder with Debian's interpreter (apt-get install python3-torch):
    /usr/bin/python3 forward_reference.py

The C# tests load the same weights into Parameters (layout: for l = 1..L, W[l] row-major (n_{l-1}, n_l), then b[l])
and compare Forward / ForwardBatch with the float64 outputs here.
"""
import base64
import json

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

ACTIVATIONS = {
    "Identity": lambda z: z,
    "Sigmoid": torch.sigmoid,
    "Tanh": torch.tanh,
    "ReLU": torch.relu,
    "LeakyReLU": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "ELU": lambda z: torch.nn.functional.elu(z, alpha=1.0),
    "SiLU": torch.nn.functional.silu,
    # log(1 + e^z) exactly (torch's softplus switches to z above its threshold).
    "Softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),
    "Softmax": lambda z: torch.softmax(z, dim=1),
}

# name, sizes n_0..n_L, activations of layers 1..L, precision, rows m, input scale
NETWORKS = [
    ("Student", [3, 2, 1], ["Tanh", "Sigmoid"], "float", 6, 1.0),
    ("Mixed4", [4, 8, 6, 5, 3], ["ReLU", "ELU", "SiLU", "Softmax"], "float", 6, 1.5),
    ("EveryActivation", [5, 6, 6, 6, 6, 6, 6, 6, 6, 4],
     ["Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SiLU", "Softplus", "Softmax"], "float", 6, 2.0),
    ("SoftmaxHidden", [3, 4, 2], ["Softmax", "Identity"], "float", 4, 3.0),
    ("LoopThenUnrolled", [3, 100, 2], ["Tanh", "Sigmoid"], "float", 5, 1.0),
    ("UnrolledLoopUnrolled", [2, 8, 64, 3], ["ELU", "SiLU", "Softmax"], "float", 5, 1.0),
    ("Mnist", [784, 128, 10], ["ReLU", "Softmax"], "float", 3, 1.0),
    ("DoubleNet", [4, 5, 3], ["Softplus", "Softmax"], "double", 5, 2.0),
    # Register-held layers whose one-example code uses 512-bit registers where accelerated (appended last, so the
    # cases above keep their draws): the digits network (32 and 10 units; 8 registers of 128 bits in one chain),
    # W2's shape (16 units), and sigmoid with an odd number of inputs (rows left over after the chains).
    ("Digits", [64, 32, 10], ["Tanh", "Softmax"], "float", 4, 1.0),
    ("Wide16", [8, 16, 16, 4], ["Tanh", "Tanh", "Identity"], "float", 4, 1.5),
    ("Sigmoid12", [7, 12, 5], ["Sigmoid", "Sigmoid"], "float", 4, 2.0),
]




def main():
    rng = np.random.default_rng(20261128)
    cases = []
    for name, sizes, activations, precision, m, scale in NETWORKS:
        dtype = np.float32 if precision == "float" else np.float64
        parameters = []
        weights = []
        for l in range(1, len(sizes)):
            w = (rng.standard_normal((sizes[l - 1], sizes[l])) / np.sqrt(sizes[l - 1])).astype(dtype)
            b = (0.5 * rng.standard_normal(sizes[l])).astype(dtype)
            weights.append((w, b))
            parameters.append(w.reshape(-1))
            parameters.append(b)
        flat = np.concatenate(parameters).astype(dtype)
        x = (scale * rng.standard_normal((m, sizes[0]))).astype(dtype)

        # The reference: float64 arithmetic on the (already rounded) weights and inputs.
        a = torch.tensor(x.astype(np.float64))
        for (w, b), activation in zip(weights, activations):
            z = a @ torch.tensor(w.astype(np.float64)) + torch.tensor(b.astype(np.float64))
            a = ACTIVATIONS[activation](z)
        y = a.numpy()

        little = "<f4" if precision == "float" else "<f8"
        cases.append({
            "name": name,
            "sizes": sizes,
            "activations": activations,
            "precision": precision,
            "rows": m,
            "parameters": base64.b64encode(flat.astype(little).tobytes()).decode("ascii"),
            "inputs": base64.b64encode(x.astype(little).tobytes()).decode("ascii"),
            "expected": y.reshape(-1).tolist(),
        })

    with open("forward_reference.json", "w") as f:
        json.dump({
            "generator": "forward_reference.py",
            "torch": torch.__version__,
            "numpy": np.__version__,
            "encoding": "parameters and inputs are base64 of little-endian float32 (precision float) or float64 (double)",
            "cases": cases,
        }, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
