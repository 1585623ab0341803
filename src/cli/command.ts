// What every snas subcommand shares: its shape, strict flag parsing (node's util.parseArgs)
// that turns bad flags into usage errors, and small option helpers.
import { parseArgs } from 'node:util';
import { scaleFromEnv, SETTING_ENV } from '../config/invocation.js';
import { DEFAULT_SCALE, parseScale, SCALES, type Scale } from '../scale.js';
import { EXIT, UsageError } from './usage.js';

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

export function parse(command: string, args: string[], options: Spec, positionals = false): Parsed {
  try {
    const config = { args, options: { ...options, help: { type: 'boolean' as const, short: 'h' } }, allowPositionals: positionals, strict: true };
    return parseArgs(config) as unknown as Parsed;
  } catch (err) {
    throw new UsageError(`snas ${command}: ${(err as Error).message}`);
  }
}

export function scaleOption(value: unknown): Scale {
  return typeof value === 'string' ? parseScale(value, '--scale') : scaleFromEnv();
}

export const SCALE_HELP = `  --scale S      ${SCALES.join(' | ')} (default: $${SETTING_ENV.scale} or ${DEFAULT_SCALE})`;

export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${String(value)}'`);
  return n;
}

export function help(cmd: Command): number {
  console.log(cmd.usage);
  return EXIT.ok;
}
