// The local executor: runs as child processes of this machine, a bounded number at a time.
// Each request's config is written beside its directory (DIR.yaml) and run by
// `snas search|train DIR.yaml --out DIR`, resuming an unfinished run or starting over.
//
// Why processes: one step of the small networks here spends most of its time in JavaScript
// dispatch, which a second libtorch thread does not speed up. Two processes with one thread
// each did 1.5x the steps per second of one process with two threads (2 cores, quick scale).
// Each run computes with its config's own threads (config.threads, default 1), whatever else runs
// beside it, so a run's records do not depend on how many ran at once.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { invocation } from '../config/invocation.js';
import { projectRoot } from '../util/root.js';
import { countActions, plannedActions, runCommand, type Executor, type RunCounts, type RunRequest } from './executor.js';

/**
 * The invocation's workers (--workers, SNAS_WORKERS) if set; else one when libtorch runs on a GPU
 * (SNAS_TORCH_DEVICE other than cpu: runs would share its memory); else one per core up to 4.
 */
export function defaultWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const set = invocation(env).workers;
  if (set !== undefined) return set;
  if ((env.SNAS_TORCH_DEVICE ?? 'cpu') !== 'cpu') return 1;
  return Math.max(1, Math.min(4, availableParallelism()));
}

export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly workers: number;

  constructor(workers = defaultWorkers()) {
    this.workers = Math.max(1, workers);
  }

  async run(requests: RunRequest[], log: (line: string) => void): Promise<RunCounts> {
    const planned = plannedActions(requests);
    const counts = countActions(planned);
    const queue = planned.filter((t) => t.action !== 'skip');
    if (queue.length) log(`${queue.length} of ${requests.length} runs to compute (${counts.skip} finished already), ${Math.min(this.workers, queue.length)} at a time`);
    const failures: string[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { request: r, action } = next;
        const args = runCommand(r, action === 'resume' ? '--resume' : '--force');
        log(`${action} ${r.label}`);
        const t0 = performance.now();
        const code = await new Promise<number>((resolve) => {
          const child = spawn(process.execPath, args, { cwd: projectRoot(), stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
          let err = '';
          child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
          child.on('error', (e) => { err += e.message; });
          child.on('close', (c) => {
            if (c !== 0) failures.push(`${r.label} (exit ${c}): ${err.trim().split('\n').slice(-3).join(' | ')}`);
            resolve(c ?? 1);
          });
        });
        log(`${r.label}: ${code === 0 ? 'done' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    };
    await Promise.all(Array.from({ length: this.workers }, worker));
    if (failures.length) throw new Error(`${failures.length} run(s) failed: ${failures.join('; ')}`);
    return counts;
  }
}
