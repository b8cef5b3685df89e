import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ALL_IN_ONE_LABELS, FIXED_PUBLIC_KEY, seedGrafana, seedProps } from './fixtures';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput,
  GrafanaTarget, HelmValuesFiles, JwtKeySource, PomeriumOutput, PomeriumRelease, PomeriumReleaseProps,
} from '../../src';
import { unknownHelmValuePaths } from '../support/pomerium-keys';
import { describeWithReference } from '../support/reference';
import { errorOf, only, synth } from '../support/synth';

function tenant(chart: Chart, pomerium: PomeriumRelease, name: string, overrides: object = {}) {
  return new GrafanaBehindPomerium(chart, name, {
    ...seedProps({ authenticateServiceUrl: undefined }),
    pomerium,
    host: `${name}.example.com`,
    policy: AccessPolicy.groups(name),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: name }),
    ...overrides,
  });
}

function release(chart: Chart, props: Partial<PomeriumReleaseProps> = {}, id = 'pomerium') {
  const ownPod = props.outputs?.some((o) => o === CONFIG_SECRET) ? { podLabels: ALL_IN_ONE_LABELS } : {};
  return new PomeriumRelease(chart, id, { authenticateServiceUrl: 'https://authenticate.example.com', ...ownPod, ...props });
}

const CONFIG_SECRET = PomeriumOutput.configSecret();

describe('one Pomerium release, several Grafana routes', () => {
  test('every route in one config.routes, claim headers merged (jwt_claims_headers is global in Pomerium)', () => {
    const { result: pomerium } = synth((chart) => {
      const p = release(chart);
      tenant(chart, p, 'team-a');
      tenant(chart, p, 'team-b', { authFlow: AuthFlow.headers() });
      return p;
    });
    const values = pomerium.helmValues!;
    expect(values.config.routes.map((r: any) => r.from)).toEqual(['https://team-a.example.com', 'https://team-b.example.com']);
    expect(values.config.routes.map((r: any) => r.to)).toEqual(['http://grafana.team-a.svc.cluster.local', 'http://grafana.team-b.svc.cluster.local']);
    expect(values.config.extraOpts).toEqual({ jwt_claims_headers: ['email'], authenticate_internal_service_url: 'https://pomerium-authenticate.pomerium.svc.cluster.local' });
    expect(values.proxy.authenticateServiceUrl).toBe('https://authenticate.example.com');
    expect(pomerium.routeConfigs).toEqual(values.config.routes);
  });

  test('the config Secret carries every route once, rendered at synth', () => {
    const { objects } = synth((chart) => {
      const p = release(chart, { outputs: [CONFIG_SECRET] });
      tenant(chart, p, 'team-a');
      tenant(chart, p, 'team-b');
    });
    const config = YAML.parse(only(objects, 'Secret', 'pomerium-config').stringData['config.yaml']);
    expect(config.routes.map((r: any) => r.from)).toEqual(['https://team-a.example.com', 'https://team-b.example.com']);
    expect(config.authenticate_service_url).toBe('https://authenticate.example.com');
  });

  test('the Ingress Controller gets one Ingress per route and one global Pomerium resource', () => {
    const { objects } = synth((chart) => {
      const p = release(chart, { outputs: [PomeriumOutput.ingressController()] });
      tenant(chart, p, 'team-a', { authFlow: AuthFlow.headers() });
      tenant(chart, p, 'team-b', { authFlow: AuthFlow.headers({ extraClaims: ['name' as any] }) });
    });
    expect(objects.filter((o) => o.kind === 'Ingress').map((o) => o.spec.rules[0].host)).toEqual(['team-a.example.com', 'team-b.example.com']);
    const global = only(objects, 'Pomerium');
    expect(global.spec.jwtClaimHeaders).toEqual({ 'x-pomerium-claim-email': 'email', 'x-pomerium-claim-name': 'name' });
  });

  test('a release no route uses fails at synth', () => {
    const message = errorOf(() => synth((chart) => release(chart)));
    expect(message).toContain("PomeriumRelease at 'test/pomerium': no route uses this release. Fix: pass it as 'pomerium' to a GrafanaBehindPomerium");
  });

  test('the same route host twice in one app is refused, naming both constructs (even on two releases, in two charts)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'prod');
    const b = new Chart(app, 'staging');
    tenant(a, release(a), 'team-a');
    // Another Helm namespace: one Helm identity twice in an app is refused on its own (test/hostile).
    const message = errorOf(() => tenant(b, release(b, { namespace: 'pomerium-staging' }), 'team-a'));
    expect(message).toContain("GrafanaBehindPomerium at 'staging/team-a': prop 'host' has value \"team-a.example.com\"");
    expect(message).toContain("the GrafanaBehindPomerium at 'prod/team-a' already routes this host");
  });

  test('a route and a release option that cannot both hold are refused: pomerium and authenticateServiceUrl together', () => {
    const chart = Testing.chart();
    const message = errorOf(() => tenant(chart, release(chart), 'team-a', { authenticateServiceUrl: 'https://authenticate.example.com' }));
    expect(message).toContain("prop 'authenticateServiceUrl'");
    expect(message).toContain("the PomeriumRelease at 'test/pomerium' already sets the authenticate service");
  });

  test('the quick start builds a release of its own, named after the route', () => {
    const { result } = synth((chart) => seedGrafana(chart));
    expect(result.pomerium.node.path).toBe('test/grafana/Pomerium');
    expect(result.pomerium.name).toBe('grafana-pomerium');
    expect(result.pomerium.helmValues!.config.routes).toHaveLength(1);
  });

  describeWithReference('chart values', () => {
    test('every path of a multi-route release exists in the Pomerium chart', () => {
      const { result } = synth((chart) => {
        const p = release(chart, { signingKeySecretName: 'pomerium-signing-key' });
        tenant(chart, p, 'team-a', { authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }) });
        tenant(chart, p, 'team-b', { authFlow: AuthFlow.headers() });
        return p;
      });
      expect(unknownHelmValuePaths(result.helmValues, 'pomerium')).toEqual([]);
    });
  });
});

