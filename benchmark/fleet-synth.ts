/**
 * Fleet synth benchmark (`npm run bench`; not part of the tests).
 *
 * For 200, 1,000 and 2,000 tenants of 12 objects each, measures three lines, each
 * run in its own child process (wall time of construction + synth, peak RSS of the child):
 *   (a) floor: every tenant's objects in one chart, plain App.synth()
 *   (b) plain: one chart per tenant, plain App.synth()            (quadratic in cdk8s)
 *   (c) fleet: one chart per tenant, FleetApp.synth()              (this library)
 * Prints a table with ratios, writes benchmark/results/fleet-synth.json and an SVG plot
 * benchmark/results/fleet-synth.svg (drawn here, no plotting dependency).
 *
 * Environment: BENCH_TENANTS="200,1000,2000" and BENCH_RUNS=3 (median of runs) override the defaults.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { VirtualService } from '../src/imports/istio-networking-networking.istio.io';
import {
  AuthorizationPolicy, AuthorizationPolicySpecAction, PeerAuthentication, PeerAuthenticationSpecMtlsMode,
} from '../src/imports/istio-security-security.istio.io';
import {
  KeycloakClient, KeycloakClientScope, KeycloakClientScopeSpecRealmRefKind, KeycloakClientSpecRealmRefKind, KeycloakRealmGroup,
  KeycloakRealmGroupSpecRealmRefKind,
} from '../src/imports/keycloak-v1.edp.epam.com';
import { FleetApp } from '../src/synth/fleet-app';

type Line = 'floor' | 'plain' | 'fleet';
const LINES: Line[] = ['floor', 'plain', 'fleet'];
const LABELS: Record<Line, string> = {
  floor: '(a) one chart, App',
  plain: '(b) chart per tenant, App',
  fleet: '(c) chart per tenant, FleetApp',
};

/**
 * THE HOOK: what one tenant adds to the chart it is given. Today 12 raw L1 objects
 * approximating a tenant; swap the body for the real `GrafanaFleet` tenant later.
 * Returns the number of objects it added (checked by the child).
 */
export function populateTenant(chart: Construct, tenantIndex: number): number {
  const t = `tenant-${tenantIndex}`;
  const ns = t;
  const host = `grafana.${t}.example.com`;
  const scope = new Construct(chart, t);
  // A validation per tenant, as real constructs have.
  scope.node.addValidation({ validate: () => (host.length > 253 ? [`host ${host} too long`] : []) });

  new k8s.KubeNamespace(scope, 'namespace', { metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
  new KeycloakClient(scope, 'client', {
    metadata: { name: `${t}-grafana`, namespace: 'keycloak' },
    spec: {
      clientId: `${t}-grafana`, realmRef: { name: 'platform', kind: KeycloakClientSpecRealmRefKind.KEYCLOAK_REALM }, secret: `$${t}-grafana-oidc:client-secret`, webUrl: `https://${host}`,
      redirectUris: [`https://${host}/oauth2/callback`], defaultClientScopes: [`${t}-audience`, 'groups'], public: false,
    },
  });
  new KeycloakClientScope(scope, 'audience', {
    metadata: { name: `${t}-audience`, namespace: 'keycloak' },
    spec: {
      name: `${t}-audience`, protocol: 'openid-connect', realmRef: { name: 'platform', kind: KeycloakClientScopeSpecRealmRefKind.KEYCLOAK_REALM },
      protocolMappers: [{
        name: 'audience', protocol: 'openid-connect', protocolMapper: 'oidc-audience-mapper',
        config: { 'included.client.audience': `${t}-grafana`, 'access.token.claim': 'true', 'id.token.claim': 'true' },
      }],
    },
  });
  for (const role of ['admins', 'editors', 'viewers']) {
    new KeycloakRealmGroup(scope, `group-${role}`, { metadata: { name: `${t}-${role}`, namespace: 'keycloak' }, spec: { name: `${t}-${role}`, realmRef: { name: 'platform', kind: KeycloakRealmGroupSpecRealmRefKind.KEYCLOAK_REALM } } });
  }
  new k8s.KubeIngress(scope, 'route', {
    metadata: {
      name: 'grafana', namespace: ns,
      annotations: {
        'ingress.pomerium.io/pass_identity_headers': 'true',
        'ingress.pomerium.io/policy': `allow:\n  or:\n    - claim/groups: /${t}-viewers\n    - claim/groups: /${t}-admins\n`,
        'ingress.pomerium.io/allow_websockets': 'true',
      },
    },
    spec: {
      ingressClassName: 'pomerium',
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 80 } } } }] } }],
    },
  });
  new VirtualService(scope, 'virtual-service', {
    metadata: { name: 'grafana', namespace: ns },
    spec: {
      hosts: [host], gateways: ['istio-system/public'],
      http: [{ route: [{ destination: { host: 'pomerium-proxy.pomerium.svc.cluster.local', port: { number: 80 } } }] }],
    },
  });
  const grafanaPods = { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' };
  new k8s.KubeNetworkPolicy(scope, 'isolation', {
    metadata: { name: 'grafana-from-pomerium', namespace: ns },
    spec: {
      podSelector: { matchLabels: grafanaPods },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pomerium' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pomerium-proxy' } } }],
        ports: [{ port: k8s.IntOrString.fromNumber(3000), protocol: 'TCP' }],
      }],
    },
  });
  new AuthorizationPolicy(scope, 'authz', {
    metadata: { name: 'grafana-from-pomerium', namespace: ns },
    spec: {
      selector: { matchLabels: grafanaPods }, action: AuthorizationPolicySpecAction.ALLOW,
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/pomerium/sa/pomerium-proxy'] } }] }],
    },
  });
  new PeerAuthentication(scope, 'mtls', { metadata: { name: 'default', namespace: ns }, spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } } });
  new k8s.KubeConfigMap(scope, 'grafana-config', {
    metadata: { name: 'grafana-auth', namespace: ns },
    data: {
      GF_AUTH_JWT_ENABLED: 'true',
      GF_AUTH_JWT_HEADER_NAME: 'X-Pomerium-Jwt-Assertion',
      GF_AUTH_JWT_EXPECT_CLAIMS: JSON.stringify({ aud: host, iss: host }),
      GF_AUTH_JWT_ROLE_ATTRIBUTE_PATH: `contains(groups[*], '/${t}-admins') && 'Admin' || 'Viewer'`,
      GF_SERVER_ROOT_URL: `https://${host}`,
    },
  });
  return 12;
}

