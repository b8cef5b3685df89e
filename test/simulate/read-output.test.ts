/**
 * The reader's shortcuts (read-output.ts): files are cut at `---` markers, manifests of kinds
 * the simulator never reads are skipped unparsed, GitOps objects and Ingresses that do not
 * name the host are skipped when the host is known; none of it may change what is read.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { loadSynthesized, MANIFEST_KINDS_READ, parseYamlFile, SimulatorInputError } from '../../src/simulate/read-output';
import { LoginSimulator } from '../../src/simulate/simulate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'read-output-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const kinds = (text: string, host?: string) => parseYamlFile('f.yaml', text, host).map((d) => d.doc.kind ?? 'values');

test('manifests of kinds the simulator reads are parsed, others skipped, values always parsed', () => {
  const text = [
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata: { k: v }',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: b }',
    'config:\n  routes: []',
    'apiVersion: security.istio.io/v1\nkind: "AuthorizationPolicy"\nmetadata: { name: c }',
    'apiVersion: apps/v1\nkind: Deployment # the pod\nmetadata: { name: d }',
  ].join('\n---\n');
  expect(kinds(text)).toEqual(['ConfigMap', 'values', 'Deployment']);
  expect([...MANIFEST_KINDS_READ].sort()).toEqual(['Application', 'ConfigMap', 'Deployment', 'Grafana', 'HelmRelease', 'Ingress', 'Pomerium', 'Secret', 'StatefulSet']);
});

test('the same documents as the yaml package reads, for every kind the simulator reads', () => {
  const docs = [...MANIFEST_KINDS_READ].map((kind, i) => ({ apiVersion: 'x/v1', kind, metadata: { name: `n${i}` }, spec: { values: { a: [1, 'two', { three: true }] } } }));
  const text = docs.map((d) => YAML.stringify(d)).join('---\n');
  expect(parseYamlFile('f.yaml', text).map((d) => d.doc)).toEqual(YAML.parseAllDocuments(text).map((d) => d.toJS()));
});

test('a `---` line ends a block scalar (YAML 1.2), so cutting there keeps the next document', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata:\n  k: |\n    line\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\n';
  expect(parseYamlFile('f.yaml', text).map((d) => [d.doc.kind, d.doc.data?.k])).toEqual([['ConfigMap', 'line\n'], ['Secret', undefined]]);
});

test('`--- ` with content on the marker line, CRLF files, directives and `...` markers', () => {
  expect(kinds('--- {apiVersion: v1, kind: ConfigMap, data: {}}\n--- {apiVersion: v1, kind: Service}\n')).toEqual(['ConfigMap', 'Service']);
  expect(kinds('apiVersion: v1\r\nkind: Service\r\n---\r\napiVersion: v1\r\nkind: Secret\r\n')).toEqual(['Secret']);
  // Parsed whole, as the yaml package reads them.
  expect(kinds('%YAML 1.2\n---\napiVersion: v1\nkind: Secret\n...\n---\nconfig: {}\n')).toEqual(['Secret', 'values']);
});

test('a duplicate top-level kind is left to the parser, which refuses it with file and line', () => {
  expect(() => parseYamlFile('f.yaml', 'a: 1\n---\napiVersion: v1\nkind: Service\nkind: Service\n')).toThrow(/^f\.yaml:\d+: not valid YAML \(Map keys must be unique/);
});

test('errors name the line in the file, not in the document', () => {
  const text = 'config: {}\n---\nb: 1\n---\nc: [1, 2\n';
  expect(() => parseYamlFile('f.yaml', text)).toThrow(SimulatorInputError);
  expect(() => parseYamlFile('f.yaml', text)).toThrow(/^f\.yaml:[56]: not valid YAML/);
});

describe('with the host known', () => {
  const helmRelease = (name: string, host: string) => YAML.stringify({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace: name },
    spec: { values: { 'grafana.ini': { 'server': { root_url: `https://${host}/` }, 'auth.jwt': { enabled: true } } } },
  });
  const text = [helmRelease('a', 'grafana-a.example.com'), helmRelease('b', 'grafana-b.example.com')].join('---\n');

  test('a GitOps object that never names the host is not parsed; hosts compare case-insensitively', () => {
    expect(parseYamlFile('f.yaml', text, 'grafana-b.example.com').map((d) => d.doc.metadata.name)).toEqual(['b']);
    expect(parseYamlFile('f.yaml', text, 'GRAFANA-A.example.com').map((d) => d.doc.metadata.name)).toEqual(['a']);
    expect(parseYamlFile('f.yaml', text).map((d) => d.doc.metadata.name)).toEqual(['a', 'b']);
  });

  test('so is an Ingress whose rules serve other hosts; the Pomerium object and ConfigMaps are always read', () => {
    const ingress = (name: string, host: string) => YAML.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, annotations: { 'ingress.pomerium.io/policy': 'allow: {or: [{accept: true}]}' } },
      spec: { ingressClassName: 'pomerium', rules: [{ host }] },
    });
    const other = [
      ingress('a', 'grafana-a.example.com'), ingress('b', 'grafana-b.example.com'),
      YAML.stringify({ apiVersion: 'ingress.pomerium.io/v1', kind: 'Pomerium', metadata: { name: 'global' }, spec: {} }),
      YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { 'jwks.json': '{}' } }),
    ].join('---\n');
    expect(parseYamlFile('f.yaml', other, 'grafana-b.example.com').map((d) => `${d.doc.kind}/${d.doc.metadata.name}`)).toEqual(['Ingress/b', 'Pomerium/global', 'ConfigMap/keys']);
  });

  test('a host nobody serves: the message still lists every host of the output', async () => {
    const dir = path.join(tmp, 'fleet');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'all.yaml'), text);
    expect(loadSynthesized(dir, undefined, 'grafana-a.example.com')).toHaveLength(1);
    await expect(LoginSimulator.simulateDirectory(dir, { host: 'grafana-c.example.com', claims: { sub: 's' } }))
      .rejects.toThrow('no Pomerium route and no Grafana with root_url https://grafana-c.example.com/ in the output; hosts found: grafana-a.example.com, grafana-b.example.com');
  });
});
