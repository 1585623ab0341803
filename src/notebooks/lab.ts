// `snas lab`: Debian's Jupyter Notebook server on this project, for stepping through the
// notebooks live. It listens on 127.0.0.1 only, asks for a token, finds the snas-lab kernel
// spec without the user setting anything (JUPYTER_PATH), and hands the scale to every kernel it
// starts (SNAS_SCALE). Stopping it ends the server and every kernel it started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { basename, delimiter, join, relative } from 'node:path';
import { invocationEnv } from '../config/invocation.js';
import { SCALES, type Scale } from '../scale.js';
import { resultsDir } from '../results/paths.js';
import { projectRoot } from '../util/root.js';
import { jupyterPython, NotebookError, resolveNotebooks } from './run.js';

export const KERNEL_NAME = 'snas-tslab';
export const KERNEL_DISPLAY_NAME = 'TypeScript (snas-lab, tslab)';

/** The folder Jupyter searches for the committed kernel spec (JUPYTER_PATH). */
export function kernelSpecPath(root = projectRoot()): string {
  return join(root, 'notebooks', 'jupyter');
}

/** Whether `python` can run the classic Notebook server (Debian's jupyter-notebook). */
export function hasNotebookServer(python = jupyterPython()): boolean {
  return spawnSync(python, ['-c', 'import notebook.notebookapp'], { stdio: 'ignore' }).status === 0;
}

/**
 * The scale a lab opens at when none is given: that of the reproduction already in the results
 * folder (its run.json), so that its finished runs are reused; else the scale most of the
 * finished searches under runs/search were run at; else smoke.
 */
export function defaultLabScale(results = resultsDir()): { scale: Scale; why: string } {
  const record = join(results, 'run.json');
  if (existsSync(record)) {
    try {
      const scale = (JSON.parse(readFileSync(record, 'utf8')) as { scale?: string }).scale;
      if ((SCALES as readonly string[]).includes(scale ?? '')) return { scale: scale as Scale, why: `the reproduction in ${relative(projectRoot(), results) || results} ran at it` };
    } catch { /* a damaged record: fall through */ }
  }
  const searches = join(results, 'runs', 'search');
  const counts = new Map<Scale, number>();
  if (existsSync(searches)) {
    for (const dir of readdirSync(searches)) {
      const m = /-(smoke|quick|paper)-seed\d+$/.exec(dir);
      const status = join(searches, dir, 'run.json');
      if (!m || !existsSync(status)) continue;
      try {
        if ((JSON.parse(readFileSync(status, 'utf8')) as { status?: string }).status !== 'finished') continue;
      } catch { continue; }
      counts.set(m[1] as Scale, (counts.get(m[1] as Scale) ?? 0) + 1);
    }
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  if (best) return { scale: best[0], why: `${best[1]} finished search(es) under runs/search ran at it` };
  return { scale: 'smoke', why: 'no reproduction in the results folder yet' };
}

/** A free TCP port on 127.0.0.1, from `start` upwards. */
export async function freePort(start = 8888): Promise<number> {
  for (let port = start; port < start + 200; port++) {
    const ok = await new Promise<boolean>((done) => {
      const s = createServer();
      s.once('error', () => done(false));
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)));
    });
    if (ok) return port;
  }
  throw new NotebookError(`no free port on 127.0.0.1 from ${start} to ${start + 199}; give one with --port`);
}

/** The kernel spec that `--install-kernel` writes: absolute paths to this checkout and this node. */
export function userKernelSpec(root = projectRoot()): object {
  return {
    argv: [process.execPath, join(root, 'src', 'notebooks', 'kernel.cjs'), '{connection_file}'],
    display_name: `${KERNEL_DISPLAY_NAME}`,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { snas_lab_checkout: root },
  };
}

/** Jupyter's per-user data folder (JUPYTER_DATA_DIR, else XDG_DATA_HOME/jupyter or ~/.local/share/jupyter). */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
}

