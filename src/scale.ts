// Run scales shared by configs, the CLI and notebooks. The CLI takes --scale; a notebook reads
// the invocation's scale (scaleFromEnv, src/config/invocation.ts).
export const SCALES = ['smoke', 'quick', 'paper'] as const;
export type Scale = (typeof SCALES)[number];
export const DEFAULT_SCALE: Scale = 'quick';

export const SCALE_INFO: Record<Scale, string> = {
  smoke: 'seconds per notebook: tiny shapes and a few steps, to check that everything runs (used by npm test)',
  quick: 'the default: the whole reproduction on a 2-core machine within an hour, on Fashion-MNIST at 16x16',
  paper: "the paper's settings: CIFAR-10 (or ImageNet) and a GPU; hours to days",
};

export class ScaleError extends Error {}

/** Validates a scale name; `where` names its source (a flag, a file and key, a variable) in the error. */
export function parseScale(value: string, where: string): Scale {
  const v = value.trim();
  if ((SCALES as readonly string[]).includes(v)) return v as Scale;
  throw new ScaleError(`${where}: unknown scale '${value}'; expected one of ${SCALES.join(', ')}`);
}

/** Picks the value for the current scale from a per-scale table (so a notebook states all three in one place). */
export function byScale<T>(scale: Scale, values: Record<Scale, T>): T {
  return values[scale];
}
