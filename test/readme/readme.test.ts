import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { codeBlocks, root } from './docs';
import { compileModule, CompiledCli } from '../support/compile-cli';

/**
 * Every TypeScript snippet in the README and docs/*.md compiles and runs as is in a fresh cdk8s
 * app. The app resolves `cdk8s-grafana-pomerium` to this checkout (a package shim
 * in the app's own node_modules) and everything else from the project's
 * node_modules. All snippets are type-checked in one `tsc` run, then each runs in
 * its own directory and must write its manifests. commands-tarball.test.ts type-checks them
 * again against the packed tarball's declarations and runs the first one from it.
 *
 * Each snippet runs as a plain `node` process: the library is transpiled once for the whole
 * file (compileModule, what ts-node's transpile-only mode did in every child) and each snippet
 * is transpiled in this process, so no child loads TypeScript or re-transpiles src/.
 */
const blocks = codeBlocks('ts');
const snippets = blocks.map((b) => b.source);

const app = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
const shim = path.join(app, 'node_modules', 'cdk8s-grafana-pomerium');
fs.mkdirSync(shim, { recursive: true });
fs.writeFileSync(path.join(shim, 'package.json'), JSON.stringify({ name: 'cdk8s-grafana-pomerium', main: 'index.js', types: 'index.d.ts' }));
// The shim's types are src/ itself; its JavaScript is the library compiled once (beforeAll).
fs.writeFileSync(path.join(shim, 'index.d.ts'), `export * from ${JSON.stringify(path.join(root, 'src', 'index'))};\n`);
snippets.forEach((source, i) => {
  fs.mkdirSync(path.join(app, `snippet-${i + 1}`));
  fs.writeFileSync(path.join(app, `snippet-${i + 1}`, 'main.ts'), source);
});
fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    moduleResolution: 'node',
    ignoreDeprecations: '6.0',
    rootDir: '/',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    baseUrl: '.',
    paths: { '*': ['node_modules/*', path.join(root, 'node_modules', '*'), path.join(root, 'node_modules', '@types', '*')] },
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
  },
  include: ['snippet-*/main.ts'],
}));

const snippetCompilerOptions: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true };
let library: CompiledCli;
beforeAll(() => {
  library = compileModule(path.join('src', 'index.ts'));
  fs.writeFileSync(path.join(shim, 'index.js'), `module.exports = require(${JSON.stringify(library.entry)});\n`);
});
afterAll(() => library?.dispose());

function typeCheck(): string {
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { stdio: 'pipe', encoding: 'utf8' });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

describe('README and docs/ snippets', () => {
  test('the README has TypeScript snippets', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThan(0);
  });

  test('every snippet compiles with strict type checking', () => {
    expect(typeCheck()).toBe('');
  }, 120_000);

  test.each(blocks.map((b, i) => [`${b.file} #${b.index}`, i + 1, b.source] as const))('%s is complete and synthesizes', (_name, i, source) => {
    expect(source).toMatch(/from 'cdk8s-grafana-pomerium'/);
    expect(source).toMatch(/new (Fleet)?App\(/);
    expect(source).toMatch(/\.synth\(\)/);
    const dir = path.join(app, `snippet-${i}`);
    const js = ts.transpileModule(source, { compilerOptions: snippetCompilerOptions, fileName: path.join(dir, 'main.ts') }).outputText;
    fs.writeFileSync(path.join(dir, 'main.js'), js);
    execFileSync(process.execPath, ['main.js'], {
      cwd: dir,
      env: { ...process.env, NODE_PATH: `${path.join(app, 'node_modules')}${path.delimiter}${path.join(root, 'node_modules')}` },
      stdio: 'pipe',
    });
    const outputs = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.k8s.yaml'));
    expect(outputs.length).toBeGreaterThan(0);
  }, 60_000);
});
