import { App, Chart, Testing } from 'cdk8s';
import { seedGrafana, seedIngress } from './fixtures';
import { AcmeChallenge, AuthFlow, CertificateIssuer, GrafanaBehindPomerium, IstioIngressForPomeriumProps } from '../../src';
import { errorOf } from '../support/synth';

/** Builds seed 003 with one change and returns the error it throws. */
function errorWith(overrides: Partial<IstioIngressForPomeriumProps>, grafanas?: (chart: Chart) => GrafanaBehindPomerium[]): string {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test');
  return errorOf(() => seedIngress(chart, grafanas ? grafanas(chart) : [seedGrafana(chart)], overrides, 'ingress'));
}

/** Every message names the construct path, the prop, the bad value and a fix. */
function expectClear(message: string, prop: string, value: string) {
  expect(message).toContain("IstioIngressForPomerium at 'test/ingress'");
  expect(message).toContain(`prop '${prop}'`);
  expect(message).toContain(value);
  expect(message).toMatch(/\. Fix: \S/);
}

describe('bad input fails with a clear error', () => {
  test('a route host outside the domain', () => {
    const msg = errorWith({}, (chart) => [seedGrafana(chart, { host: 'grafana.othercompany.com' })]);
    expectClear(msg, 'grafanas.0.host', '"grafana.othercompany.com"');
    expect(msg).toContain("outside the gateway's domain 'yourcompany.com'");
    expect(msg).toContain("GrafanaBehindPomerium at 'test/grafana'");
  });

  test('a route host two labels under the domain (a wildcard certificate covers one level)', () => {
    const msg = errorWith({}, (chart) => [seedGrafana(chart, { host: 'grafana.eu.yourcompany.com' })]);
    expectClear(msg, 'grafanas.0.host', '"grafana.eu.yourcompany.com"');
    expect(msg).toContain("use 'grafana-eu.yourcompany.com'");
  });

  test('the bare domain as a route host', () => {
    const msg = errorWith({}, (chart) => [seedGrafana(chart, { host: 'yourcompany.com', authenticateServiceUrl: 'https://authenticate.yourcompany.com' })]);
    expectClear(msg, 'grafanas.0.host', '"yourcompany.com"');
    expect(msg).toContain('does not cover');
  });

  test('an authenticate host outside the domain', () => {
    const msg = errorWith({}, (chart) => [seedGrafana(chart, { authenticateServiceUrl: 'https://auth.othercompany.com' })]);
    expectClear(msg, 'grafanas.0.authenticateHost', '"auth.othercompany.com"');
  });

  test('Grafanas that disagree on the authenticate host', () => {
    const msg = errorWith({}, (chart) => [
      seedGrafana(chart),
      seedGrafana(chart, { host: 'b.yourcompany.com', authenticateServiceUrl: 'https://login.yourcompany.com' }, 'b'),
    ]);
    expectClear(msg, 'grafanas.1.authenticateHost', '"login.yourcompany.com"');
    expect(msg).toContain("'https://authenticate.yourcompany.com'");
  });

  test('Grafanas that disagree on Pomerium\'s namespace', () => {
    const msg = errorWith({}, (chart) => [
      seedGrafana(chart),
      seedGrafana(chart, { host: 'b.yourcompany.com', pomerium: { namespace: 'sso' } }, 'b'),
    ]);
    expectClear(msg, 'grafanas.1.pomeriumNamespace', '"sso"');
  });

  test('the same route host twice', () => {
    const msg = errorWith({}, (chart) => {
      const g = seedGrafana(chart);
      return [g, g];
    });
    expectClear(msg, 'grafanas.1.host', '"grafana.yourcompany.com"');
    expect(msg).toContain('grafanas[0]');
  });

  test('no Grafanas', () => {
    expectClear(errorWith({}, () => []), 'grafanas', '[]');
  });

  test('a domain written with its wildcard, with upper case, or with a scheme', () => {
    expectClear(errorWith({ domain: '*.yourcompany.com' }), 'domain', '"*.yourcompany.com"');
    expect(errorWith({ domain: '*.yourcompany.com' })).toContain("write 'yourcompany.com'");
    expectClear(errorWith({ domain: 'YourCompany.com' }), 'domain', '"YourCompany.com"');
    expectClear(errorWith({ domain: 'https://yourcompany.com' }), 'domain', '"https://yourcompany.com"');
  });

  test('wildcard certificate with an HTTP-01 ACME issuer', () => {
    const msg = errorWith({ certificateIssuer: CertificateIssuer.existingClusterIssuer('letsencrypt', { acmeChallenge: AcmeChallenge.HTTP_01 }) });
    expectClear(msg, 'certificateIssuer.acmeChallenge', "CertificateIssuer.existingClusterIssuer('letsencrypt', { acmeChallenge: AcmeChallenge.HTTP_01 })");
    expect(msg).toContain("'*.yourcompany.com'");
    expect(msg).toContain('HTTP-01 challenge cannot issue wildcard names');
    expect(msg).toContain('DNS-01');
    const issuerMsg = errorWith({ certificateIssuer: CertificateIssuer.existingIssuer('letsencrypt', { acmeChallenge: AcmeChallenge.HTTP_01 }) });
    expectClear(issuerMsg, 'certificateIssuer.acmeChallenge', 'existingIssuer');
  });

  test("an IdP host of '*' or a wildcard", () => {
    const star = errorWith({ identityProviders: [{ host: '*' }] });
    expectClear(star, 'identityProviders.0.host', '"*"');
    expect(star).toContain("'*' would claim all external traffic");
    expectClear(errorWith({ identityProviders: [{ host: '*.okta.com' }] }), 'identityProviders.0.host', '"*.okta.com"');
  });

  test('an IdP port without a name, or with a bad one', () => {
    const msg = errorWith({ identityProviders: [{ host: 'yourcompany.okta.com', portName: '' }] });
    expectClear(msg, 'identityProviders.0.portName', '""');
    expect(msg).toContain('Istio requires every ServiceEntry port to be named');
    expectClear(errorWith({ identityProviders: [{ host: 'yourcompany.okta.com', portName: 'HTTPS_443' }] }), 'identityProviders.0.portName', '"HTTPS_443"');
  });

  test('an IdP host listed twice, with a URL, or with a bad port', () => {
    expectClear(errorWith({ identityProviders: [{ host: 'a.okta.com' }, { host: 'a.okta.com' }] }), 'identityProviders.1.host', '"a.okta.com"');
    expectClear(errorWith({ identityProviders: [{ host: 'https://yourcompany.okta.com' }] }), 'identityProviders.0.host', '"https://yourcompany.okta.com"');
    expectClear(errorWith({ identityProviders: [{ host: 'yourcompany.okta.com', port: 0 }] }), 'identityProviders.0.port', '0');
  });

  test('gateway and Pomerium names', () => {
    expectClear(errorWith({ gateway: { namespace: 'Istio_System' } }), 'gateway.namespace', '"Istio_System"');
    expectClear(errorWith({ gateway: { selector: {} } }), 'gateway.selector', '{}');
    expectClear(errorWith({ gateway: { credentialName: 'internal.cert' } }), 'gateway.credentialName', '"internal.cert"');
    expectClear(errorWith({ pomerium: { helmReleaseName: 'Pomerium' } }), 'pomerium.helmReleaseName', '"Pomerium"');
    expectClear(errorWith({ pomerium: { helmReleaseName: 'a'.repeat(54) } }), 'pomerium.helmReleaseName', 'a'.repeat(54));
    expectClear(errorWith({ pomerium: { proxyServicePort: 70000 } }), 'pomerium.proxyServicePort', '70000');
    expectClear(errorWith({ pomerium: { trustDomain: 'cluster.local.' } }), 'pomerium.trustDomain', '"cluster.local."');
  });

  test('a base name too long for the composed object names', () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'test');
    const msg = errorOf(() => seedIngress(chart, [seedGrafana(chart)], { name: 'x'.repeat(60) }, 'ingress'));
    expectClear(msg, 'name', 'x'.repeat(60));
    expect(msg).toContain('give a shorter `name`');
  });

  test('the JWT flow is held to the same host rules', () => {
    const msg = errorWith({}, (chart) => [seedGrafana(chart, { host: 'grafana.example.org', authFlow: AuthFlow.jwt() })]);
    expectClear(msg, 'grafanas.0.host', '"grafana.example.org"');
  });
});
