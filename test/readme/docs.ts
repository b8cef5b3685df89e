import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The documentation a user reads (README.md and docs/*.md) and the code blocks in it, for
 * the tests that compile, run and check them.
 */
export const root = path.resolve(__dirname, '..', '..');

/** README.md first, then docs/*.md in name order; paths relative to the repository root. */
export function docFiles(): string[] {
  const docs = fs.existsSync(path.join(root, 'docs'))
    ? fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs];
}

export interface DocBlock {
  /** The file, relative to the repository root (`README.md`, `docs/istio.md`). */
  readonly file: string;
  /** 1-based position among the blocks of that language in the file. */
  readonly index: number;
  readonly source: string;
}

/** Every fenced block of the language (```ts, ```sh) in the README and docs/. */
export function codeBlocks(lang: string): DocBlock[] {
  const fence = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  return docFiles().flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(fence)]
    .map((m, i) => ({ file, index: i + 1, source: m[1] })));
}

export interface DocCommand {
  readonly file: string;
  /** One command line of an ```sh block, its trailing `# comment` removed. */
  readonly command: string;
}

/** Every command of every ```sh block: one per line, comments and blank lines dropped. */
export function shellCommands(): DocCommand[] {
  return codeBlocks('sh').flatMap((block) => block.source.split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((command) => ({ file: block.file, command })));
}

/**
 * A fresh copy of the repository: the files git tracks or would track (what a clone has,
 * plus new files not committed yet), no build output (lib/, dist/, .examples-build/).
 * node_modules is the project's own, linked: a fresh `npm ci` installs the same lockfile,
 * which `.ci/run` already does on a clean clone for every CI run.
 */
export function freshCopy(prefix: string): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const copy = path.join(parent, 'cdk8s-grafana-pomerium');
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0').filter((f) => f !== '' && fs.existsSync(path.join(root, f)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(copy, file));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  // ../shared/reference beside the copy, as beside the checkout, when the checkout has it.
  const reference = path.resolve(root, '..', 'shared');
  if (fs.existsSync(reference)) fs.symlinkSync(reference, path.join(parent, 'shared'), 'dir');
  return copy;
}

/** Runs a documented command as a user would (`sh -c`) and returns its stdout; throws with stderr on failure. */
export function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): string {
  try {
    return execFileSync('sh', ['-c', command], {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: timeoutMs,
      env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', ...env },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`\`${command}\` failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** A documented command that a test runs, and how it is run. */
export interface CommandRunner {
  readonly pattern: RegExp;
  /** Why the command is run differently from how it is written, when it is. */
  readonly note?: string;
}

/**
 * Commands run in a fresh copy of the repository (commands-clone.test.ts), in the order the
 * docs give them. `npm ci && ` is dropped: the copy links the project's node_modules (see freshCopy).
 */
export const RUN_IN_CLONE: CommandRunner[] = [
  { pattern: /^npm ci && npm run synth$/, note: 'run as `npm run synth`: node_modules is linked (see freshCopy)' },
  { pattern: /^echo '.*' > ada\.json$/ },
  { pattern: /^npx cdk8s-grafana-pomerium explain / },
  { pattern: /^npx cdk8s-grafana-pomerium-keygen / },
];

/**
 * Commands run by commands-tarball.test.ts: the tarball packed in a fresh copy, then a new app
 * folder that installs it from the registry with the TypeScript the README names.
 * `/path/to/clone` is the copy.
 */
export const RUN_IN_APP: CommandRunner[] = [
  { pattern: /^npm ci && npm run tarball$/, note: 'run as `npm run tarball` in the copy: node_modules is linked (see freshCopy)' },
  { pattern: /^npm init -y$/ },
  { pattern: /^npm install / },
  { pattern: /^echo '.*' > tsconfig\.json$/ },
];

/** Commands no test runs, each with the reason. */
export const NOT_RUN: { pattern: RegExp; reason: string }[] = [
  { pattern: /^npm ci && npm test$/, reason: 'the whole suite, this test among it: .ci/run runs exactly this command on a clean clone' },
  { pattern: /^(kubectl|helm) /, reason: 'needs a Kubernetes cluster' },
  {
    pattern: /^([A-Z_]+=\S+ )*npm run bench(:[a-z]+)?$/,
    reason: 'a benchmark: minutes of whole-process runs, outside the suite\'s 3-minute budget; docs/benchmarks.md gives its figures and the command',
  },
  {
    pattern: /^npm run mutation( -- .*)?$/,
    reason: 'mutation testing reruns the unit tests once per mutant: tens of minutes, outside the suite; docs/testing.md gives the scores',
  },
  {
    pattern: /^FC_SEED=\d+ npx jest \S+\.property\.test\.ts --coverage=false$/,
    reason: 'replays a property test with another seed: `npm test` runs the same file with its fixed seed',
  },
];

/** The documented commands a runner list covers, in document order. */
export function commandsFor(runners: CommandRunner[]): DocCommand[] {
  return shellCommands().filter((c) => runners.some((r) => r.pattern.test(c.command)));
}
