// Runs one measurement of `snas bench` in a child process (our step on a backend, or the
// PyTorch peer) under a time limit, and turns whatever happened into a row.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleInfo, projectRoot } from '../util/root.js';
import { peerArgs, peerMissing, peerPython } from './peer.js';
import type { StepShape } from './snas-step.js';
import type { WorkerRequest, WorkerResult } from './step-worker.js';

export interface Measurement {
  backend: string;
  what: StepShape['what'];
  batch: number;
  channels: number;
  layers: number;
  size: number;
  status: 'ok' | 'timeout' | 'failed' | 'unavailable';
  median_ms?: number;
  min_ms?: number;
  max_ms?: number;
  steps?: number;
  images_per_s?: number;
  peak_rss_mb?: number;
  loss?: number;
  /** median_ms / the PyTorch peer's median_ms on the same shape. */
  ratio_to_pytorch?: number;
  rss_ratio_to_pytorch?: number;
  error?: string;
  profile?: WorkerResult['profile'];
  /** Per step (ours only): tfjs kernels run, tfjs tensors made, calls into the native addon (torch). */
  tfjs_kernels?: number;
  tensors?: number;
  native_calls?: number;
  host_reads?: number;
}

interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runChild(cmd: string, args: string[], timeoutS: number): Promise<ChildOutcome> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ code: -1, stdout, stderr: String(err), timedOut });
    });
  });
}

function lastJsonLine(text: string): Record<string, unknown> | undefined {
  const line = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  return line ? JSON.parse(line) : undefined;
}

function lastErrorLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() && !l.startsWith('backend:'));
  return (lines.find((l) => /Error|error|Aborted/.test(l)) ?? lines[lines.length - 1] ?? 'no output').trim().slice(0, 200);
}

function base(backend: string, shape: StepShape): Measurement {
  return { backend, what: shape.what, batch: shape.batch, channels: shape.channels, layers: shape.layers, size: shape.size, status: 'ok' };
}

function failure(m: Measurement, out: ChildOutcome, timeoutS: number): Measurement {
  if (out.timedOut) return { ...m, status: 'timeout', error: `no result within ${timeoutS} s` };
  return { ...m, status: 'failed', error: lastErrorLine(out.stderr || out.stdout) };
}

export async function measureBackend(req: WorkerRequest, timeoutS: number): Promise<Measurement> {
  const m = base(req.backend, req.shape);
  // In a bundle (npm run gpu-bundle) the worker is bundled JavaScript beside the CLI.
  const bundled = bundleInfo()?.step_worker;
  const worker = bundled ? [join(projectRoot(), bundled)] : ['--import', 'tsx', join(projectRoot(), 'src', 'bench', 'step-worker.ts')];
  const out = await runChild(process.execPath, [...worker, JSON.stringify(req)], timeoutS);
  const r = out.code === 0 ? (lastJsonLine(out.stdout) as WorkerResult | undefined) : undefined;
  if (!r) return failure(m, out, timeoutS);
  return {
    ...m, median_ms: r.median_ms, min_ms: r.min_ms, max_ms: r.max_ms, steps: r.times_ms.length,
    images_per_s: (req.shape.batch / r.median_ms) * 1000, peak_rss_mb: r.peak_rss_mb, loss: r.loss, ...(r.profile ? { profile: r.profile } : {}),
    tfjs_kernels: r.counts.tfjs_kernels, tensors: r.counts.tensors, ...(r.counts.native_calls !== undefined ? { native_calls: r.counts.native_calls } : {}),
    ...(r.counts.host_reads !== undefined ? { host_reads: r.counts.host_reads } : {}),
  };
}

export async function measurePeer(shape: StepShape, steps: number, warmup: number, threads: number, timeoutS: number): Promise<Measurement> {
  const m = base('pytorch', shape);
  const missing = peerMissing();
  if (missing) return { ...m, status: 'unavailable', error: missing };
  const out = await runChild(peerPython(), peerArgs(shape, steps, warmup, threads), timeoutS);
  const r = out.code === 0 ? lastJsonLine(out.stdout) : undefined;
  if (!r) {
    const f = failure(m, out, timeoutS);
    if (/No module named 'torch'/.test(out.stderr)) return { ...f, status: 'unavailable', error: `python3-torch not installed for ${peerPython()}` };
    return f;
  }
  const median = Number(r.median_ms);
  return {
    ...m, median_ms: median, min_ms: Number(r.min_ms), max_ms: Number(r.max_ms), steps: Number(r.steps),
    images_per_s: (shape.batch / median) * 1000, peak_rss_mb: Number(r.peak_rss_mb), loss: Number(r.loss),
  };
}
