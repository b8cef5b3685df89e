/**
 * Fleet synth benchmark (`npm run bench`; not part of the tests).
 *
 * For 200, 1,000 and 2,000 tenants, each a real `GrafanaFleet` tenant (Keycloak client,
 * audience scope, 3 role groups, Grafana route on the shared Pomerium release with its
 * VirtualService, NetworkPolicy, PeerAuthentication, AuthorizationPolicy, and the Grafana
 * chart's Flux HelmRelease + HelmRepository), plus the shared platform chart (Istio Gateway,
 * Certificate, Pomerium's Flux HelmRelease carrying every route, ...), measures four lines,
 * each run in its own child process (wall time of construction + synth, peak RSS):
 *   (a) floor: the same objects as raw ApiObjects in one chart, plain App.synth()
 *   (b) plain: raw ApiObjects, one chart per tenant, plain App.synth()     (quadratic in cdk8s)
 *   (c) fleet: GrafanaFleet, one chart per tenant, FleetApp.synth()         (this library)
 *   (d) raw fleet: raw ApiObjects, one chart per tenant, FleetApp.synth()
 * The raw objects are the fleet's own output: one real tenant (and the platform chart) is
 * synthesized once with a sentinel index and replayed as `ApiObject`s with the index
 * substituted (`populateTenant`), so (b) and (d) write byte-identical files to (c) and (a)
 * the same objects in one file; the parent checks that before measuring. (c)/(d) is the
 * library's overhead over raw ApiObjects producing identical YAML.
 * Prints a table with ratios, writes benchmark/results/fleet-synth.json and an SVG plot
 * benchmark/results/fleet-synth.svg (drawn here, no plotting dependency).
 *
 * Environment: BENCH_TENANTS="200,1000,2000" and BENCH_RUNS=3 (median of runs) override the defaults.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  FleetTenant, GrafanaFleet, HelmDelivery, HelmSource, JwtKeySource, PomeriumOutput, PomeriumRelease, RealmRef,
} from '../src';
import { FleetApp } from '../src/synth/fleet-app';

type Line = 'floor' | 'plain' | 'fleet' | 'rawFleet';
const LINES: Line[] = ['floor', 'plain', 'fleet', 'rawFleet'];
const LABELS: Record<Line, string> = {
  floor: '(a) raw, one chart, App',
  plain: '(b) raw, chart per tenant, App',
  fleet: '(c) GrafanaFleet, FleetApp',
  rawFleet: '(d) raw, chart per tenant, FleetApp',
};

/** Tenant i is `t<i>`: chart `tenant-t<i>`, file `tenant-t<i>.k8s.yaml`. */
const tenantName = (i: number | string) => `t${i}`;
/** Stands for the tenant index in the replay template; it appears nowhere else in the output. */
const SENTINEL = '987654';

/** The shared platform chart and the fleet, as examples/fleet builds them (line (c)). */
export function buildFleet(app: App, tenants: number | string[]): GrafanaFleet {
  const platform = new Chart(app, 'platform');
  // The fleet's default form, as examples/fleet: the Pomerium Ingress Controller (no object grows
  // with the number of tenants; the chart form's one config.yaml is refused past 1 MiB of routes).
  const pomerium = new PomeriumRelease(platform, 'pomerium', {
    authenticateServiceUrl: 'https://authenticate.example.com',
    outputs: [PomeriumOutput.ingressController({
      globalSettings: {
        bootstrapSecret: 'pomerium/bootstrap',
        identityProvider: { provider: 'oidc', url: 'https://keycloak.example.com/realms/cozy', secret: 'pomerium/idp' },
      },
    })],
  });
  const names = typeof tenants === 'number' ? Array.from({ length: tenants }, (_, i) => tenantName(i)) : tenants;
  return new GrafanaFleet(app, 'fleet', {
    tenants: names.map((name): FleetTenant => ({ name })),
    pomerium,
    keycloak: { realm: RealmRef.clusterKeycloakRealm('keycloakrealm-cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
    keySource: JwtKeySource.jwksFile({ publicKeysPem: [fs.readFileSync(path.join(__dirname, '..', 'examples', 'fleet', 'signing-key.pub.pem'), 'utf8')] }),
    grafanaDelivery: HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }) }),
    grafanaAdminSecretName: 'grafana-admin',
  });
}

/** The replay template: the platform chart's and one tenant's objects, with SENTINEL for the index. */
interface Template { readonly platform: any[]; readonly tenant: string }

