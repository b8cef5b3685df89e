#!/usr/bin/env node
/**
 * cdk8s-grafana-pomerium: `explain` simulates one user's login against synthesized output.
 *
 *   cdk8s-grafana-pomerium explain <manifests dir|file> --host <host> (--claims <file.json> | --anonymous)
 *       [--values <dir>] [--edition oss|enterprise] [--signing-key <pem>] [--json] [--token-out <file>]
 *   cdk8s-grafana-pomerium keygen [...]   (same as cdk8s-grafana-pomerium-keygen)
 *   cdk8s-grafana-pomerium diff <before> <after> [...]   (src/cli/diff.ts)
 *
 * Exit codes: 0 Pomerium allows and Grafana accepts, 1 otherwise, 2 bad input: then stderr holds
 * exactly one line saying what is wrong (never a stack trace), and nothing was written.
 * Not part of the library API (jsii exports only src/index.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffMain } from './diff';
import { main as keygenMain } from './keygen';
import { parseOptions, UsageError } from './options';
import { signingKeyFromPem } from '../simulate/mint';
import { inputStat, readInputFile, SimulatorInputError } from '../simulate/read-output';
import { LoginSimulator, SimulationResult } from '../simulate/simulate';

/** Streams `main` writes to; tests pass their own. */
export interface ExplainIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `Usage:
  cdk8s-grafana-pomerium explain <manifests dir> --host <host> (--claims <file.json> | --anonymous)
      [--values <dir>] [--edition oss|enterprise] [--signing-key <pem file>] [--json] [--token-out <file>]
  cdk8s-grafana-pomerium keygen [--out DIR] [--alg ES256|RS256] ...
  cdk8s-grafana-pomerium diff <before dir> <after dir> [--identities <file>] [--markdown | --json]   (docs/access-review.md)

explain: what happens when this user opens https://<host>/, judged from synthesized output.
  --claims       the identity provider's claims for the user (JSON object: sub, email, name, groups, ...)
  --anonymous    a request without a session (nobody signed in), instead of --claims
  --values       folder of Helm values files (default: helm-values/ beside the manifests folder, if any)
  --edition      Pomerium edition: oss (default; \`groups\` criteria never match) or enterprise
  --signing-key  Pomerium's private signing key, to check the signature Grafana verifies
  --json         print { host, flow, pomerium, grafana } as JSON
  --token-out    write the minted assertion to <file> and its public JWKS to <file>.jwks.json

Exit codes: 0 Pomerium allows and Grafana accepts; 1 otherwise; 2 bad input (one line on stderr).
`;

interface ExplainArgs {
  readonly dir: string;
  readonly host: string;
  /** Undefined for an anonymous request. */
  readonly claimsFile?: string;
  readonly values?: string;
  readonly edition?: string;
  readonly signingKey?: string;
  readonly json: boolean;
  readonly tokenOut?: string;
}

function parseArgs(argv: readonly string[]): ExplainArgs | 'help' {
  const parsed = parseOptions(argv, ['json', 'anonymous'], ['host', 'claims', 'values', 'edition', 'signing-key', 'token-out']);
  if (parsed === 'help') return 'help';
  const { values, positional } = parsed;
  const json = parsed.switches.has('json');
  const anonymous = parsed.switches.has('anonymous');
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'the manifests folder is required' : `one manifests folder expected, got ${positional.join(' ')}`);
  if (!values.host) throw new UsageError('--host is required');
  if (anonymous && values.claims) throw new UsageError('--claims and --anonymous exclude each other: an anonymous request has no claims');
  if (!anonymous && !values.claims) throw new UsageError('--claims is required (or --anonymous for a request without a session)');
  if (values.edition !== undefined && values.edition !== 'oss' && values.edition !== 'enterprise') throw new UsageError('--edition is oss or enterprise');
  return {
    dir: positional[0],
    host: values.host,
    claimsFile: anonymous ? undefined : values.claims,
    values: values.values,
    edition: values.edition,
    signingKey: values['signing-key'],
    json,
    tokenOut: values['token-out'],
  };
}

/** The claims file: a JSON object. */
function readClaims(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readInputFile(file, 'the claims file'));
  } catch (e) {
    if (e instanceof SimulatorInputError) throw e;
    throw new SimulatorInputError(`the claims file ${file} is not valid JSON (${oneLine((e as Error).message)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SimulatorInputError(`the claims file ${file} must hold a JSON object of claims`);
  return raw as Record<string, unknown>;
}

/** The signing key, parsed now: a file that is not a key is bad input, whatever flow the route turns out to use. */
async function readSigningKey(file: string): Promise<string> {
  const pem = readInputFile(file, 'the signing key');
  try {
    await signingKeyFromPem(pem);
  } catch (e) {
    throw new SimulatorInputError(`--signing-key ${file} is not a private key Pomerium can sign with (EC P-256 or RSA, PEM or base64 of a PEM): ${oneLine((e as Error).message)}`);
  }
  return pem;
}

/** --token-out writes <file> and <file>.jwks.json: both must be writable before anything is simulated. */
function checkTokenOut(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!inputStat(dir, 'the --token-out folder').isDirectory()) throw new SimulatorInputError(`--token-out ${file}: ${dir} is not a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new SimulatorInputError(`--token-out ${file}: the folder ${dir} is not writable`);
  }
  for (const target of [file, `${file}.jwks.json`]) {
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new SimulatorInputError(`--token-out ${file}: ${target} is a folder`);
  }
}

