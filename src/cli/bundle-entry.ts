// The snas command inside the GPU bundle (src/bundle/gpu-bundle.ts): esbuild's entry point,
// plain JavaScript once bundled, so it runs on node alone (no tsx).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
