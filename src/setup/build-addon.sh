#!/usr/bin/env bash
# Builds the torch backend's native addon with g++ alone (no node-gyp, no npm): what the GPU
# bundle (npm run gpu-bundle) runs on a machine with PyTorch but without Node.js's toolchain.
# The same sources and flags as binding.gyp (npm install's build, src/setup/build-torch.sh).
#   build-addon.sh NATIVE_DIR INCLUDE_DIR...
# NATIVE_DIR holds src/*.cc; INCLUDE_DIRs hold napi.h (node-addon-api) and node_api.h (Node's
# headers). The libtorch: src/setup/torch-location.sh (SNAS_TORCH_FROM_PYTHON, ...).
# Writes NATIVE_DIR/build/Release/snas_torch.node and build/torch-source.json; exit 2 when no
# libtorch is found, 1 when the build fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=torch-location.sh
source "$here/torch-location.sh"
native=${1:?usage: build-addon.sh NATIVE_DIR INCLUDE_DIR...}
shift
if ! torch_location; then
  echo "build-addon: $TORCH_ERROR" >&2
  exit 2
fi
includes=(-I"$TORCH_INCLUDE" -I"$TORCH_INCLUDE/torch/csrc/api/include")
for d in "$@"; do includes+=(-I"$d"); done
cuda=()
[ "$TORCH_CUDA" = 1 ] && cuda=(-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed)
flags=(-std=c++17 -fPIC -fexceptions -frtti -O3 -march=native -fopenmp -Wno-unused-parameter -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS
  -DNODE_ADDON_API_CPP_EXCEPTIONS_ALL -D_GLIBCXX_USE_CXX11_ABI="$TORCH_ABI" -DBUILDING_NODE_EXTENSION "${includes[@]}")
out="$native/build/Release"
objs="$native/build/obj"
mkdir -p "$out" "$objs"
echo "build-addon: g++ against $TORCH_FROM${TORCH_CUDA_VERSION:+, CUDA $TORCH_CUDA_VERSION}"
log="$native/build/build.log"
: >"$log"
jobs=$(nproc 2>/dev/null || echo 2)
# One compiler per source file, as many at once as there are cores.
if ! printf '%s\n' "$native"/src/*.cc | xargs -P "$jobs" -I{} sh -c 'g++ "$@" -c "{}" -o "'"$objs"'/$(basename "{}" .cc).o" >>"'"$log"'" 2>&1' _ "${flags[@]}"; then
  grep -E 'error:' "$log" | head -20 >&2
  echo "build-addon: compile failed (log: $log)" >&2
  exit 1
fi
if ! g++ -shared -fopenmp -o "$out/snas_torch.node" "$objs"/*.o -L"$TORCH_LIB" -Wl,-rpath,"$TORCH_LIB" -ltorch -ltorch_cpu -lc10 "${cuda[@]}" >>"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "build-addon: link failed (log: $log)" >&2
  exit 1
fi
torch_source_json > "$native/build/torch-source.json"
echo "build-addon: built $out/snas_torch.node"