/** The first line of a message, for the one line `explain` prints on bad input. */
function oneLine(text: string): string {
  return String(text).split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? 'unknown error';
}

/** The CLI. Returns the exit code. */
export async function main(argv: readonly string[], io: ExplainIo = defaultIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'keygen') return keygenMain(rest, io);
  if (command === 'diff') return diffMain(rest, io);
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const fail = (message: string) => {
    io.err(`cdk8s-grafana-pomerium explain: ${oneLine(message)}\n`);
    return 2;
  };
  if (command !== 'explain') {
    return fail(`${command === undefined ? 'a command is required' : `unknown command '${command}'`} (explain or keygen; see --help)`);
  }
  let args: ExplainArgs;
  let claims: Record<string, unknown> | undefined;
  let signingKeyPem: string | undefined;
  try {
    const parsed = parseArgs(rest);
    if (parsed === 'help') {
      io.out(USAGE);
      return 0;
    }
    args = parsed;
    // Every input is checked before the simulation, so bad input never half-runs.
    if (args.claimsFile !== undefined) claims = readClaims(args.claimsFile);
    if (args.signingKey) signingKeyPem = await readSigningKey(args.signingKey);
    if (args.tokenOut) checkTokenOut(args.tokenOut);
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message} (see --help)`);
    if (e instanceof SimulatorInputError) return fail(e.message);
    return fail(`unexpected error: ${(e as Error)?.message ?? e}`);
  }

  let result: SimulationResult;
  try {
    result = await LoginSimulator.simulateDirectory(args.dir, {
      host: args.host, claims, anonymous: claims === undefined, edition: args.edition, signingKeyPem, valuesDir: args.values,
    });
  } catch (e) {
    if (e instanceof SimulatorInputError) return fail(e.message);
    // Anything else (a stack overflow on a pathological file, a bug) still gets one line.
    return fail(`cannot judge this output: ${(e as Error)?.message ?? e}`);
  }

  if (args.tokenOut) {
    if (!result.details.token) {
      io.err(`cdk8s-grafana-pomerium explain: no assertion minted (flow ${result.flow}${result.pomerium.allowed ? '' : ', Pomerium denied'}); ${args.tokenOut} not written\n`);
    } else {
      try {
        fs.writeFileSync(args.tokenOut, result.details.token + '\n', { mode: 0o600 });
        fs.writeFileSync(`${args.tokenOut}.jwks.json`, result.details.jwks ?? '');
      } catch (e) {
        return fail(`cannot write --token-out ${args.tokenOut}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  }
  io.out(args.json ? JSON.stringify(toJson(result), null, 2) + '\n' : readable(result));
  return result.pomerium.allowed && result.grafana.accepted ? 0 : 1;
}

/** Exactly the documented `--json` shape: absent values are null. */
export function toJson(r: SimulationResult) {
  return {
    host: r.host,
    flow: r.flow,
    pomerium: { allowed: r.pomerium.allowed, reasons: r.pomerium.reasons },
    grafana: {
      accepted: r.grafana.accepted,
      error: r.grafana.error ?? null,
      login: r.grafana.login ?? null,
      email: r.grafana.email ?? null,
      role: r.grafana.role ?? null,
      grafanaAdmin: r.grafana.grafanaAdmin,
    },
  };
}

function readable(r: SimulationResult): string {
  const lines: string[] = [];
  lines.push(`https://${r.host}/ (${r.flow} flow)`);
  lines.push(`Pomerium: ${r.pomerium.allowed ? 'ALLOWED' : 'DENIED'}`);
  for (const reason of r.pomerium.reasons) lines.push(`  - ${reason}`);
  if (r.grafana.accepted) {
    lines.push(`Grafana: ACCEPTED as login ${JSON.stringify(r.grafana.login ?? '')}, email ${JSON.stringify(r.grafana.email ?? '')}, role ${r.grafana.role ?? 'none in the default org'}${r.grafana.grafanaAdmin ? ', server admin' : ''}`);
  } else {
    lines.push(`Grafana: REJECTED: ${r.grafana.error}`);
  }
  const orgs = Object.entries(r.details.orgRoles);
  if (orgs.length > 1 || (orgs.length === 1 && orgs[0][0] !== 'Main Org.')) lines.push(`  org roles: ${orgs.map(([o, role]) => `${o}=${role}`).join(', ')}`);
  for (const note of r.details.notes) lines.push(`  note: ${note}`);
  for (const source of r.details.sources) lines.push(`  from: ${source}`);
  return lines.join('\n') + '\n';
}

function defaultIo(): ExplainIo {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    // main answers every error itself; should anything escape, still one line and no stack.
    (e) => { process.stderr.write(`cdk8s-grafana-pomerium: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`); process.exitCode = 2; },
  );
}
