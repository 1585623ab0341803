// The one schema every experiment config is validated against (zod). Sections that later
// commands need (search, train, sweep) join this object.
import { z } from 'zod';
import { BACKEND_ORDER } from '../backends/candidates.js';
import { SCALES } from '../scale.js';

export const DataSchema = z.object({
  /** procedural (generated here, the default) or cifar10 (the standard binary files). */
  dataset: z.enum(['procedural', 'cifar10']).default('procedural'),
  /** CIFAR-10: folder with data_batch_1.bin .. test_batch.bin (else SNAS_CIFAR10). */
  path: z.string().min(1).nullable().default(null),
  /** Procedural: image side in pixels (CIFAR-10 is 32). */
  image_size: z.number().int().min(16).max(512).default(32),
  /** Procedural: the dataset's own seed (fixed across runs of different seeds). */
  seed: z.number().int().min(0).default(0),
  /** Procedural: images in the training and test sets. */
  train_size: z.number().int().min(1).default(10_000),
  test_size: z.number().int().min(1).default(2_000),
  /** released (train on all, validate on test), darts (50/50 of train), holdout (a fraction of train). */
  split: z.enum(['released', 'darts', 'holdout']).default('holdout'),
  holdout_fraction: z.number().gt(0).lt(1).default(0.1),
  batch_size: z.number().int().min(1).default(64),
  augment: z.object({
    crop_padding: z.number().int().min(0).default(4),
    flip: z.boolean().default(true),
    /** Side of the cutout square at 32x32 (scaled with the image size); 0 turns it off. */
    cutout: z.number().int().min(0).default(16),
  }).strict().default({}),
}).strict();

export const ConfigSchema = z.object({
  backend: z.enum(['auto', ...BACKEND_ORDER]).default('auto'),
  scale: z.enum(SCALES).optional(),
  seed: z.number().int().min(0).default(0),
  data: DataSchema.default({}),
}).strict();

export type Config = z.infer<typeof ConfigSchema>;
export type DataConfig = z.infer<typeof DataSchema>;
