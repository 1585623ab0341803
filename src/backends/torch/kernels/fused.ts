// snas-lab's fused kernels (names starting with Snas), each a single ATen call with its own
// backward kernel, used by src/ops/fused.ts in place of tfjs' composite gradients.
import { input, kernel } from './register.js';

/** Inputs x0, x1, ... (or another one-letter prefix) of a variadic fused kernel, in order. */
function numbered(inputs: Record<string, unknown>, prefix = 'x'): string[] {
  return Object.keys(inputs).filter((k) => k[0] === prefix && /^\d+$/.test(k.slice(1))).sort((p, q) => Number(p.slice(1)) - Number(q.slice(1)));
}

export const FUSED_KERNELS = [
  'SnasConv', 'SnasConvBackward', 'SnasMaxPool', 'SnasMaxPoolBackward', 'SnasAvgPool', 'SnasAvgPoolBackward',
  'SnasBatchNormTrain', 'SnasBatchNormTrainBackward', 'SnasSepBlock', 'SnasSepBlockBackward', 'SnasPoolBlock', 'SnasPoolBlockBackward', 'SnasSepBlockInfer', 'SnasPoolBlockInfer', 'SnasReluBackward', 'SnasWeightedSum', 'SnasWeightedSumBackward',
  'SnasSgdStep',
] as const;

const pads = (p: number) => [p, p, p, p];

