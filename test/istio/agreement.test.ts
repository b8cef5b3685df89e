import { Chart, Testing } from 'cdk8s';
import { ofKind, seed003, seedGrafana, seedIngress, seedRelease } from './fixtures';
import {
  AcmeChallenge, AuthFlow, CertificateIssuer, GrafanaIsolation, GrafanaTarget, JwtKeySource, PomeriumOutput,
} from '../../src';
import { errorOf, only, synth } from '../support/synth';

describe('one host, written once, everywhere', () => {
  // Two Grafanas on one Pomerium release behind the ingress: the seed's header flow and a JWT one.
  const { objects, result } = synth((chart) => {
    const ingress = seedIngress(chart);
    const pomerium = seedRelease(chart, ingress);
    const headers = seedGrafana(chart, pomerium, {}, 'ops');
    const jwt = seedGrafana(chart, pomerium, {
      host: 'dashboards.yourcompany.com',
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks() }),
      grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'team-a', podLabels: { app: 'team-a-grafana' } }),
    }, 'team-a');
    return { grafanas: [headers, jwt], ingress, pomerium };
  });
  const { grafanas, ingress, pomerium } = result;
  const routeHosts = ['grafana.yourcompany.com', 'dashboards.yourcompany.com'];

  test('the route hosts are the routes\', the authenticate host the release\'s', () => {
    expect(grafanas.map((g) => g.host)).toEqual(routeHosts);
    expect(pomerium.routeConfigs.map((r) => r.from)).toEqual(routeHosts.map((h) => `https://${h}`));
    expect(pomerium.authenticateHost).toBe('authenticate.yourcompany.com');
    for (const g of grafanas) expect(g.pomerium).toBe(pomerium);
  });

  test('Gateway hosts = certificate dnsNames, and every served host is one label under them', () => {
    const gwHosts = only(objects, 'Gateway').spec.servers.map((s: any) => s.hosts);
    const dnsNames = only(objects, 'Certificate').spec.dnsNames;
    // Bound to Pomerium's namespace (istio/api networking/v1/gateway.proto), where every VirtualService lives.
    for (const hosts of gwHosts) expect(hosts).toEqual(dnsNames.map((n: string) => `pomerium/${n}`));
    expect(new Set(ofKind(objects, 'VirtualService').map((v) => v.metadata.namespace))).toEqual(new Set(['pomerium']));
    expect(dnsNames).toEqual(ingress.gatewayHosts);
    const covered = (host: string) => dnsNames.some((n: string) => n === host || (n.startsWith('*.') && host.split('.').slice(1).join('.') === n.slice(2)));
    const vsHosts = ofKind(objects, 'VirtualService').flatMap((v) => v.spec.hosts);
    // Every route host through the release's wildcard; the authenticate host exact.
    expect(vsHosts.sort()).toEqual(['*.yourcompany.com', 'authenticate.yourcompany.com']);
    for (const host of routeHosts) expect(covered(host)).toBe(true);
    for (const host of vsHosts) expect(covered(host)).toBe(true);
  });

  test("the Gateway's credentialName is the Certificate's secretName", () => {
    const tls = only(objects, 'Gateway').spec.servers.find((s: any) => s.port.number === 443).tls;
    expect(tls.credentialName).toBe(only(objects, 'Certificate').spec.secretName);
    expect(tls.credentialName).toBe(ingress.credentialName);
  });

  test("Pomerium's from, the VirtualService host and Grafana's root_url/expect_claims carry the same host", () => {
    grafanas.forEach((g, i) => {
      expect(g.pomeriumRoute.from).toBe(`https://${routeHosts[i]}`);
      expect(pomerium.helmValues!.config.routes[i].from).toBe(`https://${routeHosts[i]}`);
      expect(g.grafanaSettings.server.root_url).toBe(`https://${routeHosts[i]}/`);
      const vs = ofKind(objects, 'VirtualService').find((v) => v.spec.hosts[0] === `*.${routeHosts[i].split('.').slice(1).join('.')}`);
      expect(vs.metadata.name).toBe('pomerium-routes');
      expect(vs.spec.http[0].route[0].destination.host).toBe('pomerium-proxy.pomerium.svc.cluster.local');
    });
    expect(pomerium.helmValues!.proxy.authenticateServiceUrl).toBe('https://authenticate.yourcompany.com');
    const claims = JSON.parse(grafanas[1].grafanaSettings['auth.jwt'].expect_claims);
    expect(claims).toEqual({ aud: 'dashboards.yourcompany.com', iss: 'dashboards.yourcompany.com' });
  });

  test('each Grafana gets its own AuthorizationPolicy and STRICT PeerAuthentication, in its namespace, on its pods', () => {
    const aps = ofKind(objects, 'AuthorizationPolicy');
    expect(aps.map((a) => [a.metadata.name, a.metadata.namespace, a.spec.selector.matchLabels])).toEqual([
      ['ops-only-pomerium', 'monitoring', { 'app.kubernetes.io/name': 'grafana' }],
      ['team-a-only-pomerium', 'team-a', { app: 'team-a-grafana' }],
    ]);
    const pas = ofKind(objects, 'PeerAuthentication');
    expect(pas.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual([
      'monitoring/ops-strict-mtls', 'pomerium/pomerium-strict-mtls', 'team-a/team-a-strict-mtls',
    ]);
    expect(pomerium.helmValues!.config.insecure).toBe(true);
  });

  test('one release, one set of release-wide objects: one authenticate VirtualService, one namespace-wide PeerAuthentication', () => {
    expect(ofKind(objects, 'VirtualService').filter((v) => v.spec.hosts[0] === 'authenticate.yourcompany.com')).toHaveLength(1);
    expect(ofKind(objects, 'PeerAuthentication').filter((p) => p.spec.selector === undefined)).toHaveLength(1);
    expect(pomerium.helmValues!.config.routes).toHaveLength(2);
  });
});

