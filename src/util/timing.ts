// Wall-clock timing of a repeated piece of work: warm-up runs, then the median of the rest.
export interface Timing {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  reps: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `work` warmup + reps times; `work` must finish its computation (e.g. read a result back). */
export async function timeIt(work: () => unknown, opts: { warmup?: number; reps?: number } = {}): Promise<Timing> {
  const warmup = opts.warmup ?? 1;
  const reps = opts.reps ?? 5;
  if (!(reps >= 1)) throw new Error(`timeIt: reps must be at least 1, got ${reps}`);
  const times: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    await work();
    if (i >= warmup) times.push(performance.now() - t0);
  }
  return { median_ms: median(times), min_ms: Math.min(...times), max_ms: Math.max(...times), reps };
}
