import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ISSUER, jmespath, one, REALM, synthClients, tenantProps } from './helpers';
import {
  AccessPolicy, AuthFlow, ClientSecret, GrafanaBehindPomerium, GrafanaOutput, GrafanaTarget, JwtKeySource, KeycloakGrafanaClient,
  KeycloakGrafanaClientProps, KeycloakGrafanaUser, PomeriumOutput, PomeriumRelease, PomeriumReleaseProps, SystemOidcOptions,
} from '../../src';
import { pomeriumOptionKeys, unknownHelmValuePaths } from '../support/pomerium-keys';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';
import { errorOf } from '../support/synth';

const POMERIUM = { authenticateServiceUrl: 'https://authenticate.example.com' };

/** The client serving Pomerium: in Pomerium's namespace (Pomerium mounts its Secret), no Grafana host. */
function idpProps(extra: Partial<KeycloakGrafanaClientProps> = {}, system: Partial<SystemOidcOptions> = {}): KeycloakGrafanaClientProps {
  return tenantProps({ namespace: 'pomerium', release: 'sso', grafanaHost: undefined, grafanaOutputs: undefined, ...extra }, { pomeriumIdp: POMERIUM, ...system });
}

/** A client fed to a release, with one route on the release (a release with no route fails at synth). */
function buildWithRelease(client: KeycloakGrafanaClientProps = idpProps(), release: Partial<PomeriumReleaseProps> = {}) {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test');
  const kc = new KeycloakGrafanaClient(chart, 'kc', client);
  const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: POMERIUM.authenticateServiceUrl, identityProvider: kc, ...release });
  const grafana = new GrafanaBehindPomerium(chart, 'grafana', {
    host: 'grafana.example.com',
    pomerium,
    policy: AccessPolicy.groups(kc.adminGroup!, kc.editorGroup!, kc.viewerGroup!),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks(), roleMapping: kc.roleMapping }),
    grafanaOutputs: [GrafanaOutput.helmValues()],
  });
  const objects = YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter((o) => o);
  return { app, chart, client: kc, pomerium, grafana, objects };
}

describe("the client as Pomerium's identity provider (seed 001: Keycloak + Pomerium)", () => {
  const { objects, clients } = synthClients(idpProps());
  const c = clients[0];

  test("redirect URI is Pomerium's callback, exactly", () => {
    const kc = one(objects, 'KeycloakClient');
    expect(kc.spec.redirectUris).toEqual(['https://authenticate.example.com/oauth2/callback']);
    expect(kc.spec.webUrl).toBe('https://authenticate.example.com');
    expect(kc.spec.public).toBe(false);
    expect(kc.spec.secret).toBe('$sso-oidc-client:client-secret');
    expect(c.redirectUri).toBe('https://authenticate.example.com/oauth2/callback');
  });

  test('every field the operator would default is in the spec, so GitOps and the operator never fight', () => {
    // edp-keycloak-operator keycloakclient_controller.go applyDefaults: a missing
    // post.logout.redirect.uris attribute or webOrigins is written back into the spec.
    const kc = one(objects, 'KeycloakClient');
    expect(kc.spec.attributes['post.logout.redirect.uris']).toBe('+');
    expect(kc.spec.webOrigins).toEqual(['https://authenticate.example.com']);
    expect(kc.spec.realmRef.name).not.toBe('');
  });

  test('no Grafana OAuth settings: Grafana gets identities from Pomerium', () => {
    expect(c.grafanaSettings).toEqual({});
    expect(c.grafanaHelmValues).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'Grafana' || o.kind === 'ConfigMap')).toEqual([]);
  });

  test('Pomerium options: oidc provider, issuer, clientId, secret from a mounted file', () => {
    expect(c.pomeriumIdpOptions).toEqual({
      idp_provider: 'oidc',
      idp_provider_url: ISSUER,
      idp_client_id: 'pomerium-sso',
      idp_client_secret_file: '/etc/pomerium-idp/client-secret',
    });
  });

  test("the role mapping drives GrafanaBehindPomerium's JWT flow on Keycloak identities", () => {
    const { client, grafana } = buildWithRelease();
    const jwt = grafana.grafanaSettings['auth.jwt'];
    expect(jwt.role_attribute_strict).toBe(true);
    expect(jmespath.search({ groups: [client.editorGroup] }, jwt.role_attribute_path)).toBe('Editor');
    expect(jmespath.search({ groups: ['nobody'] }, jwt.role_attribute_path)).toBe(false);
  });
});

