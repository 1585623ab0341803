// A network's variables and their SGD momentum buffers under the names every checkpoint uses.
import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module.js';
import type { Sgd } from './sgd.js';

export function networkState(net: Module, sgd: Sgd): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [path, v] of net.namedVariables()) out.set(`net/${path}`, v);
  for (const [path, v] of net.namedVariables()) if (v.trainable) out.set(`sgd/${path}`, sgd.velocityOf(v));
  return out;
}
