#!/usr/bin/env node
/**
 * cdk8s-grafana-pomerium-keygen: generates Pomerium's JWT signing key and the
 * public material Grafana needs to verify Pomerium's assertions.
 *
 *   cdk8s-grafana-pomerium-keygen [--out DIR] [--alg ES256|RS256]
 *       [--namespace NS] [--secret-name NAME] [--print-signing-key]
 *
 * Writes into DIR (never overwriting a file):
 *   signing-key.pem      PKCS#8 private key, mode 0600
 *   signing-key.b64      base64 of that PEM, mode 0600: the value of Pomerium's
 *                        `signing_key` / the chart Secret's `signing-key` key
 *   signing-key.pub.pem  SPKI public key, for JwtKeySource.jwksFile/keyFile
 *   jwks.json            the JWKS Pomerium publishes for this key
 *
 * Not part of the library API (jsii exports only src/index.ts). jose v6 is
 * ESM-only, so it is loaded at run time, never with a static import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PropContext } from '../errors';
import { jwksDocument, publicJwkFromPem, PublicJwk } from '../pomerium/signing-key';

type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

/** Signing algorithms Pomerium supports: EC P-256 signs ES256, RSA signs RS256 (pkg/cryptutil/jose.go). */
const ALGORITHMS = ['ES256', 'RS256'] as const;
type Algorithm = typeof ALGORITHMS[number];

/** File names written into the output directory. */
export const KEYGEN_FILES = {
  privateKey: 'signing-key.pem',
  signingKeyBase64: 'signing-key.b64',
  publicKey: 'signing-key.pub.pem',
  jwks: 'jwks.json',
} as const;

/** Options of `generateSigningKey`. */
export interface GenerateSigningKeyOptions {
  /** Directory to write into; created (mode 0700) if missing. @default process.cwd() */
  readonly outDir?: string;
  /** 'ES256' (EC P-256) or 'RS256' (RSA 2048). @default 'ES256' */
  readonly alg?: string;
}

/** What `generateSigningKey` wrote. Holds the private key in `signingKeyBase64`: keep it off logs. */
export interface GeneratedSigningKey {
  readonly alg: string;
  /** Pomerium's key id: lowercase hex of the RFC 7638 SHA-256 thumbprint. */
  readonly kid: string;
  /** The same thumbprint in base64url, the form most JOSE libraries print (NOT Pomerium's kid). */
  readonly thumbprintBase64url: string;
  /** The public JWK exactly as Pomerium publishes it. */
  readonly publicJwk: PublicJwk;
  /** The SPKI public key PEM. */
  readonly publicKeyPem: string;
  /** The jwks.json content. */
  readonly jwks: string;
  /** base64 of the PKCS#8 PEM: Pomerium's `signing_key`. SECRET. */
  readonly signingKeyBase64: string;
  /** Absolute paths of the files written. */
  readonly files: { readonly privateKey: string; readonly signingKeyBase64: string; readonly publicKey: string; readonly jwks: string };
}

/** Thrown for bad arguments or a refused write; `main` turns it into a message and exit code. */
export class KeygenError extends Error {
  constructor(message: string, public readonly exitCode: number = 1) {
    super(message);
    this.name = 'KeygenError';
  }
}

/**
 * Loads jose v6 (ESM only) from CommonJS. `require()` of an ES module works on
 * Node >= 20.19 and 22.12 and inside jest (which transforms jose); older Nodes
 * throw ERR_REQUIRE_ESM and get a native dynamic `import()`, which TypeScript
 * keeps as-is under `module: node16`.
 */
export async function loadJose(): Promise<Jose> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('jose') as Jose;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw e;
    return import('jose');
  }
}

