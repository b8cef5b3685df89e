import * as os from 'node:os';
import { App, Chart, Testing } from 'cdk8s';
import { PropContext } from '../../src/errors';
import { HelmDelivery, HelmDeliveryInput, HelmSource } from '../../src/gitops/helm-delivery';
import { lookupCrd } from '../support/crd-schemas';
import { describeWithReference } from '../support/reference';

const VALUES = {
  'config': { rootDomain: 'example.com', routes: [{ from: 'https://grafana.example.com', to: 'http://grafana.monitoring.svc', pass_identity_headers: true }] },
  'grafana.ini': { 'auth.jwt': { enabled: true, expect_claims: '{"aud":"grafana.example.com"}' }, 'server': { root_url: 'https://grafana.example.com' } },
  'replicas': 2,
  'host': '*.example.com',
  'emptyList': [],
  'emptyMap': {},
  'flag': false,
  'zero': 0,
};

const INPUT: HelmDeliveryInput = { releaseName: 'grafana', namespace: 'monitoring', values: VALUES };
const ctx = () => PropContext.detached('test release');

function synth(delivery: HelmDelivery, input: HelmDeliveryInput = INPUT): any[] {
  const chart = Testing.chart();
  delivery._addTo(chart, input, ctx());
  return Testing.synth(chart);
}

const fluxHttp = () => HelmDelivery.fluxHelmRelease({
  chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }),
});
const fluxOci = () => HelmDelivery.fluxHelmRelease({
  chart: 'pomerium',
  version: '34.0.1+build.7',
  namespace: 'flux-system',
  interval: '5m',
  repository: HelmSource.ociRepository({ url: 'oci://ghcr.io/example/charts', name: 'pomerium-chart', interval: '30m' }),
});
const argo = () => HelmDelivery.argoCdApplication({ chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts' });

describe('HelmDelivery.fluxHelmRelease', () => {
  test('a HelmRepository source and a HelmRelease carrying exactly the values given', () => {
    const [repo, release] = synth(fluxHttp());
    expect(repo).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'grafana', namespace: 'monitoring' },
      spec: { url: 'https://grafana.github.io/helm-charts', interval: '1h' },
    });
    expect(release.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(release.metadata).toEqual({ name: 'grafana', namespace: 'monitoring' });
    expect(release.spec).toEqual({
      chart: { spec: { chart: 'grafana', version: '9.4.1', sourceRef: { kind: 'HelmRepository', name: 'grafana' } } },
      interval: '10m',
      releaseName: 'grafana',
      values: VALUES,
    });
  });

  test('an OCIRepository source pinned by tag, the chart taken through chartRef', () => {
    const [repo, release] = synth(fluxOci(), { ...INPUT, releaseName: 'pomerium', namespace: 'pomerium' });
    expect(repo).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'pomerium-chart', namespace: 'flux-system' },
      spec: {
        url: 'oci://ghcr.io/example/charts/pomerium',
        interval: '30m',
        ref: { tag: '34.0.1_build.7' },
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      },
    });
    expect(release.metadata).toEqual({ name: 'pomerium-pomerium', namespace: 'flux-system' });
    expect(release.spec).toEqual({
      chartRef: { kind: 'OCIRepository', name: 'pomerium-chart' },
      interval: '5m',
      releaseName: 'pomerium',
      targetNamespace: 'pomerium',
      values: VALUES,
    });
  });

  test('secret values are referenced through valuesFrom, never inlined', () => {
    const delivery = HelmDelivery.fluxHelmRelease({
      chart: 'grafana',
      version: '9.4.1',
      repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }),
      valuesFrom: [{ secretName: 'grafana-admin', valuesKey: 'values.yaml', optional: true }],
    });
    const [, release] = synth(delivery, {
      ...INPUT,
      secretValues: [{ secretName: 'grafana-oidc', valuesKey: 'client-secret', targetPath: 'grafana\\.ini.auth\\.generic_oauth.client_secret' }],
    });
    expect(release.spec.valuesFrom).toEqual([
      { kind: 'Secret', name: 'grafana-oidc', valuesKey: 'client-secret', targetPath: 'grafana\\.ini.auth\\.generic_oauth.client_secret' },
      { kind: 'Secret', name: 'grafana-admin', valuesKey: 'values.yaml', optional: true },
    ]);
    expect(release.spec.values).toEqual(VALUES);
    expect(JSON.stringify(release)).not.toMatch(/client_secret":/);
  });

  test('a secret targetPath that the inline values also set is refused (inline values would win)', () => {
    expect(() => synth(fluxHttp(), {
      ...INPUT, secretValues: [{ secretName: 'grafana-oidc', valuesKey: 'k', targetPath: 'grafana\\.ini.server.root_url' }],
    })).toThrow("test release: prop 'secretValues.0.targetPath' has value \"grafana\\\\.ini.server.root_url\": the inline values also set this path");
  });

  test('null values are refused: cdk8s would drop them silently', () => {
    expect(() => synth(fluxHttp(), { ...INPUT, values: { a: { b: null } } })).toThrow(
      /test release: prop 'values' has value null: the value at 'a.b' is null, which cdk8s drops/,
    );
  });
});

