/** The command line of the library's CLIs (explain, diff), read one way. Not part of the library API. */

/** A command line the user got wrong: the CLI prints the message as its one line and exits 2. */
export class UsageError extends Error {}

/** What a command line holds: the switches given, the options with a value, the other words. */
export interface ParsedOptions {
  readonly switches: ReadonlySet<string>;
  readonly values: Readonly<Record<string, string>>;
  readonly positional: readonly string[];
}

/**
 * Reads `argv` against the switches (`--json`) and valued options (`--host x` or `--host=x`)
 * a command takes; 'help' for `--help`/`-h`. An unknown option, a missing value or an option
 * given twice is a UsageError.
 */
export function parseOptions(argv: readonly string[], switches: readonly string[], valued: readonly string[]): ParsedOptions | 'help' {
  const given = new Set<string>();
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg.startsWith('--') && switches.includes(arg.slice(2))) {
      given.add(arg.slice(2));
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m && valued.includes(m[1])) {
      const value = m[2] ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`);
      if (values[m[1]] !== undefined) throw new UsageError(`--${m[1]} given twice`);
      values[m[1]] = value;
      continue;
    }
    if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    positional.push(arg);
  }
  return { switches: given, values, positional };
}
