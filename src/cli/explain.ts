#!/usr/bin/env node
/**
 * cdk8s-grafana-pomerium: `explain` simulates one user's login against synthesized output.
 *
 *   cdk8s-grafana-pomerium explain <manifests dir|file> --host <host> --claims <file.json>
 *       [--values <dir>] [--edition oss|enterprise] [--signing-key <pem>] [--json] [--token-out <file>]
 *   cdk8s-grafana-pomerium keygen [...]   (same as cdk8s-grafana-pomerium-keygen)
 *   cdk8s-grafana-pomerium diff <before> <after> [...]   (src/cli/diff.ts)
 *
 * Exit codes: 0 Pomerium allows and Grafana accepts, 1 otherwise, 2 bad input.
 * Not part of the library API (jsii exports only src/index.ts).
 */
import * as fs from 'node:fs';
import { diffMain } from './diff';
import { main as keygenMain } from './keygen';
import { SimulatorInputError } from '../simulate/read-output';
import { LoginSimulator, SimulationResult } from '../simulate/simulate';

/** Streams `main` writes to; tests pass their own. */
export interface ExplainIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `Usage:
  cdk8s-grafana-pomerium explain <manifests dir> --host <host> --claims <file.json>
      [--values <dir>] [--edition oss|enterprise] [--signing-key <pem file>] [--json] [--token-out <file>]
  cdk8s-grafana-pomerium keygen [--out DIR] [--alg ES256|RS256] ...
  cdk8s-grafana-pomerium diff <before dir> <after dir> [--identities <file>] [--markdown | --json]   (docs/access-review.md)

explain: what happens when this user opens https://<host>/, judged from synthesized output.
  --claims       the identity provider's claims for the user (JSON object: sub, email, name, groups, ...)
  --values       folder of Helm values files (default: helm-values/ beside the manifests folder, if any)
  --edition      Pomerium edition: oss (default; \`groups\` criteria never match) or enterprise
  --signing-key  Pomerium's private signing key, to check the signature Grafana verifies
  --json         print { host, flow, pomerium, grafana } as JSON
  --token-out    write the minted assertion to <file> and its public JWKS to <file>.jwks.json

Exit codes: 0 Pomerium allows and Grafana accepts; 1 otherwise; 2 bad input.
`;

class UsageError extends Error {}

interface ExplainArgs {
  readonly dir: string;
  readonly host: string;
  readonly claimsFile: string;
  readonly values?: string;
  readonly edition?: string;
  readonly signingKey?: string;
  readonly json: boolean;
  readonly tokenOut?: string;
}

function parseArgs(argv: readonly string[]): ExplainArgs | 'help' {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') { json = true; continue; }
    const m = /^--(host|claims|values|edition|signing-key|token-out)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`);
      if (values[m[1]] !== undefined) throw new UsageError(`--${m[1]} given twice`);
      values[m[1]] = value;
      continue;
    }
    if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'the manifests folder is required' : `one manifests folder expected, got ${positional.join(' ')}`);
  if (!values.host) throw new UsageError('--host is required');
  if (!values.claims) throw new UsageError('--claims is required');
  if (values.edition !== undefined && values.edition !== 'oss' && values.edition !== 'enterprise') throw new UsageError('--edition is oss or enterprise');
  return {
    dir: positional[0],
    host: values.host,
    claimsFile: values.claims,
    values: values.values,
    edition: values.edition,
    signingKey: values['signing-key'],
    json,
    tokenOut: values['token-out'],
  };
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
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
  if (command !== 'explain') {
    io.err(`cdk8s-grafana-pomerium: ${command === undefined ? 'a command is required' : `unknown command '${command}'`}\n\n${USAGE}`);
    return 2;
  }
  let args: ExplainArgs;
  let claims: Record<string, unknown>;
  let signingKeyPem: string | undefined;
  try {
    const parsed = parseArgs(rest);
    if (parsed === 'help') {
      io.out(USAGE);
      return 0;
    }
    args = parsed;
    let raw: unknown;
    try {
      raw = JSON.parse(readText(args.claimsFile, 'the claims file'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${args.claimsFile} is not valid JSON (${(e as Error).message})`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${args.claimsFile} must hold a JSON object of claims`);
    claims = raw as Record<string, unknown>;
    if (args.signingKey) signingKeyPem = readText(args.signingKey, 'the signing key');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`cdk8s-grafana-pomerium explain: ${e.message}\n\n${USAGE}`);
    return 2;
  }

  let result: SimulationResult;
  try {
    result = await LoginSimulator.simulateDirectory(args.dir, {
      host: args.host, claims, edition: args.edition, signingKeyPem, valuesDir: args.values,
    });
  } catch (e) {
    if (e instanceof SimulatorInputError || /PEM|key/i.test((e as Error).message) && signingKeyPem !== undefined) {
      io.err(`cdk8s-grafana-pomerium explain: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }

  if (args.tokenOut) {
    if (!result.details.token) {
      io.err(`cdk8s-grafana-pomerium explain: no assertion minted (flow ${result.flow}${result.pomerium.allowed ? '' : ', Pomerium denied'}); ${args.tokenOut} not written\n`);
    } else {
      fs.writeFileSync(args.tokenOut, result.details.token + '\n', { mode: 0o600 });
      fs.writeFileSync(`${args.tokenOut}.jwks.json`, result.details.jwks ?? '');
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
    (e) => { process.stderr.write(`cdk8s-grafana-pomerium: ${(e as Error).stack ?? e}\n`); process.exitCode = 1; },
  );
}
