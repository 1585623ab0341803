// The compute backends snas-lab can run on, fastest first. Each candidate either registers
// and activates its tfjs backend or throws a BackendUnavailable whose message is the one-line
// reason shown to the user.
import * as tf from '@tensorflow/tfjs';
import { AddonUnavailable, registerTorch, TORCH } from './torch/index.js';

export const BACKEND_ORDER = ['torch', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export class BackendUnavailable extends Error {}

export interface Candidate {
  name: BackendName;
  /** Registers the tfjs backend (if needed) and makes it the active one, or throws BackendUnavailable. */
  activate(): Promise<void>;
}

function isMissingModule(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Imports the first of `modules` that exists; false if none is installed. */
async function importFirst(modules: string[]): Promise<boolean> {
  for (const m of modules) {
    try {
      await import(m);
      return true;
    } catch (err) {
      if (!isMissingModule(err)) {
        throw new BackendUnavailable(`${m} is installed but fails to load: ${firstLine(err)}`);
      }
    }
  }
  return false;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0] ?? '';
}

async function activate(tfjsName: string, what: string): Promise<void> {
  if (tf.findBackendFactory(tfjsName) == null) {
    throw new BackendUnavailable(`${what} did not register the '${tfjsName}' tfjs backend`);
  }
  let ok = false;
  try {
    ok = await tf.setBackend(tfjsName);
  } catch (err) {
    throw new BackendUnavailable(`the '${tfjsName}' backend failed to start: ${firstLine(err)}`);
  }
  if (!ok) throw new BackendUnavailable(`the '${tfjsName}' backend failed to start`);
}

/** tfjs-node and tfjs-node-gpu both register 'tensorflow'; only one can be loaded per process. */
function tensorflowCandidate(name: 'tfjs-node' | 'tfjs-node-gpu', modules: string[]): Candidate {
  return {
    name,
    async activate() {
      if (!(await importFirst(modules))) {
        throw new BackendUnavailable(
          `not installed (optional dependency ${modules[modules.length - 1]}: its install downloads libtensorflow)`,
        );
      }
      if (tf.findBackendFactory('tensorflow') == null) {
        // Only the pure-JS stand-in that danfojs-node depends on is present under this name.
        throw new BackendUnavailable(`not installed (no native TensorFlow binding; ${modules[modules.length - 1]} resolves to a pure-JS stand-in)`);
      }
      await activate('tensorflow', modules[0]!);
    },
  };
}

export const CANDIDATES: readonly Candidate[] = [
  {
    name: 'torch',
    async activate() {
      try {
        registerTorch();
      } catch (err) {
        throw new BackendUnavailable(err instanceof AddonUnavailable ? err.message : `fails to start: ${firstLine(err)}`);
      }
      await activate(TORCH, 'the native addon');
    },
  },
  tensorflowCandidate('tfjs-node-gpu', ['@tensorflow/tfjs-node-gpu']),
  // 'tfjs-node' is the real @tensorflow/tfjs-node under an alias: the plain name is taken by
  // the pure-JS stand-in that danfojs-node needs (see environment.md).
  tensorflowCandidate('tfjs-node', ['tfjs-node', '@tensorflow/tfjs-node']),
  {
    name: 'wasm',
    async activate() {
      if (!(await importFirst(['@tensorflow/tfjs-backend-wasm']))) {
        throw new BackendUnavailable('not installed (@tensorflow/tfjs-backend-wasm)');
      }
      await activate('wasm', '@tensorflow/tfjs-backend-wasm');
    },
  },
  {
    name: 'cpu',
    async activate() {
      await activate('cpu', '@tensorflow/tfjs');
    },
  },
];
