// Subcommands whose work is still to come: they fix the CLI's shape and say they are not available.
import { EXIT } from '../usage.js';
import { help, type Command } from '../command.js';

/** Subcommands that later work fills in: they exist so that the CLI's shape is fixed, and say so. */
export function planned(name: string, summary: string, usage: string): Command {
  return {
    summary: `${summary} (not available yet)`,
    usage: `${usage}\n\nNot available in this version of snas-lab yet.`,
    async run(args) {
      if (args.includes('--help') || args.includes('-h')) return help(this);
      console.error(`snas ${name}: not available in this version of snas-lab yet`);
      return EXIT.failure;
    },
  };
}
