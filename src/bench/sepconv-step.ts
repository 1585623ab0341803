// One forward and backward pass of a sep_conv_3x3 half (ReLU, depthwise 3x3, pointwise 1x1,
// BN) on the active backend: a small, representative piece of a supernet step.
import * as tf from '@tensorflow/tfjs';
import * as ops from '../ops/index.js';
import { timeIt, type Timing } from '../util/timing.js';
import { useBackend, type BackendName } from '../backends/index.js';

export interface SepConvShape {
  batch: number;
  channels: number;
  size: number;
}

export interface SepConvTiming extends SepConvShape, Timing {
  backend: string;
  images_per_s: number;
}

export async function timeSepConvStep(shape: SepConvShape, opts: { warmup?: number; reps?: number; seed?: number } = {}): Promise<SepConvTiming> {
  const { batch, channels: c, size } = shape;
  const seed = opts.seed ?? 0;
  const x = tf.randomNormal([batch, size, size, c], 0, 1, 'float32', seed) as tf.Tensor4D;
  const dw = tf.randomNormal([3, 3, c, 1], 0, 0.3, 'float32', seed + 1) as tf.Tensor4D;
  const pw = tf.randomNormal([1, 1, c, c], 0, 0.3, 'float32', seed + 2) as tf.Tensor4D;
  const grad = tf.grads((xi: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
    tf.mean(tf.square(ops.batchNormTrain(ops.separableConv(tf.relu(xi) as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, { pad: 1 })))),
  );
  const timing = await timeIt(async () => {
    const gs = grad([x, dw, pw]);
    await Promise.all(gs.map((g) => g.data()));
    tf.dispose(gs);
  }, opts);
  tf.dispose([x, dw, pw]);
  return { backend: tf.getBackend(), ...shape, ...timing, images_per_s: (batch / timing.median_ms) * 1000 };
}

/** Times the step at each batch size on each backend, then switches back to the backend that was active. */
export async function sweepSepConvStep(
  plan: { backend: BackendName; batches: number[] }[],
  shape: Omit<SepConvShape, 'batch'>,
  opts: { warmup?: number; reps?: number } = {},
): Promise<SepConvTiming[]> {
  const before = tf.getBackend();
  const rows: SepConvTiming[] = [];
  try {
    for (const { backend, batches } of plan) {
      await useBackend(backend);
      for (const batch of batches) rows.push({ ...(await timeSepConvStep({ ...shape, batch }, opts)), backend });
    }
  } finally {
    await tf.setBackend(before);
  }
  return rows;
}
