import { grafanaRole, one, ofKind, synthClients } from './helpers';
import { GrafanaOutput, OidcMode } from '../../src';
import { isKnownGrafanaEnvVar, unknownGrafanaKeys } from '../support/grafana-ini';
import { unknownHelmValuePaths } from '../support/helm-values';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';

const INLINE = {
  client_id: 'my-grafana',
  auth_url: 'https://idp.acme.example/protocol/openid-connect/auth',
  token_url: 'https://idp.acme.example/protocol/openid-connect/token',
  api_url: 'https://idp.acme.example/protocol/openid-connect/userinfo',
  scopes: 'openid email profile groups',
  role_attribute_path: "contains(groups[*], 'grafana-admins') && 'Admin' || contains(groups[*], 'grafana-viewers') && 'Viewer'",
};

const base = { namespace: 'tenant-byo', release: 'monitoring', grafanaHost: 'grafana.byo.example.com' };
const ALL_OUTPUTS = [GrafanaOutput.helmValues(), GrafanaOutput.envVars(), GrafanaOutput.operator({ grafanaName: 'grafana' })];

describe('CustomConfig inline', () => {
  const { objects, clients } = synthClients({
    ...base,
    mode: OidcMode.customConfig({ config: INLINE, clientSecret: { secretName: 'byo-oidc', key: 'client-secret' } }),
    grafanaOutputs: ALL_OUTPUTS,
  });
  const oauth = clients[0].grafanaSettings['auth.generic_oauth'];

  test('no Keycloak objects: the tenant issuer is trusted directly', () => {
    expect(objects.filter((o) => o.apiVersion.startsWith('v1.edp.epam.com'))).toEqual([]);
  });

  test('the tenant map is kept, over deny-by-default and PKCE defaults', () => {
    expect(oauth).toEqual({ enabled: true, use_pkce: true, role_attribute_strict: true, ...INLINE });
    expect(clients[0].grafanaSettings.server.root_url).toBe('https://grafana.byo.example.com/');
    expect(grafanaRole(clients[0].grafanaSettings, { groups: ['someone'] })).toBe('denied');
    expect(grafanaRole(clients[0].grafanaSettings, { groups: ['grafana-admins'] })).toBe('Admin');
  });

  test('the client secret comes from a secretKeyRef in every form', () => {
    expect(clients[0].grafanaHelmValues!.envValueFrom.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET).toEqual({ secretKeyRef: { name: 'byo-oidc', key: 'client-secret' } });
    const grafana = one(objects, 'Grafana');
    expect(grafana.spec.deployment.spec.template.spec.containers[0].env[0].name).toBe('GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET');
    expect(JSON.stringify(objects)).not.toMatch(/client_secret/);
  });

  test('the tenant may choose its own fallback explicitly', () => {
    const { clients: c } = synthClients({
      ...base,
      mode: OidcMode.customConfig({ config: { ...INLINE, role_attribute_path: "contains(groups[*], 'a') && 'Admin' || 'Viewer'", role_attribute_strict: 'false' } }),
    });
    expect(grafanaRole(c[0].grafanaSettings, { groups: [] })).toBe('Viewer');
  });

  test('$__file{} and $__env{} client_secret references are accepted', () => {
    const { clients: c } = synthClients({ ...base, mode: OidcMode.customConfig({ config: { ...INLINE, client_secret: '$__file{/etc/secrets/oidc/client-secret}' } }) });
    expect(c[0].grafanaSettings['auth.generic_oauth'].client_secret).toBe('$__file{/etc/secrets/oidc/client-secret}');
  });
});

describe('CustomConfig from a Secret (delivered so Grafana reads it: envFrom, not GF_PATHS_CUSTOM_INI)', () => {
  const { objects, clients } = synthClients({ ...base, mode: OidcMode.customConfig({ secretName: 'acme-byo-grafana-auth' }), grafanaOutputs: ALL_OUTPUTS });

  test('Helm values: envFromSecrets', () => {
    expect(clients[0].grafanaHelmValues!.envFromSecrets).toEqual([{ name: 'acme-byo-grafana-auth' }]);
  });

  test('env output: envFrom source exposed', () => {
    expect(clients[0].grafanaEnvFrom).toEqual([{ secretRef: { name: 'acme-byo-grafana-auth' } }]);
  });

  test('grafana-operator: spec.deployment envFrom on the grafana container', () => {
    expect(one(objects, 'Grafana').spec.deployment.spec.template.spec.containers).toEqual([
      { name: 'grafana', envFrom: [{ secretRef: { name: 'acme-byo-grafana-auth' } }] },
    ]);
  });

  test('no GF_PATHS_CUSTOM_INI and no auth.ini mount anywhere', () => {
    const text = JSON.stringify([objects, clients[0].grafanaHelmValues, clients[0].grafanaEnv]);
    expect(text).not.toContain('CUSTOM_INI');
    expect(text).not.toContain('auth.ini');
  });

  test('safe defaults in grafana.ini, which the Secret may override', () => {
    expect(clients[0].grafanaSettings['auth.generic_oauth']).toEqual({ use_pkce: true, role_attribute_strict: true });
  });
});

describeWithReference('CustomConfig against upstream schemas and key lists', () => {
  const all = synthClients(
    { ...base, mode: OidcMode.customConfig({ config: INLINE, clientSecret: { secretName: 'byo-oidc', key: 'client-secret' } }), grafanaOutputs: ALL_OUTPUTS },
    { ...base, namespace: 'tenant-byo2', mode: OidcMode.customConfig({ secretName: 'acme-byo-grafana-auth' }), grafanaOutputs: ALL_OUTPUTS },
  );

  test('objects validate', () => {
    expect(ofKind(all.objects, 'Grafana')).toHaveLength(2);
    expect(validateManifests(all.objects)).toEqual([]);
  });

  test('keys, env vars and Helm values paths are known upstream', () => {
    for (const c of all.clients) {
      expect(unknownGrafanaKeys(c.grafanaSettings)).toEqual([]);
      expect(unknownHelmValuePaths(c.grafanaHelmValues, 'grafana')).toEqual([]);
      for (const v of c.grafanaEnv ?? []) expect(isKnownGrafanaEnvVar(v.name)).toBe(true);
    }
  });
});
