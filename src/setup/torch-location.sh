# Where the libtorch the torch backend builds against lives; sourced by build-torch.sh (node-gyp,
# npm install) and by the GPU bundle's build-addon.sh (g++). Sets:
#   TORCH_INCLUDE, TORCH_LIB   folders holding ATen/ATen.h and libtorch.so
#   TORCH_ABI                  0 or 1: the _GLIBCXX_USE_CXX11_ABI that libtorch was built with
#   TORCH_CUDA                 1 when that libtorch has CUDA (link libtorch_cuda, libc10_cuda)
#   TORCH_VERSION, TORCH_CUDA_VERSION, TORCH_CUDNN_VERSION, TORCH_FROM, TORCH_PYTHON
# In order:
#   SNAS_TORCH_INCLUDE / SNAS_TORCH_LIB (and SNAS_TORCH_CUDA=1, SNAS_TORCH_ABI): a libtorch by hand;
#   SNAS_TORCH_FROM_PYTHON=/path/to/python3: the libtorch inside that python's `torch` package;
#   else python3 on PATH when its torch is newer than Debian's libtorch-dev (a researcher's
#   PyTorch; SNAS_TORCH_FROM_PYTHON=none turns this off);
#   else Debian's libtorch-dev (/usr/include, /usr/lib/x86_64-linux-gnu).
# torch_location returns 2 with a one-line reason in TORCH_ERROR when an explicit choice fails.

# Prints one line of shell assignments describing `python`'s torch, or fails.
torch_from_python() {
  "$1" - <<'PY' 2>/dev/null
import os, shlex, torch
root = os.path.dirname(torch.__file__)
cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
values = {
    'TORCH_INCLUDE': os.path.realpath(os.path.join(root, 'include')),
    'TORCH_LIB': os.path.realpath(os.path.join(root, 'lib')),
    'TORCH_ABI': str(int(torch._C._GLIBCXX_USE_CXX11_ABI)),
    'TORCH_CUDA': '1' if torch.version.cuda else '0',
    'TORCH_VERSION': torch.__version__,
    'TORCH_CUDA_VERSION': torch.version.cuda or '',
    'TORCH_CUDNN_VERSION': str(cudnn or ''),
}
print(' '.join(f'{k}={shlex.quote(v)}' for k, v in values.items()))
PY
}

# The version in a libtorch's headers, e.g. 1.13.1.
torch_header_version() {
  sed -n 's/^#define TORCH_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' "$1/torch/csrc/api/include/torch/version.h" 2>/dev/null | paste -sd. -
}

# True when version $1 is newer than $2 (numeric parts; a local suffix like +cu128 ignored).
torch_newer() {
  local a=${1%%+*} b=${2%%+*}
  [ "$a" != "$b" ] && [ "$(printf '%s\n%s\n' "$a" "$b" | sort -V | tail -1)" = "$a" ]
}

torch_location() {
  TORCH_ERROR='' TORCH_PYTHON='' TORCH_CUDA_VERSION='' TORCH_CUDNN_VERSION=''
  if [ -n "${SNAS_TORCH_INCLUDE:-}" ] || [ -n "${SNAS_TORCH_LIB:-}" ]; then
    TORCH_INCLUDE=${SNAS_TORCH_INCLUDE:-/usr/include} TORCH_LIB=${SNAS_TORCH_LIB:-/usr/lib/x86_64-linux-gnu}
    TORCH_ABI=${SNAS_TORCH_ABI:-1} TORCH_CUDA=${SNAS_TORCH_CUDA:-0}
    TORCH_VERSION=$(torch_header_version "$TORCH_INCLUDE") TORCH_FROM="SNAS_TORCH_INCLUDE / SNAS_TORCH_LIB"
    return 0
  fi
  local debian_version python=${SNAS_TORCH_FROM_PYTHON:-} line
  debian_version=$(torch_header_version /usr/include)
  if [ "$python" = none ]; then
    python=''
  elif [ -n "$python" ]; then
    if ! command -v "$python" >/dev/null; then
      TORCH_ERROR="SNAS_TORCH_FROM_PYTHON=$python: no such program"
      return 2
    fi
    if ! line=$(torch_from_python "$python") || [ -z "$line" ]; then
      TORCH_ERROR="SNAS_TORCH_FROM_PYTHON=$python: 'import torch' fails there (expected a python3 with PyTorch installed)"
      return 2
    fi
    eval "$line"
    TORCH_PYTHON=$(command -v "$python") TORCH_FROM="PyTorch $TORCH_VERSION of $TORCH_PYTHON (SNAS_TORCH_FROM_PYTHON)"
  elif command -v python3 >/dev/null && line=$(torch_from_python python3) && [ -n "$line" ]; then
    local found
    found=$(eval "$line"; echo "$TORCH_VERSION")
    if [ -z "$debian_version" ] || torch_newer "$found" "$debian_version"; then
      eval "$line"
      TORCH_PYTHON=$(command -v python3) TORCH_FROM="PyTorch $TORCH_VERSION of $TORCH_PYTHON (newer than Debian's libtorch ${debian_version:-none})"
    fi
  fi
  if [ -z "${TORCH_PYTHON:-}" ]; then
    TORCH_INCLUDE=/usr/include TORCH_LIB=/usr/lib/x86_64-linux-gnu TORCH_ABI=1 TORCH_CUDA=0
    TORCH_VERSION=$debian_version TORCH_FROM="Debian's libtorch-dev $debian_version"
  fi
  if [ ! -f "$TORCH_INCLUDE/ATen/ATen.h" ]; then
    TORCH_ERROR="no ATen/ATen.h under $TORCH_INCLUDE ($TORCH_FROM)"
    return 2
  fi
  return 0
}

# The record of the libtorch used (build/torch-source.json beside the addon).
torch_source_json() {
  printf '{"from": "%s", "version": "%s", "include": "%s", "lib": "%s", "cxx11_abi": %s, "cuda": "%s", "cudnn": "%s", "python": "%s"}\n' \
    "$TORCH_FROM" "$TORCH_VERSION" "$TORCH_INCLUDE" "$TORCH_LIB" "$TORCH_ABI" "$TORCH_CUDA_VERSION" "$TORCH_CUDNN_VERSION" "${TORCH_PYTHON:-}"
}
