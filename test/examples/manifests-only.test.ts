import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findNameCollisions, ObjectIdentity } from '../../src/rules/unique-object-names';

/**
 * Each example's manifest folder is what a user hands to `kubectl apply -f <folder>`
 * (recursively, `-R`) or to GitOps: every YAML file in it, at any depth, must hold
 * only Kubernetes objects, each with apiVersion and kind (issue 11 point 1). Helm
 * values files belong in their own folder, outside it.
 */
const root = path.resolve(__dirname, '..', '..');

function synthesizeExamples(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-manifests-'));
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'scripts', 'synth-examples.ts')], {
    cwd: root,
    env: { ...process.env, EXAMPLES_OUT: out },
    stdio: 'pipe',
  });
  return out;
}

/** Where `npm run synth` writes an example's manifests (`dist/<name>/`). */
function manifestFolder(out: string, example: string): string {
  return path.join(out, 'dist', example);
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

/** Why a file is not applied whole by kubectl: one line per offending document; [] for a manifest file. */
function notManifests(file: string, text: string): string[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [`${file}: not a YAML stream`];
  const problems: string[] = [];
  const objects = documents.map((d) => d.toJS() as unknown).filter((o) => o !== null && o !== undefined);
  if (objects.length === 0) problems.push(`${file}: holds no object`);
  objects.forEach((o, i) => {
    const record = typeof o === 'object' && !Array.isArray(o) ? o as Record<string, unknown> : {};
    const missing = ['apiVersion', 'kind'].filter((key) => typeof record[key] !== 'string' || record[key] === '');
    if (missing.length > 0) problems.push(`${file}: document ${i + 1} has no ${missing.join(' and no ')} (not a Kubernetes object: kubectl apply -f stops here)`);
  });
  return problems;
}

const out = synthesizeExamples();
const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts')))
  .sort();

describe("every example's manifest folder holds only Kubernetes manifests", () => {
  test.each(examples)('%s', (example) => {
    const folder = manifestFolder(out, example);
    const files = yamlFiles(folder);
    expect(files.length).toBeGreaterThan(0);
    const problems = files.flatMap((f) => notManifests(`dist/${example}/${f.split(path.sep).join('/')}`, fs.readFileSync(path.join(folder, f), 'utf8')));
    expect(problems).toEqual([]);
  });

  // The same rule synth applies per app, applied to what lands in one folder (several apps may write there).
  test.each(examples)('%s: no two objects in the folder are one object to the API server', (example) => {
    const folder = manifestFolder(out, example);
    const objects: ObjectIdentity[] = yamlFiles(folder).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8'))
      .map((d) => d.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | null)
      .flatMap((o, i) => o?.apiVersion && o.kind && o.metadata?.name
        ? [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, path: `${f.split(path.sep).join('/')}#${i + 1}` }]
        : []));
    expect(findNameCollisions(objects).map((c) => `${c.second.kind} ${c.second.name} (${c.clusterScoped ? 'cluster' : `namespace '${c.namespace}'`}): ${c.first.path} and ${c.second.path}`)).toEqual([]);
  });

  test('the check itself: a Helm values file is refused, a manifest file passes', () => {
    expect(notManifests('v.yaml', 'proxy:\n  replicas: 2\n')).toEqual(['v.yaml: document 1 has no apiVersion and no kind (not a Kubernetes object: kubectl apply -f stops here)']);
    expect(notManifests('m.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n')).toEqual([]);
    expect(notManifests('e.yaml', '')).toEqual(['e.yaml: holds no object']);
    expect(notManifests('k.yaml', 'kind: ConfigMap\n')).toEqual(['k.yaml: document 1 has no apiVersion (not a Kubernetes object: kubectl apply -f stops here)']);
  });

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
});