describe('the client feeds a PomeriumRelease: every output form of the release carries the IdP', () => {
  test('Helm values: authenticate.idp {provider, url, clientID}, the Secret mounted, idp_client_secret_file', () => {
    const { pomerium } = buildWithRelease();
    const values = pomerium.helmValues!;
    expect(values.authenticate.idp).toEqual({ provider: 'oidc', url: ISSUER, clientID: 'pomerium-sso' });
    expect(values.extraVolumes).toEqual([{ name: 'pomerium-idp-client', secret: { secretName: 'sso-oidc-client', items: [{ key: 'client-secret', path: 'client-secret' }] } }]);
    expect(values.extraVolumeMounts).toEqual([{ name: 'pomerium-idp-client', mountPath: '/etc/pomerium-idp', readOnly: true }]);
    expect(values.config.extraOpts.idp_client_secret_file).toBe('/etc/pomerium-idp/client-secret');
  });

  test('no clientSecret in the values: the chart prints an error for an empty one, and Pomerium reads the mounted file', () => {
    // pomerium-helm charts/pomerium/values.yaml (chart 34) defaults authenticate.idp.clientSecret
    // to 'REPLACE_ME' and the chart reports an empty one as an error (src/pomerium/render.ts);
    // pomerium config/options.go reads idp_client_secret_file when no literal secret is set.
    const { pomerium } = buildWithRelease();
    expect(pomerium.helmValues!.authenticate.idp).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(pomerium.helmValues)).not.toMatch(/clientSecret|client_secret"/);
  });

  test('a custom mount path is used in the mount and the file option alike', () => {
    const { pomerium } = buildWithRelease(idpProps({}, { pomeriumIdp: { ...POMERIUM, secretMountPath: '/var/run/idp' } }));
    expect(pomerium.helmValues!.extraVolumeMounts[0].mountPath).toBe('/var/run/idp');
    expect(pomerium.helmValues!.config.extraOpts.idp_client_secret_file).toBe('/var/run/idp/client-secret');
  });

  test('the config file carries idp_provider, idp_provider_url, idp_client_id, idp_client_secret_file', () => {
    const { objects, client } = buildWithRelease(idpProps(), { outputs: [PomeriumOutput.configSecret()], podLabels: { app: 'pomerium' } });
    const config = YAML.parse(one(objects, 'Secret', 'pomerium-config').stringData['config.yaml']);
    expect(config).toMatchObject(client.pomeriumIdpOptions!);
    expect(config).not.toHaveProperty('idp_client_secret');
  });

  test('the client and its Secret live in the release namespace', () => {
    const { objects, pomerium } = buildWithRelease(idpProps({ namespace: 'sso' }), { namespace: 'sso' });
    expect(one(objects, 'KeycloakClient').metadata.namespace).toBe('sso');
    expect(pomerium.helmValues!.extraVolumes[0].secret.secretName).toBe('sso-oidc-client');
  });
});

describe('the release and the client refuse what cannot work together', () => {
  const build = (client: KeycloakGrafanaClientProps, release: Partial<PomeriumReleaseProps> = {}) => errorOf(() => buildWithRelease(client, release));

  test('a client for another authenticate host: Keycloak would refuse the login', () => {
    const message = build(idpProps({}, { pomeriumIdp: { authenticateServiceUrl: 'https://login.example.com' } }));
    expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'identityProvider' has value \"test/kc\"");
    expect(message).toContain("the client's redirect URI is for authenticate host 'login.example.com', but this release authenticates at 'authenticate.example.com'");
    expect(message).toContain("Fix: give the client pomeriumIdp.authenticateServiceUrl 'https://authenticate.example.com'");
  });

  test('a client in another namespace: Pomerium can mount only Secrets of its own namespace', () => {
    const message = build(idpProps({ namespace: 'keycloak' }));
    expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'identityProvider' has value \"test/kc\"");
    expect(message).toContain("the client's secret lives in namespace 'keycloak', and Pomerium pods in 'pomerium' can mount only Secrets of their own namespace");
    expect(message).toContain("Fix: create the client in namespace 'pomerium'");
  });

  test('a client that does not serve Pomerium', () => {
    const message = build(tenantProps({ namespace: 'pomerium' }));
    expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'identityProvider'");
    expect(message).toContain('does not serve Pomerium');
    expect(message).toContain('Fix: create it with OidcMode.system({ ..., pomeriumIdp: { authenticateServiceUrl } })');
  });

  test('the client refuses grafanaHost with pomeriumIdp: Keycloak redirects to the authenticate host', () => {
    const message = errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'kc', idpProps({ grafanaHost: 'grafana.example.com' })));
    expect(message).toContain("KeycloakGrafanaClient at 'test/kc': prop 'grafanaHost' has value \"grafana.example.com\"");
    expect(message).toContain('the client serves Pomerium');
    expect(message).toContain('Fix: leave grafanaHost out');
  });
});

describeWithReference('Pomerium IdP output against Pomerium key lists and chart values', () => {
  const { client, pomerium } = buildWithRelease();
  test('option keys exist in config/options.go', () => {
    for (const key of Object.keys(client.pomeriumIdpOptions!)) expect(pomeriumOptionKeys().has(key)).toBe(true);
    for (const key of Object.keys(pomerium.helmValues!.config.extraOpts)) expect(pomeriumOptionKeys().has(key)).toBe(true);
  });
  test('Helm values paths exist in the chart', () => {
    expect(unknownHelmValuePaths(pomerium.helmValues, 'pomerium')).toEqual([]);
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

  test('groups, emailVerified: true, password only via passwordSecret, roles only ever added', () => {
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
      // edp-keycloak-operator sync_user_roles.go: the default `full` strategy strips every realm
      // role not listed, default-roles-<realm> included; addOnly keeps them.
      reconciliationStrategy: 'addOnly',
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
