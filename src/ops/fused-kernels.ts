// The names of snas-lab's fused kernels: the one contract between the ops that run them
// (fused.ts, and the SGD step of src/optim/) and the backend that registers them
// (src/backends/torch/kernels/fused.ts). Each forward kernel with a gradient has its own
// backward kernel.
export const FUSED = {
  conv: 'SnasConv',
  convBackward: 'SnasConvBackward',
  maxPool: 'SnasMaxPool',
  maxPoolBackward: 'SnasMaxPoolBackward',
  avgPool: 'SnasAvgPool',
  avgPoolBackward: 'SnasAvgPoolBackward',
  batchNormTrain: 'SnasBatchNormTrain',
  batchNormTrainBackward: 'SnasBatchNormTrainBackward',
  sepBlock: 'SnasSepBlock',
  sepBlockBackward: 'SnasSepBlockBackward',
  poolBlock: 'SnasPoolBlock',
  poolBlockBackward: 'SnasPoolBlockBackward',
  sepBlockInfer: 'SnasSepBlockInfer',
  poolBlockInfer: 'SnasPoolBlockInfer',
  reluBackward: 'SnasReluBackward',
  weightedSum: 'SnasWeightedSum',
  weightedSumBackward: 'SnasWeightedSumBackward',
  sgdStep: 'SnasSgdStep',
} as const;

export type FusedKernel = (typeof FUSED)[keyof typeof FUSED];

/** Every fused kernel's name. */
export const FUSED_KERNELS: readonly FusedKernel[] = Object.values(FUSED);
