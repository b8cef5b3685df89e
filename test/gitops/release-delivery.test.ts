import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AccessPolicy, GrafanaBehindPomerium, GrafanaOutput, GrafanaTarget, HelmDelivery, HelmSource, HelmValuesFiles, PomeriumOutput, PomeriumRelease,
} from '../../src';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';
import { errorOf, only } from '../support/synth';

const fluxPomerium = () => HelmDelivery.fluxHelmRelease({ chart: 'pomerium', version: '34.0.1', repository: HelmSource.helmRepository({ url: 'https://helm.pomerium.io' }) });
const fluxGrafana = () => HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }) });
const argoGrafana = () => HelmDelivery.argoCdApplication({ chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts' });

/** Two routes on one release, each Grafana a chart release; everything delivered as `delivery` says. */
function build(grafanaDelivery: () => HelmDelivery) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-'));
  const app = new App({ outdir: path.join(outdir, 'dist') });
  const chart = new Chart(app, 'platform');
  const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com', delivery: fluxPomerium() });
  const grafanas = ['team-a', 'team-b'].map((team) => new GrafanaBehindPomerium(chart, team, {
    host: `${team}.example.com`,
    pomerium,
    policy: AccessPolicy.groups(team),
    grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: team }),
    grafanaDelivery: grafanaDelivery(),
  }));
  app.synth();
  const objects = fs.readdirSync(app.outdir).flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(app.outdir, f), 'utf8')).map((d) => d.toJS()));
  return { app, pomerium, grafanas, objects };
}

describe('cdk8s synth alone writes a deployable whole: the chart values ride in GitOps objects', () => {
  const flux = build(fluxGrafana);

  test('the Pomerium HelmRelease carries exactly the release\'s values, every route included', () => {
    const release = flux.objects.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === 'pomerium');
    expect(release.spec.values).toEqual(flux.pomerium.helmValues);
    expect(release.spec.values.config.routes.map((r: any) => r.from)).toEqual(['https://team-a.example.com', 'https://team-b.example.com']);
    // The release name the naming model (Services, ServiceAccount, pod labels) assumes.
    expect(release.spec.releaseName).toBe('pomerium');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'pomerium', version: '34.0.1' });
  });

  test('each Grafana HelmRelease carries exactly that Grafana\'s values, in its namespace, under its chart release name', () => {
    for (const grafana of flux.grafanas) {
      const release = flux.objects.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === grafana.grafanaNamespace);
      expect(release.spec.values).toEqual(grafana.grafanaHelmValues);
      expect(release.spec.releaseName).toBe('grafana');
    }
  });

  test('no values file is left to write: the GitOps objects carry them', () => {
    expect(HelmValuesFiles.collect(flux.app)).toEqual([]);
  });

  test('Argo CD Applications carry the same values inline', () => {
    const argo = build(argoGrafana);
    const apps = argo.objects.filter((o) => o.kind === 'Application');
    expect(apps.map((a) => a.spec.source.helm.valuesObject)).toEqual(argo.grafanas.map((g) => g.grafanaHelmValues));
  });

  describeWithReference('upstream schemas', () => {
    test('every object, the Flux and Argo CD ones included, validates', () => {
      expect(validateManifests(flux.objects)).toEqual([]);
      expect(validateManifests(build(argoGrafana).objects)).toEqual([]);
    });
  });

  test('a delivery without chart values to carry is refused', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new PomeriumRelease(chart, 'p', { authenticateServiceUrl: 'https://authenticate.example.com', outputs: [PomeriumOutput.configSecret()], delivery: fluxPomerium() })))
      .toContain("PomeriumRelease at 'test/p': prop 'delivery'");
    const pomerium = new PomeriumRelease(chart, 'q', { authenticateServiceUrl: 'https://authenticate.example.com' });
    expect(errorOf(() => new GrafanaBehindPomerium(chart, 'g', {
      host: 'g.example.com',
      pomerium,
      policy: AccessPolicy.emailDomains('example.com'),
      grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'g' }),
      grafanaOutputs: [GrafanaOutput.envVars()],
      grafanaDelivery: fluxGrafana(),
    }))).toContain("prop 'grafanaDelivery'");
  });

  test('values-file delivery keeps the files', () => {
    const files = build(() => HelmDelivery.valuesFile());
    expect(HelmValuesFiles.collect(files.app).map((f) => f.fileName)).toEqual(['team-a-values.yaml', 'team-b-values.yaml']);
    expect(only(files.objects, 'HelmRelease', 'pomerium').spec.values).toEqual(files.pomerium.helmValues);
  });
});
