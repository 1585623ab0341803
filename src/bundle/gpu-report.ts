// The GPU check's table (gpu-check.sh's last step): what the check's files say, one row per
// question the engine-speed and GPU issues ask, measured figures beside targets and the paper's
// quoted search cost. Usage: node gpu-report.mjs CHECK_DIR [SCALE] (bundled) or tsx src/bundle/gpu-report.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paperTables } from '../report/paper.js';
import { parseCsv } from '../util/csv.js';

/** The paper's search epochs (CIFAR-10, 150). */
const PAPER_EPOCHS = 150;

export interface CheckRow {
  what: string;
  measured: string;
  target: string;
}

function read(dir: string, file: string): string | undefined {
  const p = join(dir, file);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

function jsonLines(text: string | undefined): Record<string, unknown>[] {
  return (text ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The rows, from the files gpu-check.sh wrote into `dir`; a missing file reads as "not run". */
export function checkRows(dir: string, scale = 'paper'): CheckRow[] {
  const rows: CheckRow[] = [];
  const env = read(dir, 'env.json');
  // snas env prints the backend line, then the record.
  const v = env?.includes('{') ? (JSON.parse(env.slice(env.indexOf('{'))) as { versions: Record<string, string>; backend: { name: string } }).versions : undefined;
  rows.push({ what: 'device', measured: v ? `${v['libtorch device']}${v.gpu ? `: ${v.gpu}` : ''}` : 'not run', target: '' });
  rows.push({ what: 'libtorch', measured: v ? `${v.libtorch} (${v['libtorch from']})` : 'not run', target: '' });
  rows.push({ what: 'CUDA / cuDNN', measured: v ? `${v.cuda ?? 'none'} / ${v.cudnn ?? 'none'}` : 'not run', target: '' });

  const tap = read(dir, 'tests.tap');
  const count = (k: string) => Number(tap?.match(new RegExp(`^# ${k} (\\d+)`, 'm'))?.[1] ?? NaN);
  rows.push({
    what: `kernel tests on ${v?.['libtorch device'] ?? '?'} (against the CPU reference)`,
    measured: tap ? `${count('pass')} of ${count('tests')} pass, ${count('fail')} fail, ${count('skipped')} skipped` : 'not run',
    target: 'all pass',
  });

  const bench = jsonLines(read(dir, 'bench.jsonl'));
  const ours = bench.find((m) => m.backend === 'torch');
  const peer = bench.find((m) => m.backend === 'pytorch');
  const shape = ours ? `batch ${ours.batch}, C ${ours.channels}, ${ours.layers} cells, ${ours.size}x${ours.size}` : '';
  const ms = (m: Record<string, unknown> | undefined) => (m?.status === 'ok' ? `${Number(m.median_ms).toFixed(1)} ms` : `${m?.status ?? 'not run'}${m?.error ? ` (${m.error})` : ''}`);
  rows.push({ what: `SNAS step, snas-lab torch (${shape})`, measured: ms(ours), target: '' });
  rows.push({ what: 'SNAS step, PyTorch eager, same device', measured: ms(peer), target: '' });
  rows.push({
    what: 'step time vs PyTorch',
    measured: typeof ours?.ratio_to_pytorch === 'number' ? `${ours.ratio_to_pytorch.toFixed(2)}x` : 'not measured',
    target: 'at most 1.0x (goal 0.7x)',
  });
  rows.push({
    what: 'per step: native calls / host reads',
    measured: ours?.status === 'ok' ? `${ours.native_calls ?? '-'} / ${ours.host_reads ?? '-'}` : 'not measured',
    target: 'host reads: 1 (the loss the bench reads)',
  });

  const timing = read(dir, join('search', 'timing.csv'));
  const epoch = timing ? parseCsv(timing)[0] : undefined;
  const plan = planEpoch(read(dir, 'plan.txt'));
  const paper = paperTables().table1.find((r) => /^SNAS .*mild/.test(r.method))?.search_cost_gpu_days;
  let seconds: number | undefined;
  if (epoch) {
    seconds = Number(epoch.seconds);
    rows.push({ what: `search epoch at scale ${scale} (train + validation)`, measured: `${seconds.toFixed(1)} s, run (${Number(epoch.images_per_s).toFixed(0)} img/s training)`, target: '' });
  } else if (plan) {
    seconds = plan.seconds;
    rows.push({ what: `search epoch at scale ${scale}: not finished in the check's time`, measured: `${seconds.toFixed(1)} s, estimated from the plan (${plan.text})`, target: '' });
  } else {
    rows.push({ what: 'search epoch', measured: 'not run', target: '' });
  }
  if (seconds !== undefined && scale === 'paper') {
    const days = (seconds * PAPER_EPOCHS) / 86400;
    const unit = v?.['libtorch device']?.startsWith('cuda') ? 'GPU-days' : 'days on this CPU';
    rows.push({ what: `${PAPER_EPOCHS}-epoch search, estimated`, measured: `${days.toFixed(2)} ${unit} (${((seconds * PAPER_EPOCHS) / 3600).toFixed(1)} h)`, target: `paper: ${paper ?? '?'} GPU-days on a TITAN Xp (quoted)` });
  }
  return rows;
}

/** An epoch's seconds from `snas search --dry-run`'s plan: steps x timed step + evaluation batches x timed batch. */
export function planEpoch(text: string | undefined): { seconds: number; text: string } | undefined {
  const counts = text?.match(/(\d+) epochs x ([\d,]+) steps .*?, (\d+) evaluation batches per epoch/);
  const timed = text?.match(/([\d.]+) s per step, ([\d.]+) s per evaluation batch/);
  if (!counts || !timed) return undefined;
  const steps = Number(counts[2]!.replace(/,/g, ''));
  const batches = Number(counts[3]);
  const [step, batch] = [Number(timed[1]), Number(timed[2])];
  return { seconds: steps * step + batches * batch, text: `${steps} steps x ${step} s + ${batches} evaluation batches x ${batch} s` };
}

export function checkTable(rows: CheckRow[]): string {
  const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.measured.length))];
  const line = (a: string, b: string, c: string) => `${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c}`.trimEnd();
  return [line('', 'measured here', 'target or paper'), ...rows.map((r) => line(r.what, r.measured, r.target))].join('\n');
}

const [dir, scaleArg] = process.argv.slice(2);
if (dir && /gpu-report\.(m?js|ts)$/.test(process.argv[1] ?? '')) console.log(checkTable(checkRows(dir, scaleArg)));
