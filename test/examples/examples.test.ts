import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { unknownHelmValuePaths } from '../support/helm-values';
import { describeWithReference } from '../support/reference';
import { validateYamlDocuments } from '../support/schema';

/**
 * Runs `npm run synth`'s script as a user would (a separate process) twice, into two
 * scratch directories, and treats its output as the product: byte-identical across
 * runs, valid against the upstream schemas, and snapshotted for review.
 */
const root = path.resolve(__dirname, '..', '..');

function synthesizeExamples(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'scripts', 'synth-examples.ts')], {
    cwd: root,
    env: { ...process.env, EXAMPLES_OUT: out },
    stdio: 'pipe',
  });
  return path.join(out, 'dist');
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const first = synthesizeExamples();
const second = synthesizeExamples();
const files = listFiles(first);
const examples = fs.readdirSync(path.join(root, 'examples')).filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts'))).sort();

describe('examples', () => {
  test('every example produces manifests', () => {
    for (const example of examples) {
      expect(files.filter((f) => f.startsWith(`${example}${path.sep}manifests${path.sep}`) && f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
    }
  });

  test('each manifests folder holds only Kubernetes objects, so `kubectl apply -f` takes it whole', () => {
    const manifests = files.filter((f) => f.split(path.sep)[1] === 'manifests');
    expect(manifests.length).toBeGreaterThanOrEqual(examples.length);
    for (const file of manifests) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(first, file), 'utf8'))) {
        const object = doc.toJS();
        expect([file, typeof object?.apiVersion, typeof object?.kind]).toEqual([file, 'string', 'string']);
      }
    }
    // Everything else is Helm values, in its own folder beside the manifests.
    expect(files.filter((f) => f.split(path.sep)[1] !== 'manifests').every((f) => f.split(path.sep)[1] === 'helm-values')).toBe(true);
  });

  test('no two objects of one app share group, kind, namespace and name (the second apply would replace the first)', () => {
    for (const example of examples) {
      const seen = new Set<string>();
      for (const file of files.filter((f) => f.startsWith(`${example}${path.sep}manifests${path.sep}`))) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(first, file), 'utf8'))) {
          const o = doc.toJS();
          const key = `${String(o.apiVersion).split('/').slice(0, -1).join('/')}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
          expect([example, seen.has(key) ? key : 'unique']).toEqual([example, 'unique']);
          seen.add(key);
        }
      }
    }
  });

  test('synth is deterministic: two runs give byte-identical files', () => {
    expect(listFiles(second)).toEqual(files);
    for (const file of files) {
      expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    }
  });

  test('no private key material in any synthesized file', () => {
    for (const file of files) expect(fs.readFileSync(path.join(first, file), 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  describeWithReference('upstream schemas', () => {
    test.each(files.filter((f) => f.endsWith('.k8s.yaml')))('%s validates', (file) => {
      expect(validateYamlDocuments(fs.readFileSync(path.join(first, file), 'utf8'))).toEqual([]);
    });

    test.each(files.filter((f) => f.split(path.sep)[1] === 'helm-values'))('%s has only paths its chart knows', (file) => {
      const values = YAML.parse(fs.readFileSync(path.join(first, file), 'utf8'));
      const chart = values.config?.routes ? 'pomerium' : 'grafana';
      expect(unknownHelmValuePaths(values, chart)).toEqual([]);
    });
  });

  // A review aid: the assertions above and in the unit tests are what guard behaviour.
  test.each(files)('%s matches its snapshot', (file) => {
    expect(fs.readFileSync(path.join(first, file), 'utf8')).toMatchSnapshot();
  });
});
