/**
 * Fleet topology (issue 18): each tenant's file is its own (every namespaced object in the
 * tenant's namespace, GitOps objects aside), Namespaces are written and labelled for the
 * release's dataplane, no cluster-scoped name is shared by two tenants (the synthesized
 * objects and what the Grafana chart renders from the values), JWT tenants carry no Keycloak
 * client, OIDC tenants do, one wildcard VirtualService carries every route host, ambient
 * admits kubelet probes, and examples/fleet signs users in on each delivery form.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CertificateIssuer, FleetApp, FleetSignIn, FleetTenant, GrafanaFleet, GrafanaFleetProps, HelmDelivery, HelmSource,
  IstioDataplane, IstioIngressForPomerium, PomeriumOutput, PomeriumRelease, RealmRef,
} from '../../src';
import { AMBIENT_PROBE_SOURCE } from '../../src/kubernetes/network-policy';
import { verifyJwtClaims } from '../../src/simulate/grafana-jwt';
import { assertionClaims, signAssertion, testSigningKey } from '../../src/simulate/mint';
import { loadSynthesized } from '../../src/simulate/read-output';
import { simulateDocuments } from '../../src/simulate/simulate';
import { compileModule } from '../support/compile-cli';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';

const TENANTS: FleetTenant[] = [
  { name: 'acme' },
  { name: 'globex', namespace: 'tenant-globex' },
  { name: 'initech', grafanaReleaseName: 'monitoring', signIn: FleetSignIn.KEYCLOAK_OIDC },
];
const NAMESPACES = ['acme', 'tenant-globex', 'initech'];

/** Kinds that live where the user's GitOps engine reads them, not in the tenant's namespace. */
const GITOPS_KINDS = new Set(['HelmRelease', 'HelmRepository', 'OCIRepository', 'Application']);
/** The cluster-scoped kinds the library writes. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterIssuer', 'Pomerium', 'ClusterRole', 'ClusterRoleBinding']);

type Form = 'sidecar' | 'ambient' | 'ingressController';

function build(form: Form, fleet: Partial<GrafanaFleetProps> = {}) {
  const app = new FleetApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-topology-')) });
  const platform = new Chart(app, 'platform');
  const ingress = form === 'ingressController' ? undefined : new IstioIngressForPomerium(platform, 'ingress', {
    domain: 'example.com',
    certificateIssuer: CertificateIssuer.existingClusterIssuer('private-ca'),
    dataplane: form === 'ambient' ? IstioDataplane.AMBIENT : IstioDataplane.SIDECAR,
  });
  const pomerium = new PomeriumRelease(platform, 'pomerium', {
    authenticateServiceUrl: 'https://authenticate.example.com',
    ingress,
    outputs: form === 'ingressController' ? [PomeriumOutput.ingressController()] : undefined,
  });
  const built = new GrafanaFleet(app, 'fleet', {
    tenants: TENANTS,
    pomerium,
    keycloak: { realm: RealmRef.clusterKeycloakRealm('keycloakrealm-cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
    grafanaDelivery: HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }) }),
    ...fleet,
  });
  const files: Record<string, any[]> = {};
  for (const chart of app.charts) files[chart.node.id] = JSON.parse(JSON.stringify(chart.toJson()));
  return { app, fleet: built, files, platform: files.platform, tenants: NAMESPACES.map((_, i) => files[`tenant-${TENANTS[i].name}`]) };
}

const FORMS: Form[] = ['sidecar', 'ambient', 'ingressController'];
const built = Object.fromEntries(FORMS.map((form) => [form, build(form)])) as Record<Form, ReturnType<typeof build>>;
const id = (o: any) => `${o.kind}/${o.metadata.name}`;

/**
 * The cluster-scoped objects the Grafana chart renders from a release's values
 * (grafana/helm-charts charts/grafana/templates/clusterrole.yaml, clusterrolebinding.yaml:
 * `<fullname>-clusterrole` and `<fullname>-clusterrolebinding` unless rbac.namespaced without
 * extraClusterRoleRules; podsecuritypolicy.yaml: `<fullname>` when rbac.pspEnabled). Fullname:
 * the release name when it contains 'grafana', else `<release>-grafana` (_helpers.tpl).
 */
function grafanaChartClusterScoped(releaseName: string, values: any): string[] {
  const rbac = { create: true, namespaced: false, pspEnabled: false, ...(values.rbac ?? {}) };
  const fullname = values.fullnameOverride ?? (releaseName.includes('grafana') ? releaseName : `${releaseName}-grafana`);
  const names: string[] = [];
  if (rbac.create && !rbac.namespaced && !rbac.useExistingRole) names.push(`ClusterRole/${fullname}-clusterrole`);
  if (rbac.create && (!rbac.namespaced || (rbac.extraClusterRoleRules ?? []).length > 0)) names.push(`ClusterRoleBinding/${fullname}-clusterrolebinding`);
  if (rbac.pspEnabled) names.push(`PodSecurityPolicy/${fullname}`);
  return names;
}

