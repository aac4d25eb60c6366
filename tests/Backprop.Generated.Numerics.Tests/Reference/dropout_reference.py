#!/usr/bin/python3
"""Writes dropout_reference.json: one training step with inverted dropout, the masks rebuilt here from the
SplitMix64 stream exactly as docs/dropout.md specifies, and J and dJ/dtheta computed by PyTorch autograd in
float64, for the networks declared in Training/DropoutTests.cs (DropoutTanh, DropoutSigmoidThenSoftmax).

Run from this folder with Debian's interpreter (apt-get install python3-torch):
    /usr/bin/python3 dropout_reference.py

Conventions (docs/backprop.md, docs/dropout.md): Z[l] = A~[l-1] W[l] + b[l], W[l] is (n_{l-1}, n_l) row-major
(the transpose of nn.Linear's weight); Parameters = for l = 1..L, W[l] then b[l]. After the activation of each
hidden layer l with p_l > 0: A~[l] = A[l] * D[l], D_ij = (u_ij >= p_l) / (1 - p_l), u_ij = SplitMix64.NextDouble()
drawn for example i (in order; the blocks of 64 examples do not change the order), then layer l ascending, then
unit j ascending. J = (1/m) sum_i L_i with
  CrossEntropy:        L_i = -sum_j y_ij log a_ij                    (log_softmax on Z[L])
  BinaryCrossEntropy:  L_i = -sum_j [y log a + (1 - y) log(1 - a)]   (BCE-with-logits on Z[L])
"""
import json

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ACTIVATIONS = {
    "Sigmoid": torch.sigmoid,
    "Tanh": torch.tanh,
    "Softmax": lambda z: torch.softmax(z, dim=1),
}

# name, sizes, activations of layers 1..L, dropout of layers 1..L, loss, initial stream state (as in DropoutTests.cs)
NETWORKS = [
    ("DropoutTanh", [6, 40, 30, 3], ["Tanh", "Tanh", "Softmax"], [0.3, 0.3, 0.0], "CrossEntropy", 0x0123456789ABCDEF),
    ("DropoutSigmoidThenSoftmax", [5, 12, 7, 2], ["Sigmoid", "Softmax", "Sigmoid"], [0.5, 0.0, 0.0], "BinaryCrossEntropy",
     0xFEDCBA9876543210),
]
ROWS = 70  # two blocks of the generated code: 64 + 6


class SplitMix64:
    MASK = (1 << 64) - 1

    def __init__(self, state):
        self.state = state & self.MASK

    def next_uint64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def next_double(self):
        return (self.next_uint64() >> 11) * (1.0 / 9007199254740992.0)


def masks(sizes, dropout, state, rows):
    """D[l] (rows x n_l) for every layer l = 1..L (None where p_l = 0) and the number of draws."""
    stream = SplitMix64(state)
    d = [np.ones((rows, n)) if p > 0 else None for n, p in zip(sizes[1:], dropout)]
    draws = 0
    for i in range(rows):
        for l, p in enumerate(dropout):
            if p <= 0:
                continue
            scale = 1.0 / (1.0 - p)  # double, then the network's type (double here)
            for j in range(sizes[l + 1]):
                u = stream.next_double()
                draws += 1
                d[l][i, j] = scale if u >= p else 0.0
    return d, draws, stream.state


def draw(rng, sizes, loss):
    weights = []
    for l in range(1, len(sizes)):
        w = rng.standard_normal((sizes[l - 1], sizes[l])) / np.sqrt(sizes[l - 1])
        b = 0.5 * rng.standard_normal(sizes[l])
        weights.append((w, b))
    x = rng.uniform(-1.5, 1.5, (ROWS, sizes[0]))
    n = sizes[-1]
    if loss == "CrossEntropy":
        y = np.zeros((ROWS, n))
        y[np.arange(ROWS), rng.integers(0, n, ROWS)] = 1.0
    else:
        y = rng.integers(0, 2, (ROWS, n)).astype(np.float64)
    return weights, x, y


def cost(tensors, activations, d, loss, x, y):
    a = x
    z = None
    for (w, b), g, mask in zip(tensors, activations, d):
        z = a @ w + b
        a = ACTIVATIONS[g](z)
        if mask is not None:
            a = a * torch.tensor(mask)
    if loss == "BinaryCrossEntropy":
        per_row = F.binary_cross_entropy_with_logits(z, y, reduction="none").sum(dim=1)
    else:
        per_row = -(y * F.log_softmax(z, dim=1)).sum(dim=1)
    return per_row.mean()


def flat(pairs, attribute=None):
    parts = []
    for w, b in pairs:
        for t in (w, b):
            v = t if attribute is None else getattr(t, attribute)
            parts.append(v.detach().numpy().reshape(-1))
    return np.concatenate(parts)


def main():
    # The reference SplitMix64 against the published first output for seed 1234567 (Vigna's splitmix64.c).
    assert SplitMix64(1234567).next_uint64() == 6457827717110365317

    rng = np.random.default_rng(20261201)
    cases = []
    for name, sizes, activations, dropout, loss, state in NETWORKS:
        weights, x, y = draw(rng, sizes, loss)
        d, draws, final_state = masks(sizes, dropout, state, ROWS)
        tensors = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)) for w, b in weights]
        j = cost(tensors, activations, d, loss, torch.tensor(x), torch.tensor(y))
        j.backward()
        dropped = [m for m in d if m is not None]
        cases.append({
            "name": name,
            "sizes": sizes,
            "activations": activations,
            "dropout": dropout,
            "loss": loss,
            "rows": ROWS,
            "state": str(state),  # ulong, as a string: JSON numbers above 2^53 are not safe
            "draws": draws,
            "finalState": str(final_state),
            "kept": int(sum((m != 0).sum() for m in dropped)),
            "parameters": flat(tensors).tolist(),
            "inputs": x.reshape(-1).tolist(),
            "targets": y.reshape(-1).tolist(),
            "cost": j.item(),
            "gradients": flat(tensors, "grad").tolist(),
        })

    with open("dropout_reference.json", "w") as f:
        json.dump({
            "generator": "dropout_reference.py",
            "torch": torch.__version__,
            "numpy": np.__version__,
            "cases": cases,
        }, f)
        f.write("\n")


if __name__ == "__main__":
    main()
