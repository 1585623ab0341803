// Summary statistics over plain arrays (notebooks and reports).

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Pearson correlation of two equally long series. */
export function pearson(a: number[], b: number[]): number {
  if (a.length !== b.length || a.length < 2) throw new Error(`pearson: need two series of equal length >= 2, got ${a.length} and ${b.length}`);
  const [ma, mb] = [mean(a), mean(b)];
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((x, i) => {
    const [da, db] = [x - ma, b[i]! - mb];
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  });
  return sab / Math.sqrt(saa * sbb);
}