describe('Helm values files live beside the manifests, one per release and Grafana, never overwritten', () => {
  function appWith(build: (chart: Chart) => void): App {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'values-'));
    const app = new App({ outdir: path.join(outdir, 'dist') });
    build(new Chart(app, 'test'));
    app.synth();
    return app;
  }

  test('write() puts one Pomerium file with every route and one file per Grafana into helm-values/ beside dist/', () => {
    const app = appWith((chart) => {
      const p = release(chart);
      tenant(chart, p, 'team-a');
      tenant(chart, p, 'team-b');
    });
    const written = HelmValuesFiles.write(app);
    const dir = path.join(path.dirname(app.outdir), 'helm-values');
    expect(written.map((f) => path.relative(dir, f))).toEqual(['pomerium-values.yaml', 'team-a-values.yaml', 'team-b-values.yaml']);
    const pomerium = YAML.parse(fs.readFileSync(path.join(dir, 'pomerium-values.yaml'), 'utf8'));
    expect(pomerium.config.routes.map((r: any) => r.from)).toEqual(['https://team-a.example.com', 'https://team-b.example.com']);
    // The manifests folder holds only manifests: `kubectl apply -f dist/` takes it whole.
    for (const file of fs.readdirSync(app.outdir)) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(app.outdir, file), 'utf8'))) {
        expect(doc.toJS()).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String) }));
      }
    }
  });

  test('two constructs that would write one file are refused, naming both', () => {
    const chart = Testing.chart();
    const p = release(chart);
    tenant(chart, p, 'team-a', { name: 'pomerium' });
    const message = errorOf(() => HelmValuesFiles.collect(chart));
    expect(message).toContain("GrafanaBehindPomerium at 'test/team-a': prop 'name' gives Helm values file \"pomerium-values.yaml\", which the construct at 'test/pomerium' writes too");
  });

  test('writing into the manifests folder itself is refused', () => {
    const app = appWith((chart) => tenant(chart, release(chart), 'team-a'));
    expect(errorOf(() => HelmValuesFiles.write(app, app.outdir))).toContain('is the manifests folder');
  });
});

