#!/usr/bin/python3
"""Writes regularisation_reference.json: training runs computed by scikit-learn and PyTorch (float64) for the
networks declared in Training/RegularisationNetworks.cs, to compare with TrainingOptions (L2, clipping),
AdamW, RMSprop and the learning-rate schedules.

Run from this folder with Debian's interpreter (apt-get install python3-torch python3-sklearn):
    /usr/bin/python3 regularisation_reference.py

Layout (shared/docs/backprop.md): Parameters = for l = 1..L, W[l] (n_{l-1} x n_l, row-major) then b[l];
scikit-learn's coefs_[l] and intercepts_[l] have exactly these shapes.
"""
import json
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore", category=ConvergenceWarning)

RNG = np.random.default_rng(20261201)


def draw_parameters(sizes):
    params = []
    for l in range(1, len(sizes)):
        w = RNG.standard_normal((sizes[l - 1], sizes[l])) / np.sqrt(sizes[l - 1])
        b = 0.3 * RNG.standard_normal(sizes[l])
        params.append((w, b))
    return params


def flat(params):
    return np.concatenate([np.concatenate([w.reshape(-1), b.reshape(-1)]) for w, b in params]).tolist()


def sklearn_run(kind, sizes, activation, x, y, epochs, **kwargs):
    """scikit-learn's own SGD training from the given initial parameters (its _init_coef hands them out)."""
    initial = draw_parameters(sizes)
    queue = [(w.copy(), b.copy()) for w, b in initial]
    cls = MLPClassifier if kind == "classifier" else MLPRegressor
    model = cls(hidden_layer_sizes=tuple(sizes[1:-1]), activation=activation, solver="sgd", max_iter=epochs,
                shuffle=False, tol=0.0, n_iter_no_change=10 ** 6, early_stopping=False, **kwargs)
    model._init_coef = lambda fan_in, fan_out, dtype: queue.pop(0)
    model.fit(x, y)
    assert not queue and model.n_iter_ == epochs
    final = [(w, b) for w, b in zip(model.coefs_, model.intercepts_)]
    return initial, final, list(model.loss_curve_)


def sklearn_cases():
    cases = []
    # 4-5-3, tanh, softmax + cross-entropy: the example, alpha = 0.01, plain SGD, batches 4, 4, 2.
    x = RNG.uniform(-2, 2, (10, 4))
    labels = np.array([0, 1, 2, 0, 1, 2, 2, 1, 0, 2])
    onehot = np.eye(3)[labels]
    for name, args in [
        ("ClassifierAlpha", dict(alpha=0.01, learning_rate_init=0.1, momentum=0.0, batch_size=4)),
        ("ClassifierAlphaNesterov", dict(alpha=0.05, learning_rate_init=0.05, momentum=0.9, nesterovs_momentum=True, batch_size=3)),
        ("ClassifierInvScaling", dict(alpha=0.001, learning_rate_init=0.2, learning_rate="invscaling", power_t=0.5, momentum=0.0, batch_size=5)),
    ]:
        initial, final, curve = sklearn_run("classifier", [4, 5, 3], "tanh", x, labels, 6, **args)
        cases.append({"name": name, "network": "SkClassifier", "inputs": x.reshape(-1).tolist(),
                      "targets": onehot.reshape(-1).tolist(), "rows": 10, "epochs": 6, "batchSize": args["batch_size"],
                      "alpha": args["alpha"], "learningRate": args["learning_rate_init"], "momentum": args["momentum"],
                      "schedule": args.get("learning_rate", "constant"), "initial": flat(initial), "final": flat(final),
                      "lossCurve": curve})
    # 3-6-1, ReLU, identity + squared error (scikit-learn's squared_loss is 1/2 mean, equal to ours for one output).
    x = RNG.uniform(-1, 1, (8, 3))
    y = np.sin(x.sum(axis=1))
    initial, final, curve = sklearn_run("regressor", [3, 6, 1], "relu", x, y, 5, alpha=0.1, learning_rate_init=0.05,
                                        momentum=0.0, batch_size=3)
    cases.append({"name": "RegressorAlpha", "network": "SkRegressor", "inputs": x.reshape(-1).tolist(),
                  "targets": y.tolist(), "rows": 8, "epochs": 5, "batchSize": 3, "alpha": 0.1, "learningRate": 0.05,
                  "momentum": 0.0, "schedule": "constant", "initial": flat(initial), "final": flat(final), "lossCurve": curve})
    return cases


# ---- PyTorch: optimizers and clipping on the 4-5-3 softmax network ----

def torch_cost(params, x, y):
    (w1, b1), (w2, b2) = params
    z2 = torch.tanh(x @ w1 + b1) @ w2 + b2
    return -(y * F.log_softmax(z2, dim=1)).sum(dim=1).mean()


OPTIMIZERS = [
    # name, constructor over (weights, biases), max_norm (None: no clipping)
    ("AdamWDefaults", lambda w, b: torch.optim.AdamW(w + b), None),
    ("AdamWMasked", lambda w, b: torch.optim.AdamW([{"params": w, "weight_decay": 0.05}, {"params": b, "weight_decay": 0.0}],
                                                   lr=0.01, betas=(0.8, 0.99), eps=1e-6), None),
    ("RMSpropDefaults", lambda w, b: torch.optim.RMSprop(w + b), None),
    ("RMSpropFull", lambda w, b: torch.optim.RMSprop(w + b, lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.8, centered=True), None),
    ("RMSpropMomentum", lambda w, b: torch.optim.RMSprop(w + b, lr=0.002, momentum=0.5), None),
    ("SgdClipped", lambda w, b: torch.optim.SGD(w + b, lr=0.5, momentum=0.9), 0.05),
    ("AdamClipped", lambda w, b: torch.optim.Adam(w + b, lr=0.01), 0.3),
    ("SgdClipNotReached", lambda w, b: torch.optim.SGD(w + b, lr=0.1), 1000.0),
]
STEPS = 6


