// The `torch` backend: registers the tfjs backend and its kernels once the native addon loads.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { projectRoot } from '../../util/root.js';
import { ADDON_DIR, loadAddon, type NativeTorch } from './addon.js';
import { TorchBackend } from './backend.js';
import { registerFusedKernels } from './kernels/fused.js';
import { registerMathKernels, registerSamplingKernels } from './kernels/math.js';
import { registerNNKernels } from './kernels/nn.js';
import { TORCH } from './kernels/register.js';
import { registerShapeKernels } from './kernels/shape.js';

export { AddonUnavailable } from './addon.js';
export { TORCH };

export interface TorchInfo {
  torch: string;
  threads: number;
  device: string;
  /** Where the addon's libtorch came from (build/torch-source.json), e.g. "Debian's libtorch-dev 1.13.0". */
  from: string;
  /** CUDA runtime and cuDNN versions as the libraries report them (e.g. "12.8", "9.1.0"); undefined without CUDA. */
  cuda?: string;
  cudnn?: string;
  gpus: number;
}

/** A CUDA runtime version as CUDA encodes it (12080) in words (12.8). */
export function cudaVersionText(v: number): string {
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

/** A cuDNN version as cuDNN encodes it (8: 8907 = 8.9.7; 9 and later: 90100 = 9.1.0). */
export function cudnnVersionText(v: number): string {
  return v >= 90000 ? `${Math.floor(v / 10000)}.${Math.floor((v % 10000) / 100)}.${v % 100}` : `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 100)}.${v % 100}`;
}

/** The libtorch the addon was built against, from the record its build wrote. */
function builtFrom(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), ADDON_DIR, 'build', 'torch-source.json'), 'utf8')) as { from: string }).from;
  } catch {
    return 'unknown (no build/torch-source.json)';
  }
}

let info: TorchInfo | undefined;
let started: NativeTorch | undefined;

/**
 * Loads the addon and registers the `torch` tfjs backend with all its kernels (once).
 * Threads: SNAS_TORCH_THREADS, else every core. Device: SNAS_TORCH_DEVICE (default cpu;
 * `cuda` needs a CUDA build of libtorch).
 */
export function registerTorch(env: NodeJS.ProcessEnv = process.env): TorchInfo {
  if (info) return info;
  const native: NativeTorch = loadAddon();
  started = native;
  const threads = Number(env.SNAS_TORCH_THREADS ?? availableParallelism());
  const begun = native.init(Number.isInteger(threads) && threads > 0 ? threads : availableParallelism(), env.SNAS_TORCH_DEVICE ?? 'cpu');
  registerMathKernels(native.unaryKernels, native.binaryKernels);
  registerSamplingKernels();
  registerShapeKernels();
  registerNNKernels();
  registerFusedKernels();
  tf.registerBackend(TORCH, () => new TorchBackend(native), 3);
  info = { torch: native.version(), threads: begun.threads, device: begun.device, from: builtFrom(), gpus: begun.gpus };
  if (begun.cudart > 0) info.cuda = cudaVersionText(begun.cudart);
  if (begun.cudnn > 0) info.cudnn = cudnnVersionText(begun.cudnn);
  return info;
}

/** Sets libtorch's intra-op threads (a run's own count; sums over threads differ in their last bits); no-op before registration. */
export function setTorchThreads(threads: number): void {
  if (!info || !started || info.threads === threads) return;
  info.threads = started.init(threads, info.device).threads;
}

/** libtorch's version, threads and device once the backend is registered, else undefined. */
export function torchInfo(): TorchInfo | undefined {
  return info;
}

/** Reads from the torch backend back to the host so far (0 when it is not registered). */
export function hostReads(): number {
  const backend = info ? (tf.findBackend(TORCH) as TorchBackend | null) : null;
  return backend?.reads ?? 0;
}

/** Native tensors alive now (for leak checks), or 0 when the addon is not loaded. */
export function nativeTensorCount(): number {
  try {
    return loadAddon().count();
  } catch {
    return 0;
  }
}
