// snas-lab's fused kernels (names starting with Snas), each a single ATen call with its own
// backward kernel, used by src/ops/fused.ts in place of tfjs' composite gradients.
import { FUSED } from '../../../ops/fused-kernels.js';
import { input, kernel } from './register.js';

/** Inputs x0, x1, ... (or another one-letter prefix) of a variadic fused kernel, in order. */
function numbered(inputs: Record<string, unknown>, prefix = 'x'): string[] {
  return Object.keys(inputs).filter((k) => k[0] === prefix && /^\d+$/.test(k.slice(1))).sort((p, q) => Number(p.slice(1)) - Number(q.slice(1)));
}

const pads = (p: number) => [p, p, p, p];

/** The native ids of a kernel's runningMean and runningVar inputs; none where they are not given. */
function runningIds(inputs: Record<string, unknown>, b: { id(t: unknown): number }): number[] {
  return inputs.runningMean && inputs.runningVar ? [b.id(inputs.runningMean), b.id(inputs.runningVar)] : [];
}

export function registerFusedKernels(): void {
  kernel(FUSED.conv, (inputs, b, a) =>
    b.result(b.native.conv(b.id(input(inputs, 'x', FUSED.conv)), b.id(input(inputs, 'w', FUSED.conv)),
      [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.depthwise)));
  kernel(FUSED.convBackward, (inputs, b, a) =>
    b.native.convBackward(b.id(input(inputs, 'dy', FUSED.convBackward)), b.id(input(inputs, 'x', FUSED.convBackward)),
      b.id(input(inputs, 'w', FUSED.convBackward)), [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.depthwise,
      true, true).map((o) => b.result(o)));
  kernel(FUSED.maxPool, (inputs, b, a) =>
    b.native.maxPool(b.id(input(inputs, 'x', FUSED.maxPool)), [a.k, a.k], [a.stride, a.stride], pads(a.pad)).map((o) => b.result(o)));
  kernel(FUSED.maxPoolBackward, (inputs, b, a) =>
    b.result(b.native.maxPoolBackward(b.id(input(inputs, 'dy', FUSED.maxPoolBackward)), b.id(input(inputs, 'x', FUSED.maxPoolBackward)),
      b.id(input(inputs, 'indices', FUSED.maxPoolBackward)), [a.k, a.k], [a.stride, a.stride], pads(a.pad))));
  kernel(FUSED.avgPool, (inputs, b, a) =>
    b.result(b.native.avgPool(b.id(input(inputs, 'x', FUSED.avgPool)), [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.countIncludePad)));
  kernel(FUSED.avgPoolBackward, (inputs, b, a) =>
    b.result(b.native.avgPoolBackward(b.id(input(inputs, 'dy', FUSED.avgPoolBackward)), b.id(input(inputs, 'x', FUSED.avgPoolBackward)),
      [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.countIncludePad)));
  // With runningMean and runningVar inputs, updates them in place (see fusedBatchNormTrain).
  kernel(FUSED.batchNormTrain, (inputs, b, a) => {
    return b.native.bnTrain(b.id(input(inputs, 'x', FUSED.batchNormTrain)), a.eps, a.momentum, ...runningIds(inputs, b)).map((o) => b.result(o));
  });
  kernel(FUSED.batchNormTrainBackward, (inputs, b) =>
    b.result(b.native.bnTrainBackward(b.id(input(inputs, 'dy', FUSED.batchNormTrainBackward)),
      b.id(input(inputs, 'y', FUSED.batchNormTrainBackward)), b.id(input(inputs, 'invstd', FUSED.batchNormTrainBackward)))));
  // Also updates runningMean and runningVar in place when given (see fusedSepBlock).
  kernel(FUSED.sepBlock, (inputs, b, a) => {
    return b.native.sepBlock(b.id(input(inputs, 'x', FUSED.sepBlock)), b.id(input(inputs, 'wd', FUSED.sepBlock)), b.id(input(inputs, 'wp', FUSED.sepBlock)),
      [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.eps, a.momentum, ...runningIds(inputs, b)).map((o) => b.result(o));
  });
  kernel(FUSED.sepBlockBackward, (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, FUSED.sepBlockBackward));
    return b.native.sepBlockBackward(id('dy'), id('x'), id('d'), id('y'), id('invstd'), id('wd'), id('wp'),
      [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation]).map((o) => b.result(o));
  });
  // Also updates runningMean and runningVar in place when given (see fusedPoolBlock).
  kernel(FUSED.poolBlock, (inputs, b, a) => {
    return b.native.poolBlock(b.id(input(inputs, 'x', FUSED.poolBlock)), a.max, [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.eps, a.momentum, ...runningIds(inputs, b))
      .map((o) => b.result(o));
  });
  kernel(FUSED.poolBlockBackward, (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, FUSED.poolBlockBackward));
    return b.result(b.native.poolBlockBackward(id('dy'), id('x'), id('y'), id('invstd'), a.max ? id('indices') : -1, a.max,
      [a.k, a.k], [a.stride, a.stride], pads(a.pad)));
  });
  // Inference mode: the running statistics are read, not updated; without them, the batch's statistics.
  kernel(FUSED.sepBlockInfer, (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, FUSED.sepBlockInfer));
    return b.result(b.native.sepBlockInfer(id('x'), id('wd'), id('wp'), [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.eps, ...runningIds(inputs, b)));
  });
  kernel(FUSED.poolBlockInfer, (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, FUSED.poolBlockInfer));
    return b.result(b.native.poolBlockInfer(id('x'), a.max, [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.eps, ...runningIds(inputs, b)));
  });
  kernel(FUSED.reluBackward, (inputs, b) =>
    b.result(b.native.reluBackward(b.id(input(inputs, 'dy', FUSED.reluBackward)), b.id(input(inputs, 'y', FUSED.reluBackward)))));
  kernel(FUSED.weightedSum, (inputs, b) =>
    b.result(b.native.weightedSum(numbered(inputs).map((k) => b.id(inputs[k]!)), b.id(input(inputs, 'w', FUSED.weightedSum)))));
  kernel(FUSED.weightedSumBackward, (inputs, b) =>
    b.native.weightedSumBackward(b.id(input(inputs, 'dy', FUSED.weightedSumBackward)), numbered(inputs).map((k) => b.id(inputs[k]!)),
      b.id(input(inputs, 'w', FUSED.weightedSumBackward))).map((o) => b.result(o)));
  // Updates its p* and v* inputs in place (see fusedSgdStep).
  kernel(FUSED.sgdStep, (inputs, b, a) => {
    const ids = (prefix: string) => numbered(inputs, prefix).map((k) => b.id(inputs[k]!));
    return b.result(b.native.sgdStep(ids('p'), ids('g'), ids('v'), a.started, a.lr, a.momentum, a.weightDecay, a.clipNorm));
  });
}
