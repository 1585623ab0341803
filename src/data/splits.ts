// Train / validation / test splits, as configs choose:
//   released: train on the whole training set, validate on the test set (what SNAS' released
//             code does; a known criticism: the test set then guides the search);
//   darts:    the first half of the training set trains, the second half validates (DARTS);
//   holdout:  a seeded random fraction of the training set validates, the rest trains.
import { permutation } from './batches.js';
import type { DataConfig } from '../config/schema.js';
import { subset, type ImageSet } from './images.js';

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

/** Training, validation and test images and the image side a data config gives, without loading the data (CIFAR-10 has 50,000 training and 10,000 test images). */
export function splitSizes(d: DataConfig): { train: number; valid: number; test: number; size: number } {
  const [n, test, size] = d.dataset === 'cifar10' ? [CIFAR10.train, CIFAR10.test, CIFAR10.size] : [d.train_size, d.test_size, d.image_size];
  switch (d.split) {
    case 'released':
      return { train: n, valid: test, test, size };
    case 'darts':
      return { train: Math.floor(n / 2), valid: n - Math.floor(n / 2), test, size };
    case 'holdout': {
      const held = Math.round(n * d.holdout_fraction);
      return { train: n - held, valid: held, test, size };
    }
  }
}
