import { App, Chart, Testing } from 'cdk8s';
import { seedGrafana, seedIngress, seedRelease } from './fixtures';
import {
  AcmeChallenge, AuthFlow, CertificateIssuer, GrafanaBehindPomeriumProps, IstioIngressForPomeriumProps, PomeriumOutput, PomeriumReleaseProps,
} from '../../src';
import { errorOf } from '../support/synth';

/**
 * Builds seed 003 (ingress → release → route) with one change to one construct and returns
 * the error it throws. Each construct refuses what it owns: the ingress its domain, gateway
 * and issuer; the release the authenticate host, Pomerium's names and the external IdPs;
 * the route its host.
 */
function errorWith(change: {
  ingress?: Partial<IstioIngressForPomeriumProps>;
  release?: Partial<PomeriumReleaseProps>;
  grafana?: Partial<GrafanaBehindPomeriumProps>;
}): string {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test');
  return errorOf(() => {
    const ingress = seedIngress(chart, change.ingress, 'ingress');
    const pomerium = seedRelease(chart, ingress, change.release);
    seedGrafana(chart, pomerium, change.grafana);
    app.synthYaml();
  });
}

/** Every message names the construct path, the prop, the bad value and a fix. */
function expectClear(message: string, construct: string, prop: string, value: string) {
  expect(message).toContain(`${construct}: prop '${prop}'`);
  expect(message).toContain(value);
  expect(message).toMatch(/\. Fix: \S/);
}

const INGRESS = "IstioIngressForPomerium at 'test/ingress'";
const RELEASE = "PomeriumRelease at 'test/pomerium'";
const ROUTE = "GrafanaBehindPomerium at 'test/grafana'";

