import { App, Chart, Testing } from 'cdk8s';
import { REALM, systemOptions, tenantProps } from './helpers';
import { ClientSecret, GrafanaOutput, GrafanaRole, KeycloakGrafanaClient, KeycloakGrafanaClientProps, KeycloakGrafanaUser, OidcMode, RealmRef, RoleGroups } from '../../src';

function errorOf(build: (chart: Chart) => void): string {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test');
  try {
    build(chart);
    app.synthYaml();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const client = (props: KeycloakGrafanaClientProps) => (chart: Chart) => new KeycloakGrafanaClient(chart, 'grafana-oidc', props);
const PREFIX = "KeycloakGrafanaClient at 'test/grafana-oidc': prop ";

describe('bad modes fail as clearly as Cozystack’s hard-fails', () => {
  test('System without the platform OIDC flag', () => {
    const message = errorOf(client(tenantProps({}, { platformOidcEnabled: false })));
    expect(message).toBe(
      `${PREFIX}'mode.platformOidcEnabled' has value false: OidcMode.system() requires the platform-level OIDC feature (Cozystack: authentication.oidc.enabled), which provisions the realm this client lives in. ` +
        'Fix: enable the platform OIDC feature and pass platformOidcEnabled: true, or use OidcMode.customConfig() for a tenant-supplied issuer',
    );
  });

  test('CustomConfig with both payloads', () => {
    const message = errorOf(client({ ...tenantProps(), mode: OidcMode.customConfig({ config: { client_id: 'x' }, secretName: 'byo' }) }));
    expect(message).toContain(`${PREFIX}'mode.customConfig' has value {"config":["client_id"],"secretName":"byo"}`);
    expect(message).toContain('set exactly one of `config` (inline generic_oauth map) or `secretName`');
    expect(message).toContain('mutually exclusive');
    expect(message).toContain('Fix: keep one');
  });

  test('CustomConfig with neither payload', () => {
    const message = errorOf(client({ ...tenantProps(), mode: OidcMode.customConfig({}) }));
    expect(message).toContain(`${PREFIX}'mode.customConfig'`);
    expect(message).toContain('OidcMode.customConfig() requires either `config` (inline generic_oauth map) or `secretName`');
    expect(message).toContain('Fix: pass e.g.');
  });
});

describe('bad props name the path, the prop, the value and the fix', () => {
  test.each<[string, KeycloakGrafanaClientProps, string, RegExp]>([
    ['namespace', tenantProps({ namespace: 'Tenant_Acme' }), "'namespace' has value \"Tenant_Acme\"", /Fix: use 'tenant-acme'/],
    ['release', tenantProps({ release: 'mon.itoring' }), "'release' has value \"mon.itoring\"", /DNS-1123 label/],
    ['grafanaHost', tenantProps({ grafanaHost: 'https://grafana.acme.example.com' }), "'grafanaHost' has value", /Fix: write the host alone: 'grafana.acme.example.com'/],
    ['issuer trailing slash', tenantProps({}, { issuerUrl: 'https://keycloak.example.com/realms/cozy/' }), "'mode.issuerUrl'", /Fix: write 'https:\/\/keycloak.example.com\/realms\/cozy'/],
    ['issuer http', tenantProps({}, { issuerUrl: 'http://keycloak.example.com/realms/cozy' }), "'mode.issuerUrl'", /must use https/],
    ['issuer without realm', tenantProps({}, { issuerUrl: 'https://keycloak.example.com/' }), "'mode.issuerUrl'", /ends with '\/realms\/<realm>'/],
    ['realm name', tenantProps({}, { realm: RealmRef.keycloakRealm('Cozy Realm') }), "'mode.realm.name' has value \"Cozy Realm\"", /DNS-1123 subdomain/],
    ['secret key', tenantProps({}, { clientSecret: ClientSecret.fromExistingSecret({ secretName: 'oidc', key: 'client secret' }) }), "'mode.clientSecret.key'", /Fix: use a key such as 'client-secret'/],
    ['short secret value', tenantProps({}, { clientSecret: ClientSecret.createWithValue({ secretName: 'oidc', value: 'abc' }) }), "'mode.clientSecret.value' has value \"<redacted>\"", /at least 16 characters/],
    ['GrafanaAdmin fallback', tenantProps({}, { fallbackRole: GrafanaRole.GRAFANA_ADMIN }), "'mode.fallbackRole' has value \"GrafanaAdmin\"", /every user of the realm/],
    ['no existing group', tenantProps({}, { groups: RoleGroups.existing({}) }), "'mode.groups'", /at least one of admin, editor and viewer/],
    ['existing group path', tenantProps({}, { groups: RoleGroups.existing({ admin: '/parent/admins' }) }), "'mode.groups.admin'", /Fix: give the name alone: 'admins'/],
    ['owned group name', tenantProps({}, { groups: RoleGroups.owned({ admin: 'Acme Admins' }) }), "'mode.groups.admin'", /KeycloakRealmGroup name/],
    ['duplicate group', tenantProps({}, { groups: RoleGroups.owned({ admin: 'g', editor: 'g' }) }), "'mode.groups.editor' has value \"g\"", /already the admin group/],
    ['groups scope', tenantProps({}, { groupsScopeName: 'groups audience' }), "'mode.groupsScopeName'", /no spaces/],
    ['outputs in None mode', { ...tenantProps(), mode: OidcMode.none() }, "'grafanaOutputs'", /renders nothing/],
    ['unknown inline key', { ...tenantProps(), mode: OidcMode.customConfig({ config: { clientid: 'x' } }) }, "'mode.customConfig.config' has value \"clientid\"", /not a key of \[auth.generic_oauth\]/],
    ['literal client_secret', { ...tenantProps(), mode: OidcMode.customConfig({ config: { client_secret: 'hunter2hunter2' } }) }, "'mode.customConfig.config' has value {\"client_secret\":\"<redacted>\"}", /Fix: remove client_secret and pass clientSecret/],
    ['useless allow_assign_grafana_admin', { ...tenantProps(), mode: OidcMode.customConfig({ config: { role_attribute_path: "contains(groups[*], 'a') && 'Admin'", allow_assign_grafana_admin: 'true' } }) }, "'mode.customConfig.config.allow_assign_grafana_admin'", /never returns 'GrafanaAdmin'/],
    ['GrafanaAdmin without the flag', { ...tenantProps(), mode: OidcMode.customConfig({ config: { role_attribute_path: "contains(groups[*], 'a') && 'GrafanaAdmin'" } }) }, "'mode.customConfig.config.allow_assign_grafana_admin' is missing", /set allow_assign_grafana_admin: 'true'/],
    ['bad role path', { ...tenantProps(), mode: OidcMode.customConfig({ config: { role_attribute_path: "contains(groups[*], 'a') && 'Superuser'" } }) }, "'mode.customConfig.config.role_attribute_path'", /"Superuser", which is not a Grafana role/],
    ['clientSecret with secretName', { ...tenantProps(), mode: OidcMode.customConfig({ secretName: 'byo', clientSecret: { secretName: 'x', key: 'y' } }) }, "'mode.customConfig.clientSecret'", /the Secret itself carries/],
    ['Pomerium authenticate URL with a path', tenantProps({ grafanaHost: undefined, grafanaOutputs: undefined }, { pomeriumIdp: { authenticateServiceUrl: 'https://authenticate.example.com/oauth2' } }), "'mode.pomeriumIdp.authenticateServiceUrl'", /Fix: write 'https:\/\/authenticate.example.com'/],
    ['Grafana outputs with a Pomerium IdP', tenantProps({ grafanaHost: undefined, grafanaOutputs: [GrafanaOutput.helmValues()] }, { pomeriumIdp: { authenticateServiceUrl: 'https://authenticate.example.com' } }), "'grafanaOutputs'", /AuthFlow.jwt\(\{ roleMapping: client.roleMapping \}\)/],
    // The client serves Pomerium: Keycloak redirects to the authenticate host, and Grafana's host is its route's.
    ['grafanaHost with a Pomerium IdP', tenantProps({ grafanaOutputs: undefined }, { pomeriumIdp: { authenticateServiceUrl: 'https://authenticate.example.com' } }), "'grafanaHost' has value \"grafana.acme.example.com\"", /Fix: leave grafanaHost out/],
    ['no grafanaHost without a Pomerium IdP', tenantProps({ grafanaHost: undefined }), "'grafanaHost' is missing", /Fix: give a host name/],
  ])('%s', (_name, props, prop, fix) => {
    const message = errorOf(client(props));
    expect(message.startsWith(PREFIX)).toBe(true);
    expect(message).toContain(prop);
    expect(message).toMatch(/ Fix: /);
    expect(message).toMatch(fix);
  });

  test('the secret value never appears in an error', () => {
    const message = errorOf(client(tenantProps({}, { clientSecret: ClientSecret.createWithValue({ secretName: 'oidc', value: 'short' }) })));
    expect(message).not.toContain('short');
  });

  test('two instances with the same clientId are refused, naming both', () => {
    const message = errorOf((chart) => {
      new KeycloakGrafanaClient(chart, 'a', tenantProps({ namespace: 'tenant', release: 'acme-monitoring' }));
      new KeycloakGrafanaClient(chart, 'b', tenantProps({ namespace: 'tenant-acme', release: 'monitoring' }));
    });
    expect(message).toContain("KeycloakGrafanaClient at 'test/b': prop 'release' has value \"tenant-acme-monitoring\"");
    expect(message).toContain("already used by the KeycloakGrafanaClient at 'test/a'");
    expect(message).toContain('Fix: give each instance its own namespace/release pair');
  });

  test('KeycloakGrafanaUser refuses a user in no group and a bad email', () => {
    const user = (extra: object) => (chart: Chart) =>
      new KeycloakGrafanaUser(chart, 'alice', { namespace: 'tenant-acme', realm: REALM, username: 'alice', groups: ['g'], ...extra });
    expect(errorOf(user({ groups: [] }))).toMatch(/^KeycloakGrafanaUser at 'test\/alice': prop 'groups' has value \[\]: .*denied.* Fix: pass e.g./);
    expect(errorOf(user({ email: 'alice' }))).toMatch(/prop 'email' has value "alice": not an email address\. Fix:/);
    expect(errorOf(user({ passwordSecret: { secretName: 'Alice', key: 'password' } }))).toMatch(/prop 'passwordSecret.secretName' has value "Alice"/);
    expect(errorOf(user({ temporaryPassword: false }))).toMatch(/prop 'temporaryPassword'.*applies only with passwordSecret/);
  });

  test('a non-OidcMode mode is refused', () => {
    expect(errorOf(client({ ...tenantProps(), mode: 'System' as any }))).toContain(`${PREFIX}'mode' has value "System": an OidcMode is required`);
    expect(systemOptions().platformOidcEnabled).toBe(true);
  });
});
