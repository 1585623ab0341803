// The data a run uses, from its config's data section: the images (CIFAR-10 or Fashion-MNIST
// from disk, or the procedural set, generated once and cached), the split, normalisation
// statistics of the training split, and the augmentation to apply.
import { cutoutFor, channelStats, type AugmentOptions, type ChannelStats } from './augment.js';
import { cachedImageSet } from './cache.js';
import { cifarFolder, loadCifar10 } from './cifar10.js';
import { permutation } from './batches.js';
import { DataError } from './errors.js';
import { fashionFolder, loadFashionMnist } from './fashion-mnist.js';
import { shapeOf, subset, type DataShape, type ImageSet } from './images.js';
import { PROCEDURAL_VERSION, generateProcedural } from './procedural.js';
import { resizeSet } from './resize.js';
import { datasetSizes, splitData, type Split } from './splits.js';
import type { DataConfig } from '../config/schema.js';

export interface Data {
  split: Split;
  stats: ChannelStats;
  augment: AugmentOptions;
  batchSize: number;
  /** Image side, channels and classes, for the networks. */
  shape: DataShape;
  /** One line describing what was loaded, for logs and records. */
  describe: string;
}

/** Offset of the procedural test set's image indices: never shared with the training set. */
const TEST_OFFSET = 1_000_000_000;

/** The first `n` images of a seeded permutation of `set` (all of it, in order, when n covers it). */
function seededSubset(set: ImageSet, n: number, seed: number): ImageSet {
  if (n >= set.labels.length) return set;
  return subset(set, permutation(set.labels.length, seed).subarray(0, n));
}

export function loadData(cfg: DataConfig, where: string, log: (l: string) => void = () => {}): Data {
  let train: ImageSet;
  let test: ImageSet;
  let what: string;
  if (cfg.dataset === 'cifar10') {
    const folder = cifarFolder(cfg.path, `${where}: data.path`);
    ({ train, test } = loadCifar10(folder));
    what = `CIFAR-10 from ${folder}`;
    if (cfg.image_size !== 32) throw new DataError(`${where}: data.image_size is ${cfg.image_size}; CIFAR-10 images are 32x32 (expected 32)`);
  } else if (cfg.dataset === 'fashion-mnist') {
    const folder = fashionFolder(cfg.path, `${where}: data.path`);
    const full = loadFashionMnist(folder);
    const sizes = datasetSizes(cfg);
    // Subsets first (fewer images to resize), seeded by the dataset's seed and distinct per part.
    train = resizeSet(seededSubset(full.train, sizes.train, cfg.seed), cfg.image_size, `${where}: data.image_size`);
    test = resizeSet(seededSubset(full.test, sizes.test, cfg.seed + 1), cfg.image_size, `${where}: data.image_size`);
    const resized = cfg.image_size === 28 ? '28x28' : `28x28 padded to 32x32${cfg.image_size === 32 ? '' : `, averaged to ${cfg.image_size}x${cfg.image_size}`}`;
    what = `Fashion-MNIST from ${folder} (${resized})`;
  } else {
    const gen = (count: number, offset: number) => cachedImageSet(
      { dataset: 'procedural', version: PROCEDURAL_VERSION, size: cfg.image_size, seed: cfg.seed, count, offset },
      () => generateProcedural({ count, size: cfg.image_size, seed: cfg.seed, offset }), log,
    ).set;
    const sizes = datasetSizes(cfg);
    train = gen(sizes.train, 0);
    test = gen(sizes.test, TEST_OFFSET);
    what = `procedural dataset (seed ${cfg.seed}, ${cfg.image_size}x${cfg.image_size})`;
  }
  const split = splitData(train, test, cfg.split, cfg.holdout_fraction, cfg.seed);
  const size = split.train.size;
  return {
    split,
    stats: channelStats(split.train),
    augment: { cropPadding: cfg.augment.crop_padding, flip: cfg.augment.flip, cutout: cutoutFor(size, cfg.augment.cutout) },
    batchSize: cfg.batch_size,
    shape: shapeOf(split.train),
    describe: `${what}: ${split.train.labels.length} train / ${split.valid.labels.length} valid / ${split.test.labels.length} test, split ${split.kind}`,
  };
}
