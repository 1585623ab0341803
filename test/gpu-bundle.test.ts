// The GPU path that can be checked without a GPU: which libtorch the build picks
// (src/setup/torch-location.sh: an installed PyTorch through SNAS_TORCH_FROM_PYTHON or python3 on
// PATH, else Debian's), and the GPU bundle: built here, then its gpu-check.sh run end to end on
// the CPU with the Node.js binary the bundle ships and the addon built by the bundle's own g++
// script against Debian's python3-torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRows, checkTable, planEpoch } from '../src/bundle/gpu-report.js';
import { ROOT, snas } from './helpers/run.js';

const LOCATION = join(ROOT, 'src', 'setup', 'torch-location.sh');
const DEBIAN_PYTHON = '/usr/bin/python3';
const hasPythonTorch = spawnSync(DEBIAN_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/** Runs torch_location in bash with `env` and returns its variables (and rc). */
function locate(env: NodeJS.ProcessEnv): Record<string, string> {
  const script = `source ${LOCATION}; torch_location; rc=$?; for v in TORCH_INCLUDE TORCH_LIB TORCH_ABI TORCH_CUDA TORCH_VERSION TORCH_FROM TORCH_ERROR TORCH_PYTHON TORCH_CUDA_VERSION; do printf '%s=%s\\n' "$v" "\${!v:-}"; done; echo rc=$rc`;
  const clean = { ...process.env };
  for (const k of ['SNAS_TORCH_FROM_PYTHON', 'SNAS_TORCH_INCLUDE', 'SNAS_TORCH_LIB', 'SNAS_TORCH_CUDA', 'SNAS_TORCH_ABI']) delete clean[k];
  const r = spawnSync('bash', ['-c', script], { env: { ...clean, ...env }, encoding: 'utf8' });
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** A folder with a fake `python3` whose torch reports `version` (and CUDA 13.0), pointing at Debian's headers. */
function fakePython(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'snas-fake-python-'));
  const file = join(dir, 'python3');
  writeFileSync(file, `#!/bin/sh\ncat >/dev/null\necho "TORCH_INCLUDE=/usr/include TORCH_LIB=/usr/lib/x86_64-linux-gnu TORCH_ABI=0 TORCH_CUDA=1 TORCH_VERSION=${version} TORCH_CUDA_VERSION=13.0 TORCH_CUDNN_VERSION=91002"\n`);
  chmodSync(file, 0o755);
  return dir;
}