describe('Pomerium groups policies match on open-source Pomerium (issue: groups denied everyone)', () => {
  // pomerium pkg/policy/criteria/groups.go: `groups` matches group ids of a directory-user
  // record that only Enterprise directory sync writes; open source never matches it.
  // pkg/policy/criteria/claims.go: `claim/groups` matches the IdP token's groups claim.
  const expected = { allow: { or: [{ 'claim/groups': 'sre' }, { 'claim/groups': '/sre' }] } };

  test('Helm values, config Secret and Ingress annotation all carry claim/groups, with the /name form', () => {
    const { objects, result } = synth((chart) => {
      const p = release(chart, { outputs: [PomeriumOutput.helmValues(), CONFIG_SECRET, PomeriumOutput.ingressController()] });
      tenant(chart, p, 'team-a', { policy: AccessPolicy.groups('sre') });
      return p;
    });
    expect(result.helmValues!.config.routes[0].policy).toEqual(expected);
    expect(YAML.parse(only(objects, 'Secret', 'pomerium-config').stringData['config.yaml']).routes[0].policy).toEqual(expected);
    expect(YAML.parse(only(objects, 'Ingress').metadata.annotations['ingress.pomerium.io/policy'])).toEqual(expected);
    expect(JSON.stringify(objects)).not.toContain('"groups":{"has"');
  });

  test('the directory form exists only as the explicitly named Enterprise option', () => {
    const { result } = synth((chart) => tenant(chart, release(chart), 'team-a', { policy: AccessPolicy.directoryGroupsEnterprise('00g1') }));
    expect(result.pomeriumRoute.policy).toEqual({ allow: { or: [{ groups: { has: '00g1' } }] } });
  });

  test('a group inside allOf() must be given in the exact form the IdP sends', () => {
    const chart = Testing.chart();
    const message = errorOf(() => tenant(chart, release(chart), 'team-a', { policy: AccessPolicy.allOf(AccessPolicy.groups('sre'), AccessPolicy.emailDomains('example.com')) }));
    expect(message).toContain("AccessPolicy.claim('groups', '/sre')");
    const ok = tenant(Testing.chart(), release(Testing.chart()), 'team-b', { policy: AccessPolicy.allOf(AccessPolicy.claim('groups', '/sre'), AccessPolicy.emailDomains('example.com')) });
    expect(ok.pomeriumRoute.policy).toEqual({ allow: { and: [{ 'claim/groups': '/sre' }, { domain: { is: 'example.com' } }] } });
  });
});

describe('a Grafana run by grafana-operator is reached and isolated by the operator\'s names', () => {
  // grafana-operator controllers/resources: Service `<cr>-service` on 3000, pods `app: <cr>`.
  const { objects, result } = synth((chart) => {
    const p = release(chart, { outputs: [PomeriumOutput.helmValues(), PomeriumOutput.ingressController()] });
    return tenant(chart, p, 'team-b', { grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'team-b' }), grafanaOutputs: undefined });
  });

  test('the route and the Ingress backend use <cr>-service:3000', () => {
    expect(result.pomeriumRoute.to).toBe('http://grafana-service.team-b.svc.cluster.local:3000');
    expect(only(objects, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'grafana-service', port: { number: 3000 } });
  });

  test('the NetworkPolicy selects the operator\'s pods (app: <cr>) on 3000', () => {
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'grafana' } });
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }]);
  });

  test('the configuration goes to that Grafana resource', () => {
    const grafana = only(objects, 'Grafana');
    expect(grafana.metadata).toEqual({ name: 'grafana', namespace: 'team-b' });
    expect(grafana.spec.config['auth.jwt'].enabled).toBe('true');
  });

  test('the operator output on a chart or hand-made Grafana is refused', () => {
    const chart = Testing.chart();
    const message = errorOf(() => tenant(chart, release(chart), 'team-c', { grafanaOutputs: [GrafanaOutput.operator({ grafanaName: 'grafana' })] }));
    expect(message).toContain("GrafanaBehindPomerium at 'test/team-c': prop 'grafanaOutputs'");
    expect(message).toContain("Fix: use GrafanaTarget.operator({ name: '<Grafana resource>', namespace })");
  });

  test('an operator target with another resource name, or without its resource, is refused', () => {
    const chart = Testing.chart();
    const p = release(chart);
    const target = GrafanaTarget.operator({ name: 'grafana', namespace: 'team-d' });
    expect(errorOf(() => tenant(chart, p, 'team-d', { grafana: target, grafanaOutputs: [GrafanaOutput.operator({ grafanaName: 'other' })] })))
      .toContain("prop 'grafanaOutputs.grafanaName' has value \"other\": the target is the Grafana resource 'grafana'");
    expect(errorOf(() => tenant(chart, p, 'team-e', { grafana: target, grafanaOutputs: [GrafanaOutput.helmValues()] })))
      .toContain('takes its configuration from its Grafana resource, which would not be written');
  });
});

