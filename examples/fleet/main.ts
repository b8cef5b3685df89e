// A platform of tenants' Grafanas (issue 18): one Pomerium Ingress Controller (Pomerium's
// supported install path; its Helm chart is frozen at v0.22.1), Keycloak as its identity
// provider, and one Grafana per tenant from tenants.yaml. Each tenant's file
// (tenant-<name>.k8s.yaml) is its own: its Namespace, its role groups, its Ingress (the route,
// in the tenant's namespace), its NetworkPolicy and the GitOps object of its Grafana chart.
// No object grows with the number of tenants, so FLEET_TENANTS=N (N tenants instead of the
// file) runs at any N. FLEET_DELIVERY=flux|argocd (default flux) picks how each tenant's
// Grafana chart is delivered.
//
// Grafana verifies Pomerium's assertion against the public key pinned in a ConfigMap
// (JwtKeySource.jwksFile): nothing is fetched over TLS, so no Grafana has to trust the
// certificate of any route, and the key the bootstrap Secret's signing_key holds is the only
// thing that must match. Make the pair with `npx cdk8s-grafana-pomerium-keygen`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import {
  FleetApp, FleetTenant, GrafanaFleet, HelmDelivery, HelmSource, JwtKeySource, PomeriumOutput, PomeriumRelease, RealmRef,
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

function grafanaDelivery(): HelmDelivery {
  const delivery = process.env.FLEET_DELIVERY ?? 'flux';
  switch (delivery) {
    case 'flux':
      return HelmDelivery.fluxHelmRelease({
        chart: 'grafana',
        version: '9.4.1',
        repository: HelmSource.helmRepository({ url: 'https://grafana.github.io/helm-charts' }),
      });
    case 'argocd':
      return HelmDelivery.argoCdApplication({
        chart: 'grafana',
        version: '9.4.1',
        repoUrl: 'https://grafana.github.io/helm-charts',
      });
    default:
      throw new Error(`FLEET_DELIVERY must be 'flux' or 'argocd', not ${JSON.stringify(delivery)}`);
  }
}

// No outdir: CDK8S_OUTDIR (npm run synth) or `cdk8s synth --output` decides.
const app = new FleetApp();
const platform = new Chart(app, 'platform');

const pomerium = new PomeriumRelease(platform, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.example.com',
  outputs: [PomeriumOutput.ingressController({
    globalSettings: {
      // Its signing_key is the private half of signing-key.pub.pem; Pomerium signs every
      // assertion with it. The identity provider's client_id/client_secret sit beside it.
      bootstrapSecret: 'pomerium/bootstrap',
      identityProvider: { provider: 'oidc', url: 'https://keycloak.example.com/realms/cozy', secret: 'pomerium/idp' },
    },
  })],
});

new GrafanaFleet(app, 'fleet', {
  tenants: tenants(),
  pomerium,
  keycloak: { realm: RealmRef.clusterKeycloakRealm('keycloakrealm-cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
  keySource: JwtKeySource.jwksFile({ publicKeysPem: [fs.readFileSync(path.join(__dirname, 'signing-key.pub.pem'), 'utf8')] }),
  grafanaDelivery: grafanaDelivery(),
  // Each tenant namespace holds a Secret 'grafana-admin' (keys admin-user, admin-password),
  // created with the namespace by your secret tooling: Argo CD renders charts with
  // `helm template`, where the chart would generate a new admin password at every sync.
  grafanaAdminSecretName: 'grafana-admin',
});

app.synth();
