// Train / validation / test splits, as configs choose:
//   released: train on the whole training set, validate on the test set (what SNAS' released
//             code does; a known criticism: the test set then guides the search);
//   darts:    the first half of the training set trains, the second half validates (DARTS);
//   holdout:  a seeded random fraction of the training set validates, the rest trains.
import { permutation } from './batches.js';
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
