import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as YAML from 'yaml';

/**
 * The entry points users are given: `npm run synth` runs the compiled examples, and each
 * example folder is a cdk8s app whose `cdk8s.yaml` runs the compiled main.js. Checked here:
 * the compiled path writes exactly the bytes snapshotted by examples.test.ts (which runs the
 * TypeScript sources), and the real `cdk8s synth --output <dir>` in an example folder writes
 * exactly what `npm run synth` wrote for that example.
 */
const root = path.resolve(__dirname, '..', '..');
const examplesDir = path.join(root, 'examples');
const examples = fs.readdirSync(examplesDir).filter((e) => fs.existsSync(path.join(examplesDir, e, 'main.ts'))).sort();
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.CDK8S_OUTDIR;

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (!fs.existsSync(dir)) return files;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (fs.statSync(path.join(dir, f)).isFile()) files[f.split(path.sep).join('/')] = fs.readFileSync(path.join(dir, f), 'utf8');
  }
  return files;
}

let synthOut: string;
const scratch: string[] = [];

beforeAll(() => {
  // No reliance on a manual build: compile when a source is newer than .examples-build/.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'examples-build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
  // What `npm run synth` runs after the build step.
  synthOut = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-compiled-'));
  scratch.push(synthOut);
  execFileSync(process.execPath, [path.join(root, '.examples-build', 'scripts', 'synth-examples.js')], {
    cwd: root, env: { ...env, EXAMPLES_OUT: synthOut }, stdio: 'pipe',
  });
}, 120_000);

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe('every example is a cdk8s app with a compiled entry point', () => {
  test.each(examples)('examples/%s/cdk8s.yaml runs its compiled main.js, no ts-node, no imports', (name) => {
    const file = path.join(examplesDir, name, 'cdk8s.yaml');
    expect([name, fs.existsSync(file)]).toEqual([name, true]);
    const config = YAML.parse(fs.readFileSync(file, 'utf8'));
    expect(config).toEqual({
      language: 'typescript',
      app: `node -r ../../scripts/examples-build.js ../../.examples-build/examples/${name}/main.js`,
      output: 'dist/manifests',
      imports: [],
    });
    expect(fs.existsSync(path.join(root, '.examples-build', 'examples', name, 'main.js'))).toBe(true);
  });

  test('the compiled examples write the bytes snapshotted from the TypeScript sources', () => {
    const snap = fs.readFileSync(path.join(__dirname, '__snapshots__', 'examples.test.ts.snap'), 'utf8');
    const exported: Record<string, string> = {};
    vm.runInNewContext(snap, { exports: exported });
    const expected: Record<string, string> = {};
    for (const [key, value] of Object.entries(exported)) {
      const file = key.match(/^examples (.+) matches its snapshot 1$/)?.[1];
      // A string snapshot is stored as \n"<content>"\n.
      if (file) expected[file] = value.slice(2, -2);
    }
    const actual = readTree(path.join(synthOut, 'dist'));
    expect(Object.keys(actual).length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  // One with Helm values, one that reads a file beside its main.ts (copied by the build).
  test.each(['grafana-jwt', 'grafana-jwt-local-jwks'])('`cdk8s synth --output <dir>` in examples/%s writes what `npm run synth` wrote', (name) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'example-cli-'));
    scratch.push(out);
    const cwd = path.join(examplesDir, name);
    const before = fs.readdirSync(cwd).sort();
    const cli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const stdout = execFileSync(process.execPath, [cli, 'synth', '--no-check-upgrade', '--output', path.join(out, 'manifests')], {
      cwd, env, encoding: 'utf8', stdio: 'pipe', timeout: 60_000,
    });
    expect(stdout).toContain(path.join(out, 'manifests', `${name}.k8s.yaml`));
    const expected = readTree(path.join(synthOut, 'dist', name));
    expect(Object.keys(expected)).toContain(`manifests/${name}.k8s.yaml`);
    expect(readTree(out)).toEqual(expected);
    // --output honoured: nothing written in the example folder.
    expect(fs.readdirSync(cwd).sort()).toEqual(before);
  }, 60_000);
});
