// Runs the snas command as a child process and collects its output and exit code.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The project (SNAS_ROOT where the tests run bundled, as in the GPU bundle's check). */
export const ROOT = process.env.SNAS_ROOT ?? join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function snas(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Ran {
  const r = spawnSync(process.execPath, [join(ROOT, 'src', 'cli', 'snas.js'), ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
