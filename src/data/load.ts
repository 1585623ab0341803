// The data a run uses, from its config's data section: the images (CIFAR-10 from disk, or the
// procedural set, generated once and cached), the split, normalisation statistics of the
// training split, and the augmentation to apply.
import { cutoutFor, channelStats, type AugmentOptions, type ChannelStats } from './augment.js';
import { cachedImageSet } from './cache.js';
import { cifarFolder, loadCifar10 } from './cifar10.js';
import { PROCEDURAL_VERSION, generateProcedural } from './procedural.js';
import { splitData, type Split } from './splits.js';
import type { DataConfig } from '../config/schema.js';

export interface Data {
  split: Split;
  stats: ChannelStats;
  augment: AugmentOptions;
  batchSize: number;
  /** One line describing what was loaded, for logs and records. */
  describe: string;
}

/** Offset of the procedural test set's image indices: never shared with the training set. */
const TEST_OFFSET = 1_000_000_000;

export function loadData(cfg: DataConfig, where: string, log: (l: string) => void = () => {}): Data {
  let train;
  let test;
  let what: string;
  if (cfg.dataset === 'cifar10') {
    const folder = cifarFolder(cfg.path, `${where}: data.path`);
    ({ train, test } = loadCifar10(folder));
    what = `CIFAR-10 from ${folder}`;
  } else {
    const gen = (count: number, offset: number) => cachedImageSet(
      { dataset: 'procedural', version: PROCEDURAL_VERSION, size: cfg.image_size, seed: cfg.seed, count, offset },
      () => generateProcedural({ count, size: cfg.image_size, seed: cfg.seed, offset }), log,
    ).set;
    train = gen(cfg.train_size, 0);
    test = gen(cfg.test_size, TEST_OFFSET);
    what = `procedural dataset (seed ${cfg.seed}, ${cfg.image_size}x${cfg.image_size})`;
  }
  const split = splitData(train, test, cfg.split, cfg.holdout_fraction, cfg.seed);
  const size = split.train.size;
  return {
    split,
    stats: channelStats(split.train),
    augment: { cropPadding: cfg.augment.crop_padding, flip: cfg.augment.flip, cutout: cutoutFor(size, cfg.augment.cutout) },
    batchSize: cfg.batch_size,
    describe: `${what}: ${split.train.labels.length} train / ${split.valid.labels.length} valid / ${split.test.labels.length} test, split ${split.kind}`,
  };
}
