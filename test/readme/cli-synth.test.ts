import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CliSynthError, linkLibrary, removeSynthDirs, synthWithCli } from './cdk8s-cli';
import { codeBlocks } from './docs';
import { compileModule } from '../support/compile-cli';

/**
 * A README-style snippet run the way a user runs it: `cdk8s synth --output <dir>` of
 * the real CLI, in a fresh app folder. With `new App()` (no outdir) the CLI decides
 * where manifests go, so they must land in `--output` and nowhere else.
 */
// The README's Helm-chart quick start, as written there (it writes values for both charts).
const snippet = codeBlocks('ts').find((b) => b.file === 'README.md' && b.source.includes("Pomerium's Helm chart"))!.source;

// The library transpiled once for the file: each app's ts-node then transpiles only its main.ts.
const library = compileModule(path.join('src', 'index.ts'));
afterAll(() => library.dispose());

describe('cdk8s synth --output through the real CLI', () => {
  test('a snippet with new App() writes its manifests into the --output folder', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-out-')), 'out');
    const result = synthWithCli(snippet, { outputDir: out, library: library.entry });
    expect(result.outputDir).toBe(out);
    expect(Object.keys(result.files)).toEqual(['grafana.k8s.yaml']);
    // Helm values went beside the --output folder, not into it.
    expect(fs.readdirSync(path.join(path.dirname(out), 'helm-values')).sort()).toEqual(['grafana-pomerium-values.yaml', 'grafana-values.yaml']);
    const kinds = parseAllDocuments(result.files['grafana.k8s.yaml']).map((d) => d.toJS()).filter(Boolean).map((o) => `${o.apiVersion} ${o.kind}`);
    expect(kinds).toContain('networking.k8s.io/v1 NetworkPolicy');
    // Nothing landed in the app folder (no dist/ of its own).
    expect(result.appFiles).toEqual(['cdk8s.yaml', 'main.ts', 'tsconfig.json']);
    removeSynthDirs(result);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }, 30_000);

  test("a hard-coded outdir fails the CLI with cdk8s's own message (issue 11 point 4)", () => {
    const fixed = snippet.replace('new App()', "new App({ outdir: 'dist' })");
    let error: unknown;
    try {
      synthWithCli(fixed, { library: library.entry });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliSynthError);
    expect((error as CliSynthError).message).toMatch(/app expected to create/);
    fs.rmSync((error as CliSynthError).appDir, { recursive: true, force: true });
  }, 30_000);

  test('only the library import is rewritten', () => {
    const linked = linkLibrary("import { App } from 'cdk8s';\nimport { AccessPolicy } from \"cdk8s-grafana-pomerium\";\n");
    expect(linked).toContain("from 'cdk8s';");
    expect(linked).toMatch(/from '\/.+\/src\/index';/);
    expect(linked).not.toContain('cdk8s-grafana-pomerium"');
  });
});
