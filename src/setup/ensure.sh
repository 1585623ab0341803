#!/usr/bin/env bash
# Installs what snas-lab needs and this machine lacks, idempotently; quick when all is present.
# Called by `npm test` and `npm run reproduce` (and `npm run setup`).
#   - Node.js >= 20 (checked, never installed)
#   - npm packages: `npm ci` when node_modules does not match package-lock.json
#   - Jupyter for Debian's python3 (nbclient, nbconvert): Debian packages, via apt-get as root
#   - Fashion-MNIST (the quick scale's data): Debian's dataset-fashion-mnist
#   - Chromium, which draws the static SVG and PDF figures headless: Debian's chromium (or SNAS_CHROMIUM)
#   - with --tests (npm test): pdflatex and booktabs (Debian's texlive-latex-recommended), with
#     which a test compiles the LaTeX tables and figures; optional: the test is skipped without them;
#     and xz (Debian's xz-utils), which compresses Node.js into the GPU bundle its test builds
#   - the fast `torch` backend: Debian's libtorch-dev and OpenBLAS, and python3-torch (the
#     PyTorch peer of `npm run bench`), then the native addon (src/setup/build-torch.sh).
#     Optional: without apt/root, or with SNAS_NO_TORCH=1, snas-lab runs on the next backend.
#   - with --lab (npm run lab) or --tests (whose browser test opens a notebook in it): Debian's
#     Jupyter Notebook front end (jupyter-notebook) for Debian's python3
# Where it cannot install Jupyter or Chromium (no apt-get, not root) it stops and says exactly what to install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

# --- Node.js -------------------------------------------------------------------------------
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] || die "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))"

# --- Debian packages -----------------------------------------------------------------------
can_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; }

apt_install() {
  local pkgs=("$@")
  if ! can_apt; then
    die "missing: ${pkgs[*]}. Install them (as root) with:
    apt-get update && apt-get install -y --no-install-recommends ${pkgs[*]}
  or, without Debian, install them another way and point snas-lab at them (environment.md):
  SNAS_PYTHON at a python with nbclient and nbconvert, SNAS_CHROMIUM at a Chromium or Chrome."
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    say "apt-get update"
    apt-get update -qq
  fi
  say "installing Debian packages: ${pkgs[*]}"
  if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/tmp/snas-apt.log 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/tmp/snas-apt.log 2>&1 \
      || { tail -20 /tmp/snas-apt.log >&2; die "apt-get could not install ${pkgs[*]} (log: /tmp/snas-apt.log)"; }
  fi
}

py=${SNAS_PYTHON:-/usr/bin/python3}
if [ -x "$py" ] && "$py" -c 'import nbclient, nbconvert, nbformat, jupyter_client' 2>/dev/null; then
  say "jupyter (nbclient, nbconvert) ok for $py"
else
  [ -n "${SNAS_PYTHON:-}" ] && die "SNAS_PYTHON=$SNAS_PYTHON cannot import nbclient and nbconvert"
  apt_install jupyter-nbconvert jupyter-client python3-nbclient
  "$py" -c 'import nbclient, nbconvert, nbformat, jupyter_client' || die "jupyter packages installed but $py cannot import them"
fi

# --- Jupyter Notebook, the front end of `npm run lab` (and of its browser test) ----------------
if [ "${1:-}" = --lab ] || [ "${1:-}" = --tests ]; then
  if "$py" -c 'import notebook.notebookapp' 2>/dev/null; then
    say "jupyter notebook ok for $py"
  elif [ -n "${SNAS_PYTHON:-}" ]; then
    die "SNAS_PYTHON=$SNAS_PYTHON cannot import notebook (Jupyter Notebook 6's server); install it for that python"
  else
    apt_install jupyter-notebook
    "$py" -c 'import notebook.notebookapp' || die "jupyter-notebook installed but $py cannot import notebook.notebookapp"
  fi
fi

# --- Chromium for the static figures ----------------------------------------------------------
if [ -n "${SNAS_CHROMIUM:-}" ]; then
  [ -x "$SNAS_CHROMIUM" ] || die "SNAS_CHROMIUM=$SNAS_CHROMIUM is not an executable Chromium"
  say "chromium: $SNAS_CHROMIUM"
elif [ -x /usr/bin/chromium ]; then
  say "chromium ok"
else
  apt_install chromium
fi

# --- LaTeX, for the test that compiles the published tables and figures (npm test only) --------
if [ "${1:-}" = --tests ]; then
  if command -v pdflatex >/dev/null 2>&1 && kpsewhich booktabs.sty >/dev/null 2>&1; then
    say "pdflatex and booktabs ok"
  elif can_apt; then
    apt_install texlive-latex-recommended
  else
    say "no pdflatex with booktabs (needs texlive-latex-recommended, as root): the LaTeX compile test will be skipped"
  fi
  if ! command -v xz >/dev/null 2>&1; then
    if can_apt; then apt_install xz-utils; else die "no xz (Debian: apt-get install xz-utils, as root): npm run gpu-bundle needs it"; fi
  fi
fi

# --- Fashion-MNIST, the quick scale's dataset -------------------------------------------------
# Debian's dataset-fashion-mnist (30 MB). Not needed when SNAS_FASHION_MNIST points elsewhere.
fmnist=${SNAS_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
if [ -f "$fmnist/train-images-idx3-ubyte.gz" ] || [ -f "$fmnist/train-images-idx3-ubyte" ]; then
  say "fashion-mnist ok ($fmnist)"
elif [ -n "${SNAS_FASHION_MNIST:-}" ]; then
  die "SNAS_FASHION_MNIST=$SNAS_FASHION_MNIST holds no train-images-idx3-ubyte(.gz)"
else
  apt_install dataset-fashion-mnist
fi

# --- libtorch for the `torch` backend (optional) ---------------------------------------------
if [ "${SNAS_NO_TORCH:-}" = 1 ]; then
  say "torch backend skipped (SNAS_NO_TORCH=1)"
else
  torch_pkgs=()
  [ -f /usr/include/ATen/ATen.h ] || torch_pkgs+=(libtorch-dev)
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || torch_pkgs+=(libopenblas0-pthread)
  /usr/bin/python3 -c 'import torch' 2>/dev/null || torch_pkgs+=(python3-torch)
  if [ ${#torch_pkgs[@]} -gt 0 ]; then
    if can_apt; then
      apt_install "${torch_pkgs[@]}"
    else
      say "torch backend: not installing ${torch_pkgs[*]} (needs apt-get as root); other backends will be used"
    fi
  fi
fi

# --- npm packages --------------------------------------------------------------------------
stamp=node_modules/.snas-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
else
  say "npm packages up to date"
fi

# --- the torch backend's native addon --------------------------------------------------------
if [ "${SNAS_NO_TORCH:-}" != 1 ]; then
  bash src/setup/build-torch.sh || say "torch backend: build failed (see above); other backends will be used"
fi
