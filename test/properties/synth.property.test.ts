/**
 * Whole construct trees from generated VALID props: they synthesize, byte-identical when
 * built twice, and every name, label and host they emit is valid for its kind (checked with
 * Kubernetes' and Istio's rules written out here, not with the library's own checks).
 * A synth costs tens of milliseconds: fewer cases than the value-object properties.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { domain, email, groupName, letterLabel, shortName } from './arbitraries';
import { check, RUNS } from './fc-settings';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput, GrafanaRole, GrafanaTarget,
  IstioIngressForPomerium, KeycloakGrafanaClient, OidcMode, PomeriumOutput, PomeriumRelease, RealmRef, RoleMapping,
} from '../../src';

// k8s.io/apimachinery pkg/util/validation/validation.go
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names Kubernetes validates as DNS-1123 labels (Service, Namespace); others as subdomains. */
const LABEL_NAMED = new Set(['Service', 'Namespace']);

function expectValidName(kind: string, name: unknown) {
  expect(typeof name).toBe('string');
  const n = name as string;
  if (LABEL_NAMED.has(kind)) expect(n.length <= 63 && DNS1123_LABEL.test(n)).toBe(true);
  else expect(n.length <= 253 && DNS1123_SUBDOMAIN.test(n)).toBe(true);
}

function expectValidLabels(labels: Record<string, unknown> | undefined) {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.indexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if (prefix !== undefined) expect(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)).toBe(true);
    expect(name.length <= 63 && QUALIFIED_NAME.test(name)).toBe(true);
    expect(typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value)).toBe(true);
  }
}

/** A host as Gateway and VirtualService take it: a DNS name, a '*.' wildcard, and for a Gateway an optional `namespace/` (Istio pilot/pkg/model validation). */
function expectValidHost(host: unknown, kind: 'Gateway' | 'VirtualService' | 'route') {
  expect(typeof host).toBe('string');
  let h = host as string;
  if (kind === 'Gateway' && h.includes('/')) {
    const [ns, rest] = h.split('/');
    expect(ns === '*' || ns === '.' || DNS1123_LABEL.test(ns)).toBe(true);
    h = rest;
  }
  if (kind !== 'route' && h.startsWith('*.')) h = h.slice(2);
  expect(h.length <= 253 && h.split('.').length >= 2 && h.split('.').every((l) => l.length <= 63 && DNS1123_LABEL.test(l))).toBe(true);
}

/** Every object's name, namespace and labels; Istio hosts; Pomerium route hosts. */
function expectValidObjects(objects: any[]) {
  for (const o of objects) {
    expectValidName(o.kind, o.metadata?.name);
    if (o.metadata?.namespace !== undefined) expect(DNS1123_LABEL.test(o.metadata.namespace)).toBe(true);
    expectValidLabels(o.metadata?.labels);
    if (o.kind === 'Gateway') for (const s of o.spec.servers) for (const h of s.hosts) expectValidHost(h, 'Gateway');
    if (o.kind === 'VirtualService') for (const h of o.spec.hosts) expectValidHost(h, 'VirtualService');
  }
}

function synthYaml(build: (chart: Chart) => void): { yaml: string; objects: any[] } {
  const app: App = Testing.app();
  build(new Chart(app, 'props'));
  const yaml = app.synthYaml();
  return { yaml, objects: YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o) };
}

/** Synthesizes twice from the same props: the bytes must agree, the objects must be valid. */
function synthesizesDeterministically(build: (chart: Chart) => void): any[] {
  const first = synthYaml(build);
  const second = synthYaml(build);
  expect(second.yaml).toBe(first.yaml);
  expect(first.objects.length).toBeGreaterThan(0);
  expectValidObjects(first.objects);
  return first.objects;
}

