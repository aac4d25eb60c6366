#!/usr/bin/env bash
# The assembly sizes of docs/int8.md, "Baked weights": one Release console program declaring one network with
# Weights = "...", built in float and with Quantization.Int8, for the digits network (samples/EmbeddedInference's
# models/digits.safetensors) and for a 784-128-10 network with random weights (numpy, seed 7, N(0, 0.05^2)).
# Needs the .NET SDK and Debian's python3-numpy (/usr/bin/python3). Prints "variant bytes".
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$(dirname "$0")/Program.cs" "$work/"
sed "s#REPO#$repo#g" "$(dirname "$0")/Size.csproj" > "$work/Size.csproj"
mkdir -p "$work/models"
cp "$repo/samples/EmbeddedInference/models/digits.safetensors" "$work/models/"
/usr/bin/python3 - "$work/models/w4.safetensors" <<'PY'
import json, struct, sys
import numpy as np
rng = np.random.default_rng(7)
sizes = [784, 128, 10]
tensors = {}
for l in range(1, 3):
    tensors[f"layers.{l-1}.weight"] = (rng.standard_normal((sizes[l], sizes[l-1])) * 0.05).astype("<f4")
    tensors[f"layers.{l-1}.bias"] = (rng.standard_normal(sizes[l]) * 0.05).astype("<f4")
header, data, offset = {}, b"", 0
for name, value in tensors.items():
    raw = value.tobytes()
    header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(raw)]}
    offset += len(raw)
    data += raw
text = json.dumps(header).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
PY
cd "$work"
for variant in DIGITS DIGITS+INT8 W4 W4+INT8; do
  dotnet build -c Release "-p:Variant=$variant" > build.log 2>&1 || { cat build.log; exit 1; }
  echo "$variant $(stat -c %s bin/Release/net10.0/Size.dll)"
done
