#!/usr/bin/env bash
# Builds the native half of the `torch` backend (src/backends/torch/native) against libtorch,
# with node-gyp and the local Node headers (nothing is downloaded). Rebuilds only when the
# sources, the libtorch or Node changed (stamp in the build folder), and records which libtorch
# it used in build/torch-source.json (snas env and every run's environment.json show it).
# Which libtorch: src/setup/torch-location.sh (SNAS_TORCH_FROM_PYTHON=/path/to/python3 for an
# installed PyTorch's, with or without CUDA; Debian's libtorch-dev by default).
# Without libtorch it says so in one line and exits 0: the backend is optional. An explicit
# choice that fails (SNAS_TORCH_FROM_PYTHON without torch) exits 2.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=torch-location.sh
source "$here/torch-location.sh"
cd "$here/../backends/torch/native"

if ! torch_location; then
  if [ -n "${SNAS_TORCH_FROM_PYTHON:-}" ] || [ -n "${SNAS_TORCH_INCLUDE:-}" ]; then
    echo "torch backend: $TORCH_ERROR" >&2
    exit 2
  fi
  echo "torch backend: libtorch headers not found ($TORCH_ERROR; Debian: apt-get install libtorch-dev); not built"
  exit 0
fi

gyp=$(command -v node-gyp || true)
if [ -z "$gyp" ]; then
  npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  gyp="node $npm_root/node_modules/node-gyp/bin/node-gyp.js"
fi
nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -f "$nodedir/include/node/node_api.h" ] || { echo "torch backend: Node headers not found under $nodedir/include/node; not built" >&2; exit 1; }

want=$( (cat binding.gyp src/*; echo "$TORCH_VERSION $TORCH_INCLUDE $TORCH_LIB $TORCH_ABI $TORCH_CUDA $(node --version)") | sha256sum | cut -d' ' -f1)
stamp=build/.snas-source.sha256
if [ -f build/Release/snas_torch.node ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "torch backend: native addon up to date ($TORCH_FROM)"
  exit 0
fi

echo "torch backend: building the native addon (node-gyp; $TORCH_FROM${TORCH_CUDA_VERSION:+, CUDA $TORCH_CUDA_VERSION})"
log=$(mktemp)
if ! SNAS_TORCH_INCLUDE=$TORCH_INCLUDE SNAS_TORCH_LIB=$TORCH_LIB SNAS_TORCH_ABI=$TORCH_ABI SNAS_TORCH_CUDA=$TORCH_CUDA \
    $gyp rebuild -j 2 --nodedir="$nodedir" >"$log" 2>&1; then
  grep -E 'error|Error' "$log" | head -20 >&2
  echo "torch backend: build failed (full log: $log)" >&2
  exit 1
fi
torch_source_json > build/torch-source.json
echo "$want" > "$stamp"
rm -f "$log"
echo "torch backend: built src/backends/torch/native/build/Release/snas_torch.node"
