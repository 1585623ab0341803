// Exact counts for a network: parameters (from its variables, with and without the
// auxiliary head) and multiply-adds for one image, measured by a forward pass in inference
// mode whose leaf layers report their costs.
//
// Conventions:
//   mult_adds: multiply-accumulates of convolutions and linear layers (the paper's convention);
//   ops_all:   mult_adds plus one operation per element for BN, ReLU and each extra operand of
//              a node's sum, the window size per output element for pooling, and one per input
//              element for global average pooling (the convention of counters that include them).
import * as tf from '@tensorflow/tfjs';
import { CostTrace } from '../nn/trace.js';
import { DerivedNetwork, type DerivedNetworkOptions } from '../networks/derived.js';

export interface NetworkCost {
  params: number;
  params_with_aux: number;
  mult_adds: number;
  ops_all: number;
}

export function countNetwork(net: DerivedNetwork): NetworkCost {
  const size = net.opts.inputSize;
  const trace = new CostTrace();
  tf.tidy(() => {
    net.forward(tf.zeros([1, size, size, net.opts.inputChannels ?? 3]), { training: false, trace });
  });
  let macs = 0;
  let elementwise = 0;
  for (const e of trace.events) {
    macs += e.macs / e.batch;
    elementwise += e.ops / e.batch;
  }
  return { ...net.parameterCounts(), mult_adds: macs, ops_all: macs + elementwise };
}

/** Builds the evaluation network (with its auxiliary head, so both parameter counts exist), counts it, frees it. */
export function countGenotypeNetwork(opts: Omit<DerivedNetworkOptions, 'auxiliary'>): NetworkCost {
  const net = new DerivedNetwork({ ...opts, auxiliary: true });
  try {
    return countNetwork(net);
  } finally {
    net.dispose();
  }
}
