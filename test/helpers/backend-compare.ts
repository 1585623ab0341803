// Runs one computation on two tfjs backends from the same input data and compares the
// outputs and (optionally) the gradients of sum(output * r) for a fixed random r.
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/util/rng.js';

export type Domain = 'normal' | 'positive' | 'unit' | 'gt1' | 'int' | 'bool' | 'small-int' | 'index';

export interface InputSpec {
  shape: number[];
  domain?: Domain;
  /** For 'index': values in [0, max). */
  max?: number;
}

export interface Case {
  name: string;
  /** Kernels of the torch backend that this case must run (checked with tf.profile). */
  kernels: string[];
  inputs: InputSpec[];
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** Compare gradients with respect to the float inputs (default false). */
  grad?: boolean;
  tol?: number;
}

export interface Values {
  dtype: tf.DataType;
  shape: number[];
  data: number[];
}

export function makeData(spec: InputSpec, seed: number): { data: Float32Array | Int32Array | Uint8Array; dtype: tf.DataType } {
  const next = rng(seed);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());
  const domain = spec.domain ?? 'normal';
  if (domain === 'bool') return { data: Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)), dtype: 'bool' };
  if (domain === 'int') return { data: Int32Array.from({ length: n }, () => Math.floor(normal() * 4)), dtype: 'int32' };
  if (domain === 'index') return { data: Int32Array.from({ length: n }, () => Math.floor(next() * (spec.max ?? 2))), dtype: 'int32' };
  const gen: Record<string, () => number> = {
    normal,
    positive: () => 0.5 + 1.5 * next(),
    unit: () => 1.8 * next() - 0.9,
    gt1: () => 1.1 + 2 * next(),
    'small-int': () => Math.floor(normal() * 2),
  };
  return { data: Float32Array.from({ length: n }, gen[domain]!), dtype: 'float32' };
}

async function values(t: tf.Tensor): Promise<Values> {
  return { dtype: t.dtype, shape: t.shape, data: Array.from(await t.data() as ArrayLike<number>) };
}

export interface RunResult {
  outputs: Values[];
  grads: Values[];
  kernels: string[];
}

/** Runs a case on the active backend. */
export async function runCase(c: Case, seed = 1): Promise<RunResult> {
  const specs = c.inputs.map((s, i) => makeData(s, seed * 1000 + i));
  const xs = specs.map((d, i) => tf.tensor(d.data, c.inputs[i]!.shape, d.dtype));
  const kernels = new Set<string>();
  let outputs: Values[] = [];
  let grads: Values[] = [];
  const profile = await tf.profile(async () => {
    const out = tf.tidy(() => c.f(...xs));
    const outs = Array.isArray(out) ? out : [out];
    outputs = await Promise.all(outs.map(values));
    if (c.grad) {
      const floatIdx = xs.map((x, i) => (x.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
      const r = outs.map((o, k) => tf.tensor(makeData({ shape: o.shape }, seed * 7 + k).data, o.shape));
      const g = tf.grads((...fx: tf.Tensor[]) => {
        const args = xs.slice();
        floatIdx.forEach((i, k) => (args[i] = fx[k]!));
        const o = c.f(...args);
        const os = Array.isArray(o) ? o : [o];
        return tf.addN(os.map((oi, k) => tf.sum(tf.mul(oi, r[k]!)))) as tf.Scalar;
      })(floatIdx.map((i) => xs[i]!));
      grads = await Promise.all(g.map(values));
      tf.dispose([...g, ...r]);
    }
    tf.dispose(outs);
  });
  for (const k of profile.kernelNames) kernels.add(k);
  tf.dispose(xs);
  return { outputs, grads, kernels: [...kernels] };
}

/** max |a - b| / max(1, max |b|) */
export function scaledError(a: number[], b: number[]): number {
  let err = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) err = Math.max(err, Number.isNaN(d) ? Infinity : d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}
