#!/usr/bin/python3
"""Writes loss_values.json: the exact cost J of one example for each loss over extreme logits, computed
with mpmath at 60 significant digits, for the 3-3 networks of Reliability/LossValueTests.cs (identity
weights, zero biases, so Z[1] equals the input row).

Run from this folder with Debian's interpreter (apt-get install python3-mpmath):
    /usr/bin/python3 loss_values.py

  MeanSquaredError:    J = 1/2 sum_j (z_j - y_j)^2                       (identity output)
  BinaryCrossEntropy:  J = -sum_j [y_j log s(z_j) + (1 - y_j) log(1 - s(z_j))], s the logistic sigmoid
  CrossEntropy:        J = -sum_j y_j log softmax(z)_j
"""
import json

from mpmath import mp, mpf, exp, log

mp.dps = 60

CASES = [
    # The reported example: PyTorch float32 gives 1.31326163; (max + log sum) - z_k in float gives 1.3132324.
    ("CrossEntropy", [1891, 1890, -1047], [0, 1, 0]),
    ("CrossEntropy", [0, 0, 0], [1, 0, 0]),
    ("CrossEntropy", [100, -100, 0], [0, 1, 0]),
    ("CrossEntropy", [20, 0, 0], [1, 0, 0]),
    ("CrossEntropy", [1000.5, 1000, 999], [0, 0, 1]),
    ("CrossEntropy", [-3000, -3001, -2999.5], [0, 1, 0]),
    ("CrossEntropy", [30, -5, 12], [0.25, 0.5, 0.25]),
    ("CrossEntropy", [8000, 7999, 7998], [0, 0, 1]),
    ("BinaryCrossEntropy", [1891, -1047, 30], [0, 1, 1]),
    ("BinaryCrossEntropy", [40, -40, 0.001], [1, 0, 0.5]),
    ("BinaryCrossEntropy", [-100, 17, 0], [0.25, 0.75, 1]),
    ("BinaryCrossEntropy", [5000, 5000, -5000], [1, 0.5, 0]),
    ("MeanSquaredError", [10000, -10000, 0.125], [10000.5, -10000, 0]),
    ("MeanSquaredError", [3000, 1.5, -2], [0, 1.5, 2]),
    ("MeanSquaredError", [0.001, -0.002, 0], [0, 0, 0.0005]),
]


def cost(loss, z, y):
    z = [mpf(v) for v in z]
    y = [mpf(v) for v in y]
    if loss == "MeanSquaredError":
        return sum((a - b) ** 2 for a, b in zip(z, y)) / 2
    if loss == "BinaryCrossEntropy":
        total = mpf(0)
        for a, b in zip(z, y):
            # log s(a) = -log(1 + e^-a) and log(1 - s(a)) = -log(1 + e^a), exact at any working precision.
            total += b * log(1 + exp(-a)) + (1 - b) * log(1 + exp(a))
        return total
    lse = log(sum(exp(v) for v in z))
    return sum(b * (lse - a) for a, b in zip(z, y))


def main():
    rows = [{"loss": loss, "z": z, "y": y, "cost": float(cost(loss, z, y)), "costDigits": mp.nstr(cost(loss, z, y), 20)}
            for loss, z, y in CASES]
    with open("loss_values.json", "w") as f:
        json.dump({"cases": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
