// A run's locks, beside its directory. DIR.lock: the submitter that holds it is the only one that
// runs (or submits) that run, so two submitters never run the same run twice. DIR.running: the
// process computing the run holds it, so two `snas search|train` of one run never write the same
// directory at once (the second says who holds it and stops). A lock is stale, and taken over,
// when its owner is a dead process on this host, or, on another host, when its owner has not
// refreshed it for STALE_MS (a computing process refreshes its lock every REFRESH_MS).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { WriteError } from '../util/files.js';

export interface LockInfo {
  host: string;
  pid: number;
  since: string;
  /** The Slurm job that runs it, once submitted. */
  job?: string;
}

/** Which lock: the submitter's (an executor's) or the computing process's. */
export type LockKind = 'submit' | 'compute';

const REFRESH_MS = 30_000;
const STALE_MS = 5 * 60_000;

export const lockFile = (dir: string, kind: LockKind = 'submit') => (kind === 'submit' ? `${dir}.lock` : `${dir}.running`);

function read(dir: string, kind: LockKind): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockFile(dir, kind), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const mine = (l: LockInfo | undefined) => l !== undefined && l.host === hostname() && l.pid === process.pid;

function stale(dir: string, kind: LockKind, held: LockInfo | undefined): boolean {
  if (held === undefined) return true;
  if (held.host === hostname()) return !alive(held.pid);
  if (kind !== 'compute') return false;
  try {
    return Date.now() - statSync(lockFile(dir, kind)).mtimeMs > STALE_MS;
  } catch {
    return true;
  }
}

/** Takes a lock of a run directory; returns undefined when taken, else who holds it. */
export function acquireLock(dir: string, kind: LockKind = 'submit'): LockInfo | undefined {
  const info: LockInfo = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
  const file = lockFile(dir, kind);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(info)}\n`, { flag: 'wx' });
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw WriteError.of(file, err);
    }
    const held = read(dir, kind);
    if (mine(held)) return undefined;
    if (!stale(dir, kind, held)) return held;
    rmSync(file, { force: true });
  }
  return read(dir, kind);
}

/**
 * Holds a run's compute lock while `body` runs, refreshing it so other hosts see it live, and
 * releases it after. `busy` makes the error when another process holds it.
 */
export async function whileComputing<T>(dir: string, busy: (holder: LockInfo) => Error, body: () => Promise<T>): Promise<T> {
  const holder = acquireLock(dir, 'compute');
  if (holder) throw busy(holder);
  const file = lockFile(dir, 'compute');
  const timer = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch { /* the lock is gone: nothing to refresh */ }
  }, REFRESH_MS);
  timer.unref();
  try {
    return await body();
  } finally {
    clearInterval(timer);
    releaseLock(dir, false, 'compute');
  }
}

/** Records the job that runs a locked run. */
export function noteLockJob(dir: string, job: string): void {
  const held = read(dir, 'submit');
  if (mine(held)) writeFileSync(lockFile(dir), `${JSON.stringify({ ...held, job })}\n`);
}

/** Releases a lock this process holds (another's is left alone unless `orphaned`: its owner's job ended without the run). */
export function releaseLock(dir: string, orphaned = false, kind: LockKind = 'submit'): void {
  if (existsSync(lockFile(dir, kind)) && (orphaned || mine(read(dir, kind)))) rmSync(lockFile(dir, kind), { force: true });
}

export function lockHolder(dir: string, kind: LockKind = 'submit'): LockInfo | undefined {
  return read(dir, kind);
}
