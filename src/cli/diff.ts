/**
 * `cdk8s-grafana-pomerium diff <before> <after>`: who gains or loses access, and which role,
 * between two synthesized outputs (docs/access-review.md).
 *
 * Exit codes: 0 nothing widened; 1 access or a role widened; 2 bad input (one line on stderr).
 * Not part of the library API (the library's is `AccessDiff`).
 */
import * as fs from 'node:fs';
import * as YAML from 'yaml';
import { parseOptions, UsageError } from './options';
import { AccessDiff } from '../simulate/diff/access-diff';
import { AccessDiffReport } from '../simulate/diff/model';
import { toJson } from '../simulate/diff/render';
import { SimulatorInputError } from '../simulate/read-output';

/** Streams `main` writes to; tests pass their own. */
export interface DiffIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const DIFF_USAGE = `Usage:
  cdk8s-grafana-pomerium diff <before dir> <after dir> [--identities <file>] [--markdown | --json] [--edition oss|enterprise]

diff: who gains or loses access to each host, and which Grafana role, between two synthesized outputs
(folders as cdk8s synth writes them; helm-values/ beside or inside each is read too).
  --identities  YAML or JSON list of claims sets to ask on every host, besides the derived identities
  --markdown    print Markdown (for a pull-request comment)
  --json        print the documented JSON shape
  --edition     Pomerium edition: oss (default) or enterprise

Exit codes: 0 nothing widened; 1 access or a role widened; 2 bad input.
`;

interface DiffArgs {
  readonly before: string;
  readonly after: string;
  readonly identities?: string;
  readonly format: 'text' | 'markdown' | 'json';
  readonly edition?: string;
}

function parseArgs(argv: readonly string[]): DiffArgs | 'help' {
  const parsed = parseOptions(argv, ['json', 'markdown'], ['identities', 'edition']);
  if (parsed === 'help') return 'help';
  const { values, positional } = parsed;
  const formats = ['json', 'markdown'].filter((f) => parsed.switches.has(f));
  if (positional.length !== 2) throw new UsageError(`two folders expected (before and after), got ${positional.length}${positional.length ? `: ${positional.join(' ')}` : ''}`);
  if (formats.length > 1) throw new UsageError('--json and --markdown exclude each other');
  if (values.edition !== undefined && values.edition !== 'oss' && values.edition !== 'enterprise') throw new UsageError('--edition is oss or enterprise');
  for (const dir of positional) if (!fs.existsSync(dir)) throw new UsageError(`${dir} does not exist`);
  return {
    before: positional[0],
    after: positional[1],
    identities: values.identities,
    format: (formats[0] ?? 'text') as DiffArgs['format'],
    edition: values.edition,
  };
}

/** A YAML or JSON file holding a list of claims sets (or `{ identities: [...] }`). */
export function readIdentities(file: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the identities file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { identities?: unknown } | null)?.identities;
  if (!Array.isArray(list)) throw new UsageError(`${file} must hold a list of claims sets (or identities: [...])`);
  list.forEach((c, i) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new UsageError(`${file}: entry ${i + 1} is not an object of claims`);
  });
  return list as Record<string, unknown>[];
}

/** The `diff` command. Returns the exit code; never throws. */
export async function diffMain(argv: readonly string[], io: DiffIo): Promise<number> {
  let report: AccessDiffReport;
  let args: DiffArgs;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.out(DIFF_USAGE);
      return 0;
    }
    args = parsed;
    const identities = args.identities ? readIdentities(args.identities) : undefined;
    report = await AccessDiff.compare(args.before, args.after, { identities, identitiesSource: args.identities, edition: args.edition });
  } catch (e) {
    const message = e instanceof UsageError || e instanceof SimulatorInputError ? (e as Error).message : `unexpected error: ${(e as Error).message ?? String(e)}`;
    io.err(`cdk8s-grafana-pomerium diff: ${message.split('\n')[0]}\n`);
    return 2;
  }
  if (args.format === 'json') io.out(JSON.stringify(toJson(report), null, 2) + '\n');
  else if (args.format === 'markdown') io.out(AccessDiff.renderMarkdown(report));
  else io.out(AccessDiff.renderText(report));
  return report.widened ? 1 : 0;
}
