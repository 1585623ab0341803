// The strided 1x1 check as a child process (see strided-pointwise.ts): prints one JSON line.
import { registerTorch } from '../../src/backends/torch/index.js';
import { stridedPointwiseCheck } from './strided-pointwise.js';

registerTorch();
console.log(JSON.stringify(await stridedPointwiseCheck(Number(process.argv[2] ?? 200))));
