// snas bench: one SNAS training step timed on every backend beside the PyTorch peer.
import { availableParallelism } from 'node:os';
import { BACKEND_ORDER, usableBackends, type BackendName } from '../../backends/index.js';
import { measureBackend, measurePeer, type Measurement } from '../../bench/measure.js';
import type { StepShape } from '../../bench/snas-step.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, positiveInt, type Command } from '../command.js';

const DEFAULTS: Record<StepShape['what'], StepShape> = {
  edge: { what: 'edge', batch: 64, channels: 16, layers: 1, size: 32 },
  network: { what: 'network', batch: 32, channels: 8, layers: 5, size: 32 },
};

/** Named supernet shapes: the quick scale's search (configs/search/snas.yaml), the long-standing bench shape, the paper's search. */
export const SHAPES: Record<string, StepShape> = {
  quick: { what: 'network', batch: 64, channels: 4, layers: 5, size: 16 },
  bench: { what: 'network', batch: 32, channels: 8, layers: 5, size: 32 },
  paper: { what: 'network', batch: 64, channels: 16, layers: 8, size: 32 },
};

export const bench: Command = {
  summary: 'time one SNAS search step on every backend beside the PyTorch peer',
  usage: `snas bench [--shape quick|bench|paper[,...]] [--what edge|network] [--batch B] [--channels C] [--layers L] [--size S]
           [--steps N] [--warmup N] [--backend NAME[,NAME...]] [--budget SECONDS]
           [--timeout SECONDS] [--no-peer] [--profile] [--json]

Times one SNAS training step (Gumbel-softmax weights at tau 1, forward, backward, SGD with
momentum on the weights, Adam on the log-alphas) and runs the PyTorch peer
(../shared/peers/pytorch_supernet.py with /usr/bin/python3) on the same shapes, each
measurement in a fresh process. Prints the median ms per step, peak RSS and the ratio to
PyTorch, and what one more step asked of the engine: tfjs kernels, tfjs tensors made, calls
into the native addon and reads back to the host (torch; the step's loss is one). With
SNAS_TORCH_DEVICE=cuda the torch backend and the peer both run on the GPU.
  --shape        named supernet shapes, in order: quick (batch 64, C 4, 5 cells, 16x16: the
                 quick scale's search), bench (batch 32, C 8, 5 cells, 32x32), paper (batch 64,
                 C 16, 8 cells, 32x32: the paper's search); \`npm run bench\` runs all three
  --what         edge (one mixed edge, default batch 64, C 16) or network (the supernet,
                 default batch 32, C 8, 5 cells); both when absent
  --batch, --channels, --layers, --size   override the shape (input is SIZE x SIZE)
  --steps N      measured steps (default 10), after --warmup N (default 3)
  --backend      backends to time (default: every one that starts here)
  --budget S     stop measuring a backend after S seconds (default 60; at least one step)
  --timeout S    give up on a measurement after S seconds (default 300)
  --no-peer      skip PyTorch
  --profile      on torch, time spent per native call (the rest is tfjs' own overhead)
  --json         one JSON object per measurement: backend, what, batch, channels, layers,
                 size, status, median_ms, min_ms, max_ms, steps, images_per_s,
                 peak_rss_mb, ratio_to_pytorch, rss_ratio_to_pytorch, tfjs_kernels,
                 tensors, native_calls, host_reads`,
  async run(args) {
    const { values } = parse('bench', args, {
      shape: { type: 'string' }, what: { type: 'string' }, batch: { type: 'string' }, channels: { type: 'string' }, layers: { type: 'string' },
      size: { type: 'string' }, steps: { type: 'string' }, warmup: { type: 'string' }, backend: { type: 'string' },
      budget: { type: 'string' }, timeout: { type: 'string' }, 'no-peer': { type: 'boolean' }, profile: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.help) return help(this);
    if (values.shape !== undefined && values.what !== undefined) throw new UsageError('--shape and --what: give one (a named shape is a network)');
    const bases: StepShape[] = values.shape !== undefined
      ? parseShapes(String(values.shape))
      : (values.what === undefined ? (['edge', 'network'] as const) : [parseWhat(String(values.what))]).map((w) => DEFAULTS[w]);
    const steps = positiveInt(values.steps, '--steps') ?? 10;
    const warmup = values.warmup === '0' ? 0 : positiveInt(values.warmup, '--warmup') ?? 3;
    const budgetS = positiveInt(values.budget, '--budget') ?? 60;
    const timeoutS = positiveInt(values.timeout, '--timeout') ?? 300;
    const backends = values.backend === undefined ? await usableBackends() : parseBackends(String(values.backend));
    const threads = availableParallelism();
    const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
    log(`snas bench: ${backends.join(', ')}${values['no-peer'] ? '' : ' and PyTorch'}; ${threads} threads; ${steps} steps after ${warmup} warm-up`);
    if (!values.json) log(header());
    for (const b of bases) {
      const shape: StepShape = {
        ...b,
        batch: positiveInt(values.batch, '--batch') ?? b.batch,
        channels: positiveInt(values.channels, '--channels') ?? b.channels,
        layers: b.what === 'edge' ? 1 : positiveInt(values.layers, '--layers') ?? b.layers,
        size: positiveInt(values.size, '--size') ?? b.size,
      };
      const peer = values['no-peer'] ? undefined : await measurePeer(shape, steps, warmup, threads, timeoutS);
      const rows: Measurement[] = [];
      for (const backend of backends) {
        const m = await measureBackend({ backend, shape, steps, warmup, budgetS, profile: Boolean(values.profile), seed: 0 }, timeoutS);
        if (peer?.median_ms && m.median_ms) {
          m.ratio_to_pytorch = m.median_ms / peer.median_ms;
          if (peer.peak_rss_mb && m.peak_rss_mb) m.rss_ratio_to_pytorch = m.peak_rss_mb / peer.peak_rss_mb;
        }
        rows.push(m);
        emit(m, Boolean(values.json));
      }
      if (peer) emit(peer, Boolean(values.json));
      if (values.profile && !values.json) for (const m of rows) if (m.profile) printProfile(m);
    }
    return EXIT.ok;
  },
};

function parseWhat(v: string): StepShape['what'] {
  if (v !== 'edge' && v !== 'network') throw new UsageError(`--what: expected edge or network, got '${v}'`);
  return v;
}

function parseShapes(v: string): StepShape[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean).map((name) => {
    const shape = SHAPES[name];
    if (!shape) throw new UsageError(`--shape: unknown shape '${name}'; expected ${Object.keys(SHAPES).join(', ')} (comma-separated)`);
    return shape;
  });
}

