#!/usr/bin/python3
"""Issue 8, item 8: the digits network trained by scikit-learn's MLPClassifier and by the generated code, on the
same machine, in one go. Prints ms per epoch and test accuracy of both.

    /usr/bin/python3 tests/Backprop.Generated.Benchmarks/digits_vs_sklearn.py [--epochs 50] [--no-pin]

Needs Debian's python3-sklearn and the .NET SDK. Both sides run pinned to CPU 1 (when the machine has two or more)
with one BLAS/OpenMP thread, after one warm-up fit, and train on the same data:

* data/digits.csv.gz, inputs / 16, the stratified split of data/digits_split.json (scikit-learn's
  train_test_split(test_size=0.25, random_state=0, stratify=y), written by data/digits_split.py): 1,347 training
  and 450 test rows;
* 64-32-10, tanh hidden layer, softmax output, cross-entropy, plain SGD with lr 0.1, batch 32 (the last batch of an
  epoch has 3 rows), 50 epochs, rows shuffled every epoch, no momentum, no L2 penalty.

Why the two compute the same thing (scikit-learn 1.2, sklearn/neural_network/_multilayer_perceptron.py and
_stochastic_optimizers.py): with several classes MLPClassifier's output activation is softmax and its loss
log_loss = -sum(y log p) / n_samples, the mean cross-entropy J = (1/m) sum_i L_i of a batch; its backward pass
starts from delta = p - y, uses dW = (A^T delta + alpha W) / m (alpha = 0 here), db = mean of delta, and
delta_prev = (delta W^T) (1 - a^2) for tanh; solver='sgd' with momentum=0 and nesterovs_momentum=False updates
theta -= lr * grad, which is the generated TrainStep with Sgd(0.1). n_iter_no_change is set above max_iter so that
scikit-learn never stops early. What differs: the initial parameters (scikit-learn draws weights and biases
uniformly within sqrt(6 / (fan_in + fan_out)); the generated code draws Glorot-uniform weights from the same bound
and sets biases to 0) and the shuffling streams, so the accuracies agree only statistically (both about 97-98%).
The C# side is `dotnet run -c Release -- --digits-fit EPOCHS` of this project (Trainer.Fit of the generated
DigitsNet, timed after a one-epoch warm-up on another instance).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import warnings

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import numpy as np  # noqa: E402  (after the thread settings)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def sklearn_fit(x_train, y_train, x_test, y_test, epochs, seed):
    model = MLPClassifier(hidden_layer_sizes=(32,), activation="tanh", solver="sgd", learning_rate="constant",
                          learning_rate_init=0.1, momentum=0.0, nesterovs_momentum=False, alpha=0.0, batch_size=32,
                          max_iter=epochs, shuffle=True, n_iter_no_change=epochs + 1, tol=0.0, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(x_train, y_train)
        elapsed = time.perf_counter() - started
    assert model.n_iter_ == epochs, model.n_iter_
    return elapsed / epochs * 1000, model.score(x_test, y_test), model.loss_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--no-pin", action="store_true", help="do not pin to CPU 1")
    args = parser.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() >= 2:
        os.sched_setaffinity(0, {1})  # inherited by the dotnet process below

    data = np.loadtxt(os.path.join(ROOT, "data", "digits.csv.gz"), delimiter=",")
    x = data[:, :-1] / 16.0
    y = data[:, -1].astype(int)
    with open(os.path.join(ROOT, "data", "digits_split.json")) as f:
        split = json.load(f)
    train, test = np.array(split["train"]), np.array(split["test"])

    # The generated network first (dotnet builds the project if needed; the build is not timed).
    project = HERE
    subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "quiet", project], check=True,
                   stdout=subprocess.DEVNULL)
    output = subprocess.run(["dotnet", "run", "-c", "Release", "--no-build", "--project", project, "--",
                             "--digits-fit", str(args.epochs)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"([\d.]+) ms per epoch, final training loss ([\d.]+), test accuracy ([\d.]+)", output)
    if match is None:
        sys.exit("unexpected output of --digits-fit:\n" + output)
    generated_ms, generated_loss, generated_accuracy = (float(v) for v in match.groups())

    sklearn_fit(x[train], y[train], x[test], y[test], 1, 0)  # warm-up: imports, caches
    sklearn_ms, sklearn_accuracy, sklearn_loss = sklearn_fit(x[train], y[train], x[test], y[test], args.epochs, 0)

    print(f"digits 64-32-10, {len(train)} training / {len(test)} test rows, batch 32, lr 0.1, {args.epochs} epochs")
    print(f"{'':32} {'ms per epoch':>12} {'final loss':>10} {'test accuracy':>14}")
    print(f"{'scikit-learn ' + __import__('sklearn').__version__:32} {sklearn_ms:12.3f} {sklearn_loss:10.4f} {sklearn_accuracy:14.4f}")
    print(f"{'generated (Backprop.Generated)':32} {generated_ms:12.3f} {generated_loss:10.4f} {generated_accuracy:14.4f}")
    print(f"generated is {sklearn_ms / generated_ms:.1f}x faster per epoch (goal of issue 8: 20x, accuracy >= 0.97)")


if __name__ == "__main__":
    main()
