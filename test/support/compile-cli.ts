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
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');

export interface CompiledCli {
  /** The compiled entry point. */
  readonly entry: string;
  /** Removes the compiled files. */
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

/** Compiles `<repo>/<entryRelativeToRoot>` and the files it imports relatively (src/, examples/). */
export function compileModule(entryRelativeToRoot: string, options: CompileOptions = {}): CompiledCli {
  const base = path.join(root, options.base ?? '.');
  const cache = path.join(root, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const out = fs.mkdtempSync(path.join(cache, 'compiled-cli-'));
  const seen = new Set<string>();
  const queue = [path.join(root, entryRelativeToRoot)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      queue.push(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
    }
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: false },
      fileName: file,
    }).outputText;
    const dest = path.join(out, path.relative(base, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  }
  for (const asset of options.assets ?? []) {
    const dest = path.join(out, path.relative(base, path.join(root, asset)));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(path.join(root, asset), dest);
  }
  return {
    entry: path.join(out, path.relative(base, path.join(root, entryRelativeToRoot)).replace(/\.ts$/, '.js')),
    dispose: () => fs.rmSync(out, { recursive: true, force: true }),
  };
}
