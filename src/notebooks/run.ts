// Runs notebooks headless (through execute.py and the committed tslab kernel spec) and
// collects what each produced.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path';
import { exportFigures } from '../publish/export-static.js';
import { MATHJAX, PLOTLY } from '../publish/assets.js';
import type { PublishedNotebook } from '../publish/index-page.js';
import { invocationEnv } from '../config/invocation.js';
import type { Scale } from '../scale.js';
import { projectRoot } from '../util/root.js';
import { checkParameters, injectedSource, notebookParameters, type ParameterValues } from './parameters.js';

/** A notebook rendered by the runner: what the index page records, with its scale and parameters typed. */
export interface NotebookResult extends PublishedNotebook {
  scale?: Scale;
  parameters?: ParameterValues;
}

/** Values given for the notebooks' parameters cells (-f first, then -p over it). */
export interface GivenParameters {
  values: Record<string, unknown>;
  /** The text each -p value was given as. */
  raw: Record<string, string>;
  /** Where they came from, for messages ('-p', '-f params.yaml'). */
  sources: string;
}

export interface RunOptions {
  scale: Scale;
  /** Folder for the executed .ipynb and .html files. */
  outDir: string;
  /** Results folder notebooks write tables and figures into (SNAS_RESULTS); default: outDir's parent. */
  resultsDir?: string;
  /** Names ('00-environment', '00') or paths; all notebooks when empty. */
  only?: string[];
  /** Seconds allowed per cell (default: CELL_TIMEOUT at the scale). */
  cellTimeout?: number;
  /** Values for every named notebook's parameters cell; checked for all of them before any runs. */
  parameters?: GivenParameters;
  log?: (line: string) => void;
}

export class NotebookError extends Error {}

/**
 * Seconds a cell may run by default, per scale: a cell that obtains a notebook's runs lasts as
 * long as they do (at quick scale notebook 05's searches take ~45 minutes on 2 cores); paper
 * scale has no limit (runs of days, whose progress the log shows).
 */
export const CELL_TIMEOUT: Record<Scale, number | null> = { smoke: 1800, quick: 4 * 3600, paper: null };

export function notebooksDir(): string {
  return join(projectRoot(), 'notebooks');
}

/** The committed notebooks, in order (notebooks/NN-name.ipynb). */
export function listNotebooks(): string[] {
  return readdirSync(notebooksDir())
    .filter((f) => f.endsWith('.ipynb') && !f.endsWith('.failed.ipynb'))
    .sort()
    .map((f) => join(notebooksDir(), f));
}

/** Resolves names or paths to notebook files, with a clear error for one that does not exist. */
export function resolveNotebooks(only: string[] = []): string[] {
  const all = listNotebooks();
  if (only.length === 0) return all;
  return only.map((want) => {
    const asPath = resolve(want);
    if (want.endsWith('.ipynb') && existsSync(asPath)) return asPath;
    const hit = all.filter((p) => {
      const name = basename(p, '.ipynb');
      return name === want || name.startsWith(`${want}-`);
    });
    if (hit.length !== 1) {
      const names = all.map((p) => basename(p, '.ipynb')).join(', ');
      throw new NotebookError(`no single notebook matches '${want}'; notebooks: ${names}`);
    }
    return hit[0]!;
  });
}

/** Debian's python3 carries nbclient/nbconvert; SNAS_PYTHON overrides it. */
export function jupyterPython(): string {
  if (process.env.SNAS_PYTHON) return process.env.SNAS_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function runOne(notebook: string, opts: RunOptions, root: string, parameters?: { values: ParameterValues; source: string }): Promise<NotebookResult> {
  const name = basename(notebook, '.ipynb');
  const ipynb = join(opts.outDir, `${name}.ipynb`);
  const html = join(opts.outDir, `${name}.html`);
  const [plotly, mathjax] = [PLOTLY, MATHJAX].map((a) => a.source());
  const args = [
    join(root, 'src', 'notebooks', 'execute.py'), notebook,
    '--ipynb', ipynb, '--html', html, '--cwd', root, '--label', relative(root, notebook),
    '--timeout', String(opts.cellTimeout ?? CELL_TIMEOUT[opts.scale] ?? 0), '--plotly', plotly, '--mathjax', mathjax,
    ...(parameters ? ['--inject-source', parameters.source, '--parameters', JSON.stringify(parameters.values)] : []),
  ];
  const jupyterPath = [join(root, 'notebooks', 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter);
  const env = { ...process.env, ...invocationEnv({ scale: opts.scale, results: resolve(opts.resultsDir ?? dirname(opts.outDir)) }), JUPYTER_PATH: jupyterPath, SNAS_ROOT: root };
  const t0 = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(jupyterPython(), args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => fail(new NotebookError(`cannot start ${jupyterPython()}: ${err.message}`)));
    child.on('close', (code) => {
      const seconds = (Date.now() - t0) / 1000;
      const given = { scale: opts.scale, ...(parameters ? { parameters: parameters.values } : {}) };
      if (code !== 0) return done({ name, ok: false, seconds, ...given });
      done({ name, ok: true, seconds, ipynb, html, htmlBytes: statSync(html).size, ...given });
    });
  });
}

/** Executes the notebooks one after another; a failing one does not stop the rest. */
export async function runNotebooks(opts: RunOptions): Promise<NotebookResult[]> {
  const root = projectRoot();
  const log = opts.log ?? ((l: string) => console.log(l));
  const notebooks = resolveNotebooks(opts.only);
  // Every notebook's parameters checked before the first one runs.
  const injected = new Map<string, { values: ParameterValues; source: string }>();
  if (opts.parameters && Object.keys(opts.parameters.values).length) {
    const given = opts.parameters;
    for (const nb of notebooks) {
      const declared = notebookParameters(nb);
      const values = checkParameters(declared, given.values, given.raw, basename(nb), given.sources);
      injected.set(nb, { values, source: injectedSource(declared, values) });
    }
  }
  const results: NotebookResult[] = [];
  for (const nb of notebooks) {
    const params = injected.get(nb);
    log(`notebook ${relative(root, nb)} (scale ${opts.scale}${params ? `; parameters ${JSON.stringify(params.values)}` : ''})`);
    const r = await runOne(nb, opts, root, params);
    log(r.ok
      ? `notebook ${r.name}: ok in ${r.seconds.toFixed(1)} s, ${relative(root, r.html!)} ${(r.htmlBytes! / 1e6).toFixed(1)} MB`
      : `notebook ${r.name}: FAILED after ${r.seconds.toFixed(1)} s`);
    results.push(r);
  }
  return results;
}

/** Exports the SVG and PDF of every saved figure in `dir` that lacks them; false (with the reason printed) when it cannot. */
export async function staticFigures(dir: string, log: (line: string) => void = (l) => console.log(l)): Promise<boolean> {
  try {
    const written = await exportFigures(dir);
    if (written.length) log(`figures: ${written.length / 2} figure(s) exported as SVG and PDF to ${relative(projectRoot(), dir) || dir}`);
    return true;
  } catch (err) {
    console.error(`figures: no static SVGs or PDFs: ${(err as Error).message}`);
    return false;
  }
}
