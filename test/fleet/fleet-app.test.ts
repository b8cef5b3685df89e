import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, AppProps, Chart, IResolver, Lazy, Names, ResolutionContext, Yaml, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import * as LibraryYAML from 'yaml';
import { FleetApp } from '../../src/synth/fleet-app';
import { stringifyYaml, stringifyYaml12 } from '../../src/synth/yaml';

type AppClass = new (props?: AppProps) => App;

const OUTPUT_TYPES: Array<[string, YamlOutputType]> = [
  ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
  ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
  ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
  ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
];

/** Counts validation runs, per construct path, across both apps of a comparison. */
let validationRuns = new Map<string, number>();

function counted(scope: Construct, message?: string) {
  scope.node.addValidation({
    validate: () => {
      validationRuns.set(scope.node.path, (validationRuns.get(scope.node.path) ?? 0) + 1);
      return message ? [message] : [];
    },
  });
}

class UpperCaseResolver implements IResolver {
  public resolve(context: ResolutionContext): void {
    if (context.key.includes('shout') && typeof context.value === 'string' && context.value !== context.value.toUpperCase()) context.replaceValue(context.value.toUpperCase());
  }
}

/** Tenant charts without any dependency between them: simple file names. */
function independentTenants(app: App, tenants = 4) {
  for (let i = 0; i < tenants; i++) {
    const chart = new Chart(app, `tenant-${i}`, { namespace: `ns-${i}`, labels: { tenant: `t${i}` } });
    counted(chart);
    const ns = new ApiObject(chart, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}` } });
    counted(ns);
    new ApiObject(chart, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: {
        lazy: Lazy.any({ produce: () => `value-${i}` }),
        shout: 'quiet',
        wildcard: '*.example.com',
        number: 42,
        multiline: 'a\nb\n',
        nothing: undefined,
      },
    });
    new ApiObject(chart, 'empty', { apiVersion: 'example.com/v1', kind: 'Thing', spec: {} });
  }
}

/** Cross-chart and in-chart dependencies, nested charts, a Lazy reading another object's name. */
function dependentTenants(app: App) {
  const shared = new Chart(app, 'shared');
  const gateway = new ApiObject(shared, 'gateway', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', spec: { selector: { istio: 'ingress' } } });
  counted(gateway);
  for (let i = 0; i < 3; i++) {
    const chart = new Chart(app, `tenant-${i}`, { namespace: `t${i}`, disableResourceNameHashes: i === 1 });
    const vs = new ApiObject(chart, 'vs', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      spec: { gateways: [Lazy.any({ produce: () => `istio-system/${gateway.name}` })], hosts: [`g${i}.example.com`] },
    });
    const svc = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80 }] } });
    vs.addDependency(svc); // in-chart: svc comes first
    vs.node.addDependency(gateway); // cross-chart: tenant charts after shared
    const nested = new Chart(chart, 'nested');
    new ApiObject(nested, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: `v${i}` } });
    const group = new Construct(chart, 'group');
    new ApiObject(group, 'a', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'a' } });
    new ApiObject(group, 'b', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'b' } });
    svc.node.addDependency(group);
  }
  // Added last, depended on by the first: the topology, not the creation order, decides.
  const late = new Chart(app, 'crds');
  new ApiObject(late, 'crd', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
  shared.addDependency(late);
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-app-'));
}

/** Every file under dir, relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return files;
}

function synthBoth(build: (app: App) => void, props: AppProps = {}) {
  const out: Record<string, { dir: string; files: Map<string, Buffer>; runs: Map<string, number> }> = {};
  for (const [label, Klass] of [['plain', App], ['fleet', FleetApp]] as Array<[string, AppClass]>) {
    validationRuns = new Map();
    const dir = tmp();
    const app = new Klass({ ...props, outdir: dir });
    build(app);
    app.synth();
    out[label] = { dir, files: readTree(dir), runs: validationRuns };
  }
  return out;
}

function expectSameTree(plain: Map<string, Buffer>, fleet: Map<string, Buffer>) {
  expect([...fleet.keys()]).toEqual([...plain.keys()]);
  for (const [file, bytes] of plain) {
    expect({ file, text: fleet.get(file)!.toString('utf8') }).toEqual({ file, text: bytes.toString('utf8') });
    expect(fleet.get(file)!.equals(bytes)).toBe(true);
  }
}

describe('FleetApp writes the same files and bytes as App', () => {
  for (const [label, type] of OUTPUT_TYPES) {
    test(`independent charts, ${label}`, () => {
      const { plain, fleet } = synthBoth((app) => independentTenants(app), { yamlOutputType: type, resolvers: [new UpperCaseResolver()] });
      expect(plain.files.size).toBeGreaterThan(0);
      const text = [...fleet.files.values()].join('');
      expect(text).toContain('shout: QUIET');
      expect(text).toContain('lazy: value-3');
      expect(text).toContain('"*.example.com"');
      expectSameTree(plain.files, fleet.files);
    });

    test(`dependent and nested charts, ${label}`, () => {
      const { plain, fleet } = synthBoth(dependentTenants, { yamlOutputType: type });
      expectSameTree(plain.files, fleet.files);
    });
  }

  test('chart-index prefixes appear exactly when a chart depends on another', () => {
    const independent = synthBoth((app) => independentTenants(app, 2)).fleet.files;
    expect([...independent.keys()]).toEqual(['tenant-0.k8s.yaml', 'tenant-1.k8s.yaml']);
    const dependent = synthBoth(dependentTenants).fleet.files;
    expect([...dependent.keys()]).toEqual([
      '0000-tenant-0-nested-c866e137.k8s.yaml', '0001-crds.k8s.yaml', '0002-shared.k8s.yaml', '0003-tenant-0.k8s.yaml',
      '0004-tenant-1-nested-c8570619.k8s.yaml', '0005-tenant-1.k8s.yaml',
      '0006-tenant-2-nested-c8460c34.k8s.yaml', '0007-tenant-2.k8s.yaml',
    ]);
  });

  test('a custom output file extension and construct metadata', () => {
    const { plain, fleet } = synthBoth(dependentTenants, { outputFileExtension: '.yml', recordConstructMetadata: true });
    expect(plain.files.has('construct-metadata.json')).toBe(true);
    expectSameTree(plain.files, fleet.files);
  });

  test('an empty app writes nothing in every output type', () => {
    for (const [, type] of OUTPUT_TYPES) {
      const { plain, fleet } = synthBoth(() => undefined, { yamlOutputType: type });
      expect([...fleet.files.keys()]).toEqual([...plain.files.keys()]);
    }
  });

  test('an existing outdir is written into, not emptied, as App does', () => {
    const dirs: Record<string, string> = {};
    for (const [label, Klass] of [['plain', App], ['fleet', FleetApp]] as Array<[string, AppClass]>) {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'stale.k8s.yaml'), 'old: true\n');
      const app = new Klass({ outdir: path.join(dir) });
      independentTenants(app, 1);
      app.synth();
      dirs[label] = dir;
    }
    expectSameTree(readTree(dirs.plain), readTree(dirs.fleet));
    expect(readTree(dirs.fleet).has('stale.k8s.yaml')).toBe(true);
  });

  test('a chart that overrides toJson() is rendered through it', () => {
    class Annotated extends Chart {
      public toJson(): any[] {
        return super.toJson().map((o) => ({ ...o, metadata: { ...o.metadata, annotations: { 'example.com/by': 'toJson' } } }));
      }
    }
    const build = (app: App) => {
      independentTenants(app, 2);
      const chart = new Annotated(app, 'annotated');
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap' });
    };
    const { plain, fleet } = synthBoth(build);
    expectSameTree(plain.files, fleet.files);
    expect(fleet.files.get('annotated.k8s.yaml')!.toString()).toContain('example.com/by: toJson');
  });

  test('synthYaml() returns the same string as App.synthYaml()', () => {
    for (const build of [(app: App) => independentTenants(app), dependentTenants]) {
      const plain = new App({ outdir: tmp(), resolvers: [new UpperCaseResolver()] });
      const fleet = new FleetApp({ outdir: tmp(), resolvers: [new UpperCaseResolver()] });
      build(plain);
      build(fleet);
      expect(fleet.synthYaml()).toEqual(plain.synthYaml());
    }
  });
});

describe('FleetApp validates every construct once', () => {
  test('each validation runs once, where App runs it once per chart plus once', () => {
    const { plain, fleet } = synthBoth((app) => independentTenants(app, 4));
    expect([...fleet.runs.values()].every((n) => n === 1)).toBe(true);
    expect(fleet.runs.size).toBe(8);
    expect(plain.runs.get('tenant-0')).toBe(5);
  });

  test('synthYaml() also validates once', () => {
    validationRuns = new Map();
    const app = new FleetApp({ outdir: tmp() });
    independentTenants(app, 3);
    app.synthYaml();
    expect([...validationRuns.values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  test('a failing validation stops synth with the same message and writes nothing', () => {
    const messages: Record<string, string> = {};
    for (const [label, Klass] of [['plain', App], ['fleet', FleetApp]] as Array<[string, AppClass]>) {
      const dir = tmp();
      const app = new Klass({ outdir: dir });
      independentTenants(app, 3);
      counted(app.node.findChild('tenant-1'), 'tenant-1 is broken');
      counted(app.node.findChild('tenant-2').node.findChild('namespace'), 'namespace clash');
      expect(() => app.synth()).toThrow();
      try {
        app.synth();
      } catch (e) {
        messages[label] = (e as Error).message;
      }
      expect(readTree(dir).size).toBe(0);
    }
    expect(messages.fleet).toEqual(messages.plain);
    expect(messages.fleet).toBe(
      'Validation failed with the following errors:\n  [tenant-1] tenant-1 is broken\n  [tenant-2/namespace] namespace clash',
    );
  });

  test('synthYaml() fails with the same message too', () => {
    const run = (app: App) => {
      independentTenants(app, 2);
      counted(app.node.findChild('tenant-0'), 'bad');
      try {
        app.synthYaml();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const message = run(new FleetApp({ outdir: tmp() }));
    expect(message).toBe('Validation failed with the following errors:\n  [tenant-0] bad');
    expect(message).toEqual(run(new App({ outdir: tmp() })));
  });

  test('a dependency cycle fails as in App', () => {
    const run = (app: App) => {
      const a = new Chart(app, 'a');
      const b = new Chart(app, 'b');
      a.addDependency(b);
      b.addDependency(a);
      try {
        app.synth();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const message = run(new FleetApp({ outdir: tmp() }));
    expect(message).toMatch(/^Dependency cycle detected/);
    expect(message).toEqual(run(new App({ outdir: tmp() })));
  });

  test('an output type it does not know is refused, not silently skipped', () => {
    const app = new FleetApp({ outdir: tmp(), yamlOutputType: 99 as YamlOutputType });
    independentTenants(app, 1);
    expect(() => app.synth()).toThrow(/yamlOutputType 99 is not one FleetApp knows how to write/);
  });
});

describe('FleetApp orders and serializes as cdk8s does, on one thread', () => {
  test('documents are serialized byte for byte as cdk8s Yaml.stringify serializes them', () => {
    // Scalars YAML 1.1 reads as something else must be quoted; block scalars, flow collections,
    // a repeated object (yaml writes an anchor and an alias), a missing document.
    const shared = { reused: 'twice' };
    const docs: unknown[] = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'tricky', annotations: { 'example.com/on': 'on', 'octal': '0775', 'yes': 'yes', 'tilde': '~', 'date': '2001-12-14' } },
        data: {
          multiline: 'a\nb\n',
          trailing: 'x ',
          leading: ' x',
          colon: 'a: b',
          hash: 'a #b',
          tag: '!secret',
          star: '*.example.com',
          percent: '%TAG ! tag:example.com,2000:',
          number: 42,
          float: 0.5,
          negative: -1,
          boolean: false,
          text: 'plain text',
          empty: {},
          emptyList: [],
          nested: [[1, 2], { a: [] }],
          nothing: null,
          first: shared,
          second: shared,
        },
      },
      undefined,
      { kind: 'Second', list: ['- item', 'key: value', '', 'NO', 'Off', '.inf', '1_000', '0x1F', '190:20:30'] },
    ];
    expect(stringifyYaml(docs)).toEqual(Yaml.stringify(...docs));
  });

  test('seeded random documents of tricky scalars, keys and shapes are serialized as Yaml.stringify does', () => {
    let seed = 20261202;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // YAML 1.1 booleans, nulls, numbers, timestamps, indicators, document markers, quotes, tabs, newlines, non-ASCII.
    const atoms = ['a', 'yes', 'No', 'on', '~', 'null', '0775', '0x1F', '1e3', '.5', '-', '?', '- a', 'a: b', 'a:', '#x', 'a #b', 'a#b',
      '*x', '&x', '!x', '%x', '@x', '`x', '|x', '>x', "'x", '"x', "x'y", 'x"y', '---', '...', '--- x', '0', '+1', '1_000', '190:20:30',
      '2001-12-14', '.inf', '=', '<<', 'a b', ' a', 'a ', 'a\tb', 'a\nb', 'a\n', 'é', '日本', 'a/b', 'http://x:1/y', '{a}', '[a]', 'a,b', '-x', '/x', 'a:b', 't\u0007'];
    const value = randomValues(random, atoms);
    for (let i = 0; i < 1500; i++) {
      const doc: Record<string, unknown> = { apiVersion: 'v1', kind: 'Thing', spec: value(0) };
      expect(stringifyYaml([doc])).toEqual(Yaml.stringify(doc));
    }
  });

  test('seeded random multi-line strings, in maps and lists at every depth, are serialized as Yaml.stringify does', () => {
    // The writer prints common multi-line strings as literal blocks itself (`|`, `|-`); leading
    // spaces or newlines, trailing blanks, `|+` endings and control characters go through yaml.
    let seed = 18;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const lines = ['allow:', '  or:', '    - claim/groups: team', '', ' ', '\t', 'a\tb', '#x', '- a', '---', '...', 'key: value', 'x ', ' x',
      '{"keys": []}', '[server]', 'root_url = https://x/', 'é', 'yes', '"q"', "'q'", '|', '>', 't\u0007', 'a\rb'];
    const multiLine = (): string => {
      const count = 1 + Math.floor(random() * 5);
      const body = Array.from({ length: count }, () => pick(lines)).join(random() < 0.2 ? '\n\n' : '\n');
      return body + pick(['', '', '\n', '\n', '\n\n', ' \n', '\n ']);
    };
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.4) return random() < 0.8 ? multiLine() : pick(lines);
      if (r < 0.75) {
        const map: Record<string, unknown> = {};
        for (let i = 1 + Math.floor(random() * 3); i > 0; i--) map[`k${Math.floor(random() * 9)}`] = value(depth + 1);
        return map;
      }
      return Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(depth + 1));
    };
    for (let i = 0; i < 1500; i++) {
      const doc: Record<string, unknown> = { apiVersion: 'v1', kind: 'Thing', data: value(0) };
      expect(stringifyYaml([doc])).toEqual(Yaml.stringify(doc));
    }
  });

  test("seeded random values are written as the library's own YAML.stringify(value, { lineWidth: 0 }) writes them (YAML 1.2)", () => {
    // Pomerium's route policies go into annotations through this writer (src/pomerium/render.ts toYaml).
    let seed = 2026;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // 1.2 and 1.1 disagree on yes/on/0775/1_000/timestamps: both kinds are here.
    const atoms = ['a', 'yes', 'No', 'on', 'true', 'False', '~', 'null', 'Null', '0775', '0o17', '0x1F', '1e3', '.5', '.NaN', '-', 'a: b', 'a:',
      '#x', '*x', '!x', '%x', '---', '0', '+1', '1_000', '190:20:30', '2001-12-14', '.inf', '<<', ' a', 'a ', 'a\tb', 'a\nb', 'a\n',
      'allow:\n  or:\n    - claim/groups: g\n', 'x\n\ny', '\nx', 'x\n\n', 'é', 'claim/groups', '/tenant-1-grafana-admin', 'a:b', 't\u0007'];
    const value = randomValues(random, atoms);
    for (let i = 0; i < 1500; i++) {
      const doc = random() < 0.9 ? { allow: value(0) } : value(0);
      expect(stringifyYaml12(doc)).toEqual(LibraryYAML.stringify(doc, { lineWidth: 0 }));
    }
  });

  test('a top-level chart whose id looks like an array index is ordered as App orders it', () => {
    const { plain, fleet } = synthBoth((app) => {
      // Plain objects list array-index keys first: cdk8s's graph (keyed by path) and the construct
      // tree (keyed by id) both put '2' and '10' before 'b' and 'a'.
      for (const id of ['b', '10', 'a', '2']) {
        const chart = new Chart(app, id);
        new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: { chart: id } });
      }
    }, { yamlOutputType: YamlOutputType.FILE_PER_APP });
    expectSameTree(plain.files, fleet.files);
  });

  test('a file that cannot be written fails synth with the file system error', () => {
    const outdir = tmp();
    const app = new FleetApp({ outdir });
    independentTenants(app, 2);
    fs.mkdirSync(path.join(outdir, `${Names.toDnsLabel(app.charts[1])}.k8s.yaml`), { recursive: true });
    expect(() => app.synth()).toThrow(/EISDIR/);
  });
});

/**
 * Random plain data to `depth` 4: strings of one or two of `atoms`, integers, floats, booleans,
 * null, undefined, -0, and maps (keys k0..k8 or atoms) and lists of those.
 */
function randomValues(random: () => number, atoms: string[]): (depth: number) => unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.45) {
      const s = random();
      if (s < 0.6) return pick(atoms) + (random() < 0.3 ? pick(atoms) : '');
      if (s < 0.7) return Math.floor(random() * 2000 - 1000);
      if (s < 0.75) return random() * 10;
      if (s < 0.8) return random() < 0.5;
      if (s < 0.85) return s < 0.83 ? null : undefined;
      return -0;
    }
    if (r < 0.75) {
      const map: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) map[random() < 0.8 ? `k${Math.floor(random() * 9)}` : pick(atoms)] = value(depth + 1);
      return map;
    }
    return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
  };
  return value;
}