describe.each(FORMS)('%s', (form) => {
  const { tenants, platform } = built[form];

  test("every namespaced object of a tenant's file is in the tenant's namespace (GitOps objects aside)", () => {
    tenants.forEach((objects, i) => {
      const stray = objects
        .filter((o) => !GITOPS_KINDS.has(o.kind) && !CLUSTER_SCOPED.has(o.kind) && o.metadata.namespace !== NAMESPACES[i])
        .map((o) => `${id(o)}@${o.metadata.namespace}`);
      expect(stray).toEqual([]);
      // The cluster-scoped objects of a tenant's file: its Namespace alone.
      expect(objects.filter((o) => CLUSTER_SCOPED.has(o.kind)).map(id)).toEqual([`Namespace/${NAMESPACES[i]}`]);
    });
  });

  test('the Namespace is written, with the labels of the dataplane and no metadata.namespace', () => {
    const expected = { sidecar: { 'istio-injection': 'enabled' }, ambient: { 'istio.io/dataplane-mode': 'ambient' }, ingressController: undefined }[form];
    tenants.forEach((objects, i) => {
      const namespace = objects.find((o) => o.kind === 'Namespace');
      expect(namespace).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACES[i], ...(expected ? { labels: expected } : {}) } });
    });
  });

  test('no cluster-scoped name is shared by two tenants, counting what the Grafana chart renders', () => {
    const perTenant = tenants.map((objects) => [
      ...objects.filter((o) => CLUSTER_SCOPED.has(o.kind)).map(id),
      ...objects.filter((o) => o.kind === 'HelmRelease').flatMap((o) => grafanaChartClusterScoped(o.spec.releaseName, o.spec.values)),
    ]);
    const all = perTenant.flat();
    expect(all).toHaveLength(3);
    expect(new Set(all).size).toBe(all.length);
    for (const objects of tenants) {
      expect(objects.find((o) => o.kind === 'HelmRelease').spec.values.rbac).toEqual({ namespaced: true });
    }
    // Nothing of a tenant is in the platform file.
    expect(platform.filter((o) => NAMESPACES.includes(o.metadata.namespace))).toEqual([]);
  });

  test('the model fails as it should: without rbac.namespaced two tenants named alike collide', () => {
    expect(grafanaChartClusterScoped('grafana', {})).toEqual(['ClusterRole/grafana-clusterrole', 'ClusterRoleBinding/grafana-clusterrolebinding']);
    expect(grafanaChartClusterScoped('grafana', { rbac: { namespaced: true } })).toEqual([]);
  });
});

describe('sign-in forms', () => {
  const { tenants, fleet } = built.sidecar;
  const kinds = (objects: any[]) => objects.map((o) => o.kind);

  test('JWT tenants get their three role groups and no KeycloakClient or KeycloakClientScope', () => {
    for (const [i, objects] of [[0, tenants[0]], [1, tenants[1]]] as const) {
      expect(kinds(objects)).not.toContain('KeycloakClient');
      expect(kinds(objects)).not.toContain('KeycloakClientScope');
      const groups = objects.filter((o) => o.kind === 'KeycloakRealmGroup');
      const prefix = `${NAMESPACES[i]}-grafana`;
      expect(groups.map((g) => [g.metadata.name, g.metadata.namespace, g.spec])).toEqual(['admin', 'editor', 'viewer'].map((role) => [
        `${prefix}-${role}`, NAMESPACES[i], { name: `${prefix}-${role}`, realmRef: { name: 'keycloakrealm-cozy', kind: 'ClusterKeycloakRealm' } },
      ]));
      const jwt = objects.find((o) => o.kind === 'HelmRelease').spec.values['grafana.ini']['auth.jwt'];
      expect(jwt.role_attribute_path).toContain(`'${prefix}-admin') && 'Admin'`);
      expect(jwt.role_attribute_strict).toBe(true);
      expect(objects.find((o) => o.kind === 'HelmRelease').spec.values['grafana.ini']['auth.generic_oauth']).toBeUndefined();
    }
    expect(fleet.groups[0]).toEqual({ admin: 'acme-grafana-admin', editor: 'acme-grafana-editor', viewer: 'acme-grafana-viewer' });
  });

  test('an OIDC tenant gets its client and audience scope, reading the Secret <release>-oidc-client', () => {
    const objects = tenants[2];
    const client = objects.find((o) => o.kind === 'KeycloakClient');
    expect(client.metadata).toEqual({ name: 'initech-monitoring', namespace: 'initech' });
    expect(client.spec.clientId).toBe('initech-monitoring');
    expect(client.spec.secret).toBe('$monitoring-oidc-client:client-secret');
    expect(client.spec.redirectUris).toEqual(['https://grafana-initech.example.com/login/generic_oauth']);
    expect(objects.find((o) => o.kind === 'KeycloakClientScope').metadata).toEqual({ name: 'initech-monitoring-audience', namespace: 'initech' });
    expect(objects.filter((o) => o.kind === 'KeycloakRealmGroup')).toHaveLength(3);
    const values = objects.find((o) => o.kind === 'HelmRelease').spec.values;
    expect(values['grafana.ini']['auth.jwt']).toBeUndefined();
    expect(values['grafana.ini']['auth.generic_oauth']).toMatchObject({ enabled: true, client_id: 'initech-monitoring', role_attribute_strict: true });
    expect(values['grafana.ini'].server).toEqual({ root_url: 'https://grafana-initech.example.com/' });
    expect(values.envValueFrom).toEqual({ GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: 'monitoring-oidc-client', key: 'client-secret' } } });
    // Nothing writes the Secret: it is the user's.
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(fleet.clients.map((c) => c.clientId)).toEqual(['initech-monitoring']);
  });
});

