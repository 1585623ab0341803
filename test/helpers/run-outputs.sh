#!/usr/bin/env bash
# Runs the smoke-scale searches (SNAS mild, DARTS 2nd order, NASP, ENAS) and one smoke-scale
# training into OUT, one after another, and prints the sha256 of the files that must not change
# when the run machinery is refactored (metrics.csv, alphas.json, result.json without its
# wall-clock `seconds`). Run it before and after a change and diff the two listings:
#   bash test/helpers/run-outputs.sh /tmp/before > /tmp/before.txt   (on the old commit)
#   bash test/helpers/run-outputs.sh /tmp/after > /tmp/after.txt     (on the new one)
#   diff /tmp/before.txt /tmp/after.txt
set -euo pipefail
out=${1:?usage: run-outputs.sh OUT}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rm -rf "$out"; mkdir -p "$out"
for c in snas-mild darts-2nd nasp enas; do
  node src/cli/snas.js search "configs/search/$c.yaml" --scale smoke --out "$out/$c" >/dev/null 2>"$out/$c.log"
done
node src/cli/snas.js train configs/train/cifar10.yaml --scale smoke --out "$out/train" >/dev/null 2>"$out/train.log"
node -e '
const fs = require("fs"), path = require("path"), crypto = require("crypto");
const out = process.argv[1];
const sha = (t) => crypto.createHash("sha256").update(t).digest("hex").slice(0, 16);
for (const run of ["snas-mild", "darts-2nd", "nasp", "enas", "train"]) {
  for (const f of ["metrics.csv", "alphas.json", "result.json"]) {
    const p = path.join(out, run, f);
    if (!fs.existsSync(p)) continue;
    let text = fs.readFileSync(p, "utf8");
    if (f === "result.json") { const r = JSON.parse(text); delete r.seconds; text = JSON.stringify(r); }
    console.log(`${run}/${f} ${sha(text)}`);
  }
}' "$out"
