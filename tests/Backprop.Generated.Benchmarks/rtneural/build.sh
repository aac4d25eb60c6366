#!/usr/bin/env bash
# Builds the RTNeural peer (rtneural_peer.cpp) twice, with RTNeural's Eigen and its xsimd backend, into
#   $1 (default: ../bin/Release/net10.0/rtneural)/librtneural_peer_eigen.so and librtneural_peer_xsimd.so,
# which RTNeuralPeer.cs loads. RTNeural's code is not part of this repository; it is found, in this order, in
#   $RTNEURAL_DIR (a checkout: RTNeural/RTNeural.h under it), or ../obj/RTNeural (a clone this script makes with
#   git clone --recursive https://github.com/jatinchowdhury18/RTNeural, which also brings RTNeural's xsimd).
# Eigen: Debian's libeigen3-dev (/usr/include/eigen3), else RTNeural's bundled modules/Eigen.
# xsimd: $XSIMD_DIR/include, else RTNeural's modules/xsimd submodule, else a system xsimd 9 or newer (Debian 12's
# 8.1 is too old for RTNeural: it lacks xsimd::reduce_add).
# Never fails the benchmark run: whatever cannot be built is skipped with a message (exit code 0).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../bin/Release/net10.0/rtneural}"
mkdir -p "$out"
rm -f "$out"/librtneural_peer_*.so

cxx="${CXX:-g++}"
if ! command -v "$cxx" > /dev/null; then
  echo "rtneural: no C++ compiler ($cxx): the RTNeural peer is skipped"
  exit 0
fi

src="${RTNEURAL_DIR:-}"
if [ -z "$src" ]; then
  src="$here/../obj/RTNeural"
  if [ ! -f "$src/RTNeural/RTNeural.h" ]; then
    rm -rf "$src"
    if ! git clone --quiet --depth 1 --recursive --shallow-submodules https://github.com/jatinchowdhury18/RTNeural "$src" 2> /dev/null; then
      echo "rtneural: RTNeural not found (set RTNEURAL_DIR to a checkout; cloning it failed): the RTNeural peer is skipped"
      rm -rf "$src"
      exit 0
    fi
  fi
fi
if [ ! -f "$src/RTNeural/RTNeural.h" ]; then
  echo "rtneural: $src has no RTNeural/RTNeural.h: the RTNeural peer is skipped"
  exit 0
fi
revision="$(git -C "$src" rev-parse --short HEAD 2> /dev/null || echo 'unknown revision')"

eigen=/usr/include/eigen3
if [ ! -f "$eigen/Eigen/Dense" ]; then
  eigen="$src/modules/Eigen"
fi

xsimd=""
for candidate in "${XSIMD_DIR:+$XSIMD_DIR/include}" "$src/modules/xsimd/include"; do
  if [ -n "$candidate" ] && [ -f "$candidate/xsimd/xsimd.hpp" ]; then
    xsimd="$candidate"
    break
  fi
done
if [ -z "$xsimd" ] && [ -f /usr/include/xsimd/config/xsimd_config.hpp ] \
  && grep -Eq 'XSIMD_VERSION_MAJOR (9|[1-9][0-9])' /usr/include/xsimd/config/xsimd_config.hpp; then
  xsimd=/usr/include
fi

# RTNeural's CMake uses 32-byte alignment where AVX is enabled, 16 otherwise.
alignment=16
if "$cxx" -march=native -dM -E -x c++ /dev/null 2> /dev/null | grep -q '__AVX__'; then
  alignment=32
fi
flags=(-std=c++17 -O3 -march=native -fPIC -shared -fvisibility=hidden -fvisibility-inlines-hidden -DRTNEURAL_DEFAULT_ALIGNMENT=$alignment
  -DEIGEN_STACK_ALLOCATION_LIMIT=0 -I"$src")

if [ -f "$eigen/Eigen/Dense" ]; then
  if "$cxx" "${flags[@]}" -DRTNEURAL_USE_EIGEN=1 -I"$eigen" "$here/rtneural_peer.cpp" -o "$out/librtneural_peer_eigen.so"; then
    echo "rtneural: built the Eigen backend (RTNeural $revision, Eigen from $eigen, $("$cxx" -dumpfullversion 2> /dev/null || "$cxx" -dumpversion))"
  else
    echo "rtneural: building the Eigen backend failed: skipped"
  fi
else
  echo "rtneural: no Eigen (apt-get install libeigen3-dev): the Eigen backend is skipped"
fi

if [ -n "$xsimd" ]; then
  if "$cxx" "${flags[@]}" -DRTNEURAL_USE_XSIMD=1 -I"$xsimd" "$here/rtneural_peer.cpp" -o "$out/librtneural_peer_xsimd.so"; then
    echo "rtneural: built the xsimd backend (RTNeural $revision, xsimd from $xsimd)"
  else
    echo "rtneural: building the xsimd backend failed: skipped"
  fi
else
  echo "rtneural: no xsimd 9 or newer (set XSIMD_DIR, or clone RTNeural with its submodules): the xsimd backend is skipped"
fi
exit 0
