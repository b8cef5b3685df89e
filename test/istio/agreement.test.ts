import { App, Chart, Testing } from 'cdk8s';
import { ofKind, seedGrafana, seedIngress } from './fixtures';
import {
  AcmeChallenge, AuthFlow, CertificateIssuer, GrafanaIsolation, GrafanaTarget, JwtKeySource, PomeriumOutput,
} from '../../src';
import { only, synth } from '../support/synth';

describe('one host, written once, everywhere', () => {
  // Two Grafanas behind one Pomerium: the seed's header flow and a JWT one.
  const { objects, result } = synth((chart) => {
    const headers = seedGrafana(chart, {}, 'ops');
    const jwt = seedGrafana(chart, {
      host: 'dashboards.yourcompany.com',
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks() }),
      grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'team-a', podLabels: { app: 'team-a-grafana' } }),
    }, 'team-a');
    return { grafanas: [headers, jwt], ingress: seedIngress(chart, [headers, jwt]) };
  });
  const { grafanas, ingress } = result;
  const routeHosts = ['grafana.yourcompany.com', 'dashboards.yourcompany.com'];

  test('the route hosts are read from the Grafanas', () => {
    expect(ingress.routeHosts).toEqual(routeHosts);
    expect(ingress.authenticateHost).toBe('authenticate.yourcompany.com');
  });

  test('Gateway hosts = certificate dnsNames, and every served host is one label under them', () => {
    const gwHosts = only(objects, 'Gateway').spec.servers.map((s: any) => s.hosts);
    const dnsNames = only(objects, 'Certificate').spec.dnsNames;
    for (const hosts of gwHosts) expect(hosts).toEqual(dnsNames);
    expect(dnsNames).toEqual(ingress.gatewayHosts);
    const covered = (host: string) => dnsNames.some((n: string) => n === host || (n.startsWith('*.') && host.split('.').slice(1).join('.') === n.slice(2)));
    const vsHosts = ofKind(objects, 'VirtualService').flatMap((v) => v.spec.hosts);
    expect(vsHosts.sort()).toEqual([...routeHosts, 'authenticate.yourcompany.com'].sort());
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
      expect(g.grafanaSettings.server.root_url).toBe(`https://${routeHosts[i]}/`);
      const vs = ofKind(objects, 'VirtualService').find((v) => v.spec.hosts[0] === routeHosts[i]);
      expect(vs.spec.http[0].route[0].destination.host).toBe('pomerium-proxy.pomerium.svc.cluster.local');
      expect(g.pomeriumHelmValues.proxy.authenticateServiceUrl).toBe('https://authenticate.yourcompany.com');
    });
    const claims = JSON.parse(grafanas[1].grafanaSettings['auth.jwt'].expect_claims);
    expect(claims).toEqual({ aud: 'dashboards.yourcompany.com', iss: 'dashboards.yourcompany.com' });
  });

  test('each Grafana gets its own AuthorizationPolicy and STRICT PeerAuthentication, in its namespace, on its pods', () => {
    const aps = ofKind(objects, 'AuthorizationPolicy');
    expect(aps.map((a) => [a.metadata.namespace, a.spec.selector.matchLabels])).toEqual([
      ['monitoring', { 'app.kubernetes.io/name': 'grafana' }],
      ['team-a', { app: 'team-a-grafana' }],
    ]);
    const pas = ofKind(objects, 'PeerAuthentication');
    expect(pas.map((p) => p.metadata.namespace).sort()).toEqual(['monitoring', 'pomerium', 'team-a']);
    for (const g of grafanas) expect(g.pomeriumHelmValues.config.insecure).toBe(true);
  });
});

