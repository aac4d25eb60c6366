#!/usr/bin/python3
"""Writes digits_split.json: the row indices of scikit-learn's
train_test_split(test_size=0.25, random_state=0, stratify=y) over digits.csv.gz, so the C# tests and the
Digits sample use exactly scikit-learn's split without re-implementing numpy's random generator.

Run from this folder with Debian's interpreter (apt-get install python3-sklearn):
    /usr/bin/python3 digits_split.py
"""
import json

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split


def main():
    data = np.loadtxt("digits.csv.gz", delimiter=",")
    y = data[:, -1].astype(int)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=0, stratify=y)
    with open("digits_split.json", "w") as f:
        json.dump({
            "generator": "digits_split.py",
            "sklearn": sklearn.__version__,
            "call": "train_test_split(np.arange(1797), test_size=0.25, random_state=0, stratify=y)",
            "train": train.tolist(),
            "test": test.tolist(),
        }, f)
        f.write("\n")


if __name__ == "__main__":
    main()
