// A run's lock, beside its directory (DIR.lock): the submitter that holds it is the only one
// that runs (or submits) that run, so two submitters never run the same run twice. A lock whose
// owner is a dead process on this host is stale and taken over.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface LockInfo {
  host: string;
  pid: number;
  since: string;
  /** The Slurm job that runs it, once submitted. */
  job?: string;
}

const lockFile = (dir: string) => `${dir}.lock`;

function read(dir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockFile(dir), 'utf8')) as LockInfo;
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

/** Takes the lock of a run directory; returns undefined when taken, else who holds it. */
export function acquireLock(dir: string): LockInfo | undefined {
  const info: LockInfo = { host: hostname(), pid: process.pid, since: new Date().toISOString() };
  mkdirSync(dirname(lockFile(dir)), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile(dir), `${JSON.stringify(info)}\n`, { flag: 'wx' });
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = read(dir);
    if (mine(held)) return undefined;
    const stale = held === undefined || (held.host === hostname() && !alive(held.pid));
    if (!stale) return held;
    rmSync(lockFile(dir), { force: true });
  }
  return read(dir);
}

/** Records the job that runs a locked run. */
export function noteLockJob(dir: string, job: string): void {
  const held = read(dir);
  if (mine(held)) writeFileSync(lockFile(dir), `${JSON.stringify({ ...held, job })}\n`);
}

/** Releases a lock this process holds (another's is left alone unless `orphaned`: its owner's job ended without the run). */
export function releaseLock(dir: string, orphaned = false): void {
  if (existsSync(lockFile(dir)) && (orphaned || mine(read(dir)))) rmSync(lockFile(dir), { force: true });
}

export function lockHolder(dir: string): LockInfo | undefined {
  return read(dir);
}
