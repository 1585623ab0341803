// The one schema every experiment config is validated against (zod): the shared sections, a
// search section whose keys depend on its method, and a training section.
import { z } from 'zod';
import { BACKEND_ORDER } from '../backends/candidates.js';
import { SCALES } from '../scale.js';
import { RELEASED_SCHEDULE, TemperatureSchema } from '../samplers/temperature.js';
import { EVAL_BN } from '../nn/module.js';

export const DataSchema = z.object({
  /** procedural (generated here, the default), cifar10 (the standard binary files) or fashion-mnist (the IDX files). */
  dataset: z.enum(['procedural', 'cifar10', 'fashion-mnist']).default('procedural'),
  /** The dataset's folder: CIFAR-10's data_batch_1.bin .. test_batch.bin (else SNAS_CIFAR10), Fashion-MNIST's IDX files (else SNAS_FASHION_MNIST, else Debian's folder). */
  path: z.string().min(1).nullable().default(null),
  /** Image side in pixels. Procedural: any from 16; CIFAR-10: 32; Fashion-MNIST: 28 (its own), or 32, 16, 8 (padded to 32, block-averaged). */
  image_size: z.number().int().min(8).max(512).default(32),
  /** The dataset's own seed (fixed across runs of different seeds): the procedural images, the Fashion-MNIST subsets. */
  seed: z.number().int().min(0).default(0),
  /** Images in the training and test sets: procedural, how many to generate (null: 10,000 and 2,000); Fashion-MNIST, a seeded subset (null: all 60,000 and 10,000). */
  train_size: z.number().int().min(1).nullable().default(null),
  test_size: z.number().int().min(1).nullable().default(null),
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

/** The resource constraint's term in the search loss (Sec. 2.4, App. F); lambda 0 turns it off. */
export const ConstraintSchema = z.object({
  /**
   * reparam_log: sum over edges of the mean over criteria of log(max(1, sum_k c_k Z_k));
   * policy_gradient: sum over edges of log p(Z_edge) times that cost held constant (Eq. 11);
   * expected: the log cost under softmax(log alpha) instead of Z.
   */
  form: z.enum(['reparam_log', 'policy_gradient', 'expected']).default('reparam_log'),
  lambda: z.number().min(0).default(0),
}).strict();

/** DARTS' options (SNAS-FACTS, "DARTS"; iDARTS in METHODS-FACTS). */
export const DartsSchema = z.object({
  /**
   * 1: alpha's gradient at the current weights; 2: at the unrolled weights, with the
   * finite-difference Hessian-vector term; implicit (iDARTS): the implicit-function hypergradient,
   * the inverse Hessian as a Neumann series (src/search/implicit.ts).
   */
  order: z.union([z.literal(1), z.literal(2), z.literal('implicit')]).default(1),
  /** true: weights on one half of the training split, alpha on the other; false: both from one batch and one backward pass. */
  bilevel: z.boolean().default(true),
  /**
   * order implicit: the Neumann series' terms K beyond the first (K Hessian-vector products a
   * step); 3 when absent (NEUMANN_DEFAULTS). Without a default here, so that the configs of the
   * other orders (and their recorded runs) do not carry it.
   */
  neumann_terms: z.number().int().min(0).optional(),
  /** order implicit: the series' step eta in eta * sum_k (I - eta H)^k (below 2 / the Hessian's largest eigenvalue); 0.01 when absent. */
  neumann_lr: z.number().positive().optional(),
}).strict();

/** iDARTS' Neumann series where a config leaves it out. */
export const NEUMANN_DEFAULTS = { terms: 3, lr: 0.01 } as const;

/** GDAS' options (METHODS-FACTS, "GDAS"): the temperature of its hard Gumbel samples falls linearly over the run. */
export const GdasSchema = z.object({
  tau_max: z.number().positive().default(10),
  tau_min: z.number().positive().default(0.1),
}).strict();

/** UNAS' gradient estimators (src/search/estimators.ts). */
export const UNAS_ESTIMATORS = ['pathwise', 'reinforce', 'rebar'] as const;

/** UNAS' options (METHODS-FACTS, "UNAS"). */
export const UnasSchema = z.object({
  estimator: z.enum(UNAS_ESTIMATORS).default('rebar'),
  /** lambda of the objective L_train + lambda |L_val - L_train| (0: L_train alone). */
  gap_weight: z.number().min(0).default(0.5),
  /** The relaxation's temperature (pathwise samples, rebar's control variate). */
  tau: z.number().positive().default(1),
  /** reinforce, rebar: the decay of the baseline, a moving average of the estimator's learning signal. */
  baseline_decay: z.number().min(0).lt(1).default(0.99),
  /** rebar: the control variate's scale (fixed here; REBAR tunes it). */
  rebar_eta: z.number().min(0).default(1),
}).strict();

/** DARTS-PRIME's ADMM regularisation (METHODS-FACTS, "DARTS-PRIME"). */
export const AdmmSchema = z.object({
  /** Steps between the projections of softmax(alpha) + u onto discrete architectures (and the dual updates). */
  every: z.number().int().min(1).default(10),
  /** The penalty rho/2 sum ||softmax(alpha) - z + u||^2 in the architecture step. */
  rho: z.number().min(0).default(1e-3),
}).strict();

/** Random search with weight sharing (METHODS-FACTS): uniform children train the supernet; the best of N ranked on a batch is the result. */
export const RandomWsSchema = z.object({
  /** Architectures sampled and ranked at the end of each epoch by accuracy on a batch of the other half of the training split. */
  candidates: z.number().int().min(1).default(10),
}).strict();

/** NASP's op sets: the paper's per cell type (Sec. 4.1) or DARTS' seven ops in both cells (src/search/nasp-space.ts). */
export const NASP_SPACES = ['paper', 'darts'] as const;
/** NASP's update (Algorithm 2) and the two proximal baselines of its Sec. 4.5 (src/search/nasp-update.ts). */
export const NASP_UPDATES = ['nasp', 'pa-standard', 'pa-lazy'] as const;

/** NASP's options (SNAS-FACTS, "NASP"). */
export const NaspSchema = z.object({
  space: z.enum(NASP_SPACES).default('paper'),
  /** Weight of Sec. 3.3's model-size regulariser (0 in the paper's main runs). */
  eta: z.number().min(0).default(0),
  update: z.enum(NASP_UPDATES).default('nasp'),
}).strict();

/** ENAS' controller (an LSTM trained by REINFORCE on validation accuracy; METHODS-FACTS, "ENAS"). */
export const EnasSchema = z.object({
  lstm_size: z.number().int().min(1).default(100),
  controller_lr: z.number().positive().default(3.5e-4),
  /** Weight of the sampled child's entropy added to its reward. */
  entropy_weight: z.number().min(0).default(1e-4),
  baseline_decay: z.number().min(0).lt(1).default(0.99),
  /** Logits are divided by this temperature, then tanh-squashed to tanh_constant. */
  temperature: z.number().positive().default(5),
  tanh_constant: z.number().positive().default(2.5),
  /** Children sampled and scored per controller step, their REINFORCE gradients averaged. */
  children_per_step: z.number().int().min(1).default(10),
  /** Cells sampled at the end of each epoch; the best on a batch of the other half of the training split is the result. */
  final_samples: z.number().int().min(1).default(10),
}).strict();

export const SEARCH_METHODS = ['snas', 'darts', 'nasp', 'enas', 'gdas', 'unas', 'darts-prime', 'random-ws'] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

/** The keys every search method reads: budget, network size, and the weights' SGD. */
const SEARCH_BASE = {
  epochs: z.number().int().min(1).default(150),
  layers: z.number().int().min(3).default(8),
  channels: z.number().int().min(1).default(16),
  /** Cap on training steps per epoch (null: the whole training split). */
  steps_per_epoch: z.number().int().min(1).nullable().default(null),
  /** Cap on validation batches per evaluation (null: the whole validation split). */
  eval_batches: z.number().int().min(1).nullable().default(null),
  /**
   * Which of the two per-epoch evaluations (both are recorded) search_val_acc and child_val_acc
   * report: BN with each batch's own statistics, or with the running averages (the released
   * code's eval mode), which average over the last ~10 steps' weights and, for sampling methods,
   * over as many different sampled children.
   */
  eval_bn: z.enum(EVAL_BN).default('batch'),
  lr: z.number().positive().default(0.025),
  lr_min: z.number().min(0).default(0.001),
  momentum: z.number().min(0).max(1).default(0.9),
  weight_decay: z.number().min(0).default(3e-4),
  grad_clip: z.number().min(0).default(5),
  /** Also write a checkpoint every N steps within an epoch (0: at the end of each epoch only). */
  checkpoint_every: z.number().int().min(0).default(0),
};

/** The architecture parameters' optimiser and initialisation (SNAS, DARTS, NASP). */
const ALPHA_KEYS = {
  /** adam (the paper) or sgd (the released code's single-GPU path). */
  alpha_optimizer: z.enum(['adam', 'sgd']).default('adam'),
  alpha_lr: z.number().positive().default(3e-4),
  alpha_betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.5, 0.999]),
  alpha_weight_decay: z.number().min(0).default(1e-3),
  /** log alpha ~ N(mean, std), as the released code initialises it. */
  alpha_init: z.object({ mean: z.number().default(1), std: z.number().min(0).default(0.01) }).strict().default({}),
};

