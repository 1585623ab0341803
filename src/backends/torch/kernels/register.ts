// Registering kernels for the `torch` backend.
import * as tf from '@tensorflow/tfjs';
import type { TorchBackend } from '../backend.js';

export const TORCH = 'torch';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Attrs = any;
export type Inputs = Record<string, tf.TensorInfo>;
export type KernelBody = (inputs: Inputs, backend: TorchBackend, attrs: Attrs) => tf.TensorInfo | tf.TensorInfo[];

export function kernel(kernelName: string, body: KernelBody): void {
  tf.registerKernel({
    kernelName,
    backendName: TORCH,
    kernelFunc: ({ inputs, backend, attrs }) => body(inputs as Inputs, backend as TorchBackend, attrs ?? {}),
  });
}

/** The input named `name`, or an error that names the kernel and the input. */
export function input(inputs: Inputs, name: string, kernelName: string): tf.TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`torch backend: ${kernelName} needs input '${name}'`);
  return t;
}

/** [a, a] for a number, the pair itself otherwise. */
export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

export function checkNHWC(dataFormat: string | undefined, kernelName: string): void {
  if (dataFormat && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`torch backend: ${kernelName} supports NHWC data only, got ${dataFormat}`);
  }
}
