import { grafanaRole, ISSUER, one, ofKind, synthClients, tenantProps } from './helpers';
import { GrafanaOutput, GrafanaRole, OidcMode, RealmRef, RoleGroups } from '../../src';
import { isKnownGrafanaEnvVar, unknownGrafanaKeys } from '../support/grafana-ini';
import { unknownHelmValuePaths } from '../support/helm-values';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';

const CLIENT_ID = 'tenant-acme-monitoring';
const AUDIENCE = 'tenant-acme-monitoring-audience';

describe('System mode: Keycloak CRs (seed 004)', () => {
  const { objects } = synthClients(tenantProps());

  test('KeycloakClient: per-instance confidential client, standard flow only, exact redirect, secret always set', () => {
    const client = one(objects, 'KeycloakClient');
    expect(client.apiVersion).toBe('v1.edp.epam.com/v1');
    expect(client.metadata).toEqual({ name: CLIENT_ID, namespace: 'tenant-acme' });
    expect(client.spec).toMatchObject({
      clientId: CLIENT_ID,
      realmRef: { name: 'keycloakrealm-cozy', kind: 'ClusterKeycloakRealm' },
      public: false,
      directAccess: false,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      webUrl: 'https://grafana.acme.example.com',
      secret: '$monitoring-oidc-client:client-secret',
    });
    expect(client.spec.redirectUris).toEqual(['https://grafana.acme.example.com/login/generic_oauth']);
    expect(client.spec.redirectUris.join()).not.toContain('*');
    expect(client.spec.defaultClientScopes).toEqual(['groups', AUDIENCE]);
    expect(client.spec.serviceAccount).toBeUndefined();
    expect(client.spec.attributes['pkce.code.challenge.method']).toBe('S256');
  });

  test('KeycloakClientScope: oidc-audience-mapper pins aud to the clientId in access and ID tokens', () => {
    const scope = one(objects, 'KeycloakClientScope');
    expect(scope.metadata.name).toBe(AUDIENCE);
    expect(scope.spec.name).toBe(AUDIENCE);
    expect(scope.spec.protocol).toBe('openid-connect');
    expect(scope.spec.protocolMappers).toEqual([
      expect.objectContaining({
        protocolMapper: 'oidc-audience-mapper',
        config: expect.objectContaining({ 'included.client.audience': CLIENT_ID, 'access.token.claim': 'true', 'id.token.claim': 'true' }),
      }),
    ]);
  });

  test('three owned KeycloakRealmGroups <ns>-<release>-admin|-editor|-viewer', () => {
    const groups = ofKind(objects, 'KeycloakRealmGroup');
    expect(groups.map((g) => g.spec.name)).toEqual([`${CLIENT_ID}-admin`, `${CLIENT_ID}-editor`, `${CLIENT_ID}-viewer`]);
    for (const g of groups) expect(g.spec.realmRef).toEqual({ name: 'keycloakrealm-cozy', kind: 'ClusterKeycloakRealm' });
  });

  test('no Secret is invented: the client secret comes from an existing Secret', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  test('group names are configurable; existing groups are referenced, not created', () => {
    const named = synthClients(tenantProps({}, { groups: RoleGroups.owned({ admin: 'acme-admins' }) }));
    expect(ofKind(named.objects, 'KeycloakRealmGroup').map((g) => g.spec.name)).toEqual(['acme-admins', `${CLIENT_ID}-editor`, `${CLIENT_ID}-viewer`]);
    const existing = synthClients(tenantProps({}, { groups: RoleGroups.existing({ admin: 'Acme Admins', viewer: 'acme-viewers' }) }));
    expect(ofKind(existing.objects, 'KeycloakRealmGroup')).toEqual([]);
    const path = existing.clients[0].grafanaSettings['auth.generic_oauth'].role_attribute_path;
    expect(path).toContain("'Acme Admins'");
    expect(path).not.toContain('Editor');
    expect(existing.clients[0].editorGroup).toBeUndefined();
  });

  test('a KeycloakRealm (namespaced) realm is referenced by kind KeycloakRealm', () => {
    const { objects: o } = synthClients(tenantProps({}, { realm: RealmRef.keycloakRealm('main') }));
    for (const kind of ['KeycloakClient', 'KeycloakClientScope', 'KeycloakRealmGroup']) {
      for (const obj of ofKind(o, kind)) expect(obj.spec.realmRef).toEqual({ name: 'main', kind: 'KeycloakRealm' });
    }
  });
});

describe('System mode: Grafana [auth.generic_oauth] (seed 004 settings)', () => {
  const { clients } = synthClients(tenantProps());
  const oauth = clients[0].grafanaSettings['auth.generic_oauth'];

  test('issuer-derived endpoints, client_id, scopes with the audience scope, PKCE, attribute paths', () => {
    expect(oauth).toMatchObject({
      enabled: true,
      name: 'Keycloak',
      client_id: CLIENT_ID,
      auth_url: `${ISSUER}/protocol/openid-connect/auth`,
      token_url: `${ISSUER}/protocol/openid-connect/token`,
      api_url: `${ISSUER}/protocol/openid-connect/userinfo`,
      use_pkce: true,
      email_attribute_path: 'email',
      groups_attribute_path: 'groups',
      role_attribute_strict: true,
      allow_assign_grafana_admin: false,
    });
    // keycloak AuthorizationEndpointChecker.checkValidScope: a requested scope the client does not
    // have yet fails with invalid_scope; the groups and audience scopes are the client's default
    // client scopes (below), which Keycloak applies without their being requested.
    expect(oauth.scopes).toBe('openid email profile');
    expect(clients[0].grafanaSettings.server.root_url).toBe('https://grafana.acme.example.com/');
  });

  test('client_secret is never literal: absent from grafana.ini, delivered from the Secret', () => {
    expect(oauth.client_secret).toBeUndefined();
    expect(clients[0].grafanaHelmValues!.envValueFrom).toEqual({
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: 'monitoring-oidc-client', key: 'client-secret' } },
    });
    expect(clients[0].grafanaEnv).toContainEqual({
      name: 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET',
      valueFrom: { secretKeyRef: { name: 'monitoring-oidc-client', key: 'client-secret' } },
    });
  });

  test('signout_redirect_url only on request, to the end-session endpoint, back to Grafana', () => {
    expect(oauth.signout_redirect_url).toBeUndefined();
    const { clients: c, objects } = synthClients(tenantProps({}, { signOutOfKeycloak: true }));
    expect(c[0].grafanaSettings['auth.generic_oauth'].signout_redirect_url).toBe(
      `${ISSUER}/protocol/openid-connect/logout?client_id=${CLIENT_ID}&post_logout_redirect_uri=https%3A%2F%2Fgrafana.acme.example.com%2Flogin`,
    );
    expect(one(objects, 'KeycloakClient').spec.attributes['post.logout.redirect.uris']).toBe('https://grafana.acme.example.com/login');
  });

  test('grafana-operator output: spec.config as strings, the secret through spec.deployment env', () => {
    const { objects } = synthClients(tenantProps());
    const grafana = one(objects, 'Grafana');
    expect(grafana.metadata).toEqual({ name: 'grafana', namespace: 'tenant-acme' });
    for (const keys of Object.values(grafana.spec.config) as any[]) {
      for (const value of Object.values(keys)) expect(typeof value).toBe('string');
    }
    expect(grafana.spec.config['auth.generic_oauth'].role_attribute_strict).toBe('true');
    expect(grafana.spec.config['auth.generic_oauth'].client_secret).toBeUndefined();
    expect(grafana.spec.deployment.spec.template.spec.containers).toEqual([
      {
        name: 'grafana',
        env: [{ name: 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'monitoring-oidc-client', key: 'client-secret' } } }],
      },
    ]);
  });

  test('env output: ConfigMap of literal GF_* values, the secret stays a secretKeyRef', () => {
    const { objects } = synthClients(tenantProps());
    const cm = one(objects, 'ConfigMap');
    expect(cm.metadata.name).toBe('monitoring-grafana-env');
    expect(cm.data.GF_AUTH_GENERIC_OAUTH_CLIENT_ID).toBe(CLIENT_ID);
    expect(cm.data.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET).toBeUndefined();
  });
});