describe('HelmDelivery.argoCdApplication', () => {
  test('an Application with the Helm source and the values inline', () => {
    const [app] = synth(argo());
    expect(app).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'monitoring-grafana', namespace: 'argocd' }, // gathered in argocd: prefixed with the target namespace
      spec: {
        project: 'default',
        source: { repoURL: 'https://grafana.github.io/helm-charts', chart: 'grafana', targetRevision: '9.4.1', helm: { releaseName: 'grafana', valuesObject: VALUES } },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'monitoring' },
      },
    });
  });

  test('sync options when asked', () => {
    const [app] = synth(HelmDelivery.argoCdApplication({
      chart: 'grafana',
      version: '9.4.1',
      repoUrl: 'ghcr.io/grafana/helm-charts',
      project: 'tenants',
      name: 'tenant-a-grafana',
      namespace: 'gitops',
      destinationNamespace: 'tenant-a',
      releaseName: 'grafana-a',
      automatedSync: true,
      createNamespace: true,
    }));
    expect(app.metadata).toEqual({ name: 'tenant-a-grafana', namespace: 'gitops' });
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    expect(app.spec.destination.namespace).toBe('tenant-a');
    expect(app.spec.source.helm.releaseName).toBe('grafana-a');
  });

  test('secret-backed values are refused with the alternatives', () => {
    expect(() => synth(argo(), { ...INPUT, secretValues: [{ secretName: 'grafana-oidc', valuesKey: 'client-secret' }] })).toThrow(
      "test release: prop 'delivery' has value [\"grafana-oidc:client-secret\"]: Argo CD has no valuesFrom",
    );
  });
});

describe('HelmDelivery.valuesFile', () => {
  test('emits no object and hands back the values for the values file', () => {
    expect(synth(HelmDelivery.valuesFile())).toEqual([]);
    expect(HelmDelivery.valuesFile()._render(INPUT, ctx())).toEqual({ objects: [], valuesFile: VALUES });
  });
});

describe('versions and sources are pinned by the user', () => {
  const repository = HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' });
  for (const version of ['', '  ', '*', 'latest', '>=1', '^1.2.3', '~1.2.3', '1.x', '1.2', '1', '>=1.0.0 <2.0.0', 'stable']) {
    test(`version ${JSON.stringify(version)} is refused`, () => {
      const problem = version.trim() === '' ? 'the chart version is required' : 'the chart version must be one exact SemVer version';
      const message = `prop 'version' has value ${JSON.stringify(version)}: ${problem}`;
      expect(() => HelmDelivery.fluxHelmRelease({ chart: 'grafana', version, repository })).toThrow(`HelmDelivery.fluxHelmRelease: ${message}`);
      expect(() => HelmDelivery.argoCdApplication({ chart: 'grafana', version, repoUrl: 'https://x.example.com' })).toThrow(`HelmDelivery.argoCdApplication: ${message}`);
    });
  }

  test('a missing version, chart or repository is refused', () => {
    expect(() => HelmDelivery.fluxHelmRelease({ chart: 'grafana', repository } as any)).toThrow("HelmDelivery.fluxHelmRelease: prop 'version' is missing: the chart version is required");
    expect(() => HelmDelivery.fluxHelmRelease({ version: '1.0.0', repository } as any)).toThrow("prop 'chart' is missing: the chart name is required");
    expect(() => HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '1.0.0' } as any)).toThrow("prop 'repository' is missing: the chart source is required");
    expect(() => HelmDelivery.argoCdApplication({ chart: 'grafana', version: '1.0.0' } as any)).toThrow("prop 'repoUrl' is missing: the chart repository is required");
  });

  test('exact versions pass, with pre-release and build metadata', () => {
    for (const version of ['1.0.0', 'v9.4.1', '34.0.1-rc.1', '1.2.3+build.5']) {
      expect(() => HelmDelivery.fluxHelmRelease({ chart: 'grafana', version, repository })).not.toThrow();
    }
  });

  test('source URLs are checked', () => {
    expect(() => HelmSource.ociRepository({ url: 'https://ghcr.io/x' })).toThrow("HelmSource.ociRepository: prop 'url' has value \"https://ghcr.io/x\": an OCI chart location is oci://");
    expect(() => HelmSource.ociRepository({ url: 'oci://ghcr.io/x/' })).toThrow(/without a trailing slash/);
    expect(() => HelmSource.helmRepository({ url: '' })).toThrow("HelmSource.helmRepository: prop 'url' has value \"\"");
    expect(() => HelmSource.helmRepository({ url: 'https://x.example.com', interval: '1d' })).toThrow("prop 'interval' has value \"1d\": a Flux interval");
  });

  test('a chart given as a path is refused', () => {
    expect(() => HelmDelivery.fluxHelmRelease({ chart: 'grafana/grafana', version: '1.0.0', repository })).toThrow("prop 'chart' has value \"grafana/grafana\"");
  });
});

describeWithReference('delivery objects are valid against the upstream CRDs', () => {
  const secretInput: HelmDeliveryInput = { ...INPUT, secretValues: [{ secretName: 'grafana-oidc', valuesKey: 'client-secret', targetPath: 'a.b' }] };
  const cases: Array<[string, () => any[]]> = [
    ['Flux HelmRepository + HelmRelease', () => synth(fluxHttp(), secretInput)],
    ['Flux OCIRepository + HelmRelease', () => synth(fluxOci())],
    ['Argo CD Application', () => synth(argo())],
    ['Argo CD Application with sync options', () => synth(HelmDelivery.argoCdApplication({
      chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts', automatedSync: true, createNamespace: true,
    }))],
  ];
  for (const [name, objects] of cases) {
    test(name, () => {
      for (const object of objects()) {
        const crd = lookupCrd(object.apiVersion, object.kind);
        expect(crd.status).toBe('ok');
        if (crd.status === 'ok') expect({ kind: object.kind, errors: crd.validate(object) }).toEqual({ kind: object.kind, errors: [] });
      }
    });
  }

  test('the objects go through a whole app synth unchanged', () => {
    const app = new App({ outdir: os.tmpdir() });
    const chart = new Chart(app, 'delivery');
    fluxHttp()._addTo(chart, INPUT, ctx());
    const yaml = app.synthYaml();
    expect(yaml).toContain('host: "*.example.com"');
  });
});
