export { BACKEND_ORDER, BackendUnavailable, CANDIDATES } from './candidates.js';
export type { BackendName, Candidate } from './candidates.js';
export { BACKEND_ENV, BackendError, onGpu, parseBackendRequest, selectBackend, usableBackends, useBackend } from './select.js';
export type { BackendChoice, BackendRequest, SelectOptions } from './select.js';
export { setTorchThreads as useThreads } from './torch/index.js';
