#!/usr/bin/python3
"""Writes nan_propagation.json: what PyTorch autograd computes (float64) when one input, one weight, one
output bias or one target of a batch is NaN, for the networks declared in Reliability/NanNetworks.cs.

Run from this folder with Debian's interpreter (apt-get install python3-torch):
    /usr/bin/python3 nan_propagation.py

Conventions (docs/backprop.md): X is m x n_0, Z[l] = A[l-1] W[l] + b[l], W[l] is (n_{l-1}, n_l);
Parameters = for l = 1..L, W[l] row-major then b[l]; J = (1/m) sum_i L_i with
  MeanSquaredError:    L_i = 1/2 sum_j (a_ij - y_ij)^2
  BinaryCrossEntropy:  torch's BCE-with-logits on Z[L] (sigmoid output)
  CrossEntropy:        -sum_j y_ij log_softmax(Z[L])_ij (softmax output)

One deliberate difference from torch's built-in backward: ReLU and LeakyReLU are differentiated as
dZ = dA * g'(Z) (the chain rule of docs/backprop.md) with g'(NaN) = NaN, where torch's threshold_backward
selects (dZ = 0 where the unit is off, even when dA is NaN). Every NaN that torch reports is therefore
also NaN here; the only extra NaNs are gradients of switched-off ReLU units whose dA is NaN.
Forward values and costs are torch's own.

A value that is NaN is written as null (JSON has no NaN).
"""
import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


class ReLUChain(torch.autograd.Function):
    """relu with backward dA * relu'(z), relu'(z) = 1 (z > 0), 0 (z <= 0), NaN (z NaN)."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return torch.relu(z)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        slope = torch.where(z > 0, torch.ones_like(z), torch.zeros_like(z))
        slope = torch.where(torch.isnan(z), z, slope)
        return grad * slope


class LeakyReLUChain(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return F.leaky_relu(z, 0.01)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        slope = torch.where(z > 0, torch.ones_like(z), torch.full_like(z, 0.01))
        slope = torch.where(torch.isnan(z), z, slope)
        return grad * slope


ACTIVATIONS = {
    "Identity": lambda z: z,
    "Sigmoid": torch.sigmoid,
    "Tanh": torch.tanh,
    "ReLU": ReLUChain.apply,
    "LeakyReLU": LeakyReLUChain.apply,
    "ELU": lambda z: F.elu(z, alpha=1.0),
    "SiLU": F.silu,
    "Softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),
    "Softmax": lambda z: torch.softmax(z, dim=1),
}

FORMS = {"Unrolled": [2, 3, 2], "Loop": [2, 130, 2]}
PRECISIONS = ["Single", "Double"]

X = [[0.5, -1.2], [0.3, 0.8], [-0.7, 0.1]]
TARGETS = {
    "MeanSquaredError": [[0.2, 0.7], [-0.1, 0.4], [0.9, 0.0]],
    "BinaryCrossEntropy": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
    "CrossEntropy": [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
}


def parameter(q):
    """The parameters every test network starts from (NanPropagationTests.Parameter)."""
    return ((q * 7 + 3) % 17 - 8) / 10.0


def networks():
    for form, sizes in FORMS.items():
        for precision in PRECISIONS:
            for g in ACTIVATIONS:
                yield f"Nan{form}{g}{precision}", sizes, [g, g], "MeanSquaredError"
            yield f"Nan{form}Bce{precision}", sizes, ["Tanh", "Sigmoid"], "BinaryCrossEntropy"
            yield f"Nan{form}Ce{precision}", sizes, ["Tanh", "Softmax"], "CrossEntropy"


def count(sizes):
    return sum(sizes[l - 1] * sizes[l] + sizes[l] for l in range(1, len(sizes)))


def run(sizes, activations, loss, theta, x, y):
    theta = torch.tensor(theta, requires_grad=True)
    a = torch.tensor(x)
    offset = 0
    z = None
    for l in range(1, len(sizes)):
        n_in, n_out = sizes[l - 1], sizes[l]
        w = theta[offset:offset + n_in * n_out].reshape(n_in, n_out)
        offset += n_in * n_out
        b = theta[offset:offset + n_out]
        offset += n_out
        z = a @ w + b
        a = ACTIVATIONS[activations[l - 1]](z)
    t = torch.tensor(y)
    m = len(x)
    if loss == "MeanSquaredError":
        cost = 0.5 * ((a - t) ** 2).sum() / m
    elif loss == "BinaryCrossEntropy":
        cost = F.binary_cross_entropy_with_logits(z, t, reduction="sum") / m
    else:
        cost = -(t * torch.log_softmax(z, dim=1)).sum() / m
    cost.backward()
    return a.detach().tolist(), cost.item(), theta.grad.tolist()


def clean(values):
    if isinstance(values, list):
        return [clean(v) for v in values]
    return None if math.isnan(values) else values


def main():
    out = {"x": X, "targets": TARGETS, "networks": []}
    for name, sizes, activations, loss in networks():
        p = count(sizes)
        base = [parameter(q) for q in range(p)]
        cases = []
        for case in ["input", "weight", "outputBias", "target"]:
            theta, x, y = list(base), [list(r) for r in X], [list(r) for r in TARGETS[loss]]
            if case == "input":
                x[1][0] = math.nan
            elif case == "weight":
                theta[0] = math.nan
            elif case == "outputBias":
                theta[p - sizes[-1]] = math.nan
            else:
                y[1][1] = math.nan
            outputs, cost, gradients = run(sizes, activations, loss, theta, x, y)
            cases.append({"case": case, "outputs": clean(outputs), "cost": clean(cost), "gradients": clean(gradients)})
        out["networks"].append({"name": name, "sizes": sizes, "activations": activations, "loss": loss, "cases": cases})
    with open("nan_propagation.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
