// The project root: the nearest folder at or above the start that holds snas-lab's package.json.
// (No import.meta here: notebooks import src through tslab, which compiles to CommonJS.)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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

export function packageJson(): { version: string; dependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8'));
}