/** Synthesizes one real tenant (index SENTINEL) and its platform chart, as plain objects. */
function makeTemplate(): Template {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-template-')) });
  const fleet = buildFleet(app, [tenantName(SENTINEL)]);
  const platform = app.charts.find((c) => c.node.id === 'platform')!.toJson();
  const tenant = JSON.stringify(fleet.charts[0].toJson());
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return { platform, tenant };
}

/** The platform objects for `tenants` tenants: every array element naming the sentinel tenant becomes one per tenant. */
function expandPlatform(value: any, tenants: number): any {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const text = JSON.stringify(item);
      if (!text.includes(SENTINEL)) return [expandPlatform(item, tenants)];
      return Array.from({ length: tenants }, (_, i) => JSON.parse(text.split(SENTINEL).join(String(i))));
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandPlatform(v, tenants)]));
  }
  if (typeof value === 'string' && value.includes(SENTINEL)) throw new Error(`the platform template names the tenant outside a list: ${value}`);
  return value;
}

function addRaw(scope: Construct, objects: any[]): number {
  objects.forEach((o, k) => new ApiObject(scope, `o${k}`, o));
  return objects.length;
}

/**
 * THE HOOK of the raw lines: tenant `tenantIndex`'s objects as raw ApiObjects in `chart`,
 * exactly what the real GrafanaFleet tenant writes (its template with the index substituted).
 * Returns the number of objects it added.
 */
export function populateTenant(chart: Construct, tenantIndex: number, template: Template): number {
  const scope = new Construct(chart, tenantName(tenantIndex));
  return addRaw(scope, JSON.parse(template.tenant.split(SENTINEL).join(String(tenantIndex))));
}

/** Builds a line's app; returns the number of objects. */
function build(line: Line, app: App, tenants: number, template: Template | undefined): number {
  if (line === 'fleet') {
    buildFleet(app, tenants);
    return app.charts.reduce((n, c) => n + c.node.findAll().filter((x) => x instanceof ApiObject).length, 0);
  }
  const t = template!;
  const platformChart = new Chart(app, line === 'floor' ? 'all' : 'platform');
  let objects = addRaw(new Construct(platformChart, 'platform'), t.platform.map((o) => expandPlatform(o, tenants)));
  for (let i = 0; i < tenants; i++) {
    const chart = line === 'floor' ? platformChart : new Chart(app, `tenant-${tenantName(i)}`, { namespace: tenantName(i) });
    objects += populateTenant(chart, i, t);
  }
  return objects;
}

// ---------- child: one measurement ----------

function child(line: Line, tenants: number, outdir: string, templateFile: string): void {
  const start = process.hrtime.bigint();
  const template = line === 'fleet' ? undefined : JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Template;
  const app = line === 'fleet' || line === 'rawFleet' ? new FleetApp({ outdir }) : new App({ outdir });
  const objects = build(line, app, tenants, template);
  const built = process.hrtime.bigint();
  app.synth();
  const end = process.hrtime.bigint();
  const files = fs.readdirSync(outdir).length;
  process.stdout.write(JSON.stringify({
    seconds: Number(end - start) / 1e9,
    buildSeconds: Number(built - start) / 1e9,
    synthSeconds: Number(end - built) / 1e9,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    objects,
    files,
  }));
}

// ---------- parent: runs, table, JSON, SVG ----------

interface Sample { seconds: number; buildSeconds: number; synthSeconds: number; maxRssMiB: number; objects: number; files: number; processSeconds: number }
interface Point { line: Line; tenants: number; runs: Sample[]; seconds: number; maxRssMiB: number; objects: number; files: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const ROOT = path.resolve(__dirname, '..');
// Children run compiled JavaScript, so that neither ts-node's time nor the TypeScript
// compiler's memory is counted. Under node_modules/.cache so that 'cdk8s' resolves.
const BUILD = path.join(ROOT, 'node_modules', '.cache', 'fleet-bench');

function compile(): string {
  fs.rmSync(BUILD, { recursive: true, force: true });
  fs.mkdirSync(BUILD, { recursive: true });
  const tsconfig = path.join(BUILD, 'tsconfig.json');
  fs.writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: {
      outDir: BUILD, rootDir: ROOT, module: 'commonjs', target: 'ES2022', moduleResolution: 'node',
      skipLibCheck: true, esModuleInterop: true, declaration: false, sourceMap: false, types: ['node'], ignoreDeprecations: '6.0',
    },
    files: [path.join(ROOT, 'benchmark', 'fleet-synth.ts')],
  }));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { cwd: ROOT, stdio: 'inherit' });
  return path.join(BUILD, 'benchmark', 'fleet-synth.js');
}

let compiled: string | undefined;
let templateFile: string | undefined;

