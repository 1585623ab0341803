// What a result records about where it ran: the backend and why, package versions, machine,
// git commit. Every results folder and run directory carries one of these (environment.json).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../backends/index.js';
import { torchInfo } from '../backends/torch/index.js';
import { gitOutput } from '../util/git.js';
import { bundleInfo, packageJson, projectRoot } from '../util/root.js';

export interface EnvironmentRecord {
  backend: { name: string; tfjs: string; chosen_by: string; skipped: { name: string; reason: string }[] };
  versions: Record<string, string>;
  machine: { platform: string; arch: string; cpu: string; cores: number; memory_gib: number; hostname: string };
  git: { commit: string | null; dirty: boolean | null };
  scale?: string;
  seed?: number;
  recorded_at: string;
}

/** Installed version of a package (read from its package.json), or 'not installed'. */
export function installedVersion(name: string): string {
  const file = join(projectRoot(), 'node_modules', name, 'package.json');
  const bundled = bundleInfo()?.versions[name];
  if (!existsSync(file)) return bundled ? `${bundled} (bundled)` : 'not installed';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The Chromium that draws the static figures: SNAS_CHROMIUM, else Debian's. */
export function chromiumBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.SNAS_CHROMIUM || '/usr/bin/chromium';
}

/** That Chromium's version, by its own --version. */
function chromiumVersion(): string {
  const path = chromiumBinary();
  if (!existsSync(path)) return 'not installed';
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

/** The GPUs' names, driver and memory as nvidia-smi reports them (one line per GPU). */
function gpuName(): string {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim().split('\n').join('; ');
  } catch {
    return 'unknown (nvidia-smi did not answer)';
  }
}

export function environmentRecord(backend: BackendChoice, extra: { scale?: string; seed?: number } = {}): EnvironmentRecord {
  const versions: Record<string, string> = {
    'snas-lab': packageJson().version,
    node: process.versions.node,
    '@tensorflow/tfjs': tf.version.tfjs,
  };
  for (const name of ['@tensorflow/tfjs-backend-wasm', 'tslab', 'danfojs-node', 'papaparse', 'zod', 'plotly.js-dist-min', 'mathjax', 'yaml', 'playwright-core']) {
    versions[name] = installedVersion(name);
  }
  versions.chromium = chromiumVersion();
  const torch = torchInfo();
  if (torch) {
    versions.libtorch = torch.torch;
    versions['libtorch threads'] = String(torch.threads);
    versions['libtorch device'] = torch.device;
    versions['libtorch from'] = torch.from;
    if (torch.cuda) versions.cuda = torch.cuda;
    if (torch.cudnn) versions.cudnn = torch.cudnn;
    if (torch.device.startsWith('cuda')) versions.gpu = gpuName();
  }
  const status = gitOutput(['status', '--porcelain', '--untracked-files=no']);
  const cpus = os.cpus();
  return {
    backend: { name: backend.name, tfjs: backend.tfjsBackend, chosen_by: backend.chosenBy, skipped: backend.skipped },
    versions,
    machine: {
      platform: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      cpu: cpus[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      hostname: os.hostname(),
    },
    git: { commit: gitOutput(['rev-parse', 'HEAD']) ?? bundleInfo()?.commit ?? null, dirty: status === null ? null : status.length > 0 },
    ...extra,
    recorded_at: new Date().toISOString(),
  };
}