/** The keys every search method, or every method with alpha, reads (the rest of a search section is its method's own). */
export const METHOD_SHARED_KEYS: ReadonlySet<string> = new Set(['method', ...Object.keys(SEARCH_BASE), ...Object.keys(ALPHA_KEYS)]);

/** SNAS (the paper's defaults and the released code's): its temperature, sampler and resource constraint. */
export const SnasSearchSchema = z.object({
  method: z.literal('snas'),
  ...SEARCH_BASE,
  ...ALPHA_KEYS,
  drop_path: z.number().min(0).lt(1).default(0.3),
  temperature: TemperatureSchema.default(RELEASED_SCHEDULE),
  /** Straight-through: one-hot forward, relaxed gradient. */
  straight_through: z.boolean().default(false),
  constraint: ConstraintSchema.default({}),
}).strict();

export const DartsSearchSchema = z.object({ method: z.literal('darts'), ...SEARCH_BASE, ...ALPHA_KEYS, darts: DartsSchema.default({}) }).strict();
export const NaspSearchSchema = z.object({ method: z.literal('nasp'), ...SEARCH_BASE, ...ALPHA_KEYS, nasp: NaspSchema.default({}) }).strict();
export const EnasSearchSchema = z.object({ method: z.literal('enas'), ...SEARCH_BASE, enas: EnasSchema.default({}) }).strict();
export const GdasSearchSchema = z.object({ method: z.literal('gdas'), ...SEARCH_BASE, ...ALPHA_KEYS, gdas: GdasSchema.default({}) }).strict();
export const UnasSearchSchema = z.object({ method: z.literal('unas'), ...SEARCH_BASE, ...ALPHA_KEYS, unas: UnasSchema.default({}) }).strict();
export const DartsPrimeSearchSchema = z.object({ method: z.literal('darts-prime'), ...SEARCH_BASE, ...ALPHA_KEYS, admm: AdmmSchema.default({}) }).strict();
export const RandomWsSearchSchema = z.object({ method: z.literal('random-ws'), ...SEARCH_BASE, random_ws: RandomWsSchema.default({}) }).strict();

