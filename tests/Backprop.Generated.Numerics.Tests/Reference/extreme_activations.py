#!/usr/bin/python3
"""High-precision (mpmath, 60 digits) values of the activations and loss pieces at extreme and tiny
arguments, rounded to float64. Independent of the C# code: written from the textbook definitions.
Run: /usr/bin/python3 tests/Backprop.Generated.Numerics.Tests/Reference/extreme_activations.py"""
import json, os
import mpmath as mp

mp.mp.dps = 60
zs = [0.0, 1e-300, -1e-300, 1e-12, -1e-12, 1e-8, -1e-8, 1e-4, -1e-4, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0,
      10.0, -10.0, 17.0, -17.0, 20.0, -20.0, 30.0, -30.0, 37.0, -37.0, 50.0, -50.0, 88.0, -88.0, 89.0, -89.0,
      100.0, -100.0, 700.0, -700.0, 710.0, -710.0, 745.0, -745.0, 1000.0, -1000.0, 1e4, -1e4]

def f(x):
    return float(x)

rows = []
for z in zs:
    Z = mp.mpf(z)
    sig = 1 / (1 + mp.e ** (-Z))
    rows.append({
        "z": z,
        "sigmoid": f(sig),
        "tanh": f(mp.tanh(Z)),
        # log1p/expm1 keep all 60 digits where 1 + e^z or e^z - 1 would round at this precision
        "softplus": f(mp.log1p(mp.e ** Z)),
        "elu": f(Z if Z > 0 else mp.expm1(Z)),
        "silu": f(Z * sig),
        # -[y log s + (1-y) log(1-s)] for y = 0, 1, 0.25, with s = sigmoid(z), using the exact identities
        # -log s = log(1 + e^-z) and -log(1 - s) = log(1 + e^z) (1 - s itself would round to 0 at z = 700)
        "bce_y0": f(mp.log1p(mp.e ** Z)),
        "bce_y1": f(mp.log1p(mp.e ** (-Z))),
        "bce_y025": f(mp.mpf("0.25") * mp.log1p(mp.e ** (-Z)) + mp.mpf("0.75") * mp.log1p(mp.e ** Z)),
    })

vectors = [
    [1e4, -1e4, 0.0],
    [-1e4, -1e4 + 1, -1e4 + 2],
    [1e4, 1e4, 1e4, 1e4],
    [700.0, 710.0, -745.0],
    [0.0, -50.0, -100.0, -800.0],
    [1e-12, 0.0, -1e-12],
    [3.0, 1.0, 0.2],
]
softmax = []
for v in vectors:
    V = [mp.mpf(x) for x in v]
    m = max(V)
    s = mp.fsum(mp.e ** (x - m) for x in V)
    softmax.append({
        "z": v,
        "softmax": [f(mp.e ** (x - m) / s) for x in V],
        "logsumexp": f(m + mp.log(s)),
        # cross-entropy -log softmax_k for each k: tiny probabilities give large but finite losses
        "cross_entropy": [f(m + mp.log(s) - x) for x in V],
    })

assert all(isinstance(v, float) and v == v and abs(v) != float("inf") for r in rows for v in r.values())
out = {"mpmath": mp.__version__, "digits": mp.mp.dps, "scalars": rows, "vectors": softmax}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "extreme_activations.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote", path, len(rows), "scalars", len(softmax), "vectors")