test('SNAS_TORCH_FROM_PYTHON finds that python\'s torch: its include and lib folders, C++ ABI and CUDA', { skip: hasPythonTorch ? false : `${DEBIAN_PYTHON} has no torch` }, () => {
  const v = locate({ SNAS_TORCH_FROM_PYTHON: DEBIAN_PYTHON });
  assert.equal(v.rc, '0', v.TORCH_ERROR);
  const expected = spawnSync(DEBIAN_PYTHON, ['-c', 'import torch, os; print(os.path.dirname(torch.__file__)); print(torch.__version__); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.equal(v.TORCH_INCLUDE, join(expected[0]!, 'include'));
  assert.equal(v.TORCH_LIB, join(expected[0]!, 'lib'));
  assert.ok(existsSync(join(v.TORCH_INCLUDE!, 'ATen', 'ATen.h')));
  assert.equal(v.TORCH_VERSION, expected[1]);
  assert.equal(v.TORCH_ABI, expected[2]);
  assert.equal(v.TORCH_CUDA, '0', "Debian's python3-torch has no CUDA");
  assert.equal(v.TORCH_PYTHON, DEBIAN_PYTHON);
  assert.match(v.TORCH_FROM!, /SNAS_TORCH_FROM_PYTHON/);
});

test('an explicit python without torch, or none at that path, is an error naming it (exit 2 from the build)', () => {
  const missing = locate({ SNAS_TORCH_FROM_PYTHON: '/nonexistent/python3' });
  assert.equal(missing.rc, '2');
  assert.match(missing.TORCH_ERROR!, /SNAS_TORCH_FROM_PYTHON=\/nonexistent\/python3: no such program/);
  const noTorch = locate({ SNAS_TORCH_FROM_PYTHON: 'true' });
  assert.equal(noTorch.rc, '2');
  assert.match(noTorch.TORCH_ERROR!, /'import torch' fails there/);
  const build = spawnSync('bash', [join(ROOT, 'src', 'setup', 'build-torch.sh')], { env: { ...process.env, SNAS_TORCH_FROM_PYTHON: '/nonexistent/python3' }, encoding: 'utf8' });
  assert.equal(build.status, 2);
  assert.match(build.stderr, /torch backend: SNAS_TORCH_FROM_PYTHON=\/nonexistent\/python3: no such program/);
});

test('python3 on PATH is used when its torch is newer than Debian\'s libtorch, and not otherwise', () => {
  const newer = fakePython('2.9.1+cu130');
  const older = fakePython('1.12.0');
  try {
    const path = (dir: string) => `${dir}:${process.env.PATH}`;
    const picked = locate({ PATH: path(newer) });
    assert.equal(picked.rc, '0', picked.TORCH_ERROR);
    assert.equal(picked.TORCH_VERSION, '2.9.1+cu130');
    assert.equal(picked.TORCH_CUDA, '1');
    assert.equal(picked.TORCH_ABI, '0');
    assert.equal(picked.TORCH_CUDA_VERSION, '13.0');
    assert.match(picked.TORCH_FROM!, /newer than Debian's libtorch/);
    const debian = locate({ PATH: path(older) });
    assert.match(debian.TORCH_FROM!, /^Debian's libtorch-dev/);
    assert.equal(debian.TORCH_INCLUDE, '/usr/include');
    const off = locate({ PATH: path(newer), SNAS_TORCH_FROM_PYTHON: 'none' });
    assert.match(off.TORCH_FROM!, /^Debian's libtorch-dev/, 'SNAS_TORCH_FROM_PYTHON=none keeps Debian\'s');
  } finally {
    rmSync(newer, { recursive: true, force: true });
    rmSync(older, { recursive: true, force: true });
  }
});

test('the GPU bundle: under 60 MB, and its gpu-check.sh runs through on the CPU with the Node.js it ships', { skip: hasPythonTorch ? false : `${DEBIAN_PYTHON} has no torch (the bundle builds against it)`, timeout: 900_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'snas-gpu-bundle-'));
  const dir = join(work, 'snas-lab-gpu');
  try {
    const made = snas(['gpu-bundle', '--out', dir], {}, 300_000);
    assert.equal(made.code, 0, made.stderr);
    const size = Number(made.stdout.match(/([\d.]+) MB \(under the 60 MB limit\)/)?.[1]);
    assert.ok(size > 10 && size <= 60, made.stdout);
    for (const f of ['node/node.xz', 'snas.mjs', 'step-worker.mjs', 'gpu-report.mjs', 'tests/torch.test.mjs', 'tests/host-reads.test.mjs', 'include/napi.h',
      'include/node_api.h', 'setup/build-addon.sh', 'setup/torch-location.sh', 'src/backends/torch/native/src/addon.cc', 'configs/gpu/snas-paper-epoch.yaml',
      'peers/pytorch_supernet.py', 'gpu-check.sh', 'README.txt']) {
      assert.ok(existsSync(join(dir, f)), `${f} in the bundle`);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.snas_bundle.versions['@tensorflow/tfjs'], '4.22.0');
    const script = readFileSync(join(dir, 'gpu-check.sh'), 'utf8');
    assert.doesNotMatch(script.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n'), /(^|[\s;(|&])node\s/m, 'gpu-check.sh runs bin/node only, never a node on PATH');

    const check = spawnSync('bash', [join(dir, 'gpu-check.sh'), '--device', 'cpu', '--smoke'], {
      env: { ...process.env, PYTHON: DEBIAN_PYTHON, SNAS_TORCH_FROM_PYTHON: '', SNAS_BACKEND: '' }, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 2 ** 20,
    });
    assert.equal(check.status, 0, `${check.stdout.slice(-3000)}\n${check.stderr.slice(-3000)}`);
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    assert.equal(sha(join(dir, 'bin', 'node')), sha(process.execPath), 'bin/node is the Node.js the bundle was made with');
    assert.ok(statSync(join(dir, 'src/backends/torch/native/build/Release/snas_torch.node')).size > 0);
    const source = JSON.parse(readFileSync(join(dir, 'src/backends/torch/native/build/torch-source.json'), 'utf8'));
    assert.match(source.from, /of \/usr\/bin\/python3 \(SNAS_TORCH_FROM_PYTHON\)/);
    const out = join(dir, 'gpu-check');
    const env = readFileSync(join(out, 'env.json'), 'utf8');
    assert.match(env, /"libtorch from": "PyTorch [^"]+ of \/usr\/bin\/python3/);
    assert.match(env, /"@tensorflow\/tfjs": "4.22.0"/);
    const tap = readFileSync(join(out, 'tests.tap'), 'utf8');
    assert.match(tap, /^# fail 0$/m);
    assert.ok(Number(tap.match(/^# pass (\d+)$/m)?.[1]) > 100, 'the torch kernel tests ran');
    const bench = readFileSync(join(out, 'bench.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(bench.map((m) => [m.backend, m.status]), [['torch', 'ok'], ['pytorch', 'ok']]);
    assert.equal(bench[0].host_reads, 1, 'the bench step reads back its loss and nothing else');
    const run = JSON.parse(readFileSync(join(out, 'search', 'run.json'), 'utf8'));
    assert.equal(run.status, 'finished');
    const table = readFileSync(join(out, 'table.txt'), 'utf8');
    assert.match(table, /kernel tests on cpu.*\d+ of \d+ pass, 0 fail/);
    assert.match(table, /step time vs PyTorch\s+[\d.]+x/);
    assert.match(table, /search epoch at scale smoke \(train \+ validation\)\s+[\d.]+ s, run/);
    assert.match(readFileSync(join(out, 'plan.txt'), 'utf8'), /timed here \(backend torch\)/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the check\'s table: an epoch cut by the time limit is estimated from the plan, and the 150-epoch estimate sits beside the paper\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-gpu-report-'));
  try {
    const plan = 'plan: snas search, 8 cells, C 16, 32x32, batch 64\n  1 epochs x 781 steps = 781 steps, 157 evaluation batches per epoch\n'
      + '  timed here (backend torch): 0.2 s per step, 0.1 s per evaluation batch\n';
    assert.deepEqual(planEpoch(plan), { seconds: 781 * 0.2 + 157 * 0.1, text: '781 steps x 0.2 s + 157 evaluation batches x 0.1 s' });
    assert.equal(planEpoch('nothing timed'), undefined);
    writeFileSync(join(dir, 'plan.txt'), plan);
    writeFileSync(join(dir, 'env.json'), 'backend: torch (SNAS_BACKEND=torch)\n' + JSON.stringify({ backend: { name: 'torch' }, versions: {
      libtorch: '2.9.1', 'libtorch device': 'cuda', 'libtorch from': 'PyTorch 2.9.1 of /usr/bin/python3', cuda: '13.0', cudnn: '9.10.2', gpu: 'NVIDIA H200, 580.0, 143771 MiB',
    } }));
    writeFileSync(join(dir, 'bench.jsonl'), [
      { backend: 'torch', status: 'ok', batch: 64, channels: 16, layers: 8, size: 32, median_ms: 90, ratio_to_pytorch: 0.9, native_calls: 11825, host_reads: 1 },
      { backend: 'pytorch', status: 'ok', batch: 64, channels: 16, layers: 8, size: 32, median_ms: 100 },
    ].map((r) => JSON.stringify(r)).join('\n'));
    const table = checkTable(checkRows(dir, 'paper'));
    assert.match(table, /device\s+cuda: NVIDIA H200/);
    assert.match(table, /CUDA \/ cuDNN\s+13.0 \/ 9.10.2/);
    assert.match(table, /kernel tests on cuda.*not run/);
    assert.match(table, /step time vs PyTorch\s+0.90x\s+at most 1.0x/);
    assert.match(table, /not finished in the check's time\s+171.9 s, estimated from the plan/);
    const days = (171.9 * 150) / 86400;
    assert.match(table, new RegExp(`150-epoch search, estimated\\s+${days.toFixed(2)} GPU-days .*paper: 1.5 GPU-days`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
