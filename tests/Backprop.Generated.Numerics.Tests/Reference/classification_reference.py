#!/usr/bin/python3
"""Writes classification_reference.json: scikit-learn's StandardScaler, confusion_matrix and accuracy_score on fixed
data, for Training/ClassificationTests.cs (the runtime's StandardScaler and ClassificationMetrics).

Run from this folder with Debian's interpreter (apt-get install python3-sklearn):
    /usr/bin/python3 classification_reference.py

  scaler:  fit on the iris rows 0, 2, 4, ... (data/iris.csv) with an extra constant column 2.5 (zero variance, so
           scikit-learn's scale_ is 1); transform the rows 1, 3, 5, ...
  metrics: y_true and y_pred drawn by numpy's RandomState(0), K = 5 classes of which class 4 never occurs in y_true
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
iris = np.loadtxt(os.path.join(here, "..", "..", "..", "data", "iris.csv"), delimiter=",", skiprows=1)
x = np.hstack([iris[:, :4], np.full((iris.shape[0], 1), 2.5)])
fit_rows, apply_rows = x[0::2], x[1::2]
scaler = StandardScaler().fit(fit_rows)

rng = np.random.RandomState(0)
y_true = rng.randint(0, 4, size=57)
y_pred = np.where(rng.rand(57) < 0.6, y_true, rng.randint(0, 5, size=57))

result = {
    "sklearn": sklearn.__version__,
    "scaler": {
        "features": int(x.shape[1]),
        "fit": fit_rows.ravel().tolist(),
        "apply": apply_rows.ravel().tolist(),
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "transformed": scaler.transform(apply_rows).ravel().tolist(),
    },
    "metrics": {
        "classes": 5,
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "confusion": confusion_matrix(y_true, y_pred, labels=list(range(5))).tolist(),
        "accuracy": float(accuracy_score(y_true, y_pred)),
    },
}
with open(os.path.join(here, "classification_reference.json"), "w") as f:
    json.dump(result, f, indent=1)
print("wrote classification_reference.json with scikit-learn", sklearn.__version__)