describe('one wildcard VirtualService behind the Istio ingress', () => {
  const { platform, tenants } = built.sidecar;
  const virtualServices = platform.filter((o) => o.kind === 'VirtualService');

  test('no tenant writes a VirtualService; the platform writes the wildcard and the exact authenticate host', () => {
    for (const objects of tenants) expect(objects.filter((o) => o.kind === 'VirtualService')).toEqual([]);
    expect(virtualServices.map((v) => v.metadata.name).sort()).toEqual(['pomerium-authenticate', 'pomerium-routes']);
  });

  test('the wildcard carries *.<domain> from the Gateway to the proxy Service, in Pomerium\'s namespace', () => {
    const routes = virtualServices.find((v) => v.metadata.name === 'pomerium-routes');
    expect(routes).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'pomerium-routes', namespace: 'pomerium' },
      spec: {
        hosts: ['*.example.com'],
        gateways: ['istio-system/ingress-gateway'],
        http: [{ route: [{ destination: { host: 'pomerium-proxy.pomerium.svc.cluster.local', port: { number: 80 } } }] }],
      },
    });
    const authenticate = virtualServices.find((v) => v.metadata.name === 'pomerium-authenticate');
    // Envoy matches exact domains before suffix wildcards (route_components.proto, VirtualHost.domains).
    expect(authenticate.spec.hosts).toEqual(['authenticate.example.com']);
    expect(authenticate.spec.http[0].route[0].destination.host).toBe('pomerium-authenticate.pomerium.svc.cluster.local');
    // The Gateway's binding to Pomerium's namespace stays.
    expect(platform.find((o) => o.kind === 'Gateway').spec.servers.every((s: any) => s.hosts.every((h: string) => h === 'pomerium/*.example.com'))).toBe(true);
  });

  test('the wildcard is quoted in YAML', () => {
    expect(built.sidecar.app.synthYaml()).toContain('- "*.example.com"');
  });
});

describeWithReference('schema validity against the upstream CRDs', () => {
  test.each(FORMS)('%s: every object of the platform and tenant files', (form) => {
    const objects = Object.values(built[form].files).flat();
    expect(objects.length).toBeGreaterThan(20);
    expect(validateManifests(objects)).toEqual([]);
  });
});

test('ambient: the NetworkPolicy admits HBONE from Pomerium and kubelet probes from 169.254.7.127/32 on Grafana\'s port', () => {
  const policy = built.ambient.tenants[0].find((o) => o.kind === 'NetworkPolicy');
  expect(AMBIENT_PROBE_SOURCE).toBe('169.254.7.127/32');
  expect(policy.spec.ingress).toEqual([
    expect.objectContaining({ ports: [{ protocol: 'TCP', port: 15008 }] }),
    { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 3000 }] },
  ]);
  for (const form of ['sidecar', 'ingressController'] as const) {
    const other = built[form].tenants[0].find((o) => o.kind === 'NetworkPolicy');
    if (other) expect(JSON.stringify(other)).not.toContain('169.254.7.127');
  }
});

test('writeNamespaces: false writes no Namespace', () => {
  const { tenants } = build('sidecar', { writeNamespaces: false });
  for (const objects of tenants) expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
});

