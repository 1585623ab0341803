// The one-node Slurm of src/setup/slurm-local.sh for the tests that need it: started once per
// test file (as root; it installs Debian's packages where missing), or the reason to skip.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './run.js';

let reason: string | undefined | null = null;

/** Starts the cluster if it is not up; undefined when it is, else why the Slurm tests skip. */
export function slurmCluster(): string | undefined {
  if (reason !== null) return reason;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return (reason = 'a one-node Slurm needs root on Linux (src/setup/slurm-local.sh)');
  const r = spawnSync('bash', [join(ROOT, 'src', 'setup', 'slurm-local.sh'), 'start'], { encoding: 'utf8', timeout: 600_000 });
  return (reason = r.status === 0 ? undefined : `slurm-local.sh start failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
}
