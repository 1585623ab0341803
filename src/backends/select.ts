// Picks the compute backend: the fastest candidate that works, unless the environment
// variable SNAS_BACKEND or a config's `backend` key names one.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_ORDER, BackendUnavailable, CANDIDATES, type BackendName, type Candidate } from './candidates.js';
import { torchInfo } from './torch/index.js';

export const BACKEND_ENV = 'SNAS_BACKEND';
export type BackendRequest = BackendName | 'auto';

export interface BackendChoice {
  /** snas-lab's name for the backend (torch, tfjs-node-gpu, tfjs-node, wasm, cpu). */
  name: BackendName;
  /** tfjs' name for the active backend (tf.getBackend()). */
  tfjsBackend: string;
  /** Who chose it: 'auto', the environment variable, or a config file. */
  chosenBy: string;
  /** The faster candidates that were passed over, with the reason. */
  skipped: { name: BackendName; reason: string }[];
}

export class BackendError extends Error {}

/** Whether the chosen backend computes on a GPU (tfjs-node-gpu, or libtorch on a CUDA device). */
export function onGpu(choice: BackendChoice): boolean {
  return choice.name === 'tfjs-node-gpu' || (choice.name === 'torch' && (torchInfo()?.device ?? '').startsWith('cuda'));
}

export interface SelectOptions {
  /** A request from a config (`backend:` key); the environment variable takes precedence. */
  requested?: string;
  /** Where `requested` came from, for messages (e.g. 'configs/search/snas-mild.yaml: backend'). */
  requestedBy?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  candidates?: readonly Candidate[];
}

/** Validates a backend request; `where` names its source in the error. */
export function parseBackendRequest(value: string, where: string): BackendRequest {
  const v = value.trim();
  if (v === 'auto' || (BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendRequest;
  throw new BackendError(`${where}: unknown backend '${value}'; expected one of auto, ${BACKEND_ORDER.join(', ')}`);
}

function describe(choice: BackendChoice): string {
  const skipped = choice.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `backend: ${choice.name} (${choice.chosenBy})${skipped ? ` - skipped ${skipped}` : ''}`;
}

/** Activates and returns the backend to run on, printing one line that says which and why. */
export async function selectBackend(opts: SelectOptions = {}): Promise<BackendChoice> {
  const env = opts.env ?? process.env;
  const candidates = opts.candidates ?? CANDIDATES;
  const log = opts.log ?? ((line: string) => console.log(line));
  let request: BackendRequest = 'auto';
  let chosenBy = 'auto';
  const fromEnv = env[BACKEND_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    request = parseBackendRequest(fromEnv, `environment variable ${BACKEND_ENV}`);
    chosenBy = `${BACKEND_ENV}=${fromEnv.trim()}`;
  } else if (opts.requested !== undefined) {
    const where = opts.requestedBy ?? 'config: backend';
    request = parseBackendRequest(opts.requested, where);
    chosenBy = request === 'auto' ? 'auto' : where;
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const candidate of candidates) {
    if (request !== 'auto' && candidate.name !== request) continue;
    try {
      await candidate.activate();
    } catch (err) {
      const reason = err instanceof BackendUnavailable ? err.message : `failed: ${(err as Error).message}`;
      if (request !== 'auto') throw new BackendError(`backend ${request} requested by ${chosenBy} is unavailable: ${reason}`);
      skipped.push({ name: candidate.name, reason });
      continue;
    }
    const choice: BackendChoice = { name: candidate.name, tfjsBackend: tf.getBackend(), chosenBy, skipped };
    log(describe(choice));
    return choice;
  }
  throw new BackendError(`no backend could be started: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** The candidates that start on this machine (used by tests to sweep every backend); restores the active backend. */
export async function usableBackends(candidates: readonly Candidate[] = CANDIDATES): Promise<BackendName[]> {
  const before = tf.getBackend();
  const usable: BackendName[] = [];
  for (const c of candidates) {
    try {
      await c.activate();
      usable.push(c.name);
    } catch {
      // not usable here
    }
  }
  if (before) await tf.setBackend(before);
  return usable;
}

/** Activates a backend by snas-lab name, e.g. in tests that sweep every backend. */
export async function useBackend(name: BackendName): Promise<void> {
  const c = CANDIDATES.find((x) => x.name === name);
  if (!c) throw new BackendError(`unknown backend ${name}`);
  await c.activate();
}
