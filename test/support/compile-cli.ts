/**
 * Compiles a CLI entry point (or an example, or the whole library) and the source files it
 * imports, transpile-only (what `ts-node/register/transpile-only` does per process), once per
 * test file, so a test can run it as a child process dozens of times: `node <out>/cli/explain.js ...`.
 * On the shared CI machine a ts-node child costs seconds (loading TypeScript, transpiling the
 * library); a plain node child costs a fraction of that.
 *
 * The output sits under the repository's node_modules/.cache so that the compiled files
 * resolve `yaml`, `jose`, `constructs` exactly as the sources do.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface CompiledCli {
  /** The compiled entry point. */
  readonly entry: string;
  /** The output folder. */
  readonly out: string;
  /** Releases the compiled files (they stay cached for the next test file while the sources are unchanged). */
  readonly dispose: () => void;
}

/** Compiles `src/<entryRelativeToSrc>` and what it imports; the output mirrors src/. */
export function compileCli(entryRelativeToSrc: string): CompiledCli {
  return compileModule(path.join('src', entryRelativeToSrc), { base: 'src' });
}

export interface CompileOptions {
  /** The folder (relative to the repository) the output mirrors. @default the repository root */
  readonly base?: string;
  /** Files (relative to the repository) copied beside their compiled neighbours, e.g. data read from `__dirname`. */
  readonly assets?: string[];
}

/**
 * Compiles `<repo>/<entryRelativeToRoot>` and the files it imports relatively (src/, examples/).
 *
 * The output is shared by every test file of a run (and by later runs) while the sources are
 * unchanged: it sits in a folder named by a hash of every input (paths, contents, assets), and
 * TypeScript is loaded only when that folder does not exist yet. Jest runs files in parallel
 * workers, so a compile goes to a private folder first and is renamed into place (the loser of
 * a race keeps the winner's identical output). Folders of other sources are pruned after an hour.
 */
export function compileModule(entryRelativeToRoot: string, options: CompileOptions = {}): CompiledCli {
  const base = path.join(root, options.base ?? '.');
  const cache = path.join(root, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const sources = new Map<string, string>();
  const queue = [path.join(root, entryRelativeToRoot)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (sources.has(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    sources.set(file, text);
    for (const m of text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      queue.push(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
    }
  }
  const assets = (options.assets ?? []).map((a) => path.join(root, a));
  const hash = crypto.createHash('sha256').update(JSON.stringify([path.relative(root, base), COMPILER_OPTIONS]));
  for (const file of [...[...sources.keys()].sort(), ...assets]) hash.update(`\0${path.relative(root, file)}\0`).update(fs.readFileSync(file));
  const out = path.join(cache, `compiled-${hash.digest('hex').slice(0, 16)}`);
  const entry = path.join(out, path.relative(base, path.join(root, entryRelativeToRoot)).replace(/\.ts$/, '.js'));
  if (fs.existsSync(out)) {
    const now = new Date();
    fs.utimesSync(out, now, now);
    return { entry, out, dispose: () => undefined };
  }
  const scratch = fs.mkdtempSync(path.join(cache, 'compiling-'));
  // Loaded only on a cache miss: loading TypeScript costs a second or two per test file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof import('typescript') = require('typescript');
  for (const [file, text] of sources) {
    const js = ts.transpileModule(text, { compilerOptions: COMPILER_OPTIONS, fileName: file }).outputText;
    const dest = path.join(scratch, path.relative(base, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  }
  for (const asset of assets) {
    const dest = path.join(scratch, path.relative(base, asset));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(asset, dest);
  }
  try {
    fs.renameSync(scratch, out);
  } catch {
    fs.rmSync(scratch, { recursive: true, force: true }); // another worker renamed the same output first
  }
  pruneStale(cache, out);
  return { entry, out, dispose: () => undefined };
}

// What `ts-node/register/transpile-only` does with this project's tsconfig, per file.
const COMPILER_OPTIONS = { module: 1 /* CommonJS */, target: 7 /* ES2020 */, esModuleInterop: false };

function pruneStale(cache: string, keep: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of fs.readdirSync(cache)) {
    const dir = path.join(cache, name);
    if (dir === keep || !/^(compiled|compiling|compiled-cli)-/.test(name)) continue;
    try {
      if (fs.statSync(dir).mtimeMs < hourAgo) fs.rmSync(dir, { recursive: true, force: true });
    } catch { /* removed meanwhile */ }
  }
}