describe('System mode: the role path, evaluated with JMESPath on claim sets', () => {
  const admin = `${CLIENT_ID}-admin`;
  const editor = `${CLIENT_ID}-editor`;
  const viewer = `${CLIENT_ID}-viewer`;
  const tenant = synthClients(tenantProps()).clients[0].grafanaSettings;

  test.each([
    ['admin', { groups: [admin] }, 'Admin'],
    ['editor', { groups: [editor] }, 'Editor'],
    ['viewer', { groups: [viewer] }, 'Viewer'],
    ['none of the groups', { groups: ['other-tenant-monitoring-admin'] }, 'denied'],
    ['no groups claim at all', { email: 'x@example.com' }, 'denied'],
    ['empty groups', { groups: [] }, 'denied'],
    ['both viewer and admin (highest wins)', { groups: [viewer, admin] }, 'Admin'],
    ['editor and viewer', { groups: [viewer, editor] }, 'Editor'],
    ['full group paths (Keycloak default mapper)', { groups: [`/${editor}`] }, 'Editor'],
    ['a similar but different group', { groups: [`${admin}s`, `x${viewer}`] }, 'denied'],
  ])('tenant instance, %s', (_name, claims, expected) => {
    expect(grafanaRole(tenant, claims)).toBe(expected);
  });

  test('tenant instance never yields GrafanaAdmin', () => {
    expect(tenant['auth.generic_oauth'].role_attribute_path).not.toContain('GrafanaAdmin');
    expect(tenant['auth.generic_oauth'].allow_assign_grafana_admin).toBe(false);
  });

  test('platform instance: the admin group gets GrafanaAdmin, and allow_assign_grafana_admin is on', () => {
    const platform = synthClients({ ...tenantProps({ namespace: 'cozy-monitoring', release: 'monitoring-system' }, { grafanaAdmin: true }) }).clients[0].grafanaSettings;
    const admins = 'cozy-monitoring-monitoring-system-admin';
    expect(platform['auth.generic_oauth'].allow_assign_grafana_admin).toBe(true);
    expect(jmesRaw(platform, { groups: [admins] })).toBe('GrafanaAdmin');
    expect(grafanaRole(platform, { groups: [admins] })).toBe('GrafanaAdmin');
    expect(grafanaRole(platform, { groups: ['cozy-monitoring-monitoring-system-viewer', admins] })).toBe('GrafanaAdmin');
    expect(grafanaRole(platform, { groups: ['cozy-monitoring-monitoring-system-editor'] })).toBe('Editor');
    expect(grafanaRole(platform, { groups: [`${CLIENT_ID}-admin`] })).toBe('denied');
  });

  test('an explicit fallback role replaces denial', () => {
    const fallback = synthClients(tenantProps({}, { fallbackRole: GrafanaRole.VIEWER })).clients[0].grafanaSettings;
    expect(grafanaRole(fallback, { groups: ['someone-else'] })).toBe('Viewer');
    expect(grafanaRole(fallback, { groups: [admin] })).toBe('Admin');
  });

  test("Cozystack's expression (for contrast) hands everyone Viewer and never GrafanaAdmin", () => {
    const cozy = {
      'auth.generic_oauth': {
        role_attribute_path: `contains(groups[*], '${admin}') && 'Admin' || contains(groups[*], '${editor}') && 'Editor' || contains(groups[*], '${viewer}') && 'Viewer' || 'Viewer'`,
        allow_assign_grafana_admin: 'true',
        role_attribute_strict: 'false',
      },
    };
    expect(grafanaRole(cozy, { groups: ['other-tenant'] })).toBe('Viewer');
    expect(grafanaRole(cozy, { groups: [admin] })).toBe('Admin');
  });
});

