// The `torch` backend: registers the tfjs backend and its kernels once the native addon loads.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { loadAddon, type NativeTorch } from './addon.js';
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
}

let info: TorchInfo | undefined;

/**
 * Loads the addon and registers the `torch` tfjs backend with all its kernels (once).
 * Threads: SNAS_TORCH_THREADS, else every core. Device: SNAS_TORCH_DEVICE (default cpu;
 * `cuda` needs a CUDA build of libtorch).
 */
export function registerTorch(env: NodeJS.ProcessEnv = process.env): TorchInfo {
  if (info) return info;
  const native: NativeTorch = loadAddon();
  const threads = Number(env.SNAS_TORCH_THREADS ?? availableParallelism());
  const started = native.init(Number.isInteger(threads) && threads > 0 ? threads : availableParallelism(), env.SNAS_TORCH_DEVICE ?? 'cpu');
  registerMathKernels(native.unaryKernels, native.binaryKernels);
  registerSamplingKernels();
  registerShapeKernels();
  registerNNKernels();
  registerFusedKernels();
  tf.registerBackend(TORCH, () => new TorchBackend(native), 3);
  info = { torch: native.version(), threads: started.threads, device: started.device };
  return info;
}

/** libtorch's version, threads and device once the backend is registered, else undefined. */
export function torchInfo(): TorchInfo | undefined {
  return info;
}

/** Native tensors alive now (for leak checks), or 0 when the addon is not loaded. */
export function nativeTensorCount(): number {
  try {
    return loadAddon().count();
  } catch {
    return 0;
  }
}
