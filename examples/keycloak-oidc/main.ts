// Seed 004 (Cozystack's per-instance Grafana OIDC), with its maintainers' fixes built in.
// - tenant-acme/monitoring: System mode, tenant Grafana (org Admin at most), deny by default.
// - cozy-monitoring/monitoring-system: System mode, the platform Grafana: admin group = server admins.
// - tenant-byo: CustomConfig with an inline generic_oauth map (client secret from a Secret).
// - tenant-byo-secret: CustomConfig from a Secret of GF_AUTH_GENERIC_OAUTH_* variables (envFrom).
// - sso: Keycloak as Pomerium's identity provider; Grafana behind Pomerium gets the roles from
//   the same groups through Pomerium's JWT (seed 001's "Keycloak + Pomerium").
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy,
  AuthFlow,
  ClientSecret,
  GrafanaBehindPomerium,
  GrafanaTarget,
  GrafanaOutput,
  HelmValuesFiles,
  KeycloakGrafanaClient,
  KeycloakGrafanaUser,
  OidcMode,
  PomeriumRelease,
  RealmRef,
} from '../../src';

const app = new App();
const chart = new Chart(app, 'keycloak-oidc');

const realm = RealmRef.clusterKeycloakRealm('keycloakrealm-cozy');
const issuerUrl = 'https://keycloak.example.com/realms/cozy';

const tenant = new KeycloakGrafanaClient(chart, 'tenant-acme', {
  namespace: 'tenant-acme',
  release: 'monitoring',
  grafanaHost: 'grafana.acme.example.com',
  mode: OidcMode.system({
    realm,
    platformOidcEnabled: true,
    issuerUrl,
    // An existing Secret (sealed-secrets, ESO, ...): the library never invents a secret.
    clientSecret: ClientSecret.fromExistingSecret({ secretName: 'monitoring-oidc-client', key: 'client-secret' }),
    signOutOfKeycloak: true,
  }),
  grafanaOutputs: [GrafanaOutput.operator({ grafanaName: 'grafana' })],
});

new KeycloakGrafanaClient(chart, 'platform', {
  namespace: 'cozy-monitoring',
  release: 'monitoring-system',
  grafanaHost: 'grafana.example.com',
  mode: OidcMode.system({
    realm,
    platformOidcEnabled: true,
    issuerUrl,
    grafanaAdmin: true,
  }),
  grafanaOutputs: [GrafanaOutput.operator({ grafanaName: 'grafana' })],
});

new KeycloakGrafanaUser(chart, 'alice-acme', {
  namespace: 'tenant-acme',
  realm,
  username: 'alice@acme.example',
  email: 'alice@acme.example',
  groups: [tenant.adminGroup!],
  passwordSecret: { secretName: 'alice-acme-password', key: 'password' },
});

new KeycloakGrafanaClient(chart, 'tenant-byo', {
  namespace: 'tenant-byo',
  release: 'monitoring',
  grafanaHost: 'grafana.byo.example.com',
  mode: OidcMode.customConfig({
    config: {
      name: 'Acme IdP',
      client_id: 'my-grafana',
      auth_url: 'https://idp.acme.example/protocol/openid-connect/auth',
      token_url: 'https://idp.acme.example/protocol/openid-connect/token',
      api_url: 'https://idp.acme.example/protocol/openid-connect/userinfo',
      scopes: 'openid email profile groups',
      groups_attribute_path: 'groups',
      role_attribute_path: "contains(groups[*], 'grafana-admins') && 'Admin' || contains(groups[*], 'grafana-viewers') && 'Viewer'",
    },
    clientSecret: { secretName: 'byo-oidc', key: 'client-secret' },
  }),
  grafanaOutputs: [GrafanaOutput.operator({ grafanaName: 'grafana' })],
});

new KeycloakGrafanaClient(chart, 'tenant-byo-secret', {
  namespace: 'tenant-byo-secret',
  release: 'monitoring',
  grafanaHost: 'grafana.byo2.example.com',
  mode: OidcMode.customConfig({ secretName: 'acme-byo-grafana-auth' }),
  grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.operator({ grafanaName: 'grafana' })],
});

const sso = new KeycloakGrafanaClient(chart, 'sso', {
  namespace: 'pomerium',
  release: 'pomerium',
  mode: OidcMode.system({
    realm,
    platformOidcEnabled: true,
    issuerUrl,
    pomeriumIdp: { authenticateServiceUrl: 'https://authenticate.example.com' },
  }),
});
// The client feeds the Pomerium release: its issuer, clientId and secret file go into the
// release's values, in Pomerium's namespace (where the client and its Secret live).
const pomerium = new PomeriumRelease(chart, 'pomerium-sso', {
  authenticateServiceUrl: 'https://authenticate.example.com',
  identityProvider: sso,
});
new GrafanaBehindPomerium(chart, 'grafana-sso', {
  host: 'grafana.example.com',
  pomerium,
  // Groups from Keycloak's token (claim/groups, as 'name' or '/name'): what open-source Pomerium matches.
  policy: AccessPolicy.groups(sso.adminGroup!, sso.editorGroup!, sso.viewerGroup!),
  grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'monitoring' }),
  authFlow: AuthFlow.jwt({ roleMapping: sso.roleMapping }),
});

app.synth();
HelmValuesFiles.write(app);