export function registerFusedKernels(): void {
  kernel('SnasConv', (inputs, b, a) =>
    b.result(b.native.conv(b.id(input(inputs, 'x', 'SnasConv')), b.id(input(inputs, 'w', 'SnasConv')),
      [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.depthwise)));
  kernel('SnasConvBackward', (inputs, b, a) =>
    b.native.convBackward(b.id(input(inputs, 'dy', 'SnasConvBackward')), b.id(input(inputs, 'x', 'SnasConvBackward')),
      b.id(input(inputs, 'w', 'SnasConvBackward')), [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.depthwise,
      true, true).map((o) => b.result(o)));
  kernel('SnasMaxPool', (inputs, b, a) =>
    b.native.maxPool(b.id(input(inputs, 'x', 'SnasMaxPool')), [a.k, a.k], [a.stride, a.stride], pads(a.pad)).map((o) => b.result(o)));
  kernel('SnasMaxPoolBackward', (inputs, b, a) =>
    b.result(b.native.maxPoolBackward(b.id(input(inputs, 'dy', 'SnasMaxPoolBackward')), b.id(input(inputs, 'x', 'SnasMaxPoolBackward')),
      b.id(input(inputs, 'indices', 'SnasMaxPoolBackward')), [a.k, a.k], [a.stride, a.stride], pads(a.pad))));
  kernel('SnasAvgPool', (inputs, b, a) =>
    b.result(b.native.avgPool(b.id(input(inputs, 'x', 'SnasAvgPool')), [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.countIncludePad)));
  kernel('SnasAvgPoolBackward', (inputs, b, a) =>
    b.result(b.native.avgPoolBackward(b.id(input(inputs, 'dy', 'SnasAvgPoolBackward')), b.id(input(inputs, 'x', 'SnasAvgPoolBackward')),
      [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.countIncludePad)));
  // With runningMean and runningVar inputs, updates them in place (see fusedBatchNormTrain).
  kernel('SnasBatchNormTrain', (inputs, b, a) => {
    const running = inputs.runningMean && inputs.runningVar ? [b.id(inputs.runningMean), b.id(inputs.runningVar)] : [];
    return b.native.bnTrain(b.id(input(inputs, 'x', 'SnasBatchNormTrain')), a.eps, a.momentum, ...running).map((o) => b.result(o));
  });
  kernel('SnasBatchNormTrainBackward', (inputs, b) =>
    b.result(b.native.bnTrainBackward(b.id(input(inputs, 'dy', 'SnasBatchNormTrainBackward')),
      b.id(input(inputs, 'y', 'SnasBatchNormTrainBackward')), b.id(input(inputs, 'invstd', 'SnasBatchNormTrainBackward')))));
  // Also updates runningMean and runningVar in place when given (see fusedSepBlock).
  kernel('SnasSepBlock', (inputs, b, a) => {
    const running = inputs.runningMean && inputs.runningVar ? [b.id(inputs.runningMean), b.id(inputs.runningVar)] : [];
    return b.native.sepBlock(b.id(input(inputs, 'x', 'SnasSepBlock')), b.id(input(inputs, 'wd', 'SnasSepBlock')), b.id(input(inputs, 'wp', 'SnasSepBlock')),
      [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.eps, a.momentum, ...running).map((o) => b.result(o));
  });
  kernel('SnasSepBlockBackward', (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, 'SnasSepBlockBackward'));
    return b.native.sepBlockBackward(id('dy'), id('x'), id('d'), id('y'), id('invstd'), id('wd'), id('wp'),
      [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation]).map((o) => b.result(o));
  });
  // Also updates runningMean and runningVar in place when given (see fusedPoolBlock).
  kernel('SnasPoolBlock', (inputs, b, a) => {
    const running = inputs.runningMean && inputs.runningVar ? [b.id(inputs.runningMean), b.id(inputs.runningVar)] : [];
    return b.native.poolBlock(b.id(input(inputs, 'x', 'SnasPoolBlock')), a.max, [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.eps, a.momentum, ...running)
      .map((o) => b.result(o));
  });
  kernel('SnasPoolBlockBackward', (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, 'SnasPoolBlockBackward'));
    return b.result(b.native.poolBlockBackward(id('dy'), id('x'), id('y'), id('invstd'), a.max ? id('indices') : -1, a.max,
      [a.k, a.k], [a.stride, a.stride], pads(a.pad)));
  });
  // Inference mode: the running statistics are read, not updated.
  kernel('SnasSepBlockInfer', (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, 'SnasSepBlockInfer'));
    return b.result(b.native.sepBlockInfer(id('x'), id('wd'), id('wp'), [a.stride, a.stride], pads(a.pad), [a.dilation, a.dilation], a.eps, id('runningMean'), id('runningVar')));
  });
  kernel('SnasPoolBlockInfer', (inputs, b, a) => {
    const id = (name: string) => b.id(input(inputs, name, 'SnasPoolBlockInfer'));
    return b.result(b.native.poolBlockInfer(id('x'), a.max, [a.k, a.k], [a.stride, a.stride], pads(a.pad), a.eps, id('runningMean'), id('runningVar')));
  });
  kernel('SnasReluBackward', (inputs, b) =>
    b.result(b.native.reluBackward(b.id(input(inputs, 'dy', 'SnasReluBackward')), b.id(input(inputs, 'y', 'SnasReluBackward')))));
  kernel('SnasWeightedSum', (inputs, b) =>
    b.result(b.native.weightedSum(numbered(inputs).map((k) => b.id(inputs[k]!)), b.id(input(inputs, 'w', 'SnasWeightedSum')))));
  kernel('SnasWeightedSumBackward', (inputs, b) =>
    b.native.weightedSumBackward(b.id(input(inputs, 'dy', 'SnasWeightedSumBackward')), numbered(inputs).map((k) => b.id(inputs[k]!)),
      b.id(input(inputs, 'w', 'SnasWeightedSumBackward'))).map((o) => b.result(o)));
  // Updates its p* and v* inputs in place (see fusedSgdStep).
  kernel('SnasSgdStep', (inputs, b, a) => {
    const ids = (prefix: string) => numbered(inputs, prefix).map((k) => b.id(inputs[k]!));
    return b.result(b.native.sgdStep(ids('p'), ids('g'), ids('v'), a.started, a.lr, a.momentum, a.weightDecay, a.clipNorm));
  });
}
