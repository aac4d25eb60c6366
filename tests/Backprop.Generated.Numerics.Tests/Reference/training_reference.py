#!/usr/bin/python3
"""Writes training_reference.json: costs, gradients and optimizer steps computed by PyTorch autograd and
torch.optim in float64, for the networks declared in Training/TrainingNetworks.cs, plus the expected
output of InitializeParameters(seed) computed here from the SplitMix64 definition.

Run from this folder with Debian's interpreter (apt-get install python3-torch):
    /usr/bin/python3 training_reference.py

Conventions (shared/docs/backprop.md): X is m x n_0, Z[l] = A[l-1] W[l] + b[l], W[l] is (n_{l-1}, n_l);
Parameters = for l = 1..L, W[l] row-major then b[l]. J = (1/m) sum_i L_i with
  MeanSquaredError:    L_i = 1/2 sum_j (a_ij - y_ij)^2
  BinaryCrossEntropy:  L_i = -sum_j [y log a + (1 - y) log(1 - a)]   (torch's BCE-with-logits on Z[L])
  CrossEntropy:        L_i = -sum_j y_ij log a_ij                    (torch's log_softmax on Z[L])
"""
import json
import math

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ACTIVATIONS = {
    "Identity": lambda z: z,
    "Sigmoid": torch.sigmoid,
    "Tanh": torch.tanh,
    "ReLU": torch.relu,
    "LeakyReLU": lambda z: F.leaky_relu(z, 0.01),
    "ELU": lambda z: F.elu(z, alpha=1.0),
    "SiLU": F.silu,
    "Softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),
    "Softmax": lambda z: torch.softmax(z, dim=1),
}

# name, sizes, activations of layers 1..L, loss, precision (as in TrainingNetworks.cs)
NETWORKS = [
    ("TorchStudent", [3, 2, 1], ["Tanh", "Sigmoid"], "MeanSquaredError", "float"),
    ("TorchXor", [2, 4, 1], ["Tanh", "Sigmoid"], "BinaryCrossEntropy", "float"),
    ("TorchMixed4", [4, 8, 6, 5, 3], ["ReLU", "ELU", "SiLU", "Softmax"], "CrossEntropy", "float"),
    ("TorchEveryActivation", [5, 6, 6, 6, 6, 6, 6, 6, 6, 4],
     ["Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SiLU", "Softplus", "Softmax"], "MeanSquaredError", "float"),
    ("TorchDigits", [64, 32, 10], ["Tanh", "Softmax"], "CrossEntropy", "float"),
    ("TorchWideBce", [10, 40, 30], ["Softmax", "Sigmoid"], "BinaryCrossEntropy", "float"),
    ("TorchDoubleCe", [4, 5, 3], ["Softplus", "Softmax"], "CrossEntropy", "double"),
    ("TorchDoubleWideMse", [10, 40, 30], ["Identity", "Tanh"], "MeanSquaredError", "double"),
    ("TorchDoubleDeep", [3, 6, 5, 4, 3, 2], ["LeakyReLU", "SiLU", "ELU", "Softplus", "Identity"], "MeanSquaredError", "double"),
    ("TorchDoubleMixedPlan", [2, 8, 64, 3], ["ELU", "SiLU", "Softmax"], "CrossEntropy", "double"),
]

