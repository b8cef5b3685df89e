import * as os from 'node:os';
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { PropContext } from '../../src/errors';
import { HelmDelivery, HelmDeliveryInput, HelmSource } from '../../src/gitops/helm-delivery';
import { lookupCrd } from '../support/crd-schemas';
import { describeWithReference } from '../support/reference';
import { errorOf } from '../support/synth';

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
// The context a construct hands its delivery: its own path and the prop that carries it.
const ctx = () => PropContext.detached('test release').prop('delivery');

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

/** The remediation every HelmRelease gets by default (helm-controller api/v2/helmrelease_types.go: retries default to 0). */
const REMEDIATION = { install: { remediation: { retries: 3 } }, upgrade: { remediation: { retries: 3, remediateLastFailure: true } } };

/** The message a delivery option gives, checked when a construct uses it. */
function refusal(delivery: HelmDelivery): string {
  return errorOf(() => synth(delivery));
}

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
      ...REMEDIATION,
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
      // Gathered in flux-system: Helm's storage follows the release, not the HelmRelease
      // (api/v2/helmrelease_types.go GetStorageNamespace defaults to the HelmRelease's namespace).
      storageNamespace: 'pomerium',
      ...REMEDIATION,
      values: VALUES,
    });
  });

  test('two tenants\' releases gathered in flux-system keep separate Helm storage', () => {
    const chart = Testing.chart();
    const repository = HelmSource.ociRepository({ url: 'oci://ghcr.io/grafana/helm-charts' });
    const delivery = HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', namespace: 'flux-system', repository });
    for (const tenant of ['acme', 'globex']) delivery._addTo(new Construct(chart, tenant), { ...INPUT, namespace: tenant }, ctx());
    const releases = Testing.synth(chart).filter((o) => o.kind === 'HelmRelease');
    const identities = releases.map((r) =>
      [r.metadata.namespace, r.metadata.name, r.spec.releaseName, r.spec.targetNamespace, r.spec.storageNamespace]);
    expect(identities).toEqual([
      ['flux-system', 'acme-grafana', 'grafana', 'acme', 'acme'],
      ['flux-system', 'globex-grafana', 'grafana', 'globex', 'globex'],
    ]);
  });

  test('retries and the storage namespace can be chosen', () => {
    const [, release] = synth(HelmDelivery.fluxHelmRelease({
      chart: 'grafana',
      version: '9.4.1',
      repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }),
      remediationRetries: -1,
      storageNamespace: 'helm-storage',
    }));
    expect(release.spec.install).toEqual({ remediation: { retries: -1 } });
    expect(release.spec.upgrade).toEqual({ remediation: { retries: -1, remediateLastFailure: true } });
    expect(release.spec.storageNamespace).toBe('helm-storage');
    expect(refusal(HelmDelivery.fluxHelmRelease({
      chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }), remediationRetries: 1.5,
    }))).toBe("test release: prop 'delivery.remediationRetries' has value 1.5: retries are a whole number (a negative one retries forever, as Flux reads it). Fix: leave it out (3) or give e.g. 5");
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
    })).toThrow("test release: prop 'delivery.secretValues.0.targetPath' has value \"grafana\\\\.ini.server.root_url\": the inline values also set this path");
  });

  test('null values are refused: cdk8s would drop them silently', () => {
    expect(() => synth(fluxHttp(), { ...INPUT, values: { a: { b: null } } })).toThrow(
      /test release: prop 'delivery.values' has value null: the value at 'a.b' is null, which cdk8s drops/,
    );
  });
});

