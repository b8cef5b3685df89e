/**
 * Any single invalid change of VALID props stops synth with ONE message that names the
 * construct, its path and the prop (src/errors.ts PropContext format). The changes are the
 * careless ones: a bad host, a bad name, a bad port, an unknown enum value, a wrong type,
 * an empty list.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { domain, letterLabel, shortName } from './arbitraries';
import { check, RUNS } from './fc-settings';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, GrafanaBehindPomerium, GrafanaBehindPomeriumProps, GrafanaOutput, GrafanaTarget,
  IstioIngressForPomerium, IstioIngressForPomeriumProps, KeycloakGrafanaClient, KeycloakGrafanaClientProps, OidcMode, PomeriumOutput,
  PomeriumRelease, PomeriumReleaseProps, RealmRef,
} from '../../src';

interface Refusal {
  /** e.g. "GrafanaBehindPomerium at 'props/grafana'". */
  readonly owner: string;
  /** The prop path the message must name (its first segments suffice). */
  readonly prop: string;
}

/** Builds, synthesizes, and returns the one refusal message (fails when there is none or several). */
function refusal(build: (chart: Chart) => void): string {
  const app: App = Testing.app();
  let message: string | undefined;
  try {
    build(new Chart(app, 'props'));
    app.synthYaml();
  } catch (e) {
    message = (e as Error).message;
  }
  if (message === undefined) throw new Error('the invalid props synthesized');
  return message;
}

function expectOneRefusal(message: string, expected: Refusal) {
  expect(message).toContain(`${expected.owner}: prop '${expected.prop}`);
  expect(message.split('. Fix: ').length - 1).toBe(1);
}

const names = domain
  .chain((dom) => fc.record({ domain: fc.constant(dom), route: letterLabel, auth: letterLabel, ns: shortName, svc: shortName }))
  .filter((n) => n.route !== n.auth);

type Names = { domain: string; route: string; auth: string; ns: string; svc: string };
const releaseProps = (n: Names): PomeriumReleaseProps => ({ authenticateServiceUrl: `https://${n.auth}.${n.domain}`, outputs: [PomeriumOutput.helmValues()] });
const routeProps = (n: Names): Omit<GrafanaBehindPomeriumProps, 'pomerium'> => ({
  host: `${n.route}.${n.domain}`,
  policy: AccessPolicy.emailDomains(n.domain),
  grafana: GrafanaTarget.existing({ serviceName: n.svc, namespace: n.ns }),
  authFlow: AuthFlow.jwt(),
  grafanaOutputs: [GrafanaOutput.helmValues()],
});

/** One invalid change of a release or a route, with the prop the message must name. */
interface RouteChange {
  readonly what: string;
  readonly prop: string;
  readonly release?: (n: Names) => Partial<PomeriumReleaseProps>;
  readonly route?: (n: Names) => Partial<GrafanaBehindPomeriumProps>;
}
const ROUTE_CHANGES: RouteChange[] = [
  { what: 'route host with a scheme', prop: 'host', route: (n) => ({ host: `https://${n.route}.${n.domain}` }) },
  { what: 'route host in capitals', prop: 'host', route: (n) => ({ host: `${n.route.toUpperCase()}.${n.domain}` }) },
  { what: 'route host with a port', prop: 'host', route: (n) => ({ host: `${n.route}.${n.domain}:443` }) },
  { what: 'route host of one label', prop: 'host', route: (n) => ({ host: n.route }) },
  { what: 'route host not a string', prop: 'host', route: () => ({ host: 42 as any }) },
  { what: 'bad route name', prop: 'name', route: (n) => ({ name: `${n.svc}_x` }) },
  { what: 'bad Grafana namespace', prop: 'grafana', route: (n) => ({ grafana: GrafanaTarget.existing({ serviceName: n.svc, namespace: `${n.ns}.x` }) }) },
  { what: 'bad Grafana Service name', prop: 'grafana', route: (n) => ({ grafana: GrafanaTarget.existing({ serviceName: `${n.svc.toUpperCase()}X`, namespace: n.ns }) }) },
  { what: 'Grafana port 0', prop: 'grafana', route: (n) => ({ grafana: GrafanaTarget.existing({ serviceName: n.svc, namespace: n.ns, servicePort: 0 }) }) },
  { what: 'Grafana port 70000', prop: 'grafana', route: (n) => ({ grafana: GrafanaTarget.existing({ serviceName: n.svc, namespace: n.ns, servicePort: 70000 }) }) },
  { what: 'a timeout that is not a Go duration', prop: 'route', route: () => ({ route: { timeout: '30' } }) },
  { what: 'allowWebsockets not a boolean', prop: 'route', route: () => ({ route: { allowWebsockets: 'yes' as any } }) },
  { what: 'Grafana outputs not a list', prop: 'grafanaOutputs', route: () => ({ grafanaOutputs: GrafanaOutput.helmValues() as any }) },
  { what: 'an unknown default role', prop: 'authFlow', route: () => ({ authFlow: AuthFlow.headers({ defaultRole: 'Owner' as any }) }) },
  { what: 'an empty access policy', prop: 'policy', route: () => ({ policy: AccessPolicy.emails() }) },
  { what: 'an email that is not one', prop: 'policy', route: (n) => ({ policy: AccessPolicy.emails(`someone.${n.domain}`) }) },
  { what: 'authenticate URL over http', prop: 'authenticateServiceUrl', release: (n) => ({ authenticateServiceUrl: `http://${n.auth}.${n.domain}` }) },
  { what: 'authenticate URL with a path', prop: 'authenticateServiceUrl', release: (n) => ({ authenticateServiceUrl: `https://${n.auth}.${n.domain}/x` }) },
  { what: 'bad release namespace', prop: 'namespace', release: (n) => ({ namespace: `${n.ns}_x` }) },
  { what: 'no release outputs', prop: 'outputs', release: () => ({ outputs: [] }) },
  { what: 'a Helm release name over 53 characters', prop: 'helmReleaseName', release: (n) => ({ helmReleaseName: `${n.ns}-${'r'.repeat(53)}` }) },
  { what: 'bad proxy port', prop: 'services', release: () => ({ services: { proxyServicePort: -1 } }) },
];

