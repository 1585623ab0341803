#!/usr/bin/env bash
# Builds the native half of the `torch` backend (src/backends/torch/native) against libtorch,
# with node-gyp and the local Node headers (nothing is downloaded). Rebuilds only when the
# sources, the libtorch version or Node changed (stamp in the build folder).
# Without libtorch it says so in one line and exits 0: the backend is optional.
#   SNAS_TORCH_INCLUDE / SNAS_TORCH_LIB: another libtorch (default: Debian's libtorch-dev)
#   SNAS_TORCH_CUDA=1: also link libtorch_cuda (a CUDA build of libtorch; run with SNAS_TORCH_DEVICE=cuda)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../backends/torch/native"

include=${SNAS_TORCH_INCLUDE:-/usr/include}
if [ ! -f "$include/ATen/ATen.h" ]; then
  echo "torch backend: libtorch headers not found in $include (Debian: apt-get install libtorch-dev); not built"
  exit 0
fi

gyp=$(command -v node-gyp || true)
if [ -z "$gyp" ]; then
  npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  gyp="node $npm_root/node_modules/node-gyp/bin/node-gyp.js"
fi
nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -f "$nodedir/include/node/node_api.h" ] || { echo "torch backend: Node headers not found under $nodedir/include/node; not built" >&2; exit 1; }

torch_version=$(grep -h 'define TORCH_VERSION ' -A1 "$include/torch/csrc/api/include/torch/version.h" 2>/dev/null | tr -d '\n ' || true)
want=$( (cat binding.gyp src/*; echo "$torch_version $(node --version) ${SNAS_TORCH_LIB:-} ${SNAS_TORCH_CUDA:-}") | sha256sum | cut -d' ' -f1)
stamp=build/.snas-source.sha256
if [ -f build/Release/snas_torch.node ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "torch backend: native addon up to date"
  exit 0
fi

echo "torch backend: building the native addon (node-gyp, libtorch in $include)"
log=$(mktemp)
if ! $gyp rebuild -j 2 --nodedir="$nodedir" >"$log" 2>&1; then
  grep -E 'error|Error' "$log" | head -20 >&2
  echo "torch backend: build failed (full log: $log)" >&2
  exit 1
fi
echo "$want" > "$stamp"
rm -f "$log"
echo "torch backend: built src/backends/torch/native/build/Release/snas_torch.node"