function runChild(line: Line, tenants: number, keep?: string): Sample {
  compiled ??= compile();
  if (templateFile === undefined) {
    templateFile = path.join(BUILD, 'template.json');
    fs.writeFileSync(templateFile, JSON.stringify(makeTemplate()));
  }
  const outdir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), `fleet-bench-${line}-`));
  const t0 = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [compiled, 'child', line, String(tenants), outdir, templateFile], { cwd: ROOT, maxBuffer: 1 << 20 }).toString();
  const processSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (keep === undefined) fs.rmSync(outdir, { recursive: true, force: true });
  return { ...JSON.parse(out), processSeconds };
}

/** Before measuring: (b) and (d) write exactly (c)'s files, and (a) the same documents in one file. */
function checkIdenticalOutput(tenants: number): void {
  const dirs = Object.fromEntries(LINES.map((l) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fleet-bench-check-${l}-`));
    runChild(l, tenants, dir);
    return [l, dir];
  })) as Record<Line, string>;
  const read = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  const fleet = read(dirs.fleet);
  for (const l of ['plain', 'rawFleet'] as const) {
    const other = read(dirs[l]);
    if (JSON.stringify(other) !== JSON.stringify(fleet)) throw new Error(`${LABELS[l]} does not write the same files and bytes as ${LABELS.fleet}`);
  }
  const docs = (text: string) => text.split(/^---$/m).map((d) => d.trim()).filter(Boolean);
  const all = docs(read(dirs.floor)['all.k8s.yaml']);
  const fleetDocs = Object.values(fleet).flatMap(docs);
  if (all.length !== fleetDocs.length || all.some((d, i) => d !== fleetDocs[i])) throw new Error(`${LABELS.floor} does not write the same documents as ${LABELS.fleet}`);
  for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
  console.error(`Checked at ${tenants} tenants: (b) and (d) write (c)'s ${Object.keys(fleet).length} files byte for byte, (a) the same ${all.length} documents in one file.`);
}

function svg(points: Point[], tenantsList: number[]): string {
  const W = 760, H = 440, left = 70, right = 250, top = 40, bottom = 60;
  const maxX = Math.max(...tenantsList);
  const maxY = Math.max(...points.map((p) => p.seconds)) * 1.05;
  const x = (v: number) => left + (v / maxX) * (W - left - right);
  const y = (v: number) => H - bottom - (v / maxY) * (H - top - bottom);
  const colors: Record<Line, string> = { floor: '#2b8a3e', plain: '#c92a2a', fleet: '#1864ab', rawFleet: '#e67700' };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2 - 90}" y="22" font-size="15">cdk8s synth time against tenants (GrafanaFleet tenants)</text>`);
  parts.push(`<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="black"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="black"/>`);
  for (const t of [0, ...tenantsList]) {
    parts.push(`<line x1="${x(t).toFixed(1)}" y1="${H - bottom}" x2="${x(t).toFixed(1)}" y2="${H - bottom + 5}" stroke="black"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${H - bottom + 20}" text-anchor="middle">${t}</text>`);
  }
  const step = niceStep(maxY / 6);
  for (let v = 0; v <= maxY; v += step) {
    parts.push(`<line x1="${left - 5}" y1="${y(v).toFixed(1)}" x2="${W - right}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(2)}</text>`);
  }
  parts.push(`<text x="${(left + W - right) / 2}" y="${H - 15}" text-anchor="middle">tenants</text>`);
  parts.push(`<text transform="translate(18 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">seconds (construction + synth, median)</text>`);
  LINES.forEach((line, i) => {
    const pts = points.filter((p) => p.line === line).sort((a, b) => a.tenants - b.tenants);
    const d = [{ tenants: 0, seconds: 0 }, ...pts].map((p, j) => `${j ? 'L' : 'M'}${x(p.tenants).toFixed(1)},${y(p.seconds).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${colors[line]}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${x(p.tenants).toFixed(1)}" cy="${y(p.seconds).toFixed(1)}" r="3.5" fill="${colors[line]}"/>`);
    const ly = top + 10 + i * 22;
    parts.push(`<line x1="${W - right + 15}" y1="${ly}" x2="${W - right + 40}" y2="${ly}" stroke="${colors[line]}" stroke-width="2"/>`);
    parts.push(`<text x="${W - right + 45}" y="${ly + 4}">${escapeXml(LABELS[line])}</text>`);
  });
  parts.push(`<text x="${W - right + 15}" y="${top + 110}" fill="#555">node ${process.version}, ${os.cpus().length} cores</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parent(): void {
  const tenantsList = (process.env.BENCH_TENANTS ?? '200,1000,2000').split(',').map((s) => parseInt(s, 10));
  const runs = parseInt(process.env.BENCH_RUNS ?? '3', 10);
  checkIdenticalOutput(5);
  const points: Point[] = [];
  for (const tenants of tenantsList) {
    for (const line of LINES) {
      const samples: Sample[] = [];
      for (let r = 0; r < runs; r++) samples.push(runChild(line, tenants));
      const point: Point = {
        line, tenants, runs: samples,
        seconds: median(samples.map((s) => s.seconds)),
        maxRssMiB: median(samples.map((s) => s.maxRssMiB)),
        objects: samples[0].objects, files: samples[0].files,
      };
      points.push(point);
      console.error(`${LABELS[line]}, ${tenants} tenants: ${point.seconds.toFixed(2)} s, ${point.maxRssMiB.toFixed(0)} MiB (runs: ${samples.map((s) => s.seconds.toFixed(2)).join(', ')})`);
    }
  }
  const at = (line: Line, tenants: number) => points.find((p) => p.line === line && p.tenants === tenants)!;
  const lines: string[] = [];
  lines.push(`Fleet synth, ${runs} run(s) per point (median), each in its own process; node ${process.version}, ${os.cpus().length} cores.`);
  lines.push('Seconds: app construction + app.synth() (FILE_PER_CHART, files written), measured in the child (compiled JS, plain node); MiB: the child\'s peak RSS.');
  lines.push('');
  lines.push(`| tenants | objects | ${LINES.map((l) => `${LABELS[l]} s`).join(' | ')} | ${LINES.map((l) => `${l} MiB`).join(' | ')} | (c)/(a) | (c)/(d) | (d)/(a) | (b)/(a) |`);
  lines.push(`| ---: | ---: | ${LINES.map(() => '---:').join(' | ')} | ${LINES.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |`);
  for (const n of tenantsList) {
    const [a, b, c, d] = LINES.map((l) => at(l, n));
    lines.push(`| ${n} | ${a.objects} | ${[a, b, c, d].map((p) => p.seconds.toFixed(2)).join(' | ')} | ${[a, b, c, d].map((p) => p.maxRssMiB.toFixed(0)).join(' | ')} | ` +
      `${(c.seconds / a.seconds).toFixed(2)} | ${(c.seconds / d.seconds).toFixed(2)} | ${(d.seconds / a.seconds).toFixed(2)} | ${(b.seconds / a.seconds).toFixed(2)} |`);
  }
  const first = Math.min(...tenantsList);
  const last = Math.max(...tenantsList);
  const growth: Record<string, number> = {};
  lines.push('');
  lines.push(`time(${last}) / time(${first}) (tenants ×${last / first}):`);
  for (const l of LINES) {
    growth[l] = at(l, last).seconds / at(l, first).seconds;
    lines.push(`- ${LABELS[l]}: ${growth[l].toFixed(2)}`);
  }
  const cOverA = at('fleet', last).seconds / at('floor', last).seconds;
  const cOverD = at('fleet', last).seconds / at('rawFleet', last).seconds;
  lines.push('');
  lines.push(`Targets: (c)/(a) at ${last} = ${cOverA.toFixed(2)} (≤ 1.3: ${cOverA <= 1.3 ? 'met' : 'NOT met'}); ` +
    `(c)/(d), library over raw ApiObjects with identical YAML, at ${last} = ${cOverD.toFixed(2)} (≤ 1.5: ${cOverD <= 1.5 ? 'met' : 'NOT met'}); ` +
    `(c) time(${last})/time(${first}) = ${growth.fleet.toFixed(2)} (≤ 11: ${growth.fleet <= 11 ? 'met' : 'NOT met'}).`);
  console.log(lines.join('\n'));

  const results = path.join(__dirname, 'results');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, 'fleet-synth.json'), JSON.stringify({
    node: process.version, cores: os.cpus().length, runs,
    objectsPerTenant: (at('fleet', last).objects - at('fleet', first).objects) / (last - first),
    points: points.map((p) => ({ line: p.line, label: LABELS[p.line], tenants: p.tenants, objects: p.objects, files: p.files, seconds: p.seconds, maxRssMiB: p.maxRssMiB, runs: p.runs })),
    ratios: { fleetOverFloorAtMax: cOverA, fleetOverRawFleetAtMax: cOverD, growth },
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(results, 'fleet-synth.svg'), svg(points, tenantsList));
  console.log(`\nWrote ${path.relative(process.cwd(), path.join(results, 'fleet-synth.json'))} and fleet-synth.svg`);
}

if (require.main === module) {
  if (process.argv[2] === 'child') child(process.argv[3] as Line, parseInt(process.argv[4], 10), process.argv[5], process.argv[6]);
  else parent();
}
