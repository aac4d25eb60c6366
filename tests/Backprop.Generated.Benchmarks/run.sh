#!/usr/bin/env bash
# Runs the whole benchmark suite of issue 8 pinned to one core (CPU 1), in about 10-15 minutes on a 2-core machine:
#   0. rtneural/build.sh: the RTNeural peer's two builds (Eigen and xsimd backends; skipped with a message if it cannot),
#   1. the fp32 FMA peak probe (also printed again at the start of step 3 and written into cells.md),
#   2. --verify: every peer against ArrayMlp (max abs differences; the run stops if a peer disagrees; a wrong RTNeural
#      answer is reported and that peer left out of the cell instead),
#   3. BenchmarkDotNet over W1-W4 (Forward, ForwardBatch m=64, TrainStep m=64) and the digits epoch with a short job
#      (1 launch, 3 warm-up + 7 measured iterations of ~100 ms); the generated code is the baseline of every category,
#   4. --paired: every cell again, the generated code and each peer timed in turns (61 rounds of ~10 ms per peer), for
#      ratios that the machine's slow phases cannot tilt (BenchmarkDotNet measures one benchmark after another).
#   5. the time to the first result (tests/Backprop.Generated.FirstCall --table): every first call in fresh processes,
#      also published ReadyToRun, into firstcall.md (skipped when BenchmarkDotNet arguments are given).
# Results: BenchmarkDotNet.Artifacts/results/ (one report per class; cells.md: ns, ratios and % of peak per cell;
# paired.md: the median paired ratios with their 10th-90th percentile spread).
# Extra arguments go to BenchmarkDotNet, e.g. ./run.sh --filter '*W4*'   or   ./run.sh --job short
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release --nologo -v quiet
dll="bin/Release/net10.0/Backprop.Generated.Benchmarks.dll"
# The RTNeural peer (issue 19): built here from $RTNEURAL_DIR or a fresh clone; skipped with a message when RTNeural,
# a C++ compiler, Eigen or xsimd is missing (see rtneural/build.sh).
./rtneural/build.sh "$here/bin/Release/net10.0/rtneural"
export RTNEURAL_PEER_DIR="$here/bin/Release/net10.0/rtneural"
pin=(taskset -c 1)
if ! command -v taskset > /dev/null || [ "$(nproc --all)" -lt 2 ]; then
  pin=()
fi
mkdir -p BenchmarkDotNet.Artifacts/results
"${pin[@]}" dotnet "$dll" --peak | tee BenchmarkDotNet.Artifacts/results/peak.txt
"${pin[@]}" dotnet "$dll" --verify
if [ "$#" -eq 0 ]; then
  set -- --filter '*'
fi
"${pin[@]}" dotnet "$dll" "$@"
if [ "$#" -eq 2 ] && [ "$1" = "--filter" ] && [ "$2" = "*" ]; then
  "${pin[@]}" dotnet "$dll" --paired
  firstcall="$here/../Backprop.Generated.FirstCall"
  dotnet build "$firstcall" -c Release --nologo -v quiet
  dotnet publish "$firstcall" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$firstcall/bin/r2r" --nologo -v quiet
  dotnet "$firstcall/bin/Release/net10.0/Backprop.Generated.FirstCall.dll" --table \
    --r2r "$firstcall/bin/r2r/Backprop.Generated.FirstCall.dll" | tee BenchmarkDotNet.Artifacts/results/firstcall.md
fi
