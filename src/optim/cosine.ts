// The learning-rate schedule of searches and trainings alike.

/** Cosine annealing from lr0 to lrMin over `total` steps (torch's CosineAnnealingLR). */
export function cosineLr(step: number, total: number, lr0: number, lrMin = 0): number {
  return lrMin + 0.5 * (lr0 - lrMin) * (1 + Math.cos((Math.PI * Math.min(step, total)) / total));
}
