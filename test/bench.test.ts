// snas bench: flags, the JSON rows others script against, and the PyTorch peer beside us.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snas } from './helpers/run.js';

test('snas bench --json prints one object per measurement with the fields scripts rely on', () => {
  const r = snas(['bench', '--what', 'edge', '--batch', '2', '--channels', '4', '--size', '8', '--steps', '2', '--warmup', '1', '--backend', 'cpu', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const ours = rows.find((x) => x.backend === 'cpu');
  assert.ok(ours, r.stdout);
  assert.equal(ours.status, 'ok', ours.error);
  for (const key of ['backend', 'what', 'batch', 'channels', 'layers', 'size', 'median_ms', 'peak_rss_mb', 'steps']) {
    assert.ok(key in ours, `missing ${key}`);
  }
  assert.deepEqual([ours.what, ours.batch, ours.channels, ours.size, ours.steps], ['edge', 2, 4, 8, 2]);
  assert.ok(ours.median_ms > 0 && ours.peak_rss_mb > 50);
  // One mixed edge, forward and backward and two optimisers: hundreds of kernels, not zero or millions.
  assert.ok(ours.tfjs_kernels > 50 && ours.tfjs_kernels < 100_000, `tfjs_kernels ${ours.tfjs_kernels}`);
  assert.ok(ours.tensors >= ours.tfjs_kernels / 2, `tensors ${ours.tensors}`);
  assert.equal(ours.native_calls, undefined, 'the cpu backend makes no native calls');
  const peer = rows.find((x) => x.backend === 'pytorch');
  assert.ok(peer, 'the PyTorch peer has a row, measured or saying why not');
  if (peer.status === 'ok') {
    assert.equal(peer.batch, 2);
    assert.ok(Math.abs(ours.ratio_to_pytorch - ours.median_ms / peer.median_ms) < 1e-9);
  } else {
    assert.match(peer.error, /python3-torch|not found/);
  }
});

test('snas bench rejects a bad --what, --shape, --backend or --steps with exit 2 naming the flag', () => {
  for (const [args, flag] of [
    [['--what', 'cell'], '--what'], [['--shape', 'quick,huge'], '--shape'], [['--shape', 'quick', '--what', 'edge'], '--shape'],
    [['--backend', 'tpu'], '--backend'], [['--steps', '0'], '--steps'],
  ] as const) {
    const r = snas(['bench', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(flag));
  }
});
