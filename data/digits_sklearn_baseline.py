#!/usr/bin/python3
"""The published reference point: scikit-learn's MLPClassifier on the same split and settings as the
Digits sample (64-32-10, tanh, softmax cross-entropy, SGD lr 0.1, batch 32, no momentum, no L2, 50 epochs,
inputs / 16). Prints the test accuracy and the mean time per epoch on this machine.

    /usr/bin/python3 digits_sklearn_baseline.py
"""
import json
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def main():
    data = np.loadtxt("digits.csv.gz", delimiter=",")
    x = data[:, :-1] / 16.0
    y = data[:, -1].astype(int)
    with open("digits_split.json") as f:
        split = json.load(f)
    train, test = np.array(split["train"]), np.array(split["test"])
    accuracies, times = [], []
    for seed in range(5):
        model = MLPClassifier(hidden_layer_sizes=(32,), activation="tanh", solver="sgd", learning_rate_init=0.1,
                              learning_rate="constant", batch_size=32, momentum=0.0, nesterovs_momentum=False,
                              alpha=0.0, max_iter=50, n_iter_no_change=1000, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            started = time.perf_counter()
            model.fit(x[train], y[train])
            elapsed = time.perf_counter() - started
        accuracies.append(model.score(x[test], y[test]))
        times.append(elapsed / model.n_iter_ * 1000)
    print("test accuracy per seed:", ", ".join(f"{a:.4f}" for a in accuracies))
    print(f"mean test accuracy {np.mean(accuracies):.4f}, mean {np.mean(times):.1f} ms per epoch")


if __name__ == "__main__":
    main()
