/**
 * GrafanaFleet and its grafanaDelivery: options refused under the fleet's own prop (once, not
 * per tenant), and Argo CD delivery refused until the Grafana admin Secret is named.
 */
import { Chart, Testing } from 'cdk8s';
import { GrafanaFleet, GrafanaFleetProps, HelmDelivery, HelmSource, PomeriumOutput, PomeriumRelease, RealmRef } from '../../src';
import { errorOf } from '../support/synth';

function fleet(props: Partial<GrafanaFleetProps>) {
  const app = Testing.app();
  const platform = new Chart(app, 'platform');
  const pomerium = new PomeriumRelease(platform, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com', outputs: [PomeriumOutput.ingressController()] });
  const built = new GrafanaFleet(app, 'fleet', {
    tenants: [{ name: 'acme' }, { name: 'globex' }],
    pomerium,
    keycloak: { realm: RealmRef.clusterKeycloakRealm('cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
    ...props,
  });
  return { app, fleet: built };
}

const argo = () => HelmDelivery.argoCdApplication({ chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts' });

test('a bad delivery option names the fleet and grafanaDelivery', () => {
  expect(errorOf(() => fleet({
    grafanaDelivery: HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4', repository: HelmSource.ociRepository({ url: 'oci://ghcr.io/grafana/helm-charts' }) }),
  }))).toMatch(/^GrafanaFleet at 'fleet': prop 'grafanaDelivery\.version' has value "9\.4": the chart version must be one exact SemVer version/);
});

test('Argo CD delivery without the admin Secret is refused on the fleet', () => {
  expect(errorOf(() => fleet({ grafanaDelivery: argo() }))).toBe(
    "GrafanaFleet at 'fleet': prop 'grafanaAdminSecretName' is missing: grafanaDelivery renders each Grafana chart with `helm template` at every Argo CD sync, where the chart generates a new admin password (randAlphaNum) each time, and its checksum/secret annotation restarts Grafana at each self-heal. " +
    "Fix: create a Secret with keys admin-user and admin-password in each tenant's namespace and name it: grafanaAdminSecretName: 'grafana-admin' (chart value admin.existingSecret)",
  );
});

test('with the admin Secret each tenant\'s Application carries it, with the finalizer, server-side apply and a short history', () => {
  const { fleet: built } = fleet({ grafanaDelivery: argo(), grafanaAdminSecretName: 'grafana-admin' });
  const apps = built.charts.map((chart) => chart.toJson().find((o: any) => o.kind === 'Application'));
  expect(apps.map((a) => [a.metadata.name, a.metadata.namespace, a.spec.destination.namespace])).toEqual([
    ['acme-grafana', 'argocd', 'acme'],
    ['globex-grafana', 'argocd', 'globex'],
  ]);
  for (const app of apps) {
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.spec.syncPolicy).toEqual({ syncOptions: ['ServerSideApply=true'] });
    expect(app.spec.revisionHistoryLimit).toBe(3);
    expect(app.spec.source.helm.valuesObject.admin).toEqual({ existingSecret: 'grafana-admin' });
  }
});

test('a bad admin Secret name is refused', () => {
  expect(errorOf(() => fleet({ grafanaAdminSecretName: 'Grafana_Admin' }))).toMatch(/^GrafanaFleet at 'fleet': prop 'grafanaAdminSecretName' has value "Grafana_Admin"/);
});
