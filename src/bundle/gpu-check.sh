#!/usr/bin/env bash
# The GPU check, run from a GPU bundle (npm run gpu-bundle) on a machine with PyTorch and a GPU,
# without Node.js or network. One prepared run, under 10 minutes on one GPU:
#   1. unpacks Node.js (node/node.xz -> bin/node)
#   2. builds the torch addon against $PYTHON's PyTorch with g++ (setup/build-addon.sh)
#   3. snas env: the GPU, CUDA, cuDNN and the libtorch they came from
#   4. the torch kernel tests on the device against the CPU reference, and the host-reads tests
#   5. one SNAS step at the paper's search shape beside the PyTorch peer on the same device
#   6. one epoch of a paper-shape SNAS search on CIFAR-sized procedural data, after its plan
#      (snas search --dry-run: a few timed steps); the epoch gets what is left of the budget,
#      and when it cannot finish in it the table estimates the epoch from the plan instead
#   7. one table (gpu-check/table.txt)
# usage: bash gpu-check.sh [--device cuda|cpu] [--smoke]
#   --device  where the torch backend and the peer run (default cuda)
#   --smoke   small shapes and a few steps: the check itself checked on a CPU (npm test does)
# PYTHON (default python3): the python whose torch builds the addon and runs the peer.
# GPU_CHECK_BUDGET (default 570): seconds for the whole check (a lent GPU machine allows 600
# per command).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
device=cuda
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --smoke) smoke=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option '$1' (--device cuda|cpu, --smoke)" >&2; exit 2 ;;
  esac
done
PYTHON=${PYTHON:-python3}
out=gpu-check
rm -rf "$out"
mkdir -p "$out" bin
started=$(date +%s)
status=0  # 1 once a step fails; the steps after it still run, so that one run tells all
step() { echo "== $(( $(date +%s) - started )) s: $*"; }

step "Node.js"
if [ ! -x bin/node ]; then
  if command -v xz >/dev/null; then
    xz -dc node/node.xz > bin/node.tmp
  else
    "$PYTHON" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open("node/node.xz"), open("bin/node.tmp", "wb"))'
  fi || { echo "gpu-check: cannot unpack node/node.xz (no xz, and $PYTHON has no lzma)" >&2; exit 1; }
  chmod +x bin/node.tmp && mv bin/node.tmp bin/node
fi
bin/node --version || { echo "gpu-check: the bundled Node.js does not run here" >&2; exit 1; }
export SNAS_ROOT=$PWD SNAS_TORCH_DEVICE=$device SNAS_BACKEND=torch
export SNAS_PEER=$PWD/peers/pytorch_supernet.py SNAS_PEER_PYTHON=$(command -v "$PYTHON" || echo "$PYTHON")

step "building the addon against $PYTHON's PyTorch"
SNAS_TORCH_FROM_PYTHON=${SNAS_TORCH_FROM_PYTHON:-$PYTHON} bash setup/build-addon.sh src/backends/torch/native include 2>&1 | tee "$out/build.txt"
[ "${PIPESTATUS[0]}" = 0 ] || { echo "gpu-check: the addon did not build (gpu-check/build.txt, src/backends/torch/native/build/build.log)" >&2; exit 1; }

step "environment"
bin/node snas.mjs env --backend torch > "$out/env.json" 2> "$out/env.err" || { cat "$out/env.err" >&2; exit 1; }
grep -E '"(libtorch[^"]*|cuda|cudnn|gpu)"' "$out/env.json"

step "kernel tests on $device against the CPU reference"
env -u NODE_TEST_CONTEXT bin/node --test --test-reporter=tap tests/torch.test.mjs tests/host-reads.test.mjs > "$out/tests.tap" 2>&1
grep -E '^# (tests|pass|fail|skipped)' "$out/tests.tap"
grep -E '^not ok|^    not ok' "$out/tests.tap" | head -20
grep -q '^# fail 0' "$out/tests.tap" && grep -q '^# pass [1-9]' "$out/tests.tap" || status=1

if [ "$smoke" = 1 ]; then
  bench=(--shape quick --batch 8 --steps 2 --warmup 1) scale=smoke
else
  bench=(--shape paper --steps 20 --warmup 5) scale=paper
fi
step "one SNAS step beside PyTorch (${bench[*]})"
bin/node snas.mjs bench "${bench[@]}" --backend torch --json > "$out/bench.jsonl" 2> "$out/bench.err" || status=1
cut -c1-220 "$out/bench.jsonl"
[ "$(grep -c '"status":"ok"' "$out/bench.jsonl")" = 2 ] || status=1

step "the search's plan (scale $scale): a few timed steps"
bin/node snas.mjs search configs/gpu/snas-paper-epoch.yaml --scale "$scale" --dry-run > "$out/plan.txt" 2>&1 || status=1
grep -E 'epochs x|timed here' "$out/plan.txt"

left=$(( ${GPU_CHECK_BUDGET:-570} - ($(date +%s) - started) - 15 ))
step "one epoch of a paper-shape SNAS search (scale $scale; at most $left s)"
if [ "$left" -gt 20 ]; then
  timeout "$left" bin/node snas.mjs search configs/gpu/snas-paper-epoch.yaml --scale "$scale" --out "$out/search" --force > "$out/search.txt" 2>&1
  rc=$?
  if [ "$rc" = 124 ]; then
    echo "the epoch did not finish within the budget: the table estimates it from the plan"
  elif [ "$rc" != 0 ]; then
    status=1
  fi
  tail -4 "$out/search.txt"
else
  echo "no time left for the epoch: the table estimates it from the plan"
fi

step "table"
bin/node gpu-report.mjs "$out" "$scale" | tee "$out/table.txt"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
step "done ($([ $status = 0 ] && echo 'every step passed' || echo 'a step FAILED: see above and gpu-check/'))"
exit $status
