// snas: the command-line entry point. Exit codes: 0 done, 1 runtime failure, 2 bad arguments.
import { BackendError } from '../backends/index.js';
import { ConfigError } from '../config/load.js';
import { DataError } from '../data/errors.js';
import { ArchiveError } from '../publish/archive.js';
import { NetworkShapeError } from '../networks/reductions.js';
import { GenotypeError } from '../space/genotype.js';
import { ScaleError } from '../scale.js';
import { NotebookError } from '../notebooks/run.js';
import { CheckpointError } from '../runs/checkpoint.js';
import { RunDirError } from '../runs/dir.js';
import { packageJson } from '../util/root.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, UsageError } from './usage.js';

export function topUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `snas-lab: a reproduction of SNAS (Stochastic Neural Architecture Search, ICLR 2019)

usage: snas <command> [options]      snas <command> --help for a command's options

commands:
${lines.join('\n')}

--debug (anywhere on the line, or SNAS_DEBUG=1): print the stack trace of an error

environment: SNAS_SCALE (smoke|quick|paper), SNAS_BACKEND (auto|torch|tfjs-node-gpu|tfjs-node|wasm|cpu)`;
}

/** Errors that mean bad input (a flag, a config, a file, a name): one message, exit 2. */
const BAD_INPUT = [UsageError, ScaleError, BackendError, ConfigError, DataError, GenotypeError, NetworkShapeError, RunDirError, CheckpointError, NotebookError, ArchiveError];

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug') || process.env.SNAS_DEBUG === '1';
  const [name, ...rest] = argv.filter((a) => a !== '--debug');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(topUsage());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    console.log(packageJson().version);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`snas: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')} (snas --help)`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const badInput = BAD_INPUT.some((E) => err instanceof E);
    const text = debug ? (err as Error).stack ?? String(err) : (err as Error).message ?? String(err);
    if (badInput) {
      console.error(`${text}\n(snas ${name} --help for usage)`);
      return EXIT.usage;
    }
    console.error(`snas ${name}: ${text}${debug ? '' : '\n(run again with --debug for the stack trace)'}`);
    return EXIT.failure;
  }
}
