// Checks an op's forward pass against a float64 reference and its tfjs gradient against
// central finite differences of that reference, element by element.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/util/rng.js';
import { arr, type Arr } from './reference.js';

/** Standard normal values rounded to float32, so tfjs and the reference see the same numbers. */
export function randomArr(shape: number[], seed: number): Arr {
  const next = rng(seed);
  const a = arr(shape);
  for (let i = 0; i < a.data.length; i++) {
    const u = Math.max(next(), 1e-12);
    a.data[i] = Math.fround(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()));
  }
  return a;
}

export interface GradCase {
  inputs: Arr[];
  op: (...xs: tf.Tensor[]) => tf.Tensor;
  ref: (...xs: Arr[]) => Arr;
  /** Tolerances (relative to the largest magnitude involved). */
  forwardTol?: number;
  gradTol?: number;
}

export interface GradReport {
  forwardErr: number;
  gradErr: number[];
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Scaled max error: max |got - want| / max(1, max |want|). */
export function scaledError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'length mismatch');
  let err = 0;
  for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  return err / Math.max(1, maxAbs(want));
}

export function checkGradients(c: GradCase): GradReport {
  const forwardTol = c.forwardTol ?? 1e-4;
  const gradTol = c.gradTol ?? 1e-3;
  const want = c.ref(...c.inputs);
  const tensors = c.inputs.map((a) => tf.tensor(Float32Array.from(a.data), a.shape));
  const got = tf.tidy(() => c.op(...tensors));
  assert.deepEqual(got.shape, want.shape, 'output shape differs from the reference');
  const forwardErr = scaledError(got.dataSync(), want.data);
  got.dispose();
  assert.ok(forwardErr <= forwardTol, `forward differs from the reference by ${forwardErr.toExponential(2)}`);

  // L = sum(op(x) * R) with a fixed random R, so every output element carries weight.
  const r = randomArr(want.shape, 777);
  const rT = tf.tensor(Float32Array.from(r.data), r.shape);
  const loss = (...xs: Arr[]) => {
    const y = c.ref(...xs);
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i]! * r.data[i]!;
    return s;
  };
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(c.op(...xs), rT)))(tensors);
  const gradErr: number[] = [];
  c.inputs.forEach((input, k) => {
    const analytic = grads[k]!.dataSync();
    const numeric = new Float64Array(input.data.length);
    const eps = 1e-6;
    for (let i = 0; i < input.data.length; i++) {
      const orig = input.data[i]!;
      input.data[i] = orig + eps;
      const up = loss(...c.inputs);
      input.data[i] = orig - eps;
      const down = loss(...c.inputs);
      input.data[i] = orig;
      numeric[i] = (up - down) / (2 * eps);
    }
    const err = scaledError(analytic, numeric);
    gradErr.push(err);
    assert.ok(err <= gradTol, `gradient of input ${k} differs from finite differences by ${err.toExponential(2)}`);
  });
  tf.dispose([...tensors, ...grads, rT]);
  return { forwardErr, gradErr };
}