describe('the NetworkPolicy admits only the Pomerium pods each output form runs, and one Grafana release', () => {
  function peers(props: Partial<PomeriumReleaseProps>, grafana = GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'team-a' })) {
    const { objects } = synth((chart) => tenant(chart, release(chart, props), 'team-a', { grafana }));
    return only(objects, 'NetworkPolicy').spec;
  }
  const inPomerium = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pomerium' } } };

  test('the chart: its proxy pods of this release (pomerium-helm proxy-deployment.yaml, _helpers.tpl pomerium.proxy.name)', () => {
    expect(peers({ helmReleaseName: 'edge' }).ingress[0].from).toEqual([
      { ...inPomerium, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pomerium-proxy', 'app.kubernetes.io/instance': 'edge' } } },
    ]);
  });

  test('the Ingress Controller: its proxy pods (ingress-controller config/pomerium/deployment/base.yaml)', () => {
    expect(peers({ outputs: [PomeriumOutput.ingressController()] }).ingress[0].from).toEqual([
      { ...inPomerium, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pomerium', 'app.kubernetes.io/component': 'proxy' } } },
    ]);
  });

  test('never every pod of the namespace: each peer has a pod selector', () => {
    const spec = peers({ outputs: [PomeriumOutput.helmValues(), PomeriumOutput.ingressController()] });
    expect(spec.ingress[0].from).toHaveLength(2);
    for (const peer of spec.ingress[0].from) expect(Object.keys(peer.podSelector.matchLabels).length).toBeGreaterThan(0);
  });

  test('your own all-in-one pod (config Secret form) needs its labels, or synth refuses naming the prop', () => {
    const chart = Testing.chart();
    const p = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com', outputs: [PomeriumOutput.configSecret()] });
    const message = errorOf(() => tenant(chart, p, 'team-a'));
    expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'podLabels' is missing");
    expect(message).toContain("GrafanaBehindPomerium at 'test/team-a' admits only Pomerium's pods");
  });

  test('a Grafana chart release is selected by name and instance (grafana/helm-charts _helpers.tpl selectorLabels), and reached at its Service', () => {
    const { objects, result } = synth((chart) => tenant(chart, release(chart), 'team-a', { grafana: GrafanaTarget.helmChart({ releaseName: 'prometheus', namespace: 'monitoring' }) }));
    expect(only(objects, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'prometheus' } });
    expect(result.pomeriumRoute.to).toBe('http://prometheus-grafana.monitoring.svc.cluster.local');
    const named = tenant(Testing.chart(), release(Testing.chart()), 'team-b', { grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'monitoring' }) });
    expect(named.grafanaServiceName).toBe('grafana');
  });
});

describe('named extra peers (a scraper, the image renderer), never a wider default', () => {
  const prometheus = { name: 'prometheus', namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } };

  test('the JWT flow admits a named peer beside Pomerium, and says so in an annotation', () => {
    const { objects } = synth((chart) => tenant(chart, release(chart), 'team-a', { isolation: GrafanaIsolation.networkPolicy({ additionalPeers: [prometheus] }) }));
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.metadata.annotations).toEqual({ 'cdk8s-grafana-pomerium/additional-peers': 'prometheus' });
    expect(policy.spec.ingress[0].from[1]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    });
  });

  test('the header flow refuses extra peers (each could send X-Pomerium-Claim-Email), unless opted in by name', () => {
    const chart = Testing.chart();
    const p = release(chart);
    const message = errorOf(() => tenant(chart, p, 'team-a', { authFlow: AuthFlow.headers(), isolation: GrafanaIsolation.networkPolicy({ additionalPeers: [prometheus] }) }));
    expect(message).toContain("prop 'isolation.additionalPeers' has value [\"prometheus\"]");
    const ok = tenant(chart, p, 'team-b', { authFlow: AuthFlow.headers(), isolation: GrafanaIsolation.networkPolicy({ additionalPeers: [prometheus], allowPeersInHeaderFlowUnsafe: true }) });
    expect(ok.host).toBe('team-b.example.com');
  });

  test('a peer without pod labels (a whole namespace) is refused', () => {
    const chart = Testing.chart();
    const message = errorOf(() => tenant(chart, release(chart), 'team-a', { isolation: GrafanaIsolation.networkPolicy({ additionalPeers: [{ ...prometheus, podLabels: {} }] }) }));
    expect(message).toContain("prop 'isolation.additionalPeers.0.podLabels' has value {}");
  });
});

describe('extra peers and the mesh', () => {
  test('pod-labelled peers with Istio isolation are refused: the AuthorizationPolicy admits principals', () => {
    const chart = Testing.chart();
    const message = errorOf(() => new GrafanaBehindPomerium(chart, 'g', {
      ...seedProps({ authenticateServiceUrl: undefined }),
      pomerium: release(chart),
      isolation: GrafanaIsolation.istioAuthorizationPolicy({ additionalPeers: [{ name: 'prometheus', namespace: 'monitoring', podLabels: { app: 'prometheus' } }] }),
    }));
    expect(message).toContain("prop 'isolation.additionalPeers' has value [\"prometheus\"]: the Istio AuthorizationPolicy admits service-account principals");
  });
});