/** Generates a signing key pair and writes the four files; refuses to overwrite any of them. */
export async function generateSigningKey(options: GenerateSigningKeyOptions = {}): Promise<GeneratedSigningKey> {
  const alg = checkAlg(options.alg ?? 'ES256');
  const outDir = path.resolve(options.outDir ?? process.cwd());
  const files = {
    privateKey: path.join(outDir, KEYGEN_FILES.privateKey),
    signingKeyBase64: path.join(outDir, KEYGEN_FILES.signingKeyBase64),
    publicKey: path.join(outDir, KEYGEN_FILES.publicKey),
    jwks: path.join(outDir, KEYGEN_FILES.jwks),
  };
  // Check every target before generating anything, so a refusal leaves no half-written set.
  const existing = Object.values(files).filter((f) => fs.existsSync(f));
  if (existing.length > 0) {
    throw new KeygenError(`refusing to overwrite existing file(s): ${existing.join(', ')}. Move them away or choose another --out directory`);
  }
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new KeygenError(`--out ${outDir} exists and is not a directory`);
  }

  const jose = await loadJose();
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048, extractable: true } : { crv: 'P-256', extractable: true });
  const privatePem = ensureNewline(await jose.exportPKCS8(privateKey));
  const publicKeyPem = ensureNewline(await jose.exportSPKI(publicKey));

  // Pomerium's kid is hex; jose gives the RFC 7638 thumbprint in base64url.
  const thumbprintBase64url = await jose.calculateJwkThumbprint(await jose.exportJWK(publicKey), 'sha256');
  const kid = Buffer.from(thumbprintBase64url, 'base64url').toString('hex');
  // The library's synth-time path (node:crypto) must agree, or Grafana's JWKS would not match the tokens.
  const publicJwk = publicJwkFromPem(PropContext.detached('cdk8s-grafana-pomerium-keygen'), publicKeyPem);
  if (publicJwk.kid !== kid || publicJwk.alg !== alg) {
    throw new KeygenError(`internal error: key id mismatch between jose (${kid}, ${alg}) and publicJwkFromPem (${publicJwk.kid}, ${publicJwk.alg})`);
  }
  const jwks = jwksDocument([publicJwk]);
  const signingKeyBase64 = Buffer.from(privatePem, 'utf8').toString('base64');

  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  // 'wx' fails if the file appeared since the check: never clobber a key.
  writeNew(files.privateKey, privatePem, 0o600);
  writeNew(files.signingKeyBase64, signingKeyBase64, 0o600);
  writeNew(files.publicKey, publicKeyPem, 0o644);
  writeNew(files.jwks, jwks, 0o644);

  return { alg, kid, thumbprintBase64url, publicJwk, publicKeyPem, jwks, signingKeyBase64, files };
}

/** Streams `main` writes to; tests pass their own. */
export interface KeygenIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `Usage: cdk8s-grafana-pomerium-keygen [--out DIR] [--alg ES256|RS256] [--namespace NS] [--secret-name NAME] [--print-signing-key]

Generates Pomerium's JWT signing key and writes into DIR (default: the current directory),
never overwriting a file:
  ${KEYGEN_FILES.privateKey}      PKCS#8 private key (mode 0600)
  ${KEYGEN_FILES.signingKeyBase64}      base64 of the PEM: Pomerium's signing_key (mode 0600)
  ${KEYGEN_FILES.publicKey}  public key, for JwtKeySource.jwksFile() / keyFile()
  ${KEYGEN_FILES.jwks}            the JWKS Pomerium publishes for this key

  --alg ES256 (EC P-256, default) or RS256 (RSA 2048)
  --namespace, --secret-name   used in the printed kubectl command (default: pomerium, pomerium-signing-key)
  --print-signing-key          also print the base64 signing key (it IS the private key: keep it off logs)
`;

/** The CLI. Returns the exit code: 0 done, 1 refused or failed, 2 bad usage. */
export async function main(argv: readonly string[], io: KeygenIo = defaultIo()): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  let key: GeneratedSigningKey;
  try {
    key = await generateSigningKey({ outDir: args.outDir, alg: args.alg });
  } catch (e) {
    io.err(`cdk8s-grafana-pomerium-keygen: ${(e as Error).message}\n`);
    return e instanceof KeygenError ? e.exitCode : 1;
  }
  io.out(report(key, args));
  return 0;
}