/**
 * An architecture search (snas search): one section per method, each with the keys that method
 * reads and no others, so a key the chosen method ignores is an error. `method` defaults to snas.
 */
export const SearchSchema = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) && !('method' in v) ? { method: 'snas', ...v } : v),
  z.discriminatedUnion('method', [
    SnasSearchSchema, DartsSearchSchema, NaspSearchSchema, EnasSearchSchema, GdasSearchSchema, UnasSearchSchema, DartsPrimeSearchSchema, RandomWsSearchSchema,
  ]),
);

/** Training a derived network from scratch (snas train); defaults are the CIFAR-10 evaluation's (SNAS-FACTS). */
export const TrainSchema = z.object({
  /** A published genotype by name (SNAS_mild, DARTS_V2, ...) or a path to a genotype file (a search run's genotype.json). */
  genotype: z.string().min(1),
  epochs: z.number().int().min(1).default(600),
  layers: z.number().int().min(3).default(20),
  channels: z.number().int().min(1).default(36),
  lr: z.number().positive().default(0.025),
  lr_min: z.number().min(0).default(0),
  momentum: z.number().min(0).max(1).default(0.9),
  weight_decay: z.number().min(0).default(3e-4),
  grad_clip: z.number().min(0).default(5),
  /** Weight of the auxiliary head's loss (0: no auxiliary head). */
  auxiliary_weight: z.number().min(0).default(0.4),
  /** Drop-path probability reached at the last epoch, ramped linearly from 0. */
  drop_path: z.number().min(0).lt(1).default(0.2),
  /** SNAS' cells put a BN after each pool, DARTS' do not; null: by the genotype's name (DARTS_* bare). */
  pool_bn: z.boolean().nullable().default(null),
  /** Cap on training steps per epoch (null: the whole training split). */
  steps_per_epoch: z.number().int().min(1).nullable().default(null),
  /** Cap on test batches per evaluation (null: the whole test set). */
  eval_batches: z.number().int().min(1).nullable().default(null),
  /** Cap on test batches for the evaluations after every epoch but the last (null: as eval_batches); the last epoch's, which Table 2 reports, keeps eval_batches. */
  interim_eval_batches: z.number().int().min(1).nullable().default(null),
  checkpoint_every: z.number().int().min(0).default(0),
}).strict();