def torch_runs():
    sizes = [4, 5, 3]
    initial = draw_parameters(sizes)
    x = RNG.uniform(-2, 2, (7, 4))
    y = RNG.uniform(0, 1, (7, 3))
    y = y / y.sum(axis=1, keepdims=True)
    xt, yt = torch.tensor(x), torch.tensor(y)
    runs = []
    for name, make, max_norm in OPTIMIZERS:
        params = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)) for w, b in initial]
        optimizer = make([w for w, _ in params], [b for _, b in params])
        costs, norms = [], []
        for _ in range(STEPS):
            optimizer.zero_grad()
            j = torch_cost(params, xt, yt)
            j.backward()
            costs.append(j.item())
            everything = [t for pair in params for t in pair]
            if max_norm is not None:
                norms.append(torch.nn.utils.clip_grad_norm_(everything, max_norm).item())
            else:
                norms.append(torch.sqrt(sum((t.grad ** 2).sum() for t in everything)).item())
            optimizer.step()
        final = [(w.detach().numpy(), b.detach().numpy()) for w, b in params]
        runs.append({"name": name, "maxNorm": max_norm, "costs": costs, "norms": norms, "final": flat(final)})
    return {"network": "SkClassifier", "initial": flat(initial), "inputs": x.reshape(-1).tolist(),
            "targets": y.reshape(-1).tolist(), "rows": 7, "steps": STEPS, "runs": runs}


# ---- PyTorch: learning-rate schedules ----

EPOCHS = 14
PLATEAU_LOSSES = [1.0, 0.9, 0.95, 0.91, 0.905, 0.8, 0.85, 0.85, 0.86, 0.7999, 0.79, 0.795, 0.80, 0.81]


def schedule_lrs(make, losses=None):
    p = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=0.1)
    scheduler = make(optimizer)
    lrs = []
    for epoch in range(EPOCHS):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if losses is None:
            scheduler.step()
        else:
            scheduler.step(losses[epoch])
    return lrs


def schedules():
    s = torch.optim.lr_scheduler
    return [
        {"name": "StepLR", "lrs": schedule_lrs(lambda o: s.StepLR(o, step_size=3, gamma=0.5))},
        {"name": "ExponentialLR", "lrs": schedule_lrs(lambda o: s.ExponentialLR(o, gamma=0.8))},
        {"name": "CosineAnnealingLR", "lrs": schedule_lrs(lambda o: s.CosineAnnealingLR(o, T_max=5, eta_min=0.001))},
        {"name": "WarmupCosine", "lrs": schedule_lrs(lambda o: s.SequentialLR(
            o, [s.LinearLR(o, start_factor=0.25, total_iters=3), s.CosineAnnealingLR(o, T_max=8, eta_min=0.0)], milestones=[3]))},
        {"name": "PlateauRelative", "losses": PLATEAU_LOSSES, "lrs": schedule_lrs(
            lambda o: s.ReduceLROnPlateau(o, factor=0.5, patience=1, threshold=0.01, cooldown=1, min_lr=0.02), PLATEAU_LOSSES)},
        {"name": "PlateauAbsolute", "losses": PLATEAU_LOSSES, "lrs": schedule_lrs(
            lambda o: s.ReduceLROnPlateau(o, factor=0.3, patience=0, threshold=0.02, threshold_mode="abs"), PLATEAU_LOSSES)},
    ]


def fit_with_schedule():
    """Full-batch SGD for 8 epochs, one step per epoch, scheduler stepped after each epoch (StepLR on the
    epoch, ReduceLROnPlateau on the epoch's loss): what Fit with a schedule does."""
    sizes = [4, 5, 3]
    initial = draw_parameters(sizes)
    x = RNG.uniform(-2, 2, (6, 4))
    y = np.eye(3)[[0, 1, 2, 1, 0, 2]]
    xt, yt = torch.tensor(x), torch.tensor(y)
    s = torch.optim.lr_scheduler
    out = []
    for name, make, on_loss in [
        ("StepLR", lambda o: s.StepLR(o, step_size=2, gamma=0.5), False),
        ("Plateau", lambda o: s.ReduceLROnPlateau(o, factor=0.5, patience=0, threshold=0.05), True),
    ]:
        params = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)) for w, b in initial]
        optimizer = torch.optim.SGD([t for pair in params for t in pair], lr=0.5, momentum=0.5)
        scheduler = make(optimizer)
        losses, lrs = [], []
        for _ in range(8):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.zero_grad()
            j = torch_cost(params, xt, yt)
            j.backward()
            optimizer.step()
            losses.append(j.item())
            scheduler.step(j.item()) if on_loss else scheduler.step()
        final = [(w.detach().numpy(), b.detach().numpy()) for w, b in params]
        out.append({"name": name, "losses": losses, "lrs": lrs, "final": flat(final)})
    return {"network": "SkClassifier", "initial": flat(initial), "inputs": x.reshape(-1).tolist(),
            "targets": y.reshape(-1).tolist(), "rows": 6, "epochs": 8, "runs": out}


def main():
    document = {
        "versions": {"torch": torch.__version__, "sklearn": __import__("sklearn").__version__, "numpy": np.__version__},
        "sklearn": sklearn_cases(),
        "torch": torch_runs(),
        "schedules": schedules(),
        "fit": fit_with_schedule(),
    }
    with open("regularisation_reference.json", "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
