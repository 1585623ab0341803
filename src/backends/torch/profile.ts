// Time spent in each native call of the torch backend (calls are synchronous, so wall time
// around each call is the native work). What is left of a step's time is tfjs' own overhead.
import { loadAddon } from './addon.js';

export interface NativeProfileRow {
  call: string;
  ms: number;
  calls: number;
}

export interface NativeProfile {
  reset(): void;
  rows(): NativeProfileRow[];
  totalMs(): number;
}

let active: NativeProfile | undefined;

/** Wraps every native function once; calls with a kernel name as first argument are split by it. */
export function profileNative(): NativeProfile {
  if (active) return active;
  const native = loadAddon() as unknown as Record<string, unknown>;
  const table = new Map<string, { ms: number; calls: number }>();
  for (const [name, f] of Object.entries(native)) {
    if (typeof f !== 'function') continue;
    native[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return (f as (...a: unknown[]) => unknown)(...args);
      } finally {
        const key = typeof args[0] === 'string' ? `${name}:${args[0]}` : name;
        const e = table.get(key) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        table.set(key, e);
      }
    };
  }
  active = {
    reset: () => table.clear(),
    rows: () => [...table].map(([call, e]) => ({ call, ...e })).sort((a, b) => b.ms - a.ms),
    totalMs: () => [...table.values()].reduce((s, e) => s + e.ms, 0),
  };
  return active;
}
