// The PyTorch peer of the speed comparison: ../shared/peers/pytorch_supernet.py, run with
// Debian's /usr/bin/python3 (python3-torch), on the same shapes as our step.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../util/root.js';
import type { StepShape } from './snas-step.js';

export const PEER_ENV = 'SNAS_PEER';
export const PEER_PYTHON_ENV = 'SNAS_PEER_PYTHON';

export function peerScript(env: NodeJS.ProcessEnv = process.env): string {
  return env[PEER_ENV] ?? resolve(projectRoot(), '..', 'shared', 'peers', 'pytorch_supernet.py');
}

export function peerPython(env: NodeJS.ProcessEnv = process.env): string {
  return env[PEER_PYTHON_ENV] ?? '/usr/bin/python3';
}

/** Why the peer cannot run here, or undefined when it can. */
export function peerMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const script = peerScript(env);
  if (!existsSync(script)) return `peer script not found at ${script} (set ${PEER_ENV})`;
  if (!existsSync(peerPython(env))) return `${peerPython(env)} not found (set ${PEER_PYTHON_ENV})`;
  return undefined;
}

export function peerArgs(shape: StepShape, steps: number, warmup: number, threads: number): string[] {
  const args = [peerScript(), '--batch', String(shape.batch), '--channels', String(shape.channels), '--layers', String(shape.layers),
    '--size', String(shape.size), '--steps', String(steps), '--warmup', String(warmup), '--threads', String(threads)];
  if (shape.what === 'edge') args.push('--edge');
  // The peer runs where our torch backend runs (SNAS_TORCH_DEVICE), timed with cuda.synchronize on a GPU.
  const device = process.env.SNAS_TORCH_DEVICE;
  if (device && device !== 'cpu') args.push('--device', device);
  return args;
}

