import { ofKind, seed003 } from './fixtures';
import { AuthFlow, GrafanaIsolation, JwtKeySource } from '../../src';
import { only, synth } from '../support/synth';

/**
 * Every setting of seed 003 (Pomerium's "Istio" guide), in current API versions, with
 * what the seed leaves unsafe fixed.
 */
describe('seed 003: Grafana auth proxy behind Pomerium in an Istio mesh', () => {
  const { yaml, objects, result } = synth((chart) => seed003(chart));
  const { grafana, pomerium } = result;

  test('Gateway: networking.istio.io/v1 on the ingress gateway, HTTPS 443, SIMPLE TLS with credentialName only', () => {
    const gw = only(objects, 'Gateway');
    expect(gw.apiVersion).toBe('networking.istio.io/v1');
    expect(gw.metadata).toEqual({ name: 'internal-gateway', namespace: 'istio-system' });
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    const https = gw.spec.servers.find((s: any) => s.port.number === 443);
    expect(https.port).toEqual({ number: 443, protocol: 'HTTPS', name: 'https' });
    expect(https.tls).toEqual({ mode: 'SIMPLE', credentialName: 'internal-cert' });
    expect(https.tls.serverCertificate).toBeUndefined();
    expect(https.tls.privateKey).toBeUndefined();
    // istio/api networking/v1/gateway.proto `hosts`: '<namespace>/<host>' lets only VirtualServices
    // in Pomerium's namespace bind the host; a bare host would let any namespace route it around Pomerium.
    expect(https.hosts).toEqual(['pomerium/*.yourcompany.com']);
  });

  test('Gateway: an HTTP server on 80 redirects to HTTPS by default', () => {
    const http = only(objects, 'Gateway').spec.servers.find((s: any) => s.port.number === 80);
    expect(http).toEqual({ port: { number: 80, protocol: 'HTTP', name: 'http' }, tls: { httpsRedirect: true }, hosts: ['pomerium/*.yourcompany.com'] });
  });

  test('the wildcard host is quoted in the YAML text (unquoted, YAML reads * as an alias)', () => {
    expect(yaml).toContain('- "*.yourcompany.com"');
    expect(yaml).not.toMatch(/^\s*-\s+\*\./m);
    expect(yaml).not.toMatch(/:\s+\*\./);
    expect(yaml).not.toMatch(/sds/);
  });

  test('Certificate: cert-manager.io/v1 in the gateway namespace, secretName = credentialName, self-signed ClusterIssuer', () => {
    const cert = only(objects, 'Certificate');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata).toEqual({ name: 'internal-cert', namespace: 'istio-system' });
    expect(cert.spec).toEqual({
      secretName: 'internal-cert',
      commonName: '*.yourcompany.com',
      dnsNames: ['*.yourcompany.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'self-signed-issuer' },
    });
    const issuer = only(objects, 'ClusterIssuer');
    expect(issuer.apiVersion).toBe('cert-manager.io/v1');
    expect(issuer.metadata).toEqual({ name: 'self-signed-issuer' });
    expect(issuer.spec).toEqual({ selfSigned: {} });
  });

  test('VirtualServices: every route host to the Pomerium proxy (the release\'s wildcard), the authenticate host to authenticate, both bound to the Gateway', () => {
    const vss = ofKind(objects, 'VirtualService');
    expect(vss).toHaveLength(2);
    for (const vs of vss) {
      expect(vs.apiVersion).toBe('networking.istio.io/v1');
      expect(vs.metadata.namespace).toBe('pomerium');
      expect(vs.spec.gateways).toEqual(['istio-system/internal-gateway']);
    }
    // The release's wildcard carries the route host; Envoy matches the exact authenticate host first.
    const route = vss.find((v) => v.spec.hosts[0] === '*.yourcompany.com');
    expect(route.metadata).toEqual({ name: 'pomerium-routes', namespace: 'pomerium' });
    expect(route.spec.http).toEqual([{ route: [{ destination: { host: 'pomerium-proxy.pomerium.svc.cluster.local', port: { number: 80 } } }] }]);
    const auth = vss.find((v) => v.spec.hosts[0] === 'authenticate.yourcompany.com');
    expect(auth.metadata.name).toBe('pomerium-authenticate');
    expect(auth.spec.http).toEqual([{ route: [{ destination: { host: 'pomerium-authenticate.pomerium.svc.cluster.local', port: { number: 80 } } }] }]);
  });

  test('ServiceEntry for the IdP: MESH_EXTERNAL, DNS, port 443 TLS with a name', () => {
    const se = only(objects, 'ServiceEntry');
    expect(se.apiVersion).toBe('networking.istio.io/v1');
    expect(se.metadata).toEqual({ name: 'pomerium-idp-yourcompany-okta-com', namespace: 'pomerium' });
    expect(se.spec).toEqual({
      hosts: ['yourcompany.okta.com'],
      exportTo: ['.'],
      location: 'MESH_EXTERNAL',
      ports: [{ number: 443, name: 'https', protocol: 'TLS' }],
      resolution: 'DNS',
    });
  });

  test('Pomerium Helm values: insecure, no chart ingress, the seed route, the email claim header', () => {
    const values = pomerium.helmValues!;
    expect(values.config.insecure).toBe(true);
    expect(values.ingress).toEqual({ enabled: false });
    expect(values.config.policy).toBeUndefined(); // renamed `routes` in chart 25
    expect(values.config.routes).toHaveLength(1);
    const route = values.config.routes[0];
    expect(route.from).toBe('https://grafana.yourcompany.com');
    expect(route.to).toBe('http://prometheus-grafana.monitoring.svc.cluster.local');
    expect(route.timeout).toBe('30s');
    expect(route.pass_identity_headers).toBe(true);
    // The seed's `allowed_domains: [yourcompany.com]`, as PPL.
    expect(JSON.stringify(route.policy)).toContain('"domain":{"is":"yourcompany.com"}');
    // The seed's `extraEnv.JWT_CLAIMS_HEADERS: email`, as the real option.
    expect(values.config.extraOpts.jwt_claims_headers).toEqual(['email']);
    expect(values.extraEnv).toBeUndefined();
    // The route the construct exposes is the one in the values.
    expect(values.config.routes).toEqual([grafana.pomeriumRoute]);
    expect(pomerium.routeConfigs).toEqual(values.config.routes);
  });

  test('Grafana Helm values: the seed [auth.proxy] and [users]', () => {
    const ini = grafana.grafanaHelmValues!['grafana.ini'];
    expect(ini['auth.proxy']).toEqual({
      enabled: true,
      header_name: 'X-Pomerium-Claim-Email',
      header_property: 'username',
      auto_sign_up: true,
      sync_ttl: 60,
      enable_login_token: false,
    });
    expect(ini.users).toEqual({ allow_sign_up: false, auto_assign_org: true, auto_assign_org_role: 'Editor' });
  });

  test('STRICT mTLS for Pomerium (namespace-wide, the release\'s) and Grafana (its pods, the route\'s), no port-level exception', () => {
    const pas = ofKind(objects, 'PeerAuthentication');
    expect(pas).toHaveLength(2);
    for (const pa of pas) {
      expect(pa.apiVersion).toBe('security.istio.io/v1');
      expect(pa.spec.mtls).toEqual({ mode: 'STRICT' });
      expect(pa.spec.portLevelMtls).toBeUndefined();
    }
    const pomeriumPa = pas.find((p) => p.metadata.namespace === 'pomerium');
    expect(pomeriumPa.metadata.name).toBe('pomerium-strict-mtls');
    expect(pomeriumPa.spec.selector).toBeUndefined();
    const grafanaPa = pas.find((p) => p.metadata.namespace === 'monitoring');
    expect(grafanaPa.metadata.name).toBe('grafana-strict-mtls');
    expect(grafanaPa.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana' } });
  });

  test("AuthorizationPolicy on Grafana: ALLOW only Pomerium proxy's service-account principal", () => {
    const ap = only(objects, 'AuthorizationPolicy');
    expect(ap.apiVersion).toBe('security.istio.io/v1');
    expect(ap.metadata).toEqual({ name: 'grafana-only-pomerium', namespace: 'monitoring' });
    expect(ap.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/pomerium/sa/pomerium-proxy'] } }] }],
    });
  });

  test('the header flow does not rest on mesh policy alone: a NetworkPolicy admits only the chart\'s proxy pods too', () => {
    // istio/api security/v1beta1/authorization_policy.proto: the AuthorizationPolicy acts only
    // where a sidecar runs; a pod without one could send X-Pomerium-Claim-Email to Grafana.
    const np = only(objects, 'NetworkPolicy');
    expect(np.metadata).toEqual({ name: 'grafana-only-from-pomerium', namespace: 'monitoring' });
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana' } });
    expect(np.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pomerium' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pomerium-proxy', 'app.kubernetes.io/instance': 'pomerium' } },
    }]);
  });

  test('exactly the expected objects, nothing from seed 003 in an outdated API version', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`).sort()).toEqual([
      'cert-manager.io/v1 Certificate',
      'cert-manager.io/v1 ClusterIssuer',
      'networking.istio.io/v1 Gateway',
      'networking.istio.io/v1 ServiceEntry',
      'networking.istio.io/v1 VirtualService',
      'networking.istio.io/v1 VirtualService',
      'networking.k8s.io/v1 NetworkPolicy',
      'security.istio.io/v1 AuthorizationPolicy',
      'security.istio.io/v1 PeerAuthentication',
      'security.istio.io/v1 PeerAuthentication',
    ]);
  });

  test('snapshot', () => {
    expect(yaml).toMatchSnapshot();
  });
});

describe('the same ingress with the JWT flow', () => {
  const { objects, result } = synth((chart) => seed003(chart, {
    grafana: { authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks() }) },
  }));

  test('Pomerium is still insecure behind STRICT mTLS, and Grafana verifies the assertion bound to the route host', () => {
    expect(result.pomerium.helmValues!.config.insecure).toBe(true);
    // No claim headers; only the in-cluster authenticate URL the mesh adds.
    expect(Object.keys(result.pomerium.helmValues!.config.extraOpts)).toEqual(['authenticate_internal_service_url']);
    const jwt = result.grafana.grafanaHelmValues!['grafana.ini']['auth.jwt'];
    expect(jwt.header_name).toBe('X-Pomerium-Jwt-Assertion');
    expect(JSON.parse(jwt.expect_claims)).toEqual({ aud: 'grafana.yourcompany.com', iss: 'grafana.yourcompany.com' });
    expect(ofKind(objects, 'PeerAuthentication')).toHaveLength(2);
    expect(ofKind(objects, 'AuthorizationPolicy')).toHaveLength(1);
    // Signed assertions need no NetworkPolicy beside the mesh: an unsigned header proves nothing.
    expect(ofKind(objects, 'NetworkPolicy')).toEqual([]);
  });

  test('a JWT Grafana the user left unisolated gets no AuthorizationPolicy', () => {
    const { objects: unisolated } = synth((chart) => seed003(chart, {
      grafana: { authFlow: AuthFlow.jwt(), isolation: GrafanaIsolation.noneUnsafe() },
    }));
    expect(ofKind(unisolated, 'AuthorizationPolicy')).toEqual([]);
    expect(ofKind(unisolated, 'PeerAuthentication')).toHaveLength(2);
  });
});

describe('determinism', () => {
  test('two synths are byte-identical', () => {
    const a = synth((chart) => seed003(chart)).yaml;
    const b = synth((chart) => seed003(chart)).yaml;
    expect(b).toBe(a);
  });
});
