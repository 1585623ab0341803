// Git, asked about the project's own checkout: null where git or the repository is missing.
import { execFileSync } from 'node:child_process';
import { projectRoot } from './root.js';

/** git's trimmed output for `args`, run in the project root; null when git fails or is absent. */
export function gitOutput(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