describe('STRICT mTLS and plain-http Pomerium go together', () => {
  test('opting out of STRICT is explicit: no PeerAuthentication, Pomerium still plain http, AuthorizationPolicy kept', () => {
    const { objects, result } = synth((chart) => {
      const grafana = seedGrafana(chart);
      return { grafana, ingress: seedIngress(chart, [grafana], { plaintextWithoutStrictMtlsUnsafe: true }) };
    });
    expect(result.ingress.strictMtls).toBe(false);
    expect(ofKind(objects, 'PeerAuthentication')).toEqual([]);
    expect(ofKind(objects, 'AuthorizationPolicy')).toHaveLength(1);
    expect(result.grafana.pomeriumHelmValues.config.insecure).toBe(true);
  });

  test('a Grafana in Pomerium\'s namespace is covered by the namespace-wide policy', () => {
    const { objects } = synth((chart) => {
      const grafana = seedGrafana(chart, { grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'pomerium' }) });
      seedIngress(chart, [grafana]);
    });
    const pas = ofKind(objects, 'PeerAuthentication');
    expect(pas).toHaveLength(1);
    expect(pas[0].spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('Pomerium config.yaml (configSecret output) also gets insecure_server', () => {
    const { objects } = synth((chart) => {
      const grafana = seedGrafana(chart, { pomerium: { outputs: [PomeriumOutput.configSecret()] } });
      seedIngress(chart, [grafana]);
    });
    const secret = objects.find((o) => o.kind === 'Secret');
    expect(secret.stringData['config.yaml']).toContain('insecure_server: true');
  });

  test('without the Istio construct, the Pomerium values keep TLS and the chart ingress', () => {
    const { result } = synth((chart) => seedGrafana(chart, { isolation: GrafanaIsolation.networkPolicy() }));
    expect(result.pomeriumHelmValues.config.insecure).toBeUndefined();
    expect(result.pomeriumHelmValues.ingress).toEqual({ enabled: true });
  });

  test('the header flow with Istio isolation fails to synthesize when no IstioIngressForPomerium protects it', () => {
    const app: App = Testing.app();
    seedGrafana(new Chart(app, 'test'));
    expect(() => app.synthYaml()).toThrow(/no IstioIngressForPomerium protects this Grafana/);
  });
});

describe('options', () => {
  test('gateway: namespace, selector, name, credentialName, no redirect', () => {
    const { objects } = synth((chart) => {
      const grafana = seedGrafana(chart);
      seedIngress(chart, [grafana], {
        gateway: { namespace: 'ingress', selector: { app: 'edge' }, name: 'edge', credentialName: 'edge-tls', httpsRedirect: false },
      });
    });
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
    const { objects } = synth((chart) => {
      seedIngress(chart, [seedGrafana(chart)], { certificateIssuer: CertificateIssuer.existingClusterIssuer('letsencrypt-dns', { acmeChallenge: AcmeChallenge.DNS_01 }) });
    });
    expect(ofKind(objects, 'ClusterIssuer')).toEqual([]);
    expect(only(objects, 'Certificate').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-dns' });
  });

  test('an existing namespaced Issuer (not ACME)', () => {
    const { objects } = synth((chart) => {
      seedIngress(chart, [seedGrafana(chart)], { certificateIssuer: CertificateIssuer.existingIssuer('internal-ca') });
    });
    expect(only(objects, 'Certificate').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' });
  });

  test('the default self-signed ClusterIssuer is named after the construct', () => {
    const { objects } = synth((chart) => {
      seedIngress(chart, [seedGrafana(chart)], { certificateIssuer: undefined });
    });
    expect(only(objects, 'ClusterIssuer').metadata.name).toBe('internal-self-signed');
  });

  test('Pomerium chart release names: "-pomerium" is dropped when the release contains it', () => {
    const principal = (helmReleaseName: string) => synth((chart) => seedIngress(chart, [seedGrafana(chart)], { pomerium: { helmReleaseName } }));
    const auth = principal('auth');
    expect(auth.result.pomeriumPrincipal).toBe('cluster.local/ns/pomerium/sa/auth-pomerium-proxy');
    expect(ofKind(auth.objects, 'VirtualService').map((v) => v.spec.http[0].route[0].destination.host).sort()).toEqual([
      'auth-pomerium-authenticate.pomerium.svc.cluster.local',
      'auth-pomerium-proxy.pomerium.svc.cluster.local',
    ]);
    const sso = principal('sso-pomerium');
    expect(sso.result.pomeriumPrincipal).toBe('cluster.local/ns/pomerium/sa/sso-pomerium-proxy');
    expect(ofKind(sso.objects, 'VirtualService').map((v) => v.spec.http[0].route[0].destination.host).sort()).toEqual([
      'sso-pomerium-authenticate.pomerium.svc.cluster.local',
      'sso-pomerium-proxy.pomerium.svc.cluster.local',
    ]);
  });

  test('explicit Pomerium services, ports, service account and trust domain', () => {
    const { objects, result } = synth((chart) => seedIngress(chart, [seedGrafana(chart)], {
      pomerium: {
        proxyServiceName: 'pomerium',
        proxyServicePort: 8080,
        authenticateServiceName: 'pomerium',
        authenticateServicePort: 8080,
        serviceAccountName: 'pomerium',
        trustDomain: 'prod.example.org',
      },
    }));
    for (const vs of ofKind(objects, 'VirtualService')) {
      expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'pomerium.pomerium.svc.cluster.local', port: { number: 8080 } });
    }
    expect(result.pomeriumPrincipal).toBe('prod.example.org/ns/pomerium/sa/pomerium');
  });

  test('several identity providers, each its own ServiceEntry, with a custom port', () => {
    const { objects } = synth((chart) => seedIngress(chart, [seedGrafana(chart)], {
      identityProviders: [{ host: 'yourcompany.okta.com' }, { host: 'login.microsoftonline.com', port: 8443, portName: 'tls-alt' }],
    }));
    const entries = ofKind(objects, 'ServiceEntry');
    expect(entries.map((e) => [e.spec.hosts, e.spec.ports])).toEqual([
      [['yourcompany.okta.com'], [{ number: 443, name: 'https', protocol: 'TLS' }]],
      [['login.microsoftonline.com'], [{ number: 8443, name: 'tls-alt', protocol: 'TLS' }]],
    ]);
    expect(new Set(entries.map((e) => e.metadata.name)).size).toBe(2);
  });

  test('no identity providers: no ServiceEntry', () => {
    const { objects } = synth((chart) => seedIngress(chart, [seedGrafana(chart)], { identityProviders: undefined }));
    expect(ofKind(objects, 'ServiceEntry')).toEqual([]);
  });
});
