#!/usr/bin/python3
"""Writes classification_reference.json: scikit-learn's StandardScaler, confusion_matrix and accuracy_score on fixed
data, for Training/ClassificationTests.cs (the runtime's StandardScaler and ClassificationMetrics).

Run from this folder with Debian's interpreter (apt-get install python3-sklearn):
    /usr/bin/python3 classification_reference.py

  scaler:  fit on the iris rows 0, 2, 4, ... (data/iris.csv) with an extra constant column 2.5 (zero variance, so
           scikit-learn's scale_ is 1); transform the rows 1, 3, 5, ...
  near_constant: scikit-learn's rule for a column constant within rounding (_is_constant_feature, since
           scikit-learn/scikit-learn#19788: var <= n eps var + (n mean eps)^2, eps of float64 for float32 data too),
           on float64 columns (0.1 + 0.2 among 0.3s; 1e9 give or take a few ulps; a tiny real spread 1e-20..4e-20;
           exactly constant; ordinary) and float32 columns (one float32 ulp apart; 0.1f ten times, whose float64
           mean is not 0.1f; ordinary); fitted and transformed on the same rows
  stratify: train_test_split(..., stratify=y) on label sets whose smallest class has one member, whose training or
           test set is smaller than the number of classes, or whose labels are negative, int32's maximum or 1e9;
           each case records scikit-learn's error message (null when it splits) and the two set sizes
  metrics: y_true and y_pred drawn by numpy's RandomState(0), K = 5 classes of which class 4 never occurs in y_true
"""
import json
import os

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
iris = np.loadtxt(os.path.join(here, "..", "..", "..", "data", "iris.csv"), delimiter=",", skiprows=1)
x = np.hstack([iris[:, :4], np.full((iris.shape[0], 1), 2.5)])
fit_rows, apply_rows = x[0::2], x[1::2]
scaler = StandardScaler().fit(fit_rows)



def near_constant(columns, dtype):
    x = np.array(columns, dtype=dtype).T.copy()
    fitted = StandardScaler().fit(x)
    return {
        "features": int(x.shape[1]),
        "rows": x.astype(np.float64).ravel().tolist(),
        "mean": fitted.mean_.tolist(),
        "var": fitted.var_.tolist(),
        "scale": fitted.scale_.tolist(),
        "transformed": fitted.transform(x).astype(np.float64).ravel().tolist(),
    }


f32_one = np.float32(1.0)
f32_next = np.nextafter(f32_one, np.float32(2.0))
near_constant_double = near_constant([
    [0.1 + 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
    [1e9, np.nextafter(1e9, 2e9), 1e9, np.nextafter(np.nextafter(1e9, 0), 0), 1e9, 1e9, 1e9, 1e9, 1e9, 1e9],
    [1e-20, 2e-20, 3e-20, 4e-20, 1e-20, 2e-20, 3e-20, 4e-20, 1e-20, 2e-20],
    [2.5] * 10,
    [0.5, 1.5, 2.0, -1.0, 3.0, 0.25, 0.75, 1.0, 2.5, -0.5],
], np.float64)
near_constant_float = near_constant([
    [f32_one, f32_next, f32_one, f32_one, f32_one, f32_one, f32_one, f32_one, f32_one, f32_one],
    [np.float32(0.1)] * 10,
    [0.5, 1.5, 2.0, -1.0, 3.0, 0.25, 0.75, 1.0, 2.5, -0.5],
], np.float32)



def stratify(labels, test_size):
    y = np.array(labels, dtype=np.int64)
    case = {"labels": labels, "test_fraction": test_size}
    try:
        train, test = train_test_split(np.arange(len(y)), test_size=test_size, stratify=y, random_state=0)
        case.update(error=None, train=len(train), test=len(test))
    except ValueError as e:
        case.update(error=str(e), train=None, test=None)
    return case


stratify_cases = [
    stratify([0, 0, 1], 0.34),
    stratify([0, 1, 1, 1, 1, 1, 1, 1], 0.5),
    stratify([0, 0, 1, 1, 2, 2], 0.34),
    stratify([0, 0, 1, 1, 2, 2], 0.2),
    stratify([0, 0, 1, 1, 2, 2], 0.6),
    stratify([5, 5, -3, -3, 2147483647, 2147483647], 0.5),
    stratify([0, 1000000000] * 5, 0.3),
    stratify([-2147483648, 7, 7, -2147483648, 7, 7, 7, -2147483648], 0.25),
    stratify([0, 0, 0, 1, 1, 1, 1, 2, 2, 2], 0.3),
]

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
    "near_constant_double": near_constant_double,
    "near_constant_float": near_constant_float,
    "stratify": stratify_cases,
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
