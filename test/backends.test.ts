// Backend selection: order, reasons, overrides and errors, on fake candidates (and the real list).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND_ORDER, BackendError, BackendUnavailable, CANDIDATES, parseBackendRequest, selectBackend, type Candidate } from '../src/backends/index.js';

const fake = (works: Record<string, boolean>): Candidate[] =>
  BACKEND_ORDER.map((name) => ({
    name,
    async activate() {
      if (!works[name]) throw new BackendUnavailable(`${name} is off in this test`);
    },
  }));

test('the real candidate list is in the documented order', () => {
  assert.deepEqual(CANDIDATES.map((c) => c.name), ['torch', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
});

test('auto picks the fastest working candidate and says why each faster one was skipped', async () => {
  const lines: string[] = [];
  const choice = await selectBackend({ env: {}, log: (l) => lines.push(l), candidates: fake({ 'tfjs-node': true, wasm: true, cpu: true }) });
  assert.equal(choice.name, 'tfjs-node');
  assert.equal(choice.chosenBy, 'auto');
  assert.deepEqual(choice.skipped.map((s) => s.name), ['torch', 'tfjs-node-gpu']);
  assert.equal(lines.length, 1, 'exactly one line is printed');
  assert.match(lines[0]!, /^backend: tfjs-node \(auto\) - skipped torch: torch is off in this test; tfjs-node-gpu: tfjs-node-gpu is off/);
});

test('SNAS_BACKEND overrides the config, and the config overrides auto', async () => {
  const candidates = fake({ wasm: true, cpu: true });
  const log = () => {};
  const byEnv = await selectBackend({ env: { SNAS_BACKEND: 'cpu' }, requested: 'wasm', log, candidates });
  assert.equal(byEnv.name, 'cpu');
  assert.equal(byEnv.chosenBy, 'SNAS_BACKEND=cpu');
  const byConfig = await selectBackend({ env: {}, requested: 'cpu', requestedBy: 'configs/x.yaml: backend', log, candidates });
  assert.equal(byConfig.name, 'cpu');
  assert.equal(byConfig.chosenBy, 'configs/x.yaml: backend');
});

test('a requested backend that is unavailable is an error, not a silent fallback', async () => {
  await assert.rejects(
    selectBackend({ env: { SNAS_BACKEND: 'torch' }, log: () => {}, candidates: fake({ cpu: true }) }),
    (err: Error) => err instanceof BackendError && /torch requested by SNAS_BACKEND=torch is unavailable: torch is off/.test(err.message),
  );
});

test('an unknown backend name is rejected with its source and the valid names', () => {
  assert.throws(() => parseBackendRequest('gpu', 'configs/a.yaml: backend'),
    /configs\/a\.yaml: backend: unknown backend 'gpu'; expected one of auto, torch, tfjs-node-gpu, tfjs-node, wasm, cpu/);
  assert.equal(parseBackendRequest(' wasm ', 'x'), 'wasm');
});

test('no working backend at all is an error listing every reason', async () => {
  await assert.rejects(selectBackend({ env: {}, log: () => {}, candidates: fake({}) }), /no backend could be started: torch: torch is off/);
});

test('on this machine auto selection lands on a real backend and reports the skipped ones', async () => {
  const choice = await selectBackend({ env: {}, log: () => {} });
  assert.ok(BACKEND_ORDER.includes(choice.name));
  const position = BACKEND_ORDER.indexOf(choice.name);
  assert.deepEqual(choice.skipped.map((s) => s.name), BACKEND_ORDER.slice(0, position));
  for (const s of choice.skipped) assert.ok(s.reason.length > 0);
});
