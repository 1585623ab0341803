// Where reduction cells sit: at 1/3 and 2/3 of the depth (layers // 3 and 2 * layers // 3).
export function isReduction(i: number, layers: number): boolean {
  return i === Math.floor(layers / 3) || i === Math.floor((2 * layers) / 3);
}

/** Index of the cell whose output feeds the auxiliary head. */
export function auxPosition(layers: number): number {
  return Math.floor((2 * layers) / 3);
}

/** Output size of a stride-2 op with PyTorch padding (k // 2) on n inputs. */
export const halve = (n: number): number => Math.ceil(n / 2);

/** A network cannot be built with the requested shape (channels, cells, input size). */
export class NetworkShapeError extends Error {}

export function checkShape(what: string, channels: number, layers: number, inputSize: number): void {
  for (const [name, v] of [['channels', channels], ['layers', layers], ['input size', inputSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new NetworkShapeError(`${what}: ${name} must be a positive integer, got ${v}`);
  }
  if (channels % 2 !== 0) throw new NetworkShapeError(`${what}: channels must be even (FactorizedReduce splits them in two), got ${channels}`);
  if (layers < 3) throw new NetworkShapeError(`${what}: at least 3 cells are needed for two reduction cells, got ${layers}`);
}
