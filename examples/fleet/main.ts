// A platform of tenants' Grafanas (issue 10): one Pomerium behind the Istio ingress gateway,
// Keycloak as its identity provider, and one Grafana per tenant from tenants.yaml, each with
// its own Keycloak client, audience and groups, route, isolation and Flux HelmRelease, written
// to its own file (tenant-<name>.k8s.yaml). `cdk8s synth` alone writes everything: the Helm
// values travel in the HelmReleases. FLEET_TENANTS=N generates N tenants instead of the file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CertificateIssuer, FleetApp, FleetTenant, GrafanaFleet, HelmDelivery, HelmSource, IstioIngressForPomerium,
  KeycloakGrafanaClient, OidcMode, PomeriumRelease, RealmRef, RoleGroups,
} from '../../src';

function tenants(): FleetTenant[] {
  const generated = process.env.FLEET_TENANTS;
  if (generated !== undefined && generated !== '') {
    const n = Number(generated);
    if (!Number.isInteger(n) || n < 1) throw new Error(`FLEET_TENANTS must be a positive integer, not ${JSON.stringify(generated)}`);
    return Array.from({ length: n }, (_, i) => ({ name: `tenant-${i}` }));
  }
  return YAML.parse(fs.readFileSync(path.join(__dirname, 'tenants.yaml'), 'utf8')) as FleetTenant[];
}

// No outdir: CDK8S_OUTDIR (npm run synth) or `cdk8s synth --output` decides.
const app = new FleetApp();
const platform = new Chart(app, 'platform');

const realm = RealmRef.clusterKeycloakRealm('keycloakrealm-cozy');
const issuerUrl = 'https://keycloak.example.com/realms/cozy';

const ingress = new IstioIngressForPomerium(platform, 'ingress', {
  domain: 'example.com',
  certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
});
// Pomerium signs users in with Keycloak; the tenants' groups reach it in the token's groups claim.
const sso = new KeycloakGrafanaClient(platform, 'pomerium-sso', {
  namespace: 'pomerium',
  release: 'pomerium',
  mode: OidcMode.system({
    realm,
    platformOidcEnabled: true,
    issuerUrl,
    groups: RoleGroups.existing({ viewer: 'platform-users' }),
    pomeriumIdp: { authenticateServiceUrl: 'https://authenticate.example.com' },
  }),
});
const pomerium = new PomeriumRelease(platform, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.example.com',
  ingress,
  identityProvider: sso,
  externalIdentityProviders: [{ host: 'keycloak.example.com' }],
  delivery: HelmDelivery.fluxHelmRelease({
    chart: 'pomerium',
    version: '34.0.1',
    repository: HelmSource.helmRepository({ url: 'https://helm.pomerium.io' }),
  }),
});

new GrafanaFleet(app, 'fleet', {
  tenants: tenants(),
  pomerium,
  keycloak: { realm, issuerUrl },
  grafanaDelivery: HelmDelivery.fluxHelmRelease({
    chart: 'grafana',
    version: '9.4.1',
    repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }),
  }),
});

app.synth();