describe('HelmDelivery.argoCdApplication', () => {
  test('an Application with the Helm source and the values inline', () => {
    const [app] = synth(argo());
    expect(app).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'monitoring-grafana', // gathered in argocd: prefixed with the target namespace
        namespace: 'argocd',
        // argo-cd application_defaults.go ResourcesFinalizerName: deleting the Application deletes what it deployed.
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: 'default',
        source: { repoURL: 'https://grafana.github.io/helm-charts', chart: 'grafana', targetRevision: '9.4.1', helm: { releaseName: 'grafana', valuesObject: VALUES } },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'monitoring' },
        syncPolicy: { syncOptions: ['ServerSideApply=true'] },
        revisionHistoryLimit: 3,
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
    expect(app.metadata).toEqual({ name: 'tenant-a-grafana', namespace: 'gitops', finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'CreateNamespace=true'] });
    expect(app.spec.destination.namespace).toBe('tenant-a');
    expect(app.spec.source.helm.releaseName).toBe('grafana-a');
  });

  test('the history limit can be chosen, within what etcd holds', () => {
    const withLimit = (revisionHistoryLimit: number) => HelmDelivery.argoCdApplication({ chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts', revisionHistoryLimit });
    expect(synth(withLimit(0))[0].spec.revisionHistoryLimit).toBe(0);
    expect(synth(withLimit(10))[0].spec.revisionHistoryLimit).toBe(10);
    expect(refusal(withLimit(11))).toBe(
      "test release: prop 'delivery.revisionHistoryLimit' has value 11: a history limit is a whole number from 0 to 10: every entry copies the source and its values into the Application, which etcd stores as one object. Fix: leave it out (3) or give e.g. 5",
    );
    expect(refusal(withLimit(-1))).toContain("prop 'delivery.revisionHistoryLimit' has value -1");
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
    test(`version ${JSON.stringify(version)} is refused, under the prop of the construct that uses the delivery`, () => {
      const problem = version.trim() === '' ? 'the chart version is required' : 'the chart version must be one exact SemVer version';
      const message = `test release: prop 'delivery.version' has value ${JSON.stringify(version)}: ${problem}`;
      expect(refusal(HelmDelivery.fluxHelmRelease({ chart: 'grafana', version, repository }))).toContain(message);
      expect(refusal(HelmDelivery.argoCdApplication({ chart: 'grafana', version, repoUrl: 'https://x.example.com' }))).toContain(message);
    });
  }

  test('the factories only record the options: nothing is refused before a construct uses them', () => {
    expect(() => HelmDelivery.fluxHelmRelease({ chart: 'grafana/x', version: 'latest', repository: HelmSource.ociRepository({ url: 'https://x' }) })).not.toThrow();
    expect(() => HelmDelivery.argoCdApplication({ chart: '', version: '', repoUrl: '' })).not.toThrow();
  });

  test('a missing version, chart or repository is refused', () => {
    expect(refusal(HelmDelivery.fluxHelmRelease({ chart: 'grafana', repository } as any))).toContain("test release: prop 'delivery.version' is missing: the chart version is required");
    expect(refusal(HelmDelivery.fluxHelmRelease({ version: '1.0.0', repository } as any))).toContain("prop 'delivery.chart' is missing: the chart name is required");
    expect(refusal(HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '1.0.0' } as any))).toContain("prop 'delivery.repository' is missing: the chart source is required");
    expect(refusal(HelmDelivery.argoCdApplication({ chart: 'grafana', version: '1.0.0' } as any))).toContain("prop 'delivery.repoUrl' is missing: the chart repository is required");
  });

  test('exact versions pass, with pre-release and build metadata', () => {
    for (const version of ['1.0.0', 'v9.4.1', '34.0.1-rc.1', '1.2.3+build.5']) {
      expect(synth(HelmDelivery.fluxHelmRelease({ chart: 'grafana', version, repository }))[1].spec.chart.spec.version).toBe(version);
    }
  });

  test('source URLs are checked, under the delivery\'s repository prop', () => {
    const flux = (source: HelmSource) => HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '1.0.0', repository: source });
    expect(refusal(flux(HelmSource.ociRepository({ url: 'https://ghcr.io/x' })))).toContain("test release: prop 'delivery.repository.url' has value \"https://ghcr.io/x\": an OCI chart location is oci://");
    expect(refusal(flux(HelmSource.ociRepository({ url: 'oci://ghcr.io/x/' })))).toMatch(/without a trailing slash/);
    expect(refusal(flux(HelmSource.helmRepository({ url: '' })))).toContain("test release: prop 'delivery.repository.url' has value \"\"");
    expect(refusal(flux(HelmSource.helmRepository({ url: 'https://x.example.com', interval: '1d' })))).toContain("prop 'delivery.repository.interval' has value \"1d\": a Flux interval");
  });

  test('a chart given as a path is refused', () => {
    expect(refusal(HelmDelivery.fluxHelmRelease({ chart: 'grafana/grafana', version: '1.0.0', repository }))).toContain("prop 'delivery.chart' has value \"grafana/grafana\"");
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