/** Installs the kernel spec for this user, pointing at this checkout; returns its folder. */
export function installKernelSpec(dataDir = userJupyterDataDir()): string {
  const dir = join(dataDir, 'kernels', KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(userKernelSpec(), null, 2)}\n`);
  return dir;
}

export interface LabOptions {
  scale: Scale;
  /** Default: a free port from 8888. */
  port?: number;
  /** Default: a fresh random token. */
  token?: string;
  /** A notebook name ('02' or '02-concrete-relaxation') whose URL is printed too. */
  notebook?: string;
  /** Seconds to wait for the server to answer. */
  startTimeout?: number;
  log?: (line: string) => void;
}

export interface Lab {
  url: string;
  /** The URL without the token (what a request must add it to). */
  base: string;
  token: string;
  port: number;
  notebookUrl?: string;
  pid: number;
  /** Resolves with the server's exit code when it ends. */
  exited: Promise<number | null>;
  /** Stops the server and every kernel it started; resolves when none is left. */
  stop(): Promise<void>;
}

/** The pids of a process's descendants (its kernels and theirs), read from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await sleep(100);
    left = left.filter(alive);
  }
  return left;
}

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

/** Starts the server; resolves once it answers an authenticated request. */
export async function startLab(opts: LabOptions): Promise<Lab> {
  const root = projectRoot();
  const log = opts.log ?? ((l: string) => console.log(l));
  const python = jupyterPython();
  if (!hasNotebookServer(python)) {
    throw new NotebookError(`${python} cannot import Jupyter Notebook's server: run npm run lab (its setup installs Debian's jupyter-notebook, as root), or apt-get install jupyter-notebook`);
  }
  const notebook = opts.notebook ? resolveNotebooks([opts.notebook])[0]! : undefined;
  const port = opts.port ?? await freePort();
  const token = opts.token ?? randomBytes(24).toString('hex');
  const args = ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${root}`,
    // Notebooks in notebooks/ are committed without outputs: the lab saves them so (src/notebooks/lab_hooks.py).
    '--ContentsManager.pre_save_hook=lab_hooks.strip_committed_outputs'];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const env = {
    ...process.env,
    JUPYTER_PATH: [kernelSpecPath(root), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    PYTHONPATH: [join(root, 'src', 'notebooks'), process.env.PYTHONPATH].filter(Boolean).join(delimiter),
    ...invocationEnv({ scale: opts.scale }),
    SNAS_ROOT: root,
  };
  // Its own process group: a Ctrl-C in the terminal reaches `snas lab`, which stops the server
  // (the server would otherwise ask for a confirmation on stdin).
  const child: ChildProcess = spawn(python, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-20000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 128 : null))));
  let ended = false;
  void exited.then(() => { ended = true; });

  const base = `http://127.0.0.1:${port}/`;
  const url = `${base}?token=${token}`;
  const until = Date.now() + (opts.startTimeout ?? 60) * 1000;
  while (!(await answers(`${base}api/kernelspecs?token=${token}`))) {
    if (ended) throw new NotebookError(`the notebook server ended before it answered (port ${port}):\n${output.trim().split('\n').slice(-15).join('\n')}`);
    if (Date.now() > until) {
      process.kill(child.pid!, 'SIGKILL');
      throw new NotebookError(`the notebook server did not answer on ${base} within ${opts.startTimeout ?? 60} s:\n${output.trim().split('\n').slice(-15).join('\n')}`);
    }
    await sleep(200);
  }
  const notebookUrl = notebook ? `${base}notebooks/${relative(root, notebook).split('/').map(encodeURIComponent).join('/')}?token=${token}` : undefined;
  log(`snas lab: Jupyter Notebook on ${base} (127.0.0.1 only), scale ${opts.scale}`);
  if (notebook) log(`  ${basename(notebook)}: ${notebookUrl}`);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    const pid = child.pid!;
    const kernels = descendants(pid);
    if (!ended) {
      try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      const left = await waitGone([pid], 10_000);
      if (left.length) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await exited;
    // The server shuts its kernels down as it stops; whatever is left after that is ended here.
    let left = await waitGone(kernels, 5000);
    for (const p of left) try { process.kill(p, 'SIGTERM'); } catch { /* gone */ }
    left = await waitGone(left, 3000);
    for (const p of left) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    await waitGone(left, 2000);
  })());
  return { url, base, token, port, notebookUrl, pid: child.pid!, exited, stop };
}
