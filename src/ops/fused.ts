// Ops that run as one native kernel with its own backward kernel, on backends that register
// snas-lab's fused kernels (the torch backend, src/backends/torch/kernels/fused.ts). Elsewhere
// the ops in this folder use their portable definitions; both are tested against each other.
import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom.js';
import { FUSED } from './fused-kernels.js';
import type { EvalMoments, Moments, RunningStats } from './norm.js';

const available = new Map<string, boolean>();

/** True when the active backend has snas-lab's fused kernels. */
export function hasFusedKernels(): boolean {
  const backend = tf.getBackend();
  let has = available.get(backend);
  if (has === undefined) {
    has = tf.getKernel(FUSED.conv, backend) != null;
    available.set(backend, has);
  }
  return has;
}

/** A fused kernel's runningMean and runningVar inputs; none where the batch's own statistics are used. */
function statInputs(m?: Moments): Record<string, tf.Tensor> {
  return m ? { runningMean: m.mean, runningVar: m.variance } : {};
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, any> = {}): any {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs);
}

export interface FusedConvOptions {
  stride: number;
  pad: number;
  dilation: number;
  depthwise: boolean;
}

/** Convolution (dense HWIO filter, or depthwise [k, k, C, 1]) with symmetric padding. */
export function fusedConv(x: tf.Tensor4D, w: tf.Tensor4D, attrs: FusedConvOptions): tf.Tensor4D {
  return withGradient<tf.Tensor4D>([x, w], ([xi, wi], save) => {
    save([xi!, wi!]);
    return {
      value: run(FUSED.conv, { x: xi!, w: wi! }, attrs),
      gradFunc: (dy, [xs, ws]) => run(FUSED.convBackward, { dy, x: xs!, w: ws! }, attrs),
    };
  });
}

/** k x k max pooling; padded cells never win. */
export function fusedMaxPool(x: tf.Tensor4D, k: number, stride: number, pad: number): tf.Tensor4D {
  const attrs = { k, stride, pad };
  return withGradient<tf.Tensor4D>([x], ([xi], save) => {
    const [y, indices] = run(FUSED.maxPool, { x: xi! }, attrs) as tf.Tensor[];
    save([xi!, indices!]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy, [xs, idx]) => run(FUSED.maxPoolBackward, { dy, x: xs!, indices: idx! }, attrs),
    };
  });
}

/** k x k average pooling; countIncludePad false averages over the real inputs only. */
export function fusedAvgPool(x: tf.Tensor4D, k: number, stride: number, pad: number, countIncludePad: boolean): tf.Tensor4D {
  const attrs = { k, stride, pad, countIncludePad };
  return withGradient<tf.Tensor4D>([x], ([xi], save) => {
    save([xi!]);
    return {
      value: run(FUSED.avgPool, { x: xi! }, attrs),
      gradFunc: (dy, [xs]) => run(FUSED.avgPoolBackward, { dy, x: xs! }, attrs),
    };
  });
}

/**
 * Batch norm in training mode without affine parameters. `running` (when given) is updated in
 * place by the same native call, with PyTorch's unbiased variance.
 */
export function fusedBatchNormTrain(x: tf.Tensor4D, eps: number, running?: RunningStats): tf.Tensor4D {
  const attrs = { eps, momentum: running?.momentum ?? 0 };
  if (running) {
    ownStorage(running.mean);
    ownStorage(running.variance);
  }
  return withGradient<tf.Tensor4D>([x], ([xi], save) => {
    const [y, invstd] = run(FUSED.batchNormTrain, { x: xi!, ...statInputs(running) }, attrs) as tf.Tensor[];
    save([y!, invstd!]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy, [ys, s]) => run(FUSED.batchNormTrainBackward, { dy, y: ys!, invstd: s! }),
    };
  });
}

export interface FusedSepBlockOptions {
  stride: number;
  pad: number;
  dilation: number;
  eps: number;
}

/**
 * BN(pointwise(depthwise(relu(x)))) in training mode without affine parameters, as one native
 * call forward and one backward (four tfjs ops otherwise). `running` (when given) is updated in
 * place, as fusedBatchNormTrain does.
 */
export function fusedSepBlock(x: tf.Tensor4D, wd: tf.Tensor4D, wp: tf.Tensor4D, opts: FusedSepBlockOptions, running?: RunningStats): tf.Tensor4D {
  const attrs = { ...opts, momentum: running?.momentum ?? 0 };
  if (running) {
    ownStorage(running.mean);
    ownStorage(running.variance);
  }
  return withGradient<tf.Tensor4D>([x, wd, wp], ([xi, wdi, wpi], save) => {
    const [y, d, invstd] = run(FUSED.sepBlock, { x: xi!, wd: wdi!, wp: wpi!, ...statInputs(running) }, attrs) as tf.Tensor[];
    save([xi!, d!, y!, invstd!, wdi!, wpi!]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy, [xs, ds, ys, s, wds, wps]) =>
        run(FUSED.sepBlockBackward, { dy, x: xs!, d: ds!, y: ys!, invstd: s!, wd: wds!, wp: wps! }, attrs),
    };
  });
}