function jmesRaw(settings: any, claims: unknown): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@jmespath-community/jmespath').search(claims, settings['auth.generic_oauth'].role_attribute_path);
}

describe('isolation between instances', () => {
  test('two instances never share a clientId, audience or groups', () => {
    const { objects, clients } = synthClients(
      tenantProps(),
      tenantProps({ namespace: 'tenant-bob' }),
      tenantProps({ namespace: 'cozy-monitoring', release: 'monitoring-system', grafanaHost: 'grafana.example.com' }, { grafanaAdmin: true }),
    );
    const clientIds = ofKind(objects, 'KeycloakClient').map((c) => c.spec.clientId);
    const audiences = ofKind(objects, 'KeycloakClientScope').map((s) => s.spec.protocolMappers[0].config['included.client.audience']);
    expect(new Set(clientIds).size).toBe(3);
    expect(audiences).toEqual(clientIds);
    expect(new Set(ofKind(objects, 'KeycloakRealmGroup').map((g) => g.spec.name)).size).toBe(9);
    // A member of bob's admin group gets nothing from acme's Grafana.
    expect(grafanaRole(clients[0].grafanaSettings, { groups: ['tenant-bob-monitoring-admin'] })).toBe('denied');
  });
});

describe('None mode', () => {
  test('renders nothing', () => {
    const { objects, clients } = synthClients({ namespace: 'tenant-acme', release: 'monitoring', grafanaHost: 'grafana.acme.example.com', mode: OidcMode.none() });
    expect(objects).toEqual([]);
    expect(clients[0].grafanaSettings).toEqual({});
    expect(clients[0].grafanaHelmValues).toBeUndefined();
    expect(clients[0].clientId).toBeUndefined();
  });
});

describeWithReference('System mode against upstream schemas and key lists', () => {
  const all = synthClients(
    tenantProps({}, { signOutOfKeycloak: true }),
    tenantProps({ namespace: 'cozy-monitoring', release: 'monitoring-system', grafanaHost: 'grafana.example.com' }, { grafanaAdmin: true }),
    tenantProps({ namespace: 'tenant-own', grafanaOutputs: [GrafanaOutput.operator()] }, { groups: RoleGroups.existing({ admin: 'x' }) }),
  );

  test('every CR validates against the keycloak-operator and grafana-operator CRDs', () => {
    expect(all.objects.length).toBeGreaterThan(10);
    expect(validateManifests(all.objects)).toEqual([]);
  });

  test('every emitted Grafana key exists in defaults.ini, every env var names a real key', () => {
    for (const client of all.clients) {
      expect(unknownGrafanaKeys(client.grafanaSettings)).toEqual([]);
      for (const v of client.grafanaEnv ?? []) expect(isKnownGrafanaEnvVar(v.name)).toBe(true);
    }
    for (const cm of ofKind(all.objects, 'ConfigMap')) {
      for (const name of Object.keys(cm.data)) expect(isKnownGrafanaEnvVar(name)).toBe(true);
    }
  });

  test('every Helm values path exists in the Grafana chart', () => {
    expect(unknownHelmValuePaths(all.clients[0].grafanaHelmValues, 'grafana')).toEqual([]);
  });
});
