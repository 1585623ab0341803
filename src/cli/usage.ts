// Command-line usage errors: reported with the command's help hint and exit code 2.
export class UsageError extends Error {}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
