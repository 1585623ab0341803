// The Slurm executor: each run that needs work is one job, submitted with sbatch to the
// cluster's scheduler; the run directory, on a filesystem every node sees, is the only channel
// between the job and this submitter. The job runs `snas search|train DIR.yaml --out DIR --auto`
// (finished: nothing to do; unfinished with a checkpoint: resume; else start). The submitter
// waits, printing a line whenever a run's state changes (queued, running with its epoch,
// finished, failed), from squeue, sacct (or scontrol) and run.json. A job that ends before its
// run finished (time limit, node failure, scancel, preemption) is resubmitted, up to
// `resubmit` times, and resumes from the checkpoint; a run that fails on its own (a bad config,
// a diverged loss) is not, and its error and exit code come from the job's log. A lock beside
// each run directory (lock.ts) keeps two submitters from running the same run twice.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.js';
import { slurmOptions, type SlurmOptions } from '../config/slurm.js';
import { projectRoot } from '../util/root.js';
import { RunDir } from '../runs/dir.js';
import { countActions, plannedActions, runCommand, type Executor, type RunCounts, type RunRequest } from './executor.js';
import { acquireLock, lockHolder, noteLockJob, releaseLock } from '../runs/lock.js';

/** Job states in which a job ended before its run could finish through no fault of the run. */
const INTERRUPTED = new Set(['CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REQUEUED']);
/** States of a job that has not ended: accounting can still say so after squeue has dropped it. */
const ACTIVE = new Set(['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'REQUEUE_HOLD', 'REQUEUE_FED']);
/** Polls for which accounting may lag behind squeue before a job's last known state is taken as its end. */
const SETTLE_POLLS = 30;

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function slurm(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new ConfigError(`--executor slurm: '${command}' is not on PATH; on this machine \`bash src/setup/slurm-local.sh start\` starts a one-node Slurm`);
    throw new Error(`${command} ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The epochs a run's config asks for (for its progress line). */
function epochsOf(r: RunRequest): number | string {
  const c = r.config as { search?: { epochs?: number }; train?: { epochs?: number } };
  return c.search?.epochs ?? c.train?.epochs ?? '?';
}

interface Tracked {
  request: RunRequest;
  job?: string;
  /** Jobs submitted for it by this submitter. */
  submissions: number;
  /** Held by another submitter: wait for the run instead of submitting. */
  waiting: boolean;
  shown: string;
  /** Polls since squeue dropped the job while accounting still called it active. */
  settling?: number;
}

export class SlurmExecutor implements Executor {
  readonly name = 'slurm';

  constructor(readonly options: SlurmOptions = slurmOptions()) {}

  /** sbatch's arguments for a run (the job's command last; its config is written beside its directory). */
  sbatchArgs(r: RunRequest): string[] {
    const o = this.options;
    const command = [process.execPath, ...runCommand(r, '--auto')];
    return [
      '--parsable', `--job-name=snas-${r.name}-seed${r.seed}`, `--output=${r.dir}.slurm-%j.log`, `--cpus-per-task=${o.cpus}`, `--mem=${o.mem}`, `--time=${o.time}`,
      ...(o.gpus > 0 ? [`--gres=gpu:${o.gpus}`] : []), ...(o.partition ? [`--partition=${o.partition}`] : []), ...(o.account ? [`--account=${o.account}`] : []),
      '--export=ALL', ...o.sbatch,
      `--wrap=cd ${shellQuote(projectRoot())} && exec ${command.map(shellQuote).join(' ')}`,
    ];
  }

  private submit(t: Tracked, log: (line: string) => void): void {
    t.job = slurm('sbatch', this.sbatchArgs(t.request)).trim().split(';')[0]!;
    t.submissions++;
    noteLockJob(t.request.dir, t.job);
    log(`${t.request.label}: submitted as job ${t.job}${t.submissions > 1 ? ` (submission ${t.submissions} of ${this.options.resubmit + 1})` : ''}`);
  }

  /** Active jobs' states (PENDING, RUNNING, ...) by id, and why Slurm holds a pending one (Resources, Priority, ...). */
  private queue(jobs: string[]): Map<string, { state: string; reason: string }> {
    if (jobs.length === 0) return new Map();
    const out = slurm('squeue', ['-h', '-o', '%i|%T|%r', '-j', jobs.join(',')]);
    return new Map(out.split('\n').filter(Boolean).map((l) => {
      const [id, state, reason] = l.split('|');
      return [id!, { state: state!, reason: reason === 'None' ? '' : reason ?? '' }];
    }));
  }

  /** How an ended job ended: its state and exit code (sacct, else scontrol while it remembers the job). */
  private ended(job: string): { state: string; exit: string } {
    try {
      const line = slurm('sacct', ['-n', '-P', '-X', '-j', job, '-o', 'State,ExitCode']).split('\n').find(Boolean);
      if (line) {
        const [state, exit] = line.split('|');
        return { state: state!.split(' ')[0]!, exit: exit ?? '' };
      }
    } catch { /* no accounting: ask the controller */ }
    try {
      const text = slurm('scontrol', ['show', 'job', job]);
      return { state: /JobState=(\S+)/.exec(text)?.[1] ?? 'UNKNOWN', exit: /ExitCode=(\S+)/.exec(text)?.[1] ?? '' };
    } catch {
      return { state: 'UNKNOWN', exit: '' };
    }
  }

  private logTail(t: Tracked): string {
    const file = `${t.request.dir}.slurm-${t.job}.log`;
    if (!existsSync(file)) return `no job log (${file})`;
    return readFileSync(file, 'utf8').trim().split('\n').filter((l) => !/TensorFlow\.js|=====|backend:/.test(l)).slice(-3).join(' | ');
  }

  async run(requests: RunRequest[], log: (line: string) => void): Promise<RunCounts> {
    const planned = plannedActions(requests);
    const counts = countActions(planned);
    const tracked: Tracked[] = [];
    for (const { request, action } of planned) {
      if (action === 'skip') continue;
      const prior = lockHolder(request.dir);
      const held = acquireLock(request.dir);
      tracked.push({ request, submissions: 0, waiting: held !== undefined, shown: '', job: held === undefined ? prior?.job : undefined });
    }
    if (tracked.length) log(`${tracked.length} of ${requests.length} runs to compute (${counts.skip} finished already), as Slurm jobs`);
    const failures: string[] = [];
    const show = (t: Tracked, text: string) => {
      if (text !== t.shown) log(`${t.request.label}: ${text}`);
      t.shown = text;
    };
    try {
      // A job that a dead submitter left running is adopted, not submitted again.
      const adopted = this.queue(tracked.flatMap((t) => (t.job ? [t.job] : [])));
      for (const t of tracked) {
        if (t.waiting) show(t, `held by another submitter (${JSON.stringify(lockHolder(t.request.dir))}); waiting for it`);
        else if (t.job && adopted.has(t.job)) { t.submissions = 1; noteLockJob(t.request.dir, t.job); show(t, `job ${t.job} of an earlier submitter is still ${adopted.get(t.job)!.state.toLowerCase()}; adopted`); }
        else this.submit(t, log);
      }
      let active = [...tracked];
      while (active.length) {
        await new Promise((r) => setTimeout(r, this.options.poll_seconds * 1000));
        const holders = new Map(active.filter((t) => t.waiting).map((t) => [t, lockHolder(t.request.dir)]));
        const states = this.queue([...active.flatMap((t) => (t.job && !t.waiting ? [t.job] : [])), ...[...holders.values()].flatMap((h) => (h?.job ? [h.job] : []))]);
        const next: Tracked[] = [];
        for (const t of active) {
          const status = new RunDir(t.request.dir).status();
          if (t.waiting) {
            const holder = holders.get(t);
            // The other submitter let go of the run, or its job ended without it: take the run over.
            const orphaned = holder?.job !== undefined && !states.has(holder.job) && status?.status !== 'finished';
            if (orphaned) releaseLock(t.request.dir, true);
            if (status?.status === 'finished') show(t, 'finished (by another submitter)');
            else if ((holder === undefined || orphaned) && acquireLock(t.request.dir) === undefined) { t.waiting = false; this.submit(t, log); next.push(t); }
            else next.push(t);
            continue;
          }
          const queued = states.get(t.job!);
          if (queued) {
            const { state, reason } = queued;
            show(t, state === 'RUNNING' ? `running (job ${t.job}), epoch ${status?.epochs_done ?? 0} of ${epochsOf(t.request)} done` : `${state.toLowerCase()} (job ${t.job}${reason ? `: ${reason}` : ''})`);
            next.push(t);
            continue;
          }
          if (status?.status === 'finished') {
            show(t, `finished (job ${t.job})`);
            continue;
          }
          const end = this.ended(t.job!);
          // squeue has dropped the job but accounting has not caught up (it still says RUNNING, exit 0:0): ask again next poll.
          if (ACTIVE.has(end.state) && (t.settling = (t.settling ?? 0) + 1) <= SETTLE_POLLS) {
            next.push(t);
            continue;
          }
          t.settling = 0;
          if (INTERRUPTED.has(end.state) && status?.status !== 'failed' && t.submissions <= this.options.resubmit) {
            show(t, `job ${t.job} ended ${end.state} before the run finished; resubmitting to resume from its checkpoint`);
            this.submit(t, log);
            next.push(t);
            continue;
          }
          const why = INTERRUPTED.has(end.state) && status?.status !== 'failed' ? `, given up after ${t.submissions} submissions` : '';
          show(t, `FAILED (job ${t.job} ${end.state}, exit ${end.exit}${why})`);
          failures.push(`${t.request.label} (job ${t.job} ${end.state}, exit ${end.exit}${why}): ${this.logTail(t)}`);
        }
        active = next;
      }
    } finally {
      for (const t of tracked) if (!t.waiting) releaseLock(t.request.dir);
    }
    if (failures.length) throw new Error(`${failures.length} run(s) failed: ${failures.join('; ')}`);
    return counts;
  }
}
