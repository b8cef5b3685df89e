import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AUTHENTICATE_URL, ofKind, seed003, seedGrafana, seedIngress, seedRelease } from './fixtures';
import { IstioDataplane, PomeriumOutput } from '../../src';
import { pomeriumOptionKeys } from '../support/pomerium-keys';
import { describeWithReference } from '../support/reference';
import { errorOf, only, synth } from '../support/synth';

/** Kinds of the objects a construct itself holds (its direct children), in tree order. */
function ownKinds(construct: { node: { children: readonly any[] } }): string[] {
  return construct.node.children.filter((c: any) => typeof c.kind === 'string').map((c: any) => c.kind);
}

describe('the mesh is known at construction: no construct changes another', () => {
  // Before the redesign the ingress rewrote the Grafanas' Pomerium values at synth; now the
  // release reads the ingress when it is built and the route reads the release, so what
  // every getter says before synth is what gets written.
  test('a route on a meshed release already says plain http behind the mesh, before any synth', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ingress = seedIngress(chart);
    const pomerium = seedRelease(chart, ingress);
    expect(pomerium.insecureServer).toBe(true);
    const grafana = seedGrafana(chart, pomerium);

    const values = pomerium.helmValues!;
    expect(values.config.insecure).toBe(true);
    expect(values.ingress).toEqual({ enabled: false });
    expect(values.config.extraOpts.authenticate_internal_service_url).toBe('http://pomerium-authenticate.pomerium.svc.cluster.local');
    expect(values.config.routes).toEqual([grafana.pomeriumRoute]);
    expect(grafana.pomeriumRoute).toMatchObject({ from: 'https://grafana.yourcompany.com', to: 'http://prometheus-grafana.monitoring.svc.cluster.local' });
    expect(grafana.pomerium).toBe(pomerium);
  });

  test('each construct writes only its own objects', () => {
    const chart = new Chart(Testing.app(), 'test');
    const { ingress, pomerium, grafana } = seed003(chart);
    expect(ownKinds(ingress)).toEqual(['Gateway', 'ClusterIssuer', 'Certificate']);
    // The release: its authenticate host and the wildcard that carries every route host.
    expect(ownKinds(pomerium)).toEqual(['VirtualService', 'VirtualService', 'PeerAuthentication', 'ServiceEntry']);
    expect(ownKinds(grafana)).toEqual(['NetworkPolicy', 'PeerAuthentication', 'AuthorizationPolicy']);
  });

  test('the ingress built alone is the same whatever is built on it later', () => {
    const alone = synth((chart) => seedIngress(chart)).objects;
    const withRelease = synth((chart) => seed003(chart)).objects;
    for (const kind of ['Gateway', 'Certificate', 'ClusterIssuer']) expect(only(withRelease, kind)).toEqual(only(alone, kind));
  });

  test('two releases behind one ingress are refused: their wildcard VirtualServices would be merged, the first taking every host', () => {
    expect(errorOf(() => synth((chart) => {
      const ingress = seedIngress(chart);
      const a = seedRelease(chart, ingress, { externalIdentityProviders: undefined }, 'sso-a');
      seedRelease(chart, ingress, { authenticateServiceUrl: 'https://login.yourcompany.com', helmReleaseName: 'pomerium-b', externalIdentityProviders: undefined }, 'sso-b');
      seedGrafana(chart, a, {}, 'a');
    }))).toMatch(/^PomeriumRelease at '[^']*sso-b': prop 'ingress' has value "istio-system\/[a-z-]+ \*\.yourcompany\.com": the PomeriumRelease at '[^']*sso-a' already carries '\*\.yourcompany\.com' .* Fix: put every route on one PomeriumRelease/);
  });
});

describe('authenticate_internal_service_url (pomerium config/options.go)', () => {
  // config/options.go `authenticate_internal_service_url`: proxy and authorize reach the
  // authenticate service through the cluster instead of hairpinning through the gateway.
  const internal = (release: object) => synth((chart) => seed003(chart, { release })).result.pomerium;

  test('points at the authenticate Service in the release namespace, port 80 left out', () => {
    expect(internal({}).helmValues!.config.extraOpts.authenticate_internal_service_url).toBe('http://pomerium-authenticate.pomerium.svc.cluster.local');
  });

  test('follows the namespace, the release name, an explicit Service and port, and the cluster domain', () => {
    const url = internal({
      namespace: 'sso',
      clusterDomain: 'corp.internal',
      services: { authenticateServiceName: 'authn', authenticateServicePort: 8080 },
    }).helmValues!.config.extraOpts.authenticate_internal_service_url;
    expect(url).toBe('http://authn.sso.svc.corp.internal:8080');
    expect(internal({ helmReleaseName: 'edge' }).helmValues!.config.extraOpts.authenticate_internal_service_url)
      .toBe('http://edge-pomerium-authenticate.pomerium.svc.cluster.local');
  });

  test('the config file carries it too, next to insecure_server', () => {
    const { objects } = synth((chart) => seed003(chart, { release: { outputs: [PomeriumOutput.configSecret()], podLabels: { 'app.kubernetes.io/name': 'pomerium' } } }));
    const config = YAML.parse(only(objects, 'Secret', 'pomerium-config').stringData['config.yaml']);
    expect(config).toMatchObject({
      authenticate_service_url: AUTHENTICATE_URL,
      insecure_server: true,
      authenticate_internal_service_url: 'http://pomerium-authenticate.pomerium.svc.cluster.local',
    });
  });

  test('without an ingress it is the chart\'s own internal https URL (pomerium-helm authenticate-deployment.yaml), for every chart pod', () => {
    // The chart serves its Services with internal TLS every Pomerium pod trusts (_helpers.tpl
    // certificate_authority_file) but gives the URL to the authenticate pod alone.
    const { result } = synth((chart) => seedGrafana(chart, seedRelease(chart, undefined), { isolation: undefined }));
    expect(result.pomerium.helmValues!.config.extraOpts.authenticate_internal_service_url).toBe('https://pomerium-authenticate.pomerium.svc.cluster.local');
    const edge = synth((chart) => seedGrafana(chart, seedRelease(chart, undefined, { helmReleaseName: 'edge', clusterDomain: 'corp.internal' }), { isolation: undefined }));
    expect(edge.result.pomerium.helmValues!.config.extraOpts.authenticate_internal_service_url).toBe('https://edge-pomerium-authenticate.pomerium.svc.corp.internal');
  });

  describeWithReference('against the option keys of config/options.go', () => {
    test('every extraOpts key and every config file key of a meshed release is a Pomerium option', () => {
      const { objects, result } = synth((chart) => seed003(chart, { release: { outputs: [PomeriumOutput.helmValues(), PomeriumOutput.configSecret()], podLabels: { 'app.kubernetes.io/name': 'pomerium' } } }));
      for (const key of Object.keys(result.pomerium.helmValues!.config.extraOpts)) expect([key, pomeriumOptionKeys().has(key)]).toEqual([key, true]);
      const config = YAML.parse(only(objects, 'Secret', 'pomerium-config').stringData['config.yaml']);
      for (const key of Object.keys(config).filter((k) => k !== 'routes')) expect([key, pomeriumOptionKeys().has(key)]).toEqual([key, true]);
    });
  });
});