const policy = (dom: string) => fc.oneof(
  fc.constant(AccessPolicy.emailDomains(dom)),
  fc.uniqueArray(email, { minLength: 1, maxLength: 3 }).map((es) => AccessPolicy.emails(...es)),
  fc.uniqueArray(groupName, { minLength: 1, maxLength: 3, selector: (g) => g.replace(/^\//, '') }).map((gs) => AccessPolicy.groups(...gs)),
  fc.constant(AccessPolicy.allOf(AccessPolicy.emailDomains(dom), AccessPolicy.claim('groups', '/grafana'))),
);

const roleMapping = fc.option(
  fc.uniqueArray(fc.record({ group: groupName, role: fc.constantFrom(GrafanaRole.VIEWER, GrafanaRole.EDITOR, GrafanaRole.ADMIN) }), { minLength: 1, maxLength: 3, selector: (r) => r.group.replace(/^\//, '') })
    .map((rules) => RoleMapping.fromGroups(rules)),
  { nil: undefined },
);

const GRAFANA_OUTPUTS = {
  helmValues: () => GrafanaOutput.helmValues(),
  envVars: () => GrafanaOutput.envVars(),
  operator: () => GrafanaOutput.operator(),
};
const POMERIUM_OUTPUTS = {
  helmValues: () => PomeriumOutput.helmValues(),
  configSecret: () => PomeriumOutput.configSecret(),
  ingressController: () => PomeriumOutput.ingressController(),
};

/** Props of a Pomerium release and one Grafana route on it; the factories build fresh value objects each synth. */
const releaseAndRoute = domain.chain((dom) => fc.record({
  domain: fc.constant(dom),
  routeLabel: letterLabel,
  authLabel: letterLabel,
  namespace: shortName,
  serviceName: shortName,
  jwt: fc.boolean(),
  roleMapping,
  grafanaOutputs: fc.subarray(Object.keys(GRAFANA_OUTPUTS) as (keyof typeof GRAFANA_OUTPUTS)[], { minLength: 1 }),
  pomeriumOutputs: fc.subarray(Object.keys(POMERIUM_OUTPUTS) as (keyof typeof POMERIUM_OUTPUTS)[], { minLength: 1 }),
  policy: policy(dom),
  timeout: fc.constantFrom('30s', '5m', '1h30m'),
  allowWebsockets: fc.boolean(),
  releaseName: fc.option(shortName, { nil: undefined }),
  routeName: fc.option(shortName, { nil: undefined }),
})).filter((p) => p.routeLabel !== p.authLabel);

describe('GrafanaBehindPomerium on a PomeriumRelease: both flows, every output form', () => {
  test('valid props synthesize, byte-identical twice, with valid names, labels and hosts', () => {
    check(fc.property(releaseAndRoute, (p) => {
      const objects = synthesizesDeterministically((chart) => {
        const pomerium = new PomeriumRelease(chart, 'pomerium', {
          authenticateServiceUrl: `https://${p.authLabel}.${p.domain}`,
          outputs: p.pomeriumOutputs.map((o) => POMERIUM_OUTPUTS[o]()),
          podLabels: { 'app.kubernetes.io/name': 'pomerium' },
          name: p.releaseName,
        });
        new GrafanaBehindPomerium(chart, 'grafana', {
          host: `${p.routeLabel}.${p.domain}`,
          pomerium,
          policy: p.policy,
          // grafana-operator names the Service and pod labels after its Grafana resource: that output needs that target.
          grafana: p.grafanaOutputs.includes('operator')
            ? GrafanaTarget.operator({ name: p.serviceName, namespace: p.namespace })
            : GrafanaTarget.existing({ serviceName: p.serviceName, namespace: p.namespace }),
          authFlow: p.jwt ? AuthFlow.jwt({ roleMapping: p.roleMapping }) : AuthFlow.headers(),
          grafanaOutputs: p.grafanaOutputs.map((o) => GRAFANA_OUTPUTS[o]()),
          route: { timeout: p.timeout, allowWebsockets: p.allowWebsockets },
          name: p.routeName,
        });
      });
      const routes = objects.flatMap((o) => o.config?.routes ?? []);
      for (const r of routes) expectValidHost(new URL(r.from).hostname, 'route');
    }), RUNS.synth);
  });
});

describe('IstioIngressForPomerium with a release and an isolated route', () => {
  test('valid props synthesize, byte-identical twice, with valid names, labels and Gateway/VirtualService hosts', () => {
    const props = domain.chain((dom) => fc.record({
      domain: fc.constant(dom),
      routeLabel: letterLabel,
      authLabel: letterLabel,
      pomeriumNamespace: fc.option(shortName, { nil: undefined }),
      name: fc.option(shortName, { nil: undefined }),
      jwt: fc.boolean(),
      gatewayNamespace: fc.option(shortName, { nil: undefined }),
    })).filter((p) => p.routeLabel !== p.authLabel);
    check(fc.property(props, (p) => {
      const objects = synthesizesDeterministically((chart) => {
        const ingress = new IstioIngressForPomerium(chart, 'ingress', {
          domain: p.domain,
          certificateIssuer: CertificateIssuer.selfSigned(),
          pomeriumNamespace: p.pomeriumNamespace,
          gateway: p.gatewayNamespace ? { namespace: p.gatewayNamespace } : undefined,
          name: p.name,
        });
        const pomerium = new PomeriumRelease(chart, 'pomerium', {
          authenticateServiceUrl: `https://${p.authLabel}.${p.domain}`,
          ingress,
          namespace: p.pomeriumNamespace,
          outputs: [PomeriumOutput.helmValues()],
        });
        new GrafanaBehindPomerium(chart, 'grafana', {
          host: `${p.routeLabel}.${p.domain}`,
          pomerium,
          policy: AccessPolicy.emailDomains(p.domain),
          grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
          authFlow: p.jwt ? AuthFlow.jwt() : AuthFlow.headers(),
          isolation: GrafanaIsolation.istioAuthorizationPolicy(),
          grafanaOutputs: [GrafanaOutput.helmValues()],
        });
      });
      expect(objects.some((o) => o.kind === 'Gateway')).toBe(true);
    }), RUNS.synth);
  });
});

describe('KeycloakGrafanaClient in system mode', () => {
  test('valid props synthesize, byte-identical twice, with valid names and labels', () => {
    const props = domain.chain((dom) => fc.record({
      domain: fc.constant(dom),
      namespace: shortName,
      release: shortName,
      hostLabel: letterLabel,
      realm: shortName,
      outputs: fc.subarray(Object.keys(GRAFANA_OUTPUTS) as (keyof typeof GRAFANA_OUTPUTS)[], { minLength: 1 }),
    }));
    check(fc.property(props, (p) => {
      synthesizesDeterministically((chart) => {
        new KeycloakGrafanaClient(chart, 'client', {
          namespace: p.namespace,
          release: p.release,
          grafanaHost: `${p.hostLabel}.${p.domain}`,
          mode: OidcMode.system({ realm: RealmRef.clusterKeycloakRealm(p.realm), platformOidcEnabled: true, issuerUrl: `https://keycloak.${p.domain}/realms/${p.realm}` }),
          grafanaOutputs: p.outputs.map((o) => GRAFANA_OUTPUTS[o]()),
        });
      });
    }), RUNS.synth);
  });
});