// examples/fleet runs three times: compiled once (with the files it reads beside it), run with plain node.
const fleetExample = compileModule(path.join('examples', 'fleet', 'main.ts'), { assets: ['tenants.yaml', 'signing-key.pub.pem'].map((f) => path.join('examples', 'fleet', f)) });
afterAll(() => fleetExample.dispose());

describe.each(['flux', 'argocd'])('examples/fleet delivered by %s', (delivery) => {
  const root = path.resolve(__dirname, '..', '..');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `fleet-example-${delivery}-`));
  execFileSync(process.execPath, [fleetExample.entry], {
    cwd: root, env: { ...process.env, FLEET_DELIVERY: delivery, FLEET_TENANTS: '', CDK8S_OUTDIR: out }, stdio: 'pipe',
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const documents = loadSynthesized(out);
  const objects = documents.map((d) => d.doc);
  const gitopsKind = delivery === 'flux' ? 'HelmRelease' : 'Application';
  const valuesOf = (namespace: string) => {
    const o = objects.find((x) => x.kind === gitopsKind && (delivery === 'flux' ? x.metadata.namespace : x.spec.destination.namespace) === namespace)!;
    return delivery === 'flux' ? o.spec.values : o.spec.source.helm.valuesObject;
  };

  test('each tenant is delivered by the chosen engine, and the route is an Ingress in its namespace', () => {
    expect(objects.filter((o) => o.kind === gitopsKind)).toHaveLength(3);
    expect(objects.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.namespace).sort()).toEqual(['acme', 'initech', 'tenant-globex']);
    expect(objects.filter((o) => o.kind === 'VirtualService')).toEqual([]);
  });

  test("a tenant's admin signs in; another tenant's admin is denied", async () => {
    const ada = { sub: 'id-ada', email: 'ada@acme.example', name: 'Ada', groups: ['/acme-grafana-admin'] };
    await expect(simulateDocuments(documents, { host: 'grafana-acme.example.com', claims: ada }))
      .resolves.toMatchObject({ flow: 'jwt', pomerium: { allowed: true }, grafana: { accepted: true, role: 'Admin' } });
    await expect(simulateDocuments(documents, { host: 'grafana-globex.example.com', claims: ada }))
      .resolves.toMatchObject({ pomerium: { allowed: false }, grafana: { accepted: false } });
  }, 30_000);

  test("a token minted for tenant A verifies on A's Grafana and is refused by B's (pinned keys, expect_claims)", async () => {
    const key = await testSigningKey();
    const now = Math.floor(Date.now() / 1000);
    const a = 'grafana-acme.example.com';
    const claims = { sub: 'id-ada', email: 'ada@acme.example', name: 'Ada', groups: ['acme-grafana-admin'] };
    const token = await signAssertion(assertionClaims({ claims, host: a, extraClaims: [], now }), key);
    const env = (namespace: string) => {
      const settings = valuesOf(namespace)['grafana.ini']['auth.jwt'];
      expect(settings.jwk_set_file).toBe('/etc/grafana/pomerium-keys/jwks.json');
      return { settings, files: { [settings.jwk_set_file]: JSON.stringify({ keys: [key.publicJwk] }) }, now };
    };
    await expect(verifyJwtClaims(token, env('acme'))).resolves.toMatchObject({ aud: a, iss: a });
    await expect(verifyJwtClaims(token, env('tenant-globex'))).rejects.toThrow(/aud|iss|expect/i);
  }, 30_000);


  (delivery === 'flux' ? test : test.skip)('FLEET_TENANTS generates tenants: every file is its own at any count', () => {
    const many = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-example-many-'));
    try {
      execFileSync(process.execPath, [fleetExample.entry], {
        cwd: root, env: { ...process.env, FLEET_DELIVERY: delivery, FLEET_TENANTS: '25', CDK8S_OUTDIR: many }, stdio: 'pipe',
      });
      const files = fs.readdirSync(many).filter((f) => f.startsWith('tenant-'));
      expect(files).toHaveLength(25);
      const platformBytes = fs.statSync(path.join(many, 'platform.k8s.yaml')).size;
      // The Ingress Controller form: nothing in the platform grows with tenants.
      expect(platformBytes).toBe(fs.statSync(path.join(out, 'platform.k8s.yaml')).size);
      for (const file of files) {
        const ns = file.replace(/^tenant-/, '').replace(/\.k8s\.yaml$/, '');
        const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(many, file), 'utf8')).map((d) => d.toJS());
        expect(docs.filter((o) => !GITOPS_KINDS.has(o.kind) && o.kind !== 'Namespace' && o.metadata.namespace !== ns)).toEqual([]);
      }
    } finally {
      fs.rmSync(many, { recursive: true, force: true });
    }
  });
});
