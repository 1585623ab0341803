// Child process of `snas bench`: times SNAS steps of one shape on one backend and prints one
// JSON line. A fresh process per measurement, so that its peak RSS is that measurement's own.
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendName } from '../backends/index.js';
import { profileNative, type NativeProfileRow } from '../backends/torch/profile.js';
import { countStep, type StepCounts } from './count-step.js';
import { buildSnasStep, type StepShape } from './snas-step.js';
import { median } from '../util/timing.js';

export interface WorkerRequest {
  backend: BackendName;
  shape: StepShape;
  steps: number;
  warmup: number;
  /** Stop measuring after this many seconds (at least one measured step). */
  budgetS: number;
  profile: boolean;
  seed: number;
}

export interface WorkerResult {
  times_ms: number[];
  median_ms: number;
  min_ms: number;
  max_ms: number;
  peak_rss_mb: number;
  loss: number;
  profile?: { native_ms_per_step: number; rows: NativeProfileRow[] };
  /** Kernels, tensors and native calls of one more step, counted after the timed ones. */
  counts: StepCounts;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
  await useBackend(req.backend);
  const prof = req.profile && req.backend === 'torch' ? profileNative() : undefined;
  const s = buildSnasStep(req.shape, req.seed);
  const times: number[] = [];
  let loss = NaN;
  const started = performance.now();
  for (let i = 0; i < req.warmup + req.steps; i++) {
    if (i === req.warmup) prof?.reset();
    const t0 = performance.now();
    const l = s.step(i);
    loss = (await l.data())[0]!;
    l.dispose();
    if (i >= req.warmup) {
      times.push(performance.now() - t0);
      if ((performance.now() - started) / 1000 > req.budgetS) break;
    }
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const profile = prof && { native_ms_per_step: prof.totalMs() / times.length, rows: prof.rows().map((r) => ({ ...r, ms: r.ms / times.length, calls: r.calls / times.length })) };
  const counts = await countStep(async () => {
    const l = s.step(req.warmup + times.length);
    await l.data();
    l.dispose();
  });
  s.dispose();
  const result: WorkerResult = {
    times_ms: times,
    median_ms: median(times),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    peak_rss_mb: peakRssMb,
    loss,
    counts,
  };
  if (profile) result.profile = profile;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  tf.disposeVariables();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
