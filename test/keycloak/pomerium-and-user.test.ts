import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ISSUER, jmespath, one, REALM, synthClients, tenantProps } from './helpers';
import { AccessPolicy, AuthFlow, ClientSecret, GrafanaBehindPomerium, GrafanaOutput, GrafanaTarget, JwtKeySource, KeycloakGrafanaClient, KeycloakGrafanaUser } from '../../src';
import { pomeriumOptionKeys, unknownHelmValuePaths } from '../support/pomerium-keys';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';

const POMERIUM = { authenticateServiceUrl: 'https://authenticate.example.com' };

describe("the client as Pomerium's identity provider (seed 001: Keycloak + Pomerium)", () => {
  const { objects, clients } = synthClients(tenantProps({ grafanaOutputs: undefined }, { pomeriumIdp: POMERIUM }));
  const c = clients[0];

  test("redirect URI is Pomerium's callback, exactly", () => {
    const kc = one(objects, 'KeycloakClient');
    expect(kc.spec.redirectUris).toEqual(['https://authenticate.example.com/oauth2/callback']);
    expect(kc.spec.webUrl).toBe('https://authenticate.example.com');
    expect(kc.spec.public).toBe(false);
    expect(kc.spec.secret).toBe('$monitoring-oidc-client:client-secret');
    expect(c.redirectUri).toBe('https://authenticate.example.com/oauth2/callback');
  });

  test('no Grafana OAuth settings: Grafana gets identities from Pomerium', () => {
    expect(c.grafanaSettings).toEqual({});
    expect(c.grafanaHelmValues).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'Grafana' || o.kind === 'ConfigMap')).toEqual([]);
  });

  test('Pomerium options and chart values: oidc provider, issuer, clientId, secret from a mounted file', () => {
    expect(c.pomeriumIdpOptions).toEqual({
      idp_provider: 'oidc',
      idp_provider_url: ISSUER,
      idp_client_id: 'tenant-acme-monitoring',
      idp_client_secret_file: '/etc/pomerium-idp/client-secret',
    });
    expect(c.pomeriumIdpHelmValues.authenticate.idp).toEqual({ provider: 'oidc', url: ISSUER, clientID: 'tenant-acme-monitoring', clientSecret: '' });
    expect(c.pomeriumIdpHelmValues.extraVolumes[0].secret.secretName).toBe('monitoring-oidc-client');
    expect(c.pomeriumIdpHelmValues.extraVolumeMounts[0]).toEqual({ name: 'keycloak-idp-client', mountPath: '/etc/pomerium-idp', readOnly: true });
  });

  test("the role mapping drives GrafanaBehindPomerium's JWT flow on Keycloak identities", () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'test');
    const client = new KeycloakGrafanaClient(chart, 'kc', tenantProps({ grafanaOutputs: undefined }, { pomeriumIdp: POMERIUM }));
    const grafana = new GrafanaBehindPomerium(chart, 'grafana', {
      host: 'grafana.acme.example.com',
      authenticateServiceUrl: POMERIUM.authenticateServiceUrl,
      policy: AccessPolicy.emailDomains('acme.example'),
      grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'tenant-acme' }),
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks(), roleMapping: client.roleMapping }),
      grafanaOutputs: [GrafanaOutput.helmValues()],
    });
    app.synthYaml();
    const jwt = grafana.grafanaSettings['auth.jwt'];
    expect(jwt.role_attribute_strict).toBe(true);
    expect(jmespath.search({ groups: [client.editorGroup] }, jwt.role_attribute_path)).toBe('Editor');
    expect(jmespath.search({ groups: ['nobody'] }, jwt.role_attribute_path)).toBe(false);
  });
});

describeWithReference('Pomerium IdP output against Pomerium key lists and chart values', () => {
  const c = synthClients(tenantProps({ grafanaOutputs: undefined }, { pomeriumIdp: POMERIUM })).clients[0];
  test('option keys exist in config/options.go', () => {
    for (const key of Object.keys(c.pomeriumIdpOptions)) expect(pomeriumOptionKeys().has(key)).toBe(true);
    for (const key of Object.keys(c.pomeriumIdpHelmValues.config.extraOpts)) expect(pomeriumOptionKeys().has(key)).toBe(true);
  });
  test('Helm values paths exist in the chart', () => {
    expect(unknownHelmValuePaths(c.pomeriumIdpHelmValues, 'pomerium')).toEqual([]);
  });
});

describe('KeycloakGrafanaUser', () => {
  const build = () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'test');
    const client = new KeycloakGrafanaClient(chart, 'kc', tenantProps());
    new KeycloakGrafanaUser(chart, 'alice-acme', {
      namespace: 'tenant-acme',
      realm: REALM,
      username: 'alice@acme.example',
      email: 'alice@acme.example',
      groups: [client.adminGroup!],
      passwordSecret: { secretName: 'alice-acme-password', key: 'password' },
    });
    return YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter((o) => o);
  };

  test('groups, emailVerified: true, password only via passwordSecret', () => {
    const user = one(build(), 'KeycloakRealmUser');
    expect(user.metadata).toEqual({ name: 'alice-acme', namespace: 'tenant-acme' });
    expect(user.spec).toEqual({
      realmRef: { name: 'keycloakrealm-cozy', kind: 'ClusterKeycloakRealm' },
      username: 'alice@acme.example',
      enabled: true,
      email: 'alice@acme.example',
      emailVerified: true,
      groups: ['tenant-acme-monitoring-admin'],
      passwordSecret: { name: 'alice-acme-password', key: 'password', temporary: true },
    });
    expect(user.spec.password).toBeUndefined();
  });

  describeWithReference('schema', () => {
    test('validates against the keycloak-operator CRD', () => {
      expect(validateManifests(build())).toEqual([]);
    });
  });
});

describe('ClientSecret.createWithValue (explicit opt-in)', () => {
  test('writes a Secret with the given value under the given key, and references it', () => {
    const value = 'a-long-random-value-from-the-user';
    const { objects } = synthClients(tenantProps({}, { clientSecret: ClientSecret.createWithValue({ secretName: 'acme-oidc', value }) }));
    expect(one(objects, 'Secret')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'acme-oidc', namespace: 'tenant-acme' },
      type: 'Opaque',
      stringData: { 'client-secret': value },
    });
    expect(one(objects, 'KeycloakClient').spec.secret).toBe('$acme-oidc:client-secret');
  });
});