describe('STRICT mTLS and plain-http Pomerium go together', () => {
  test('opting out of STRICT is explicit: no PeerAuthentication, Pomerium still plain http, AuthorizationPolicy kept', () => {
    const { objects, result } = synth((chart) => seed003(chart, { ingress: { plaintextWithoutStrictMtlsUnsafe: true } }));
    expect(result.ingress.strictMtls).toBe(false);
    expect(ofKind(objects, 'PeerAuthentication')).toEqual([]);
    expect(ofKind(objects, 'AuthorizationPolicy')).toHaveLength(1);
    expect(result.pomerium.insecureServer).toBe(true);
    expect(result.pomerium.helmValues!.config.insecure).toBe(true);
  });

  test('a Grafana in Pomerium\'s namespace is covered by the namespace-wide policy', () => {
    const { objects } = synth((chart) => seed003(chart, { grafana: { grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'pomerium' }) } }));
    const pas = ofKind(objects, 'PeerAuthentication');
    expect(pas).toHaveLength(1);
    expect(pas[0].metadata.name).toBe('pomerium-strict-mtls');
    expect(pas[0].spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('Pomerium config.yaml (configSecret output) also gets insecure_server', () => {
    const { objects } = synth((chart) => seed003(chart, { release: { outputs: [PomeriumOutput.configSecret()], podLabels: { 'app.kubernetes.io/name': 'pomerium' } } }));
    const secret = only(objects, 'Secret', 'pomerium-config');
    expect(secret.metadata.namespace).toBe('pomerium');
    expect(secret.stringData['config.yaml']).toContain('insecure_server: true');
  });

  test('without an ingress on the release, the Pomerium values keep TLS and the chart ingress, and no mesh object is written', () => {
    const { objects, result } = synth((chart) => seedGrafana(chart, seedRelease(chart, undefined), { isolation: GrafanaIsolation.networkPolicy() }));
    const values = result.pomerium.helmValues!;
    expect(values.config.insecure).toBeUndefined();
    expect(values.config.extraOpts).toEqual({ jwt_claims_headers: ['email'], authenticate_internal_service_url: 'https://pomerium-authenticate.pomerium.svc.cluster.local' });
    expect(values.ingress).toEqual({ enabled: true });
    expect(result.pomerium.insecureServer).toBe(false);
    expect(objects.filter((o) => String(o.apiVersion).includes('istio.io'))).toEqual([]);
    expect(only(objects, 'NetworkPolicy').metadata.name).toBe('grafana-only-from-pomerium');
  });

  test('Istio isolation on a release without an ingress is refused at construction, by the route', () => {
    // Before the redesign this surfaced only at synth ("no IstioIngressForPomerium protects this Grafana").
    const chart = new Chart(Testing.app(), 'test');
    const pomerium = seedRelease(chart, undefined);
    const message = errorOf(() => seedGrafana(chart, pomerium));
    expect(message).toContain("GrafanaBehindPomerium at 'test/grafana': prop 'isolation' has value \"GrafanaIsolation.istioAuthorizationPolicy()\"");
    expect(message).toContain("the PomeriumRelease at 'test/pomerium' has no Istio ingress");
    expect(message).toContain('Fix: give the release ingress: <IstioIngressForPomerium>, or use GrafanaIsolation.networkPolicy()');
  });
});

describe('options', () => {
  test('gateway: namespace, selector, name, credentialName, no redirect', () => {
    const { objects } = synth((chart) => seed003(chart, {
      ingress: { gateway: { namespace: 'ingress', selector: { app: 'edge' }, name: 'edge', credentialName: 'edge-tls', httpsRedirect: false } },
    }));
    const gw = only(objects, 'Gateway');
    expect(gw.metadata).toEqual({ name: 'edge', namespace: 'ingress' });
    expect(gw.spec.selector).toEqual({ app: 'edge' });
    expect(gw.spec.servers).toHaveLength(1);
    expect(gw.spec.servers[0].tls.credentialName).toBe('edge-tls');
    const cert = only(objects, 'Certificate');
    expect(cert.metadata).toEqual({ name: 'edge-tls', namespace: 'ingress' });
    expect(cert.spec.secretName).toBe('edge-tls');
    for (const vs of ofKind(objects, 'VirtualService')) expect(vs.spec.gateways).toEqual(['ingress/edge']);
  });

  test('an existing DNS-01 ClusterIssuer: referenced, none created', () => {
    const { objects } = synth((chart) => seed003(chart, {
      ingress: { certificateIssuer: CertificateIssuer.existingClusterIssuer('letsencrypt-dns', { acmeChallenge: AcmeChallenge.DNS_01 }) },
    }));
    expect(ofKind(objects, 'ClusterIssuer')).toEqual([]);
    expect(only(objects, 'Certificate').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-dns' });
  });

  test('an existing namespaced Issuer (not ACME)', () => {
    const { objects } = synth((chart) => seed003(chart, { ingress: { certificateIssuer: CertificateIssuer.existingIssuer('internal-ca') } }));
    expect(only(objects, 'Certificate').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' });
  });

  test('the default self-signed ClusterIssuer is named after the construct', () => {
    const { objects } = synth((chart) => seed003(chart, { ingress: { certificateIssuer: undefined } }));
    expect(only(objects, 'ClusterIssuer').metadata.name).toBe('internal-self-signed');
  });

  test('Pomerium chart release names: "-pomerium" is dropped when the release contains it', () => {
    const principal = (helmReleaseName: string) => synth((chart) => seed003(chart, { release: { helmReleaseName } }));
    const auth = principal('auth');
    expect(only(auth.objects, 'AuthorizationPolicy').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/pomerium/sa/auth-pomerium-proxy']);
    expect(ofKind(auth.objects, 'VirtualService').map((v) => v.spec.http[0].route[0].destination.host).sort()).toEqual([
      'auth-pomerium-authenticate.pomerium.svc.cluster.local',
      'auth-pomerium-proxy.pomerium.svc.cluster.local',
    ]);
    expect(auth.result.pomerium.helmValues!.config.extraOpts.authenticate_internal_service_url).toBe('http://auth-pomerium-authenticate.pomerium.svc.cluster.local');
    const sso = principal('sso-pomerium');
    expect(only(sso.objects, 'AuthorizationPolicy').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/pomerium/sa/sso-pomerium-proxy']);
    expect(ofKind(sso.objects, 'VirtualService').map((v) => v.spec.http[0].route[0].destination.host).sort()).toEqual([
      'sso-pomerium-authenticate.pomerium.svc.cluster.local',
      'sso-pomerium-proxy.pomerium.svc.cluster.local',
    ]);
  });

  test('explicit Pomerium services, ports, service account (release) and trust domain (ingress)', () => {
    const { objects } = synth((chart) => seed003(chart, {
      ingress: { trustDomain: 'prod.example.org' },
      release: {
        services: {
          proxyServiceName: 'pomerium',
          proxyServicePort: 8080,
          authenticateServiceName: 'pomerium',
          authenticateServicePort: 8080,
          serviceAccountName: 'pomerium',
        },
      },
    }));
    for (const vs of ofKind(objects, 'VirtualService')) {
      expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'pomerium.pomerium.svc.cluster.local', port: { number: 8080 } });
    }
    expect(only(objects, 'AuthorizationPolicy').spec.rules[0].from[0].source.principals).toEqual(['prod.example.org/ns/pomerium/sa/pomerium']);
  });

  test('a release in another namespace: its objects, the route VirtualService and the principal follow it', () => {
    const { objects, result } = synth((chart) => seed003(chart, { release: { namespace: 'sso' } }));
    for (const vs of ofKind(objects, 'VirtualService')) expect(vs.metadata.namespace).toBe('sso');
    expect(ofKind(objects, 'VirtualService').map((v) => v.spec.http[0].route[0].destination.host).sort()).toEqual([
      'pomerium-authenticate.sso.svc.cluster.local', 'pomerium-proxy.sso.svc.cluster.local',
    ]);
    expect(only(objects, 'ServiceEntry').metadata.namespace).toBe('sso');
    expect(ofKind(objects, 'PeerAuthentication').map((p) => p.metadata.namespace).sort()).toEqual(['monitoring', 'sso']);
    expect(only(objects, 'AuthorizationPolicy').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/sso/sa/pomerium-proxy']);
    expect(result.pomerium.helmValues!.config.extraOpts.authenticate_internal_service_url).toBe('http://pomerium-authenticate.sso.svc.cluster.local');
  });

  test('several identity providers, each its own ServiceEntry, with a custom port', () => {
    const { objects } = synth((chart) => seed003(chart, {
      release: { externalIdentityProviders: [{ host: 'yourcompany.okta.com' }, { host: 'login.microsoftonline.com', port: 8443, portName: 'tls-alt' }] },
    }));
    const entries = ofKind(objects, 'ServiceEntry');
    expect(entries.map((e) => [e.metadata.name, e.spec.hosts, e.spec.ports])).toEqual([
      ['pomerium-idp-yourcompany-okta-com', ['yourcompany.okta.com'], [{ number: 443, name: 'https', protocol: 'TLS' }]],
      ['pomerium-idp-login-microsoftonline-com', ['login.microsoftonline.com'], [{ number: 8443, name: 'tls-alt', protocol: 'TLS' }]],
    ]);
  });

  test('no identity providers: no ServiceEntry', () => {
    const { objects } = synth((chart) => seed003(chart, { release: { externalIdentityProviders: undefined } }));
    expect(ofKind(objects, 'ServiceEntry')).toEqual([]);
  });
});