describe("clusterDomain: every in-cluster name uses the cluster's DNS domain", () => {
  const { objects, result } = synth((chart) => seed003(chart, { release: { clusterDomain: 'corp.internal' } }));

  test('VirtualService destinations', () => {
    expect(ofKind(objects, 'VirtualService').map((v) => v.spec.http[0].route[0].destination.host).sort()).toEqual([
      'pomerium-authenticate.pomerium.svc.corp.internal',
      'pomerium-proxy.pomerium.svc.corp.internal',
    ]);
  });

  test("the route's to:", () => {
    expect(result.grafana.pomeriumRoute.to).toBe('http://prometheus-grafana.monitoring.svc.corp.internal');
    expect(result.pomerium.helmValues!.config.routes[0].to).toBe('http://prometheus-grafana.monitoring.svc.corp.internal');
    expect(JSON.stringify([objects, result.pomerium.helmValues])).not.toContain('cluster.local"');
  });

  test('the trust domain is the ingress\'s, not the cluster domain', () => {
    expect(only(objects, 'AuthorizationPolicy').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/pomerium/sa/pomerium-proxy']);
  });
});

describe('Pomerium chart names the release derives', () => {
  // A derived proxy ServiceAccount ('<release>-pomerium-proxy') over 63 characters is blamed on
  // helmReleaseName, and only where the mesh uses the names.
  test('a long helmReleaseName is blamed on helmReleaseName, and only where the mesh needs the names', () => {
    const chart = new Chart(Testing.app(), 'test');
    const release = 'a'.repeat(50);
    const meshed = errorOf(() => seedRelease(chart, seedIngress(chart), { helmReleaseName: release }));
    expect(meshed).toContain("PomeriumRelease at 'test/pomerium': prop 'helmReleaseName'");
    expect(() => seedRelease(chart, undefined, { helmReleaseName: release }, 'plain')).not.toThrow();
  });
});

describe('the Gateway binds its hosts to Pomerium\'s namespace (istio/api networking/v1/gateway.proto)', () => {
  test('the ingress names the namespace, the release follows it, a contradicting release is refused', () => {
    const { objects, result } = synth((chart) => seed003(chart, { ingress: { pomeriumNamespace: 'sso' } }));
    expect(only(objects, 'Gateway').spec.servers[0].hosts).toEqual(['sso/*.yourcompany.com']);
    expect(result.pomerium.namespace).toBe('sso');
    const chart = new Chart(Testing.app(), 'test');
    const message = errorOf(() => seedRelease(chart, seedIngress(chart, { pomeriumNamespace: 'sso' }), { namespace: 'pomerium' }));
    expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'namespace' has value \"pomerium\": the ingress at 'test/internal' binds its hosts to VirtualServices in 'sso' only");
  });
});

describe('ambient mode: the header flow\'s NetworkPolicy admits HBONE (15008) from Pomerium, not Grafana\'s port', () => {
  // Istio's "Ambient and Kubernetes NetworkPolicy" (ambient/usage/networkpolicy): ambient traffic
  // reaches the pod on 15008 and is proxied to the original port inside it; NetworkPolicy, enforced
  // on the host, sees 15008. Admitting only 15008 keeps plaintext to Grafana's port out.
  test('sidecar mode admits Grafana\'s port, ambient mode the HBONE port', () => {
    const port = (dataplane?: IstioDataplane) => {
      const { objects } = synth((chart) => seed003(chart, { ingress: dataplane ? { dataplane } : {} }));
      return only(objects, 'NetworkPolicy').spec.ingress[0].ports;
    };
    expect(port()).toEqual([{ protocol: 'TCP', port: 3000 }]);
    expect(port(IstioDataplane.AMBIENT)).toEqual([{ protocol: 'TCP', port: 15008 }]);
  });
});
