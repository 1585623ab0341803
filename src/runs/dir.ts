// A run directory: what a run ran with and what it produced, written atomically, so that a
// crash never leaves a half-written file and a finished run is never overwritten by accident.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../util/files.js';

/** A run directory that cannot be used as asked (a bad input: the CLI exits 2). */
export class RunDirError extends Error {}

export interface RunStatus {
  status: 'running' | 'finished' | 'failed';
  /** The run's name in tables (the config file's name, or a sweep value). */
  name?: string;
  command: string;
  started_at: string;
  updated_at: string;
  epochs_done: number;
  message?: string;
  /** Set when the latest checkpoint was damaged and the run resumed from the previous one. */
  checkpoint_fallback?: string;
}

/** What every run (a search, a training) is told besides its config. */
export interface RunOptions {
  /** Where the config came from, for messages. */
  configFile: string;
  out: string;
  resume: boolean;
  force: boolean;
  /** The run's name in tables (default: the run directory's name). */
  name?: string;
  /** The environment record written as environment.json. */
  environment: () => unknown;
  /** The command line, recorded in run.json. */
  command: string;
  log?: (line: string) => void;
  /** Test hook: stop (as if killed) after this many training steps in this process. */
  stopAfterSteps?: number;
}

export const FILES = {
  config: 'config.yaml', environment: 'environment.json', status: 'run.json', metrics: 'metrics.csv', timing: 'timing.csv',
  alphas: 'alphas.json', alphaHistory: 'alpha_history.jsonl', genotype: 'genotype.json', result: 'result.json',
  checkpoint: 'checkpoint.bin', previousCheckpoint: 'checkpoint.prev.bin',
} as const;

export class RunDir {
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  status(): RunStatus | undefined {
    const f = this.path(FILES.status);
    if (!existsSync(f)) return undefined;
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as RunStatus;
    } catch {
      throw new RunDirError(`${f}: damaged run status (expected JSON); use --force to start the run over`);
    }
  }

  /** The config text the run recorded (config.yaml), if any. */
  recordedConfig(): string | undefined {
    const f = this.path(FILES.config);
    return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
  }

  /**
   * Checks the directory before anything is written: a finished run needs --force, an
   * unfinished one --resume or --force; --resume needs the same config. Returns whether to resume.
   */
  prepare(opts: { resume: boolean; force: boolean; configText: string }): boolean {
    const present = existsSync(this.dir) && readdirSync(this.dir).length > 0;
    if (!present) {
      if (opts.resume) throw new RunDirError(`${this.dir}: --resume given but there is no run here`);
      return false;
    }
    if (opts.force) {
      rmSync(this.dir, { recursive: true, force: true });
      return false;
    }
    if (this.status()?.status === 'finished') throw new RunDirError(`${this.dir}: holds a finished run; use --force to overwrite it or --out to choose another folder`);
    if (!opts.resume) throw new RunDirError(`${this.dir}: holds an unfinished run; use --resume to continue it or --force to start over`);
    const recorded = this.recordedConfig();
    if (recorded !== undefined && recorded !== opts.configText) {
      throw new RunDirError(`${this.dir}: --resume with a config that differs from the run's (${this.path(FILES.config)}); use --force to start over`);
    }
    return true;
  }

  /** A status writer for one run: keeps the start time across resumes and stamps every update. */
  statusWriter(command: string, resuming: boolean, fixed: Partial<RunStatus> = {}): (status: RunStatus['status'], epochsDone: number, message?: string) => void {
    const now = () => new Date().toISOString();
    const startedAt = (resuming && this.status()?.started_at) || now();
    return (status, epochsDone, message) => this.writeJson(FILES.status, {
      status, ...fixed, command, started_at: startedAt, updated_at: now(), epochs_done: epochsDone, ...(message ? { message } : {}),
    });
  }

  write(name: string, text: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeAtomic(this.path(name), text);
  }

  writeJson(name: string, value: unknown): void {
    this.write(name, `${JSON.stringify(value, null, 2)}\n`);
  }
}