describe('one invalid change of a release or a route: one message naming the construct path and the prop', () => {
  test('for generated names and every kind of change', () => {
    check(fc.property(names, fc.constantFrom(...ROUTE_CHANGES), (n, change) => {
      const message = refusal((chart) => {
        const pomerium = new PomeriumRelease(chart, 'pomerium', { ...releaseProps(n), ...change.release?.(n) });
        new GrafanaBehindPomerium(chart, 'grafana', { ...routeProps(n), pomerium, ...change.route?.(n) });
      });
      const owner = change.release ? "PomeriumRelease at 'props/pomerium'" : "GrafanaBehindPomerium at 'props/grafana'";
      expectOneRefusal(message, { owner, prop: change.prop });
    }), RUNS.medium);
  });
});

const ISTIO_CHANGES: Array<{ what: string; prop: string; change: (d: string, ns: string) => Partial<IstioIngressForPomeriumProps> }> = [
  { what: 'domain in capitals', prop: 'domain', change: (d) => ({ domain: d.toUpperCase() }) },
  { what: 'domain with a scheme', prop: 'domain', change: (d) => ({ domain: `https://${d}` }) },
  { what: 'domain not a string', prop: 'domain', change: () => ({ domain: 7 as any }) },
  { what: 'bad Pomerium namespace', prop: 'pomeriumNamespace', change: (_, ns) => ({ pomeriumNamespace: `${ns}.x` }) },
  { what: 'bad gateway namespace', prop: 'gateway', change: (_, ns) => ({ gateway: { namespace: `${ns}_x` } }) },
  { what: 'empty gateway selector', prop: 'gateway', change: () => ({ gateway: { selector: {} } }) },
  { what: 'bad name', prop: 'name', change: (_, ns) => ({ name: `-${ns}` }) },
  { what: 'unknown dataplane', prop: 'dataplane', change: () => ({ dataplane: 'SIDECARLESS' as any }) },
];

describe('one invalid change of an Istio ingress', () => {
  test('one message naming IstioIngressForPomerium, its path and the prop', () => {
    check(fc.property(domain, shortName, fc.constantFrom(...ISTIO_CHANGES), (d, ns, change) => {
      const message = refusal((chart) => {
        new IstioIngressForPomerium(chart, 'ingress', { domain: d, certificateIssuer: CertificateIssuer.selfSigned(), ...change.change(d, ns) });
      });
      expectOneRefusal(message, { owner: "IstioIngressForPomerium at 'props/ingress'", prop: change.prop });
    }), RUNS.medium);
  });
});

const KEYCLOAK_CHANGES: Array<{ what: string; prop: string; change: (d: string, ns: string) => Partial<KeycloakGrafanaClientProps> }> = [
  { what: 'bad namespace', prop: 'namespace', change: (_, ns) => ({ namespace: `${ns}_x` }) },
  { what: 'empty release', prop: 'release', change: () => ({ release: '' }) },
  { what: 'Grafana host with a path', prop: 'grafanaHost', change: (d) => ({ grafanaHost: `grafana.${d}/x` }) },
  { what: 'issuer over http', prop: 'mode', change: (d) => ({ mode: OidcMode.system({ realm: RealmRef.clusterKeycloakRealm('r'), platformOidcEnabled: true, issuerUrl: `http://keycloak.${d}/realms/r` }) }) },
  { what: 'Grafana outputs not a list', prop: 'grafanaOutputs', change: () => ({ grafanaOutputs: 'helmValues' as any }) },
];

describe('one invalid change of a Keycloak client', () => {
  test('one message naming KeycloakGrafanaClient, its path and the prop', () => {
    check(fc.property(domain, shortName, fc.constantFrom(...KEYCLOAK_CHANGES), (d, ns, change) => {
      const message = refusal((chart) => {
        new KeycloakGrafanaClient(chart, 'client', {
          namespace: ns,
          release: 'monitoring',
          grafanaHost: `grafana.${d}`,
          mode: OidcMode.system({ realm: RealmRef.clusterKeycloakRealm('r'), platformOidcEnabled: true, issuerUrl: `https://keycloak.${d}/realms/r` }),
          grafanaOutputs: [GrafanaOutput.helmValues()],
          ...change.change(d, ns),
        });
      });
      expectOneRefusal(message, { owner: "KeycloakGrafanaClient at 'props/client'", prop: change.prop });
    }), RUNS.medium);
  });
});
