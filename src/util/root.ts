// The project root: the nearest folder at or above the start that holds snas-lab's package.json.
// (No import.meta here: notebooks import src through tslab, which compiles to CommonJS.)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

let cached: string | undefined;

function isProjectRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'snas-lab';
  } catch {
    return false;
  }
}

export function projectRoot(): string {
  if (cached) return cached;
  const starts = [process.env.SNAS_ROOT, process.cwd(), process.argv[1] && dirname(process.argv[1])];
  for (const start of starts) {
    if (!start) continue;
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (isProjectRoot(dir)) return (cached = dir);
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the snas-lab project root above ${process.cwd()} (set SNAS_ROOT)`);
}

/**
 * A path as records write it (configs, run.json, environment.json): relative to the project root
 * (with '/') when it lies inside it, so two clones write the same bytes; else absolute.
 */
export function projectPath(path: string): string {
  const abs = resolve(path);
  const rel = relative(projectRoot(), abs);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

/** A path a config or record holds, to read: a relative one is relative to the project root. */
export function fromProject(path: string): string {
  return isAbsolute(path) ? path : join(projectRoot(), path);
}

/** What `npm run gpu-bundle` records in a bundle's package.json: the bundled files and versions. */
export interface BundleInfo {
  /** The bench's step worker, bundled (relative to the bundle's root). */
  step_worker: string;
  /** Versions of the npm packages bundled in, by name. */
  versions: Record<string, string>;
  /** The commit the bundle was made from. */
  commit: string | null;
}

export function packageJson(): { version: string; dependencies: Record<string, string>; snas_bundle?: BundleInfo } {
  return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8'));
}

/** The bundle's record when running from a GPU bundle, else undefined. */
export function bundleInfo(): BundleInfo | undefined {
  return packageJson().snas_bundle;
}