describe('bad input fails with a clear error, from the construct that owns the prop', () => {
  test('a route host outside the domain (the route refuses it)', () => {
    const msg = errorWith({ grafana: { host: 'grafana.othercompany.com' } });
    expectClear(msg, ROUTE, 'host', '"grafana.othercompany.com"');
    expect(msg).toContain("outside the gateway's domain 'yourcompany.com'");
  });

  test('a route host two labels under the domain (a wildcard certificate covers one level)', () => {
    const msg = errorWith({ grafana: { host: 'grafana.eu.yourcompany.com' } });
    expectClear(msg, ROUTE, 'host', '"grafana.eu.yourcompany.com"');
    expect(msg).toContain("use 'grafana-eu.yourcompany.com'");
  });

  test('the bare domain as a route host', () => {
    const msg = errorWith({ grafana: { host: 'yourcompany.com' } });
    expectClear(msg, ROUTE, 'host', '"yourcompany.com"');
    expect(msg).toContain('does not cover');
  });

  test('an authenticate host outside the domain (the release refuses it)', () => {
    const msg = errorWith({ release: { authenticateServiceUrl: 'https://auth.othercompany.com' } });
    expectClear(msg, RELEASE, 'authenticateServiceUrl', '"auth.othercompany.com"');
    expect(msg).toContain("outside the gateway's domain 'yourcompany.com'");
  });

  test('an authenticate host two labels under the domain', () => {
    const msg = errorWith({ release: { authenticateServiceUrl: 'https://authenticate.eu.yourcompany.com' } });
    expectClear(msg, RELEASE, 'authenticateServiceUrl', '"authenticate.eu.yourcompany.com"');
    expect(msg).toContain("use 'authenticate-eu.yourcompany.com'");
  });

  test('the route host equal to the authenticate host', () => {
    const msg = errorWith({ grafana: { host: 'authenticate.yourcompany.com' } });
    expectClear(msg, ROUTE, 'host', '"authenticate.yourcompany.com"');
    expect(msg).toContain("the authenticate host of the PomeriumRelease at 'test/pomerium'");
  });

  test('the same route host twice is refused by the second route, naming the first', () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'test');
    const pomerium = seedRelease(chart, seedIngress(chart, {}, 'ingress'));
    seedGrafana(chart, pomerium);
    const msg = errorOf(() => seedGrafana(chart, pomerium, {}, 'b'));
    expectClear(msg, "GrafanaBehindPomerium at 'test/b'", 'host', '"grafana.yourcompany.com"');
    expect(msg).toContain("the GrafanaBehindPomerium at 'test/grafana' already routes this host");
  });

  test('a release no route uses fails at synth', () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'test');
    seedRelease(chart, seedIngress(chart, {}, 'ingress'));
    expect(errorOf(() => app.synthYaml())).toContain(`${RELEASE}: no route uses this release. Fix: pass it as 'pomerium' to a GrafanaBehindPomerium`);
  });

  test('a domain written with its wildcard, with upper case, or with a scheme', () => {
    expectClear(errorWith({ ingress: { domain: '*.yourcompany.com' } }), INGRESS, 'domain', '"*.yourcompany.com"');
    expect(errorWith({ ingress: { domain: '*.yourcompany.com' } })).toContain("write 'yourcompany.com'");
    expectClear(errorWith({ ingress: { domain: 'YourCompany.com' } }), INGRESS, 'domain', '"YourCompany.com"');
    expectClear(errorWith({ ingress: { domain: 'https://yourcompany.com' } }), INGRESS, 'domain', '"https://yourcompany.com"');
  });

  test('wildcard certificate with an HTTP-01 ACME issuer', () => {
    const msg = errorWith({ ingress: { certificateIssuer: CertificateIssuer.existingClusterIssuer('letsencrypt', { acmeChallenge: AcmeChallenge.HTTP_01 }) } });
    expectClear(msg, INGRESS, 'certificateIssuer.acmeChallenge', "CertificateIssuer.existingClusterIssuer('letsencrypt', { acmeChallenge: AcmeChallenge.HTTP_01 })");
    expect(msg).toContain("'*.yourcompany.com'");
    expect(msg).toContain('HTTP-01 challenge cannot issue wildcard names');
    expect(msg).toContain('DNS-01');
    const issuerMsg = errorWith({ ingress: { certificateIssuer: CertificateIssuer.existingIssuer('letsencrypt', { acmeChallenge: AcmeChallenge.HTTP_01 }) } });
    expectClear(issuerMsg, INGRESS, 'certificateIssuer.acmeChallenge', 'existingIssuer');
  });

  test("an IdP host of '*' or a wildcard (the release refuses it)", () => {
    const star = errorWith({ release: { externalIdentityProviders: [{ host: '*' }] } });
    expectClear(star, RELEASE, 'externalIdentityProviders.0.host', '"*"');
    expect(star).toContain("'*' would claim all external traffic");
    expectClear(errorWith({ release: { externalIdentityProviders: [{ host: '*.okta.com' }] } }), RELEASE, 'externalIdentityProviders.0.host', '"*.okta.com"');
  });

  test('an IdP port without a name, or with a bad one', () => {
    const msg = errorWith({ release: { externalIdentityProviders: [{ host: 'yourcompany.okta.com', portName: '' }] } });
    expectClear(msg, RELEASE, 'externalIdentityProviders.0.portName', '""');
    expect(msg).toContain('Istio requires every ServiceEntry port to be named');
    expectClear(errorWith({ release: { externalIdentityProviders: [{ host: 'yourcompany.okta.com', portName: 'HTTPS_443' }] } }), RELEASE, 'externalIdentityProviders.0.portName', '"HTTPS_443"');
  });

  test('an IdP host listed twice, with a URL, or with a bad port', () => {
    expectClear(errorWith({ release: { externalIdentityProviders: [{ host: 'a.okta.com' }, { host: 'a.okta.com' }] } }), RELEASE, 'externalIdentityProviders.1.host', '"a.okta.com"');
    expectClear(errorWith({ release: { externalIdentityProviders: [{ host: 'https://yourcompany.okta.com' }] } }), RELEASE, 'externalIdentityProviders.0.host', '"https://yourcompany.okta.com"');
    expectClear(errorWith({ release: { externalIdentityProviders: [{ host: 'yourcompany.okta.com', port: 0 }] } }), RELEASE, 'externalIdentityProviders.0.port', '0');
  });

  test.each([
    ['keycloak.keycloak.svc.cluster.local'],
    ['keycloak.keycloak.svc'],
    ['x.svc'],
  ])('a ServiceEntry for the in-cluster host %s is refused: an in-cluster Keycloak needs none', (host) => {
    // istio/api networking/v1alpha3/service_entry.proto: a ServiceEntry whose host is an
    // in-cluster Service name decorates that Service rather than describing an external
    // host; the mesh already routes to in-cluster Services.
    const msg = errorWith({ release: { externalIdentityProviders: [{ host: 'yourcompany.okta.com' }, { host }] } });
    expectClear(msg, RELEASE, 'externalIdentityProviders.1.host', JSON.stringify(host));
    expect(msg).toContain('in-cluster Service name');
    expect(msg).toContain('Fix: leave in-cluster identity providers (an in-cluster Keycloak) out: the mesh already knows them');
  });

  test('external IdPs and services describe Pomerium to a mesh: refused on a release without an ingress', () => {
    const chart = new Chart(Testing.app(), 'test');
    const idps = errorOf(() => seedRelease(chart, undefined, { externalIdentityProviders: [{ host: 'yourcompany.okta.com' }] }));
    expectClear(idps, RELEASE, 'externalIdentityProviders', '"yourcompany.okta.com"');
    expect(idps).toContain('this release has no ingress');
    const services = errorOf(() => seedRelease(chart, undefined, { services: { proxyServicePort: 8080 } }, 'other'));
    expectClear(services, "PomeriumRelease at 'test/other'", 'services', '8080');
  });

  test('the chart ingress switched on behind the mesh is refused', () => {
    const msg = errorWith({ release: { outputs: [PomeriumOutput.helmValues({ ingressEnabled: true })] } });
    expectClear(msg, RELEASE, 'outputs.ingressEnabled', 'true');
    expect(msg).toContain('leave ingressEnabled out');
  });

  test('gateway names (ingress), Pomerium names (release)', () => {
    expectClear(errorWith({ ingress: { gateway: { namespace: 'Istio_System' } } }), INGRESS, 'gateway.namespace', '"Istio_System"');
    expectClear(errorWith({ ingress: { gateway: { selector: {} } } }), INGRESS, 'gateway.selector', '{}');
    expectClear(errorWith({ ingress: { gateway: { credentialName: 'internal.cert' } } }), INGRESS, 'gateway.credentialName', '"internal.cert"');
    expectClear(errorWith({ ingress: { trustDomain: 'cluster.local.' } }), INGRESS, 'trustDomain', '"cluster.local."');
    expectClear(errorWith({ release: { helmReleaseName: 'Pomerium' } }), RELEASE, 'helmReleaseName', '"Pomerium"');
    const long = errorWith({ release: { helmReleaseName: 'a'.repeat(54) } });
    expectClear(long, RELEASE, 'helmReleaseName', 'a'.repeat(54));
    expect(long).toContain('at most 53 characters');
    expectClear(errorWith({ release: { services: { proxyServicePort: 70000 } } }), RELEASE, 'services.proxyServicePort', '70000');
    expectClear(errorWith({ release: { services: { serviceAccountName: 'Pomerium_SA' } } }), RELEASE, 'services.serviceAccountName', '"Pomerium_SA"');
    expectClear(errorWith({ release: { namespace: 'Pomerium' } }), RELEASE, 'namespace', '"Pomerium"');
    expectClear(errorWith({ release: { clusterDomain: 'cluster.local.' } }), RELEASE, 'clusterDomain', '"cluster.local."');
  });

  test('a base name too long for the composed object names: the ingress, the release, the route', () => {
    const ingress = errorWith({ ingress: { name: 'x'.repeat(60) } });
    expectClear(ingress, INGRESS, 'name', 'x'.repeat(60));
    expect(ingress).toContain('give a shorter `name`');
    const release = errorWith({ release: { name: 'x'.repeat(55) } }); // + '-authenticate'
    expectClear(release, RELEASE, 'name', 'x'.repeat(55));
    expect(release).toContain('give a shorter `name`');
    const route = errorWith({ grafana: { name: 'x'.repeat(55) } }); // + '-only-pomerium'
    expectClear(route, ROUTE, 'name', 'x'.repeat(55));
    expect(route).toContain('give a shorter `name`');
  });

  test('the JWT flow is held to the same host rules', () => {
    const msg = errorWith({ grafana: { host: 'grafana.example.org', authFlow: AuthFlow.jwt() } });
    expectClear(msg, ROUTE, 'host', '"grafana.example.org"');
  });
});

describe('a ServiceEntry host is in-cluster only when it ends in .svc or .svc.<cluster domain>', () => {
  test('an external host with a "svc" label is accepted', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => seedRelease(chart, seedIngress(chart), { externalIdentityProviders: [{ host: 'login.svc.example.com' }] })).not.toThrow();
  });

  test('with another cluster domain, its .svc names are refused', () => {
    const chart = new Chart(Testing.app(), 'test');
    const message = errorOf(() => seedRelease(chart, seedIngress(chart), { clusterDomain: 'corp.internal', externalIdentityProviders: [{ host: 'keycloak.keycloak.svc.corp.internal' }] }));
    expect(message).toContain('in-cluster Service name');
  });
});
