// A run directory: what a run ran with and what it produced, written atomically, so that a
// crash never leaves a half-written file and a finished run is never overwritten by accident.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeAtomic } from '../util/files.js';

export class RunDirError extends Error {}

export interface RunStatus {
  status: 'running' | 'finished' | 'failed';
  command: string;
  started_at: string;
  updated_at: string;
  epochs_done: number;
  message?: string;
}

/** What every run (a search, a training) is told besides its config. */
export interface RunOptions {
  /** Where the config came from, for messages. */
  configFile: string;
  out: string;
  resume: boolean;
  force: boolean;
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
  alphas: 'alphas.json', alphaHistory: 'alpha_history.jsonl', genotype: 'genotype.json', checkpoint: 'checkpoint.bin',
} as const;

export class RunDir {
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  status(): RunStatus | undefined {
    const f = this.path(FILES.status);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as RunStatus) : undefined;
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
    const status = this.status();
    if (opts.force) {
      rmSync(this.dir, { recursive: true, force: true });
      return false;
    }
    if (status?.status === 'finished') throw new RunDirError(`${this.dir}: holds a finished run; use --force to overwrite it or --out to choose another folder`);
    if (!opts.resume) throw new RunDirError(`${this.dir}: holds an unfinished run; use --resume to continue it or --force to start over`);
    const recorded = existsSync(this.path(FILES.config)) ? readFileSync(this.path(FILES.config), 'utf8') : undefined;
    if (recorded !== undefined && recorded !== opts.configText) {
      throw new RunDirError(`${this.dir}: --resume with a config that differs from the run's (${this.path(FILES.config)}); use --force to start over`);
    }
    return true;
  }

  /** A status writer for one run: keeps the start time across resumes and stamps every update. */
  statusWriter(command: string, resuming: boolean): (status: RunStatus['status'], epochsDone: number, message?: string) => void {
    const now = () => new Date().toISOString();
    const startedAt = (resuming && this.status()?.started_at) || now();
    return (status, epochsDone, message) => this.writeJson(FILES.status, {
      status, command, started_at: startedAt, updated_at: now(), epochs_done: epochsDone, ...(message ? { message } : {}),
    });
  }

  write(name: string, text: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeAtomic(this.path(name), text);
  }

  writeJson(name: string, value: unknown): void {
    this.write(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  writeYaml(name: string, value: unknown): void {
    this.write(name, stringify(value));
  }
}

/** CSV text from rows of plain values (numbers at fixed precision, so files compare exactly). */
export function csv(columns: readonly string[], rows: readonly Record<string, string | number>[]): string {
  const cell = (v: string | number | undefined) => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(8);
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/** Rows of a CSV written by `csv` (quoted fields allowed); numeric fields become numbers. */
export function parseCsv(text: string): Record<string, string | number>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => {
    const v = r[i] ?? '';
    return [h, v !== '' && Number.isFinite(Number(v)) ? Number(v) : v];
  })));
}
