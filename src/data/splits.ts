// Train / validation / test splits, as configs choose:
//   released: train on the whole training set, validate on the test set (what SNAS' released
//             code does; a known criticism: the test set then guides the search);
//   darts:    the first half of the training set trains, the second half validates (DARTS);
//   holdout:  a seeded random fraction of the training set validates, the rest trains.
import { permutation } from './batches.js';
import type { DataConfig } from '../config/schema.js';
import { FASHION_MNIST } from './fashion-mnist.js';
import { subset, type DataShape, type ImageSet } from './images.js';

export type SplitKind = 'released' | 'darts' | 'holdout';

export interface Split {
  train: ImageSet;
  valid: ImageSet;
  test: ImageSet;
  kind: SplitKind;
}

export function splitData(train: ImageSet, test: ImageSet, kind: SplitKind, fraction = 0.5, seed = 0): Split {
  const n = train.labels.length;
  const range = (a: number, b: number) => Uint32Array.from({ length: b - a }, (_, i) => a + i);
  switch (kind) {
    case 'released':
      return { train, valid: test, test, kind };
    case 'darts': {
      const half = Math.floor(n / 2);
      return { train: subset(train, range(0, half)), valid: subset(train, range(half, n)), test, kind };
    }
    case 'holdout': {
      if (!(fraction > 0 && fraction < 1)) throw new Error(`holdout fraction must be between 0 and 1, got ${fraction}`);
      const p = permutation(n, seed);
      const held = Math.round(n * fraction);
      return { train: subset(train, p.subarray(held)), valid: subset(train, p.subarray(0, held)), test, kind };
    }
  }
}

const CIFAR10 = { train: 50_000, test: 10_000, size: 32 };
export const PROCEDURAL_SIZES = { train: 10_000, test: 2_000 };

export interface SplitSizes extends DataShape {
  train: number;
  valid: number;
  test: number;
}

/** The training and test images a data config uses, before the split. */
export function datasetSizes(d: DataConfig): { train: number; test: number } {
  switch (d.dataset) {
    case 'cifar10':
      return { train: CIFAR10.train, test: CIFAR10.test };
    case 'fashion-mnist':
      return { train: Math.min(d.train_size ?? FASHION_MNIST.train, FASHION_MNIST.train), test: Math.min(d.test_size ?? FASHION_MNIST.test, FASHION_MNIST.test) };
    case 'procedural':
      return { train: d.train_size ?? PROCEDURAL_SIZES.train, test: d.test_size ?? PROCEDURAL_SIZES.test };
  }
}

/** Training, validation and test images and the data's shape a config gives, without loading the data (CIFAR-10 has 50,000 training and 10,000 test images). */
export function splitSizes(d: DataConfig): SplitSizes {
  const { train: n, test } = datasetSizes(d);
  const shape = { size: d.dataset === 'cifar10' ? CIFAR10.size : d.image_size, channels: d.dataset === 'fashion-mnist' ? FASHION_MNIST.channels : 3, classes: 10 };
  switch (d.split) {
    case 'released':
      return { train: n, valid: test, test, ...shape };
    case 'darts':
      return { train: Math.floor(n / 2), valid: n - Math.floor(n / 2), test, ...shape };
    case 'holdout': {
      const held = Math.round(n * d.holdout_fraction);
      return { train: n - held, valid: held, test, ...shape };
    }
  }
}