// ---------- child: one measurement ----------

function child(line: Line, tenants: number, outdir: string): void {
  const start = process.hrtime.bigint();
  const app = line === 'fleet' ? new FleetApp({ outdir }) : new App({ outdir });
  const shared = line === 'floor' ? new Chart(app, 'all') : undefined;
  let objects = 0;
  for (let i = 0; i < tenants; i++) objects += populateTenant(shared ?? new Chart(app, `tenant-${i}`), i);
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

function runChild(line: Line, tenants: number): Sample {
  compiled ??= compile();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `fleet-bench-${line}-`));
  const t0 = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [compiled, 'child', line, String(tenants), outdir], { cwd: ROOT, maxBuffer: 1 << 20 }).toString();
  const processSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ...JSON.parse(out), processSeconds };
}

function svg(points: Point[], tenantsList: number[]): string {
  const W = 720, H = 440, left = 70, right = 220, top = 40, bottom = 60;
  const maxX = Math.max(...tenantsList);
  const maxY = Math.max(...points.map((p) => p.seconds)) * 1.05;
  const x = (v: number) => left + (v / maxX) * (W - left - right);
  const y = (v: number) => H - bottom - (v / maxY) * (H - top - bottom);
  const colors: Record<Line, string> = { floor: '#2b8a3e', plain: '#c92a2a', fleet: '#1864ab' };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2 - 90}" y="22" font-size="15">cdk8s synth time against tenants (12 objects each)</text>`);
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
  parts.push(`<text x="${W - right + 15}" y="${top + 90}" fill="#555">node ${process.version}, ${os.cpus().length} cores</text>`);
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
  lines.push(`| tenants | objects | ${LINES.map((l) => `${LABELS[l]} s`).join(' | ')} | ${LINES.map((l) => `${l} MiB`).join(' | ')} | (c)/(a) time | (b)/(a) time |`);
  lines.push(`| ---: | ---: | ${LINES.map(() => '---:').join(' | ')} | ${LINES.map(() => '---:').join(' | ')} | ---: | ---: |`);
  for (const n of tenantsList) {
    const [a, b, c] = LINES.map((l) => at(l, n));
    lines.push(`| ${n} | ${a.objects} | ${[a, b, c].map((p) => p.seconds.toFixed(2)).join(' | ')} | ${[a, b, c].map((p) => p.maxRssMiB.toFixed(0)).join(' | ')} | ${(c.seconds / a.seconds).toFixed(2)} | ${(b.seconds / a.seconds).toFixed(2)} |`);
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
  lines.push('');
  lines.push(`Targets: (c)/(a) at ${last} = ${cOverA.toFixed(2)} (≤ 1.3: ${cOverA <= 1.3 ? 'met' : 'NOT met'}); ` +
    `(c) time(${last})/time(${first}) = ${growth.fleet.toFixed(2)} (≤ 11: ${growth.fleet <= 11 ? 'met' : 'NOT met'}).`);
  console.log(lines.join('\n'));

  const results = path.join(__dirname, 'results');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, 'fleet-synth.json'), JSON.stringify({
    node: process.version, cores: os.cpus().length, runs, objectsPerTenant: 12,
    points: points.map((p) => ({ line: p.line, label: LABELS[p.line], tenants: p.tenants, objects: p.objects, files: p.files, seconds: p.seconds, maxRssMiB: p.maxRssMiB, runs: p.runs })),
    ratios: { fleetOverFloorAtMax: cOverA, growth },
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(results, 'fleet-synth.svg'), svg(points, tenantsList));
  console.log(`\nWrote ${path.relative(process.cwd(), path.join(results, 'fleet-synth.json'))} and fleet-synth.svg`);
}

if (require.main === module) {
  if (process.argv[2] === 'child') child(process.argv[3] as Line, parseInt(process.argv[4], 10), process.argv[5]);
  else parent();
}