# Optimizer runs: (name, network, torch constructor, C# constructor arguments documented in the test)
OPTIMIZERS = [
    ("Sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("SgdMomentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("SgdNesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    ("SgdDampenedDecay", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.1, weight_decay=0.01)),
    ("AdamDefaults", lambda p: torch.optim.Adam(p)),
    ("AdamCustom", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
]
OPTIMIZER_NETWORKS = ["TorchStudent", "TorchDoubleCe", "TorchMixed4"]
STEPS = 5
ROWS = 6


def draw(rng, sizes, loss, dtype):
    weights = []
    for l in range(1, len(sizes)):
        w = (rng.standard_normal((sizes[l - 1], sizes[l])) / np.sqrt(sizes[l - 1])).astype(dtype)
        b = (0.5 * rng.standard_normal(sizes[l])).astype(dtype)
        weights.append((w, b))
    x = rng.uniform(-1.5, 1.5, (ROWS, sizes[0])).astype(dtype)
    n = sizes[-1]
    if loss == "MeanSquaredError":
        y = rng.uniform(-1, 1, (ROWS, n))
    elif loss == "BinaryCrossEntropy":
        y = rng.uniform(0, 1, (ROWS, n))
    else:
        y = rng.uniform(0, 1, (ROWS, n))
        y = y / y.sum(axis=1, keepdims=True)
    return weights, x, y.astype(dtype)


def cost(tensors, activations, loss, x, y):
    a = x
    z = None
    for (w, b), g in zip(tensors, activations):
        z = a @ w + b
        a = ACTIVATIONS[g](z)
    if loss == "MeanSquaredError":
        per_row = 0.5 * ((a - y) ** 2).sum(dim=1)
    elif loss == "BinaryCrossEntropy":
        per_row = F.binary_cross_entropy_with_logits(z, y, reduction="none").sum(dim=1)
    else:
        per_row = -(y * F.log_softmax(z, dim=1)).sum(dim=1)
    return per_row.mean()


def leaves(weights):
    return [(torch.tensor(w.astype(np.float64), requires_grad=True), torch.tensor(b.astype(np.float64), requires_grad=True))
            for w, b in weights]


def flat(pairs, attribute=None):
    parts = []
    for w, b in pairs:
        for t in (w, b):
            v = t if attribute is None else getattr(t, attribute)
            parts.append(v.detach().numpy().reshape(-1))
    return np.concatenate(parts)


def splitmix64(state):
    mask = (1 << 64) - 1
    while True:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        yield z ^ (z >> 31)


def initialization(sizes, activations, precision, seed):
    """InitializeParameters(seed): He-uniform for the ReLU family, Glorot-uniform otherwise, zero biases."""
    stream = splitmix64(seed & ((1 << 64) - 1))
    values = []
    for l in range(1, len(sizes)):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        he = activations[l - 1] in ("ReLU", "LeakyReLU", "ELU", "SiLU")
        limit = math.sqrt(6.0 / fan_in) if he else math.sqrt(6.0 / (fan_in + fan_out))
        for _ in range(fan_in * fan_out):
            u = (next(stream) >> 11) * (1.0 / 9007199254740992.0)
            v = limit * (2.0 * u - 1.0)
            values.append(float(np.float32(v)) if precision == "float" else v)
        values.extend([0.0] * fan_out)
    return values


def main():
    rng = np.random.default_rng(20261128)
    cases = []
    data = {}
    for name, sizes, activations, loss, precision in NETWORKS:
        dtype = np.float32 if precision == "float" else np.float64
        weights, x, y = draw(rng, sizes, loss, dtype)
        data[name] = (sizes, activations, loss, precision, weights, x, y)
        tensors = leaves(weights)
        j = cost(tensors, activations, loss, torch.tensor(x.astype(np.float64)), torch.tensor(y.astype(np.float64)))
        j.backward()
        cases.append({
            "name": name,
            "sizes": sizes,
            "activations": activations,
            "loss": loss,
            "precision": precision,
            "rows": ROWS,
            "parameters": flat(tensors).tolist(),
            "inputs": x.astype(np.float64).reshape(-1).tolist(),
            "targets": y.astype(np.float64).reshape(-1).tolist(),
            "cost": j.item(),
            "gradients": flat(tensors, "grad").tolist(),
        })

    runs = []
    for network in OPTIMIZER_NETWORKS:
        sizes, activations, loss, precision, weights, x, y = data[network]
        xt = torch.tensor(x.astype(np.float64))
        yt = torch.tensor(y.astype(np.float64))
        for optimizer_name, make in OPTIMIZERS:
            tensors = leaves(weights)
            optimizer = make([t for pair in tensors for t in pair])
            costs = []
            for _ in range(STEPS):
                optimizer.zero_grad()
                j = cost(tensors, activations, loss, xt, yt)
                j.backward()
                costs.append(j.item())
                optimizer.step()
            runs.append({
                "network": network,
                "optimizer": optimizer_name,
                "costs": costs,
                "parameters": flat(tensors).tolist(),
            })

    initializations = []
    for name, seed in [("TorchMixed4", 42), ("TorchEveryActivation", 7), ("TorchDoubleCe", -3), ("TorchDigits", 2026)]:
        sizes, activations, loss, precision, _, _, _ = data[name]
        initializations.append({"network": name, "seed": seed, "parameters": initialization(sizes, activations, precision, seed)})

    with open("training_reference.json", "w") as f:
        json.dump({
            "generator": "training_reference.py",
            "torch": torch.__version__,
            "numpy": np.__version__,
            "steps": STEPS,
            "cases": cases,
            "optimizers": runs,
            "initializations": initializations,
        }, f)
        f.write("\n")


if __name__ == "__main__":
    main()
