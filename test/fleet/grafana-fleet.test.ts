/**
 * GrafanaFleet: one file and namespace per tenant, audience isolation across tenants
 * (unique names, a token for tenant A refused by tenant B), tenants refused when they
 * share a name (naming both), the same bytes with App and FleetApp, and schema validity.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, AppProps, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CertificateIssuer, FleetApp, FleetTenant, GrafanaFleet, GrafanaFleetProps, HelmDelivery, HelmSource, IstioIngressForPomerium,
  PomeriumRelease, RealmRef, simulateLogin,
} from '../../src';
import { verifyJwtClaims } from '../../src/simulate/grafana-jwt';
import { assertionClaims, signAssertion, testSigningKey } from '../../src/simulate/mint';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';
import { errorOf } from '../support/synth';

type AppClass = new (props?: AppProps) => App;

const TENANTS: FleetTenant[] = [
  { name: 'acme' },
  { name: 'globex', namespace: 'tenant-globex' },
  { name: 'initech', host: 'grafana-initech.example.com', grafanaReleaseName: 'monitoring' },
];

function build(AppType: AppClass, options: { outdir?: string; tenants?: FleetTenant[]; mesh?: boolean; fleet?: Partial<GrafanaFleetProps> } = {}) {
  const app = new AppType({ outdir: options.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'grafana-fleet-')) });
  const platform = new Chart(app, 'platform');
  const ingress = options.mesh === false ? undefined : new IstioIngressForPomerium(platform, 'ingress', {
    domain: 'example.com',
    certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
  });
  const pomerium = new PomeriumRelease(platform, 'pomerium', {
    authenticateServiceUrl: 'https://authenticate.example.com',
    ingress,
    delivery: HelmDelivery.fluxHelmRelease({ chart: 'pomerium', version: '34.0.1', repository: HelmSource.helmRepository({ url: 'https://helm.pomerium.io' }) }),
  });
  const fleet = new GrafanaFleet(app, 'fleet', {
    tenants: options.tenants ?? TENANTS,
    pomerium,
    keycloak: { realm: RealmRef.clusterKeycloakRealm('keycloakrealm-cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
    grafanaDelivery: HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }) }),
    ...options.fleet,
  });
  return { app, fleet, pomerium };
}

function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

const parse = (text: string): any[] => YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);

describe('output files', () => {
  const written: Record<string, Record<string, string>> = {};
  beforeAll(() => {
    for (const [label, AppType] of [['App', App], ['FleetApp', FleetApp]] as const) {
      const { app } = build(AppType);
      app.synth();
      written[label] = readDir(app.outdir);
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  test.each(['App', 'FleetApp'])('one file per tenant beside the platform file, with %s', (label) => {
    expect(Object.keys(written[label])).toEqual(['platform.k8s.yaml', 'tenant-acme.k8s.yaml', 'tenant-globex.k8s.yaml', 'tenant-initech.k8s.yaml']);
  });

  test('App and FleetApp write the same files, byte for byte', () => {
    expect(written.FleetApp).toEqual(written.App);
  });

  test("each tenant's objects are in its namespace, and its Namespace is written; nothing reaches into Pomerium's", () => {
    const expected: Record<string, string> = { acme: 'acme', globex: 'tenant-globex', initech: 'initech' };
    for (const [tenant, namespace] of Object.entries(expected)) {
      const objects = parse(written.FleetApp[`tenant-${tenant}.k8s.yaml`]);
      expect(objects.length).toBeGreaterThanOrEqual(9);
      const elsewhere = objects.filter((o) => o.metadata.namespace !== namespace).map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace}`);
      expect(elsewhere).toEqual([`Namespace/${namespace}@undefined`]);
    }
  });

  test('the platform file carries every route in the Pomerium HelmRelease, and no tenant object', () => {
    const objects = parse(written.FleetApp['platform.k8s.yaml']);
    const release = objects.find((o) => o.kind === 'HelmRelease');
    expect(release.spec.values.config.routes.map((r: any) => r.from)).toEqual([
      'https://grafana-acme.example.com', 'https://grafana-globex.example.com', 'https://grafana-initech.example.com',
    ]);
    expect(objects.filter((o) => String(o.metadata.name).includes('acme'))).toEqual([]);
  });
});

describe('audience isolation across tenants', () => {
  const { app, fleet } = build(FleetApp);
  const perTenant = fleet.charts.map((chart) => chart.toJson());
  const grafanaIni = (objects: any[]) => objects.find((o) => o.kind === 'HelmRelease').spec.values['grafana.ini'];

  test('defaults: namespace = name, host = grafana-<name>.<domain>, groups = <namespace>-<release>-<role>, no clients (JWT)', () => {
    expect(fleet.tenantNames).toEqual(['acme', 'globex', 'initech']);
    expect(fleet.namespaces).toEqual(['acme', 'tenant-globex', 'initech']);
    expect(fleet.hosts).toEqual(['grafana-acme.example.com', 'grafana-globex.example.com', 'grafana-initech.example.com']);
    expect(fleet.groups.map((g) => g.admin)).toEqual(['acme-grafana-admin', 'tenant-globex-grafana-admin', 'initech-monitoring-admin']);
    expect(fleet.clients).toEqual([]);
    expect(fleet.routes.map((r) => r.host)).toEqual(fleet.hosts);
  });

  test('groups and expect_claims are unique', () => {
    const groups = perTenant.flatMap((objs) => objs.filter((o) => o.kind === 'KeycloakRealmGroup').map((o) => o.spec.name));
    const expectClaims = perTenant.map((objs) => grafanaIni(objs)['auth.jwt'].expect_claims);
    expect(expectClaims).toHaveLength(3);
    expect(new Set(expectClaims).size).toBe(3);
    expect(groups).toHaveLength(9);
    expect(new Set(groups).size).toBe(9);
    expect(expectClaims.map((c) => JSON.parse(c))).toEqual(fleet.hosts.map((h) => ({ aud: h, iss: h })));
  });

  test("each route admits only its tenant's groups", () => {
    fleet.routes.forEach((route, i) => {
      const groups = fleet.groups[i];
      expect(JSON.stringify(route.pomeriumRoute.policy)).toContain(groups.admin);
      for (const other of fleet.groups.filter((g) => g !== groups)) {
        expect(JSON.stringify(route.pomeriumRoute.policy)).not.toContain(other.admin);
      }
    });
  });

  const [a, b] = fleet.hosts;
  const adminOfA = { sub: 'id-ada', email: 'ada@acme.example', name: 'Ada', groups: ['/acme-grafana-admin'] };

  test("a member of A's admin group is Admin on A and denied by Pomerium on B", async () => {
    await expect(simulateLogin(app, { host: a, claims: adminOfA }))
      .resolves.toMatchObject({ flow: 'jwt', pomerium: { allowed: true }, grafana: { accepted: true, role: 'Admin' } });
    await expect(simulateLogin(app, { host: b, claims: adminOfA }))
      .resolves.toMatchObject({ pomerium: { allowed: false }, grafana: { accepted: false } });
  });

  test('a viewer of B is Viewer on B; a realm user in none of the groups is denied on every tenant', async () => {
    await expect(simulateLogin(app, { host: b, claims: { ...adminOfA, groups: ['tenant-globex-grafana-viewer'] } }))
      .resolves.toMatchObject({ pomerium: { allowed: true }, grafana: { accepted: true, role: 'Viewer' } });
    for (const host of fleet.hosts) {
      await expect(simulateLogin(app, { host, claims: { ...adminOfA, groups: ['platform-users'] } })).resolves.toMatchObject({ pomerium: { allowed: false } });
    }
  });

  test("a token Pomerium minted for A's route is refused by B's Grafana (expect_claims), and accepted by A's", async () => {
    const key = await testSigningKey();
    const now = Math.floor(Date.now() / 1000);
    const tokenForA = await signAssertion(assertionClaims({ claims: adminOfA, host: a, extraClaims: [], now }), key);
    const jwks = JSON.stringify({ keys: [key.publicJwk] });
    const grafanaOf = (host: string) => grafanaIni(perTenant[fleet.hosts.indexOf(host)])['auth.jwt'];
    const env = (host: string) => ({ settings: grafanaOf(host), fetch: (url: string) => (url === `https://${host}/.well-known/pomerium/jwks.json` ? jwks : undefined), now });
    await expect(verifyJwtClaims(tokenForA, env(a))).resolves.toMatchObject({ aud: a, iss: a });
    await expect(verifyJwtClaims(tokenForA, env(b))).rejects.toThrow(/aud|iss|expect/i);
  });
});

describe('refusals name both tenants', () => {
  const refusal = (tenants: FleetTenant[]) => errorOf(() => build(FleetApp, { tenants }));

  test('the same name', () => {
    expect(refusal([{ name: 'acme' }, { name: 'globex' }, { name: 'acme', namespace: 'acme-2', host: 'grafana-acme-2.example.com' }]))
      .toMatch(/^GrafanaFleet at 'fleet': prop 'tenants\.2\.name' has value "acme": tenant 2 \('acme'\) and tenant 0 \('acme'\) have the same name: .* Fix: give every tenant its own name$/);
  });

  test('the same namespace', () => {
    expect(refusal([{ name: 'acme' }, { name: 'globex', namespace: 'acme' }]))
      .toMatch(/^GrafanaFleet at 'fleet': prop 'tenants\.1\.namespace' has value "acme": tenant 1 \('globex'\) and tenant 0 \('acme'\) have the same namespace/);
  });

  test('the same host', () => {
    expect(refusal([{ name: 'acme', host: 'grafana.example.com' }, { name: 'globex', host: 'grafana.example.com' }]))
      .toMatch(/^GrafanaFleet at 'fleet': prop 'tenants\.1\.host' has value "grafana\.example\.com": tenant 1 \('globex'\) and tenant 0 \('acme'\) have the same host: Pomerium would send/);
  });

  test('the same clientId from different namespace/release pairs', () => {
    expect(refusal([{ name: 'a', grafanaReleaseName: 'b-c' }, { name: 'x', namespace: 'a-b', grafanaReleaseName: 'c' }]))
      .toMatch(/prop 'tenants\.1\.grafanaReleaseName' has value "a-b-c": tenant 1 \('x'\) and tenant 0 \('a'\) have the same Keycloak clientId/);
  });

  test('a tenant name that is no DNS label, or too long for its object names', () => {
    expect(refusal([{ name: 'Acme' }])).toMatch(/prop 'tenants\.0\.name' has value "Acme": a tenant name must be a DNS-1123 label/);
    expect(refusal([{ name: 'a'.repeat(37) }])).toMatch(/prop 'tenants\.0\.name' .* at most 36 characters/);
  });

  test('no tenants', () => {
    expect(refusal([])).toMatch(/prop 'tenants' has value \[\]: a fleet needs at least one tenant/);
  });

  test('a fleet inside a chart', () => {
    const app = new App();
    const chart = new Chart(app, 'platform');
    const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com' });
    expect(errorOf(() => new GrafanaFleet(chart, 'fleet', {
      tenants: [{ name: 'acme' }],
      pomerium,
      keycloak: { realm: RealmRef.keycloakRealm('cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
    }))).toMatch(/^GrafanaFleet at 'platform\/fleet': .* inside the chart 'platform'/);
  });
});

test('without a mesh: no VirtualService or AuthorizationPolicy, a NetworkPolicy per tenant', () => {
  const { app } = build(FleetApp, { mesh: false, fleet: { grafanaDelivery: undefined } });
  const objects = JSON.parse(JSON.stringify(app.charts.flatMap((c) => c.toJson())));
  expect(objects.filter((o: any) => o.kind === 'VirtualService' || o.kind === 'AuthorizationPolicy')).toEqual([]);
  expect(objects.filter((o: any) => o.kind === 'NetworkPolicy').map((o: any) => o.metadata.namespace)).toEqual(['acme', 'tenant-globex', 'initech']);
});

describeWithReference('fleet objects are valid against the upstream schemas', () => {
  test('every object of the platform and tenant files', () => {
    const { app } = build(FleetApp);
    const yaml = app.synthYaml();
    const objects = parse(yaml);
    expect(objects.length).toBeGreaterThan(30);
    expect(validateManifests(objects)).toEqual([]);
  });
});