function parseBackends(v: string): BackendName[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean).map((b) => {
    if (!(BACKEND_ORDER as readonly string[]).includes(b)) throw new UsageError(`--backend: unknown backend '${b}'; expected ${BACKEND_ORDER.join(', ')}`);
    return b as BackendName;
  });
}

const COLS = ['what', 'backend', 'batch', 'C', 'L', 'size', 'median ms', 'min ms', 'steps', 'img/s', 'peak RSS MB', 'time vs PyTorch', 'RSS vs PyTorch',
  'tfjs kernels', 'tensors', 'native calls', 'host reads'];
const WIDTH = [8, 14, 6, 4, 3, 5, 10, 9, 6, 8, 12, 16, 15, 13, 8, 13, 11];
const row = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(WIDTH[i]!) : c.padStart(WIDTH[i]!))).join(' ');
const header = () => row(COLS);
const fmt = (v: number | undefined, digits = 0) => (v === undefined ? '-' : v.toFixed(digits));

function emit(m: Measurement, json: boolean): void {
  if (json) {
    const { profile: _profile, ...rest } = m;
    console.log(JSON.stringify(m.profile ? { ...rest, profile: m.profile } : rest));
    return;
  }
  if (m.status !== 'ok') {
    console.log(`${row([m.what, m.backend, String(m.batch), String(m.channels), String(m.layers), String(m.size)])}  ${m.status}: ${m.error}`);
    return;
  }
  console.log(row([m.what, m.backend, String(m.batch), String(m.channels), String(m.layers), String(m.size), fmt(m.median_ms, 1), fmt(m.min_ms, 1),
    String(m.steps), fmt(m.images_per_s, 1), fmt(m.peak_rss_mb), m.ratio_to_pytorch ? `${m.ratio_to_pytorch.toFixed(2)}x` : '-',
    m.rss_ratio_to_pytorch ? `${m.rss_ratio_to_pytorch.toFixed(2)}x` : '-', fmt(m.tfjs_kernels), fmt(m.tensors), fmt(m.native_calls), fmt(m.host_reads)]));
}

function printProfile(m: Measurement): void {
  const p = m.profile!;
  console.log(`\nprofile of ${m.backend} (${m.what}): ${fmt(m.median_ms, 1)} ms per step, of which ${p.native_ms_per_step.toFixed(1)} ms in native calls;`);
  console.log(`  the remaining ${((m.median_ms ?? 0) - p.native_ms_per_step).toFixed(1)} ms is tfjs (engine, tape, kernel dispatch) and JavaScript`);
  console.log(`  ${'native call'.padEnd(28)} ${'ms/step'.padStart(9)} ${'calls/step'.padStart(11)}`);
  for (const r of p.rows.slice(0, 15)) console.log(`  ${r.call.padEnd(28)} ${r.ms.toFixed(1).padStart(9)} ${r.calls.toFixed(0).padStart(11)}`);
}