const Sections = {
  backend: z.enum(['auto', ...BACKEND_ORDER]).default('auto'),
  scale: z.enum(SCALES).optional(),
  seed: z.number().int().min(0).default(0),
  /**
   * libtorch's threads for this run. Its sums (convolution gradients, batch statistics) split
   * over threads differently with each count, so the count is part of the run: every executor
   * runs it with this many, alone or beside other runs, and reuse and resume compare it.
   */
  threads: z.number().int().min(1).default(1),
  data: DataSchema.default({}),
  search: SearchSchema.optional(),
  train: TrainSchema.optional(),
};

export const ConfigSchema = z.object({
  ...Sections,
  /** Per-scale overrides, merged over the rest before validation (see applyScale in load.ts). */
  scales: z.record(z.enum(SCALES), z.record(z.unknown())).optional(),
}).strict();

export type Config = z.infer<typeof ConfigSchema>;
export type SearchConfig = z.infer<typeof SearchSchema>;
export type SnasConfig = z.infer<typeof SnasSearchSchema>;
export type DartsConfig = z.infer<typeof DartsSearchSchema>;
export type NaspConfig = z.infer<typeof NaspSearchSchema>;
export type NaspSpace = (typeof NASP_SPACES)[number];
export type NaspUpdate = (typeof NASP_UPDATES)[number];
export type EnasConfig = z.infer<typeof EnasSearchSchema>;
export type GdasConfig = z.infer<typeof GdasSearchSchema>;
export type UnasConfig = z.infer<typeof UnasSearchSchema>;
export type UnasEstimator = (typeof UNAS_ESTIMATORS)[number];
export type DartsPrimeConfig = z.infer<typeof DartsPrimeSearchSchema>;
export type RandomWsConfig = z.infer<typeof RandomWsSearchSchema>;
/** The configs of the methods with architecture parameters alpha (SNAS, DARTS, NASP, GDAS, UNAS, DARTS-PRIME). */
export type AlphaConfig = SnasConfig | DartsConfig | NaspConfig | GdasConfig | UnasConfig | DartsPrimeConfig;
export type TrainConfig = z.infer<typeof TrainSchema>;
export type DataConfig = z.infer<typeof DataSchema>;