interface ParsedArgs {
  readonly outDir?: string;
  readonly alg?: string;
  readonly namespace: string;
  readonly secretName: string;
  readonly printSigningKey: boolean;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const values: Record<string, string> = {};
  let printSigningKey = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    if (arg === '--print-signing-key') { printSigningKey = true; continue; }
    const m = /^--(out|alg|namespace|secret-name)(?:=(.*))?$/.exec(arg);
    if (!m) throw new KeygenError(`unknown argument '${arg}'`, 2);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new KeygenError(`--${m[1]} needs a value`, 2);
    if (values[m[1]] !== undefined) throw new KeygenError(`--${m[1]} given twice`, 2);
    values[m[1]] = value;
  }
  if (values.alg !== undefined) checkAlg(values.alg);
  for (const opt of ['namespace', 'secret-name']) {
    if (values[opt] !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(values[opt])) {
      throw new KeygenError(`--${opt} '${values[opt]}' is not a Kubernetes name (lower-case letters, digits and inner hyphens)`, 2);
    }
  }
  return {
    outDir: values.out,
    alg: values.alg,
    namespace: values.namespace ?? 'pomerium',
    secretName: values['secret-name'] ?? 'pomerium-signing-key',
    printSigningKey,
    help,
  };
}

function report(key: GeneratedSigningKey, args: ParsedArgs): string {
  const rel = (file: string) => path.relative(process.cwd(), file) || file;
  const lines = [
    `Pomerium signing key (${key.alg}${key.alg === 'ES256' ? ', EC P-256' : ', RSA 2048'}) written to ${path.dirname(key.files.privateKey)}:`,
    `  ${KEYGEN_FILES.privateKey}      private key (PKCS#8, mode 0600): keep it out of git`,
    `  ${KEYGEN_FILES.signingKeyBase64}      base64 of the PEM, Pomerium's signing_key (mode 0600)`,
    `  ${KEYGEN_FILES.publicKey}  public key`,
    `  ${KEYGEN_FILES.jwks}            the JWKS Pomerium will publish`,
    '',
    `kid: ${key.kid}`,
    '',
    'Pomerium Secret (the chart reads it through config.existingSigningKeySecret; key signing-key = base64 of the PEM):',
    `  kubectl create secret generic ${args.secretName} -n ${args.namespace} --from-file=signing-key=${shellQuote(rel(key.files.signingKeyBase64))}`,
    '',
    'cdk8s:',
    `  const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl, namespace: '${args.namespace}', signingKeySecretName: '${args.secretName}' });`,
    '  // then on each GrafanaBehindPomerium: pomerium, and',
    `  authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [fs.readFileSync(${JSON.stringify(rel(key.files.publicKey))}, 'utf8')] }) }),`,
  ];
  if (args.printSigningKey) {
    lines.push('', 'signing_key (base64 of the private key PEM; SECRET):', key.signingKeyBase64);
  }
  return lines.join('\n') + '\n';
}

function checkAlg(alg: string): Algorithm {
  if (!(ALGORITHMS as readonly string[]).includes(alg)) {
    throw new KeygenError(`--alg '${alg}' is not supported: Pomerium signs with ES256 (EC P-256) or RS256 (RSA)`, 2);
  }
  return alg as Algorithm;
}

function writeNew(file: string, content: string, mode: number): void {
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new KeygenError(`refusing to overwrite existing file ${file}`);
    throw e;
  }
  // The umask can only clear bits, but make the private files' mode explicit anyway.
  fs.chmodSync(file, mode);
}

function ensureNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : pem + '\n';
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, '\'\\\'\'')}'`;
}

function defaultIo(): KeygenIo {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`cdk8s-grafana-pomerium-keygen: ${(e as Error).stack ?? e}\n`); process.exitCode = 1; },
  );
}