/**
 * fusedSepBlock in inference mode: BN with the running statistics or the batch's own (then the
 * same output as fusedSepBlock's, without what a backward pass keeps). Evaluation only: it has no gradient.
 */
export function fusedSepBlockInfer(x: tf.Tensor4D, wd: tf.Tensor4D, wp: tf.Tensor4D, opts: FusedSepBlockOptions, moments: EvalMoments): tf.Tensor4D {
  return run(FUSED.sepBlockInfer, { x, wd, wp, ...statInputs(moments === 'batch' ? undefined : moments) }, opts);
}

/** BN(k x k max or average pooling) in training mode without affine parameters (average: padding excluded), one native call each way. */
export function fusedPoolBlock(x: tf.Tensor4D, kind: 'max' | 'avg', k: number, stride: number, pad: number, eps: number, running?: RunningStats): tf.Tensor4D {
  const attrs = { max: kind === 'max', k, stride, pad, eps, momentum: running?.momentum ?? 0 };
  if (running) {
    ownStorage(running.mean);
    ownStorage(running.variance);
  }
  return withGradient<tf.Tensor4D>([x], ([xi], save) => {
    const [y, invstd, indices] = run(FUSED.poolBlock, { x: xi!, ...statInputs(running) }, attrs) as tf.Tensor[];
    save(indices ? [xi!, y!, invstd!, indices] : [xi!, y!, invstd!]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy, [xs, ys, s, idx]) => run(FUSED.poolBlockBackward, { dy, x: xs!, y: ys!, invstd: s!, ...(idx ? { indices: idx } : {}) }, attrs),
    };
  });
}

/** fusedPoolBlock in inference mode, BN as in fusedSepBlockInfer. Evaluation only: it has no gradient. */
export function fusedPoolBlockInfer(x: tf.Tensor4D, kind: 'max' | 'avg', k: number, stride: number, pad: number, eps: number, moments: EvalMoments): tf.Tensor4D {
  return run(FUSED.poolBlockInfer, { x, ...statInputs(moments === 'batch' ? undefined : moments) }, { max: kind === 'max', k, stride, pad, eps });
}

/** ReLU whose gradient is one kernel (tfjs' is step, cast and multiply). */
export function fusedRelu<T extends tf.Tensor>(x: T): T {
  return withGradient<T>([x], ([xi], save) => {
    const y = tf.relu(xi!) as T;
    save([y]);
    return { value: y, gradFunc: (dy, [ys]) => run(FUSED.reluBackward, { dy, y: ys! }) };
  });
}

/** sum_k w[k] * xs[k] for a weight vector w of length K. */
export function fusedWeightedSum(xs: tf.Tensor4D[], w: tf.Tensor1D): tf.Tensor4D {
  return withGradient<tf.Tensor4D>([w, ...xs], ([wi, ...xi], save) => {
    const named = (parts: tf.Tensor[]) => Object.fromEntries(parts.map((t, k) => [`x${k}`, t]));
    save([wi!, ...xi]);
    return {
      value: run(FUSED.weightedSum, { w: wi!, ...named(xi) }),
      gradFunc: (dy, [ws, ...xsaved]) => {
        const grads = run(FUSED.weightedSumBackward, { dy, w: ws!, ...named(xsaved) }) as tf.Tensor[];
        return [grads[grads.length - 1]!, ...grads.slice(0, -1)];
      },
    };
  });
}

export interface FusedSgdOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
  /** 0: no clipping. */
  clipNorm: number;
  /** Per parameter: false where the momentum buffer starts at this step's gradient. */
  started: boolean[];
}

/**
 * One SGD step (global-norm clipping, L2 weight decay, momentum) over all parameters in a
 * single native call. Like the batch norm's running statistics, it writes into its inputs:
 * `params` and `buffers` hold their new values afterwards. A variable that shares its storage with another
 * tensor (a clone, or the tensor it was made from or last assigned) gets a copy of its own
 * first, so no other tensor sees the update. Returns the gradients' global norm before clipping.
 */
export function fusedSgdStep(params: tf.Variable[], grads: tf.Tensor[], buffers: tf.Variable[], opts: FusedSgdOptions): tf.Scalar {
  const inputs: Record<string, tf.Tensor> = {};
  for (const v of [...params, ...buffers]) ownStorage(v);
  params.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = grads[i]!;
    inputs[`v${i}`] = buffers[i]!;
  });
  return run(FUSED.sgdStep, inputs, opts) as tf.Scalar;
}

/** Gives `v` storage that no other tensor shares (a copy, when the backend counts other users). */
function ownStorage(v: tf.Variable): void {
  if (tf.backend().refCount(v.dataId) <= 1) return;
  const copy = tf.add(v, 0);
  v.assign(copy);
  copy.dispose();
}
