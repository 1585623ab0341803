#!/usr/bin/env bash
# Installs what snas-lab needs and this machine lacks, idempotently; quick when all is present.
# Called by `npm test` and `npm run reproduce` (and `npm run setup`).
#   - Node.js >= 20 (checked, never installed)
#   - npm packages: `npm ci` when node_modules does not match package-lock.json
#   - Jupyter for Debian's python3 (nbclient, nbconvert): Debian packages, via apt-get as root
# Where it cannot install (no apt-get, not root) it stops and says exactly what to install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

# --- Node.js -------------------------------------------------------------------------------
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] || die "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))"

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

# --- Debian packages -----------------------------------------------------------------------
apt_install() {
  local pkgs=("$@")
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
    die "missing: ${pkgs[*]}. Install them (as root) with:
    apt-get update && apt-get install -y --no-install-recommends ${pkgs[*]}
  or, without Debian, install Python's nbclient and nbconvert and point SNAS_PYTHON at that python."
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
