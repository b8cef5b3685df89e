import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Runs a TypeScript cdk8s app through the real `cdk8s synth` of the devDependencies,
 * as a user's project would: a fresh app folder with its own `cdk8s.yaml`, `main.ts`
 * and `tsconfig.json`, the CLI choosing the output folder (`--output`), no network
 * (`--no-check-upgrade`).
 *
 * `'cdk8s-grafana-pomerium'` in the source is rewritten to this checkout's
 * `src/index.ts` (or the library the test compiled once); every other package (cdk8s, cdk8s-plus-28, constructs) resolves
 * from the project's node_modules through a `node_modules` symlink in the app folder,
 * so the app and the library share one cdk8s. The app runs under ts-node's
 * transpile-only register (no type check: the README test type-checks snippets).
 */
const root = path.resolve(__dirname, '..', '..');
const nodeModules = path.join(root, 'node_modules');

export interface CliSynthOptions {
  /** The folder passed to `--output`; a fresh temp folder when not given. */
  readonly outputDir?: string;
  /** Extra `cdk8s synth` arguments. */
  readonly extraArgs?: string[];
  /** Kill the CLI after this long (ms). @default 60_000 */
  readonly timeoutMs?: number;
  /** The library's entry point the app imports. @default this checkout's src/index.ts */
  readonly library?: string;
}

export interface CliSynthResult {
  /** The app folder (cdk8s.yaml, main.ts); also the CLI's working directory. */
  readonly appDir: string;
  /** The `--output` folder. */
  readonly outputDir: string;
  /** Every file written under `outputDir`, by path relative to it (`/`-separated), sorted. */
  readonly files: Record<string, string>;
  /** Every file in the app folder after synth (anything the app wrote beside main.ts), relative, sorted. */
  readonly appFiles: string[];
  /** The CLI's stdout. */
  readonly stdout: string;
}

/** Thrown when `cdk8s synth` exits non-zero; carries its stdout and stderr. */
export class CliSynthError extends Error {
  constructor(message: string, public readonly appDir: string, public readonly stdout: string, public readonly stderr: string) {
    super(message);
    this.name = 'CliSynthError';
  }
}

/** Removes the app and output folders of a run (the node_modules symlink is unlinked, not followed). */
export function removeSynthDirs(result: CliSynthResult): void {
  for (const dir of [result.appDir, result.outputDir]) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The source with `'cdk8s-grafana-pomerium'` imports pointing at this checkout's src/index.ts,
 * or at `library` (the library compiled once by the test, so that each app's ts-node
 * transpiles only its main.ts).
 */
export function linkLibrary(source: string, library: string = path.join(root, 'src', 'index')): string {
  const target = library.replace(/\.js$/, '').split(path.sep).join('/');
  return source.replace(/(['"])cdk8s-grafana-pomerium\1/g, `'${target}'`);
}

/** Writes `source` as `main.ts` of a fresh cdk8s app and runs `cdk8s synth --output <dir>` in it. */
export function synthWithCli(source: string, options: CliSynthOptions = {}): CliSynthResult {
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-cli-app-'));
  const outputDir = path.resolve(options.outputDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-cli-out-')));
  fs.symlinkSync(nodeModules, path.join(appDir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(appDir, 'main.ts'), linkLibrary(source, options.library));
  fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', ignoreDeprecations: '6.0', rootDir: '/', strict: true, skipLibCheck: true, esModuleInterop: true },
  }, undefined, 2));
  const register = path.join(nodeModules, 'ts-node', 'register', 'transpile-only');
  fs.writeFileSync(path.join(appDir, 'cdk8s.yaml'), [
    'language: typescript',
    `app: ${JSON.stringify(`node -r ${register} main.ts`)}`,
    '',
  ].join('\n'));

  const cli = path.join(nodeModules, 'cdk8s-cli', 'bin', 'cdk8s');
  const args = [cli, 'synth', '--output', outputDir, '--no-check-upgrade', ...(options.extraArgs ?? [])];
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(appDir, 'tsconfig.json') };
  delete env.CDK8S_OUTDIR;
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, args, { cwd: appDir, env, encoding: 'utf8', stdio: 'pipe', timeout: options.timeoutMs ?? 60_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    if (options.outputDir === undefined) fs.rmSync(outputDir, { recursive: true, force: true });
    throw new CliSynthError(`cdk8s synth failed in ${appDir}: ${err.stderr || err.message}`, appDir, err.stdout ?? '', err.stderr ?? '');
  }
  return { appDir, outputDir, files: readTree(outputDir), appFiles: listTree(appDir), stdout };
}

function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.split(path.sep).includes('node_modules') && fs.statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of listTree(dir)) files[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  return files;
}
