import { renderCertificate } from '../../src/cert-manager/certificate';
import { renderGateway } from '../../src/istio/gateway';
import { renderStrictPeerAuthentication } from '../../src/istio/security';
import { chartFullname, chartProxyServiceAccount, chartServiceName, serviceAccountPrincipal } from '../../src/pomerium/chart-names';

describe('Pomerium Helm chart naming (pomerium-helm _helpers.tpl)', () => {
  test.each([
    // release, fullname, proxy Service, authenticate Service, proxy ServiceAccount
    ['pomerium', 'pomerium', 'pomerium-proxy', 'pomerium-authenticate', 'pomerium-proxy'],
    ['auth', 'auth-pomerium', 'auth-pomerium-proxy', 'auth-pomerium-authenticate', 'auth-pomerium-proxy'],
    ['my-pomerium-prod', 'my-pomerium-prod', 'my-pomerium-prod-proxy', 'my-pomerium-prod-authenticate', 'my-pomerium-prod-proxy'],
  ])('release %s', (release, fullname, proxy, authenticate, sa) => {
    expect(chartFullname(release)).toBe(fullname);
    expect(chartServiceName(release, 'proxy')).toBe(proxy);
    expect(chartServiceName(release, 'authenticate')).toBe(authenticate);
    expect(chartProxyServiceAccount(release)).toBe(sa);
  });

  test('names are cut at 63 characters with no trailing hyphen, as the chart does', () => {
    const release = 'a'.repeat(50) + '-bcdefgh';
    const name = chartServiceName(release, 'authenticate');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.endsWith('-')).toBe(false);
  });

  test('principal format', () => {
    expect(serviceAccountPrincipal('cluster.local', 'pomerium', 'pomerium-proxy')).toBe('cluster.local/ns/pomerium/sa/pomerium-proxy');
  });
});

describe('renderers', () => {
  test('Gateway without redirect has one server and never sds', () => {
    const gw = renderGateway({ name: 'g', namespace: 'istio-system', selector: { istio: 'ingressgateway' }, hosts: ['*.a.com'], routeNamespace: 'pomerium', credentialName: 'c', httpsRedirect: false });
    expect(gw.spec!.servers).toHaveLength(1);
    expect(gw.spec!.servers![0].hosts).toEqual(['pomerium/*.a.com']);
    expect(JSON.stringify(gw)).not.toContain('sds');
  });

  test('a Certificate leaves out a commonName longer than 64 characters', () => {
    const long = `*.${'a'.repeat(60)}.com`;
    const cert = renderCertificate({ name: 'c', namespace: 'n', secretName: 'c', dnsNames: [long], issuer: { kind: 'ClusterIssuer', name: 'i' } });
    expect(cert.spec!.commonName).toBeUndefined();
    expect(cert.spec!.dnsNames).toEqual([long]);
  });

  test('PeerAuthentication is STRICT and never carries portLevelMtls', () => {
    const pa = renderStrictPeerAuthentication({ name: 'p', namespace: 'n' });
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });
});
