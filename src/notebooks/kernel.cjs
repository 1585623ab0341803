// Starts the snas-lab tslab kernel in the project root, whatever folder Jupyter starts it in.
// tslab resolves a notebook's `./src/...` imports against its working folder only, and Jupyter's
// notebook server starts a kernel in the notebook's own folder (notebooks/), so the kernel spec
// (notebooks/jupyter/kernels/snas-tslab/kernel.json, or the one `snas lab --install-kernel`
// writes) runs this file with the connection file, and this file hands over to tslab in-process:
// no process between Jupyter and the kernel, so interrupts and shutdowns reach tslab directly.
// CommonJS, run by node itself: nothing here is compiled.
'use strict';
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const connection = process.argv[2];
if (!connection) {
  console.error('usage: node src/notebooks/kernel.cjs CONNECTION_FILE (Jupyter runs this through the snas-tslab kernel spec)');
  process.exit(2);
}
const main = join(root, 'node_modules', 'tslab', 'dist', 'main.js');
if (!existsSync(main)) {
  console.error(`snas-lab kernel: ${main} is missing; run npm ci (or npm run setup) in ${root}`);
  process.exit(1);
}
const config = resolve(connection); // relative to the folder Jupyter started us in
process.chdir(root);
// tslab reads its command line, and src/report/show.ts recognises a kernel by it.
process.argv = [process.argv[0], join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', config];
require(main).main();
