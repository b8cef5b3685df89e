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
import { errorOf, only, synth } from '../support/synth';

const fluxPomerium = () => HelmDelivery.fluxHelmRelease({ chart: 'pomerium', version: '34.0.1', repository: HelmSource.helmRepository({ url: 'https://helm.pomerium.io' }) });
const fluxGrafana = () => HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }) });
const argoGrafana = () => HelmDelivery.argoCdApplication({ chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts' });

/** Two routes on one release, each Grafana a chart release; everything delivered as `delivery` says. */
function build(grafanaDelivery: () => HelmDelivery, adminSecretName?: string) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-'));
  const app = new App({ outdir: path.join(outdir, 'dist') });
  const chart = new Chart(app, 'platform');
  const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com', delivery: fluxPomerium() });
  const grafanas = ['team-a', 'team-b'].map((team) => new GrafanaBehindPomerium(chart, team, {
    host: `${team}.example.com`,
    pomerium,
    policy: AccessPolicy.groups(team),
    grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: team, adminSecretName }),
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
    const argo = build(argoGrafana, 'grafana-admin');
    const apps = argo.objects.filter((o) => o.kind === 'Application');
    expect(apps.map((a) => a.spec.source.helm.valuesObject)).toEqual(argo.grafanas.map((g) => g.grafanaHelmValues));
    // The chart generates no admin password when it is given one (charts/grafana/templates/secret.yaml).
    for (const app of apps) expect(app.spec.source.helm.valuesObject.admin).toEqual({ existingSecret: 'grafana-admin' });
  });

  describeWithReference('upstream schemas', () => {
    test('every object, the Flux and Argo CD ones included, validates', () => {
      expect(validateManifests(flux.objects)).toEqual([]);
      expect(validateManifests(build(argoGrafana, 'grafana-admin').objects)).toEqual([]);
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

describe('options are refused under the prop of the construct that uses the delivery', () => {
  const url = 'https://authenticate.example.com';
  const badVersion = () => HelmDelivery.fluxHelmRelease({ chart: 'pomerium', version: 'latest', repository: HelmSource.helmRepository({ url: 'https://helm.pomerium.io' }) });

  test('PomeriumRelease names itself and delivery', () => {
    expect(errorOf(() => new PomeriumRelease(Testing.chart(), 'pomerium', { authenticateServiceUrl: url, delivery: badVersion() }))).toMatch(
      /^PomeriumRelease at 'test\/pomerium': prop 'delivery\.version' has value "latest": the chart version must be one exact SemVer version/,
    );
  });

  test('GrafanaBehindPomerium names itself and grafanaDelivery, down to the source', () => {
    const chart = Testing.chart();
    const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: url });
    expect(errorOf(() => new GrafanaBehindPomerium(chart, 'team-a', {
      host: 'team-a.example.com',
      pomerium,
      policy: AccessPolicy.groups('team-a'),
      grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'team-a' }),
      grafanaDelivery: HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.ociRepository({ url: 'https://ghcr.io/grafana' }) }),
    }))).toMatch(/^GrafanaBehindPomerium at 'test\/team-a': prop 'grafanaDelivery\.repository\.url' has value "https:\/\/ghcr\.io\/grafana": an OCI chart location/);
  });
});

describe('Argo CD renders with `helm template`: what a chart generates per render must be given', () => {
  const url = 'https://authenticate.example.com';
  const argoPomerium = () => HelmDelivery.argoCdApplication({ chart: 'pomerium', version: '34.0.1', repoUrl: 'https://helm.pomerium.io' });

  test('Pomerium without its shared secret is refused, naming the prop and the fix', () => {
    expect(errorOf(() => new PomeriumRelease(Testing.chart(), 'pomerium', { authenticateServiceUrl: url, signingKeySecretName: 'pomerium-signing-key', delivery: argoPomerium() }))).toBe(
      "PomeriumRelease at 'test/pomerium': prop 'sharedSecretName' is missing: HelmDelivery.argoCdApplication() renders the Pomerium chart with `helm template` at every sync, where the chart generates a new shared and cookie secret (randAscii) each time: every user would be signed out at each sync. " +
      "Fix: create a Secret in Pomerium's namespace with keys SHARED_SECRET and COOKIE_SECRET (head -c32 /dev/urandom | base64, each) and name it in sharedSecretName (chart value config.existingSharedSecret)",
    );
  });

  test('Pomerium without its signing key is refused', () => {
    expect(errorOf(() => new PomeriumRelease(Testing.chart(), 'pomerium', { authenticateServiceUrl: url, sharedSecretName: 'pomerium-shared', delivery: argoPomerium() }))).toMatch(
      /^PomeriumRelease at 'test\/pomerium': prop 'signingKeySecretName' is missing: .*generates a new signing key \(genPrivateKey\) each time.*Fix: create a Secret with key 'signing-key'/,
    );
  });

  test('with both given, the Application carries them and the chart generates neither', () => {
    const { objects } = synth((chart) => {
      const pomerium = new PomeriumRelease(chart, 'pomerium', {
        authenticateServiceUrl: url, sharedSecretName: 'pomerium-shared', signingKeySecretName: 'pomerium-signing-key', delivery: argoPomerium(),
      });
      new GrafanaBehindPomerium(chart, 'team-a', {
        host: 'team-a.example.com', pomerium, policy: AccessPolicy.groups('team-a'), grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'team-a' }),
      });
    });
    const app = only(objects, 'Application');
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true']);
    expect(app.spec.revisionHistoryLimit).toBe(3);
    const config = app.spec.source.helm.valuesObject.config;
    expect(config.existingSharedSecret).toBe('pomerium-shared');
    expect(config.existingSigningKeySecret).toBe('pomerium-signing-key');
    expect(config.generateSigningKey).toBe(false);
  });

  test('a Grafana chart without an admin Secret is refused; the Flux form needs none', () => {
    const chart = Testing.chart();
    const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: url });
    const route = (id: string, grafanaDelivery: HelmDelivery) => new GrafanaBehindPomerium(chart, id, {
      host: `${id}.example.com`, pomerium, policy: AccessPolicy.groups(id), grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: id }), grafanaDelivery,
    });
    expect(errorOf(() => route('team-a', argoGrafana()))).toBe(
      "GrafanaBehindPomerium at 'test/team-a': prop 'grafana.adminSecretName' is missing: grafanaDelivery renders the Grafana chart with `helm template` at every Argo CD sync, where the chart generates a new admin password (randAlphaNum) each time, and its checksum/secret annotation restarts Grafana at each self-heal. " +
      "Fix: create a Secret in 'team-a' with keys admin-user and admin-password and name it: GrafanaTarget.helmChart({ ..., adminSecretName: 'grafana-admin' }) (chart value admin.existingSecret)",
    );
    expect(route('team-b', fluxGrafana()).grafanaHelmValues!.admin).toBeUndefined();
  });
});
