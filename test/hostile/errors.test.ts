import { App, Chart, Testing } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaIsolation, GrafanaOutput, GrafanaRole, GrafanaTarget, JwtKeySource, KeycloakGrafanaClient,
  KeycloakGrafanaUser, OidcMode, RoleGroups, RoleMapping,
} from '../../src';
import { seedGrafana, SeedOverrides } from '../grafana-behind-pomerium/fixtures';
import { REALM, tenantProps } from '../keycloak/helpers';
import { errorOf, synth } from '../support/synth';

/*
 * Issue 19, "Output whose meaning a string can change" and "Errors that miss the promise":
 * each hostile or careless prop fails at synth with ONE message naming the construct path,
 * the prop, the value and a fix. The messages are asserted whole.
 */

const ROUTE = "GrafanaBehindPomerium at 'test/grafana'";

function routeError(overrides: SeedOverrides): string {
  return errorOf(() => synth((chart) => seedGrafana(chart, overrides)));
}

describe('strings that would change grafana.ini (Grafana chart: `key = {{ tpl $value $ }}`, go-ini)', () => {
  test('a group name with a line break would add an ini line', () => {
    const group = 'sre\nallow_assign_grafana_admin = true';
    expect(routeError({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group, role: GrafanaRole.VIEWER }]) }) })).toBe(
      `${ROUTE}: prop 'authFlow.roleMapping.group' has value "sre\\nallow_assign_grafana_admin = true": the value contains a line feed (LF) (U+000A) at position 3; `
      + 'line breaks and other control characters change the structure of the file that carries it (grafana.ini, YAML, a JMESPath expression). Fix: remove the control characters');
  });

  test('a group name with {{ would run as a Helm template', () => {
    expect(routeError({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group: '{{ .Values.adminPassword }}', role: GrafanaRole.ADMIN }]) }) })).toBe(
      `${ROUTE}: prop 'authFlow.roleMapping.group' has value "{{ .Values.adminPassword }}": the value contains '{{', and the Grafana chart renders grafana.ini values through Helm's tpl `
      + "(charts/grafana/templates/_config.tpl), so Helm would evaluate it as a template. Fix: rename the group: a name with '{{' cannot be written into grafana.ini safely");
  });

  test('an expression with a line break', () => {
    expect(routeError({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression("contains(groups[*],'sre') && 'Admin'\n|| 'Viewer'") }) })).toBe(
      `${ROUTE}: prop 'authFlow.roleMapping' has value "contains(groups[*],'sre') && 'Admin'\\n|| 'Viewer'": the value contains a line feed (LF) (U+000A) at position 36; `
      + 'line breaks and other control characters change the structure of the file that carries it (grafana.ini, YAML, a JMESPath expression). Fix: remove the control characters');
  });

  test('an expression that is one quoted literal loses its quotes in go-ini', () => {
    expect(routeError({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression("'Admin'") }) })).toBe(
      `${ROUTE}: prop 'authFlow.roleMapping' has value "'Admin'": go-ini drops the quotes around a value, so Grafana would read "Admin". Fix: write the value without the surrounding quotes`);
  });

  test('an extra setting that smuggles a section', () => {
    expect(routeError({ extraGrafanaSettings: { users: { default_theme: "light\n[auth.jwt]\nrole_attribute_path = 'GrafanaAdmin'" } } })).toBe(
      `${ROUTE}: prop 'extraGrafanaSettings.users.default_theme' has value "light\\n[auth.jwt]\\nrole_attribute_path = 'GrafanaAdmin'": the value contains a line feed (LF) (U+000A) at position 5; `
      + 'line breaks and other control characters change the structure of the file that carries it (grafana.ini, YAML, a JMESPath expression). Fix: remove the control characters');
  });

  test('an extra setting with {{ is refused unless opted in by name', () => {
    expect(routeError({ extraGrafanaSettings: { server: { domain: '{{ .Release.Name }}' } } })).toBe(
      `${ROUTE}: prop 'extraGrafanaSettings.server.domain' has value "{{ .Release.Name }}": the value contains '{{', and the Grafana chart renders grafana.ini values through Helm's tpl `
      + "(charts/grafana/templates/_config.tpl), so Helm would evaluate it as a template. Fix: remove '{{', or set extraGrafanaSettingsHelmTemplatesUnsafe: true if the Grafana chart should evaluate it");
    const { result } = synth((chart) => seedGrafana(chart, { extraGrafanaSettings: { server: { domain: '{{ .Release.Name }}' } }, extraGrafanaSettingsHelmTemplatesUnsafe: true }));
    expect(result.grafanaSettings.server.domain).toBe('{{ .Release.Name }}');
    // The opt-in is for templates only: a line break stays refused.
    expect(routeError({ extraGrafanaSettings: { server: { domain: 'a\r' } }, extraGrafanaSettingsHelmTemplatesUnsafe: true })).toContain(
      "prop 'extraGrafanaSettings.server.domain' has value \"a\\r\": the value contains a carriage return (CR) (U+000D) at position 1");
  });

  test('the opt-in without extra settings is refused', () => {
    expect(routeError({ extraGrafanaSettingsHelmTemplatesUnsafe: true })).toBe(
      `${ROUTE}: prop 'extraGrafanaSettingsHelmTemplatesUnsafe' has value true: it applies to extraGrafanaSettings, and none are given. Fix: leave it out`);
  });

  test('go-ini structure without a line break: trailing backslash, leading backtick or """, surrounding spaces', () => {
    const setting = (value: string) => routeError({ extraGrafanaSettings: { users: { default_theme: value } } });
    expect(setting('light\\')).toBe(`${ROUTE}: prop 'extraGrafanaSettings.users.default_theme' has value "light\\\\": `
      + 'go-ini reads a trailing backslash as "continued on the next line", which would swallow the next setting. Fix: do not end the value with a backslash');
    expect(setting('`light')).toBe(`${ROUTE}: prop 'extraGrafanaSettings.users.default_theme' has value "\`light": `
      + 'go-ini reads a value starting with a backtick or """ as a quoted value that may run over the following lines. Fix: do not start the value with a backtick or """');
    expect(setting('"""light')).toContain('go-ini reads a value starting with a backtick or """');
    expect(setting(' light')).toBe(`${ROUTE}: prop 'extraGrafanaSettings.users.default_theme' has value " light": go-ini drops spaces around a value`.replace('go-ini', "Grafana's ini parser (go-ini)")
      + '. Fix: write "light"');
  });

  test('section and key names that cdk8s cannot render or ini cannot hold', () => {
    expect(routeError({ extraGrafanaSettings: { constructor: { a: 'b' } } as any })).toBe(
      `${ROUTE}: prop 'extraGrafanaSettings' has value "constructor": 'constructor' cannot be a grafana.ini section name: cdk8s cannot render an object with this key `
      + "(it reads it as the object's prototype machinery). Fix: use another name, e.g. a prefixed one such as 'example.com/constructor'");
    expect(routeError({ extraGrafanaSettings: { 'users]\n[auth.jwt': { a: 'b' } } })).toContain("prop 'extraGrafanaSettings' has value \"users]\\n[auth.jwt\": not a grafana.ini section name");
  });

  test('a custom OIDC config value with a line break', () => {
    const error = errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({
      mode: OidcMode.customConfig({ config: { client_id: 'grafana', scopes: "openid\nrole_attribute_path = 'GrafanaAdmin'" } }),
      grafanaOutputs: [GrafanaOutput.helmValues()],
    })));
    expect(error).toBe("KeycloakGrafanaClient at 'test/client': prop 'mode.customConfig.config.scopes' has value \"openid\\nrole_attribute_path = 'GrafanaAdmin'\": "
      + 'the value contains a line feed (LF) (U+000A) at position 6; line breaks and other control characters change the structure of the file that carries it '
      + '(grafana.ini, YAML, a JMESPath expression). Fix: remove the control characters');
  });

  test('an expected claim with {{ (JSON escapes quotes, not templates)', () => {
    expect(routeError({ authFlow: AuthFlow.jwt({ extraExpectedClaims: { tenant: '{{ .Release.Namespace }}' } }) })).toContain(
      "prop 'authFlow.extraExpectedClaims.tenant' has value \"{{ .Release.Namespace }}\": the value contains '{{', and the Grafana chart renders grafana.ini values through Helm's tpl");
  });

  test('a tls_client_ca path with a line break', () => {
    expect(routeError({ authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks({ tlsClientCaFile: '/etc/ca.crt\nkey_file = /tmp/k' }) }) })).toContain(
      "prop 'authFlow.keySource.tlsClientCaFile' has value \"/etc/ca.crt\\nkey_file = /tmp/k\": the value contains a line feed (LF)");
  });

  test('existing Keycloak role groups and the login label', () => {
    expect(errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({}, { groups: RoleGroups.existing({ admin: 'ops {{ .Values.x }}' }) })))).toBe(
      "KeycloakGrafanaClient at 'test/client': prop 'mode.groups.admin' has value \"ops {{ .Values.x }}\": the value contains '{{', and the Grafana chart renders grafana.ini values "
      + "through Helm's tpl (charts/grafana/templates/_config.tpl), so Helm would evaluate it as a template. Fix: remove '{{'");
    const error = errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({}, { groups: undefined, displayName: '"Keycloak"' })));
    expect(error).toBe("KeycloakGrafanaClient at 'test/client': prop 'mode.displayName' has value \"\\\"Keycloak\\\"\": go-ini drops the quotes around a value, "
      + 'so Grafana would read "Keycloak". Fix: write the value without the surrounding quotes');
  });
});

describe('strings that would change a Pomerium route (chart: `tpl (toYaml .Values.config.routes)`)', () => {
  const ppl = "the value contains '{{', and the Pomerium chart renders its routes through Helm's tpl (pomerium-helm templates/_helpers.tpl), so Helm would evaluate it as a template";
  test.each([
    ['groups', AccessPolicy.groups('{{ .Values.x }}')],
    ['claim', AccessPolicy.claim('department', '{{ .Values.x }}')],
    ['directory groups', AccessPolicy.directoryGroupsEnterprise('{{ .Values.x }}')],
  ])('%s with {{', (_name, policy) => {
    expect(routeError({ policy })).toBe(`${ROUTE}: prop 'policy' has value "{{ .Values.x }}": ${ppl}. Fix: remove '{{': no identity provider value needs it`);
  });

  test('a group with a line break', () => {
    expect(routeError({ policy: AccessPolicy.groups('sre\nx') })).toContain("prop 'policy' has value \"sre\\nx\": the value contains a line feed (LF) (U+000A) at position 3");
  });
});

describe('variant-typed props: a non-instance fails with the prop and fix, null is not undefined', () => {
  test('authFlow as a string', () => {
    expect(routeError({ authFlow: 'jwt' as any })).toBe(
      `${ROUTE}: prop 'authFlow' has value "jwt": an AuthFlow is required (not a string). Fix: use AuthFlow.jwt({...}) or AuthFlow.headers({...})`);
  });

  test('authFlow: null', () => {
    expect(routeError({ authFlow: null as any })).toBe(
      `${ROUTE}: prop 'authFlow' has value null: null does not mean the default; an AuthFlow is required. Fix: leave the prop out for the default, or use AuthFlow.jwt({...}) or AuthFlow.headers({...})`);
  });

  test.each([
    ['policy', { policy: null as any }, "prop 'policy' has value null: null does not mean the default; an AccessPolicy is required. Fix: build one"],
    ['grafana', { grafana: 'grafana' as any }, "prop 'grafana' has value \"grafana\": a GrafanaTarget is required (not a string). Fix: use GrafanaTarget.existing"],
    ['isolation', { isolation: null as any }, "prop 'isolation' has value null: null does not mean the default; a GrafanaIsolation is required. Fix: leave the prop out for the default, or use GrafanaIsolation.networkPolicy()"],
    ['isolation as an object', { isolation: { _kind: 'none' } as any }, "prop 'isolation' has value {\"_kind\":\"none\"}: a GrafanaIsolation is required. Fix: use GrafanaIsolation.networkPolicy()"],
    ['grafanaOutputs: null', { grafanaOutputs: null as any }, "prop 'grafanaOutputs' has value null: null does not mean the default; a list of GrafanaOutput is required"],
    ['grafanaOutputs entry', { grafanaOutputs: ['helmValues' as any] }, "prop 'grafanaOutputs.0' has value \"helmValues\": a GrafanaOutput is required (not a string)"],
    ['keySource: null', { authFlow: AuthFlow.jwt({ keySource: null as any }) }, "prop 'authFlow.keySource' has value null: null does not mean the default; a JwtKeySource is required"],
    ['roleMapping as a string', { authFlow: AuthFlow.jwt({ roleMapping: "'Admin'" as any }) }, "prop 'authFlow.roleMapping' has value \"'Admin'\": a RoleMapping is required (not a string)"],
    ['route: null', { route: null as any }, "prop 'route' has value null: null does not mean the default; route options are an object"],
  ])('%s', (_name, overrides, expected) => {
    expect(routeError(overrides)).toContain(`${ROUTE}: ${expected}`);
  });

  test('release outputs: null, and Keycloak variants', () => {
    expect(routeError({ release: { outputs: null as any } })).toContain(
      "PomeriumRelease at 'test/grafana-release': prop 'outputs' has value null: a non-empty list of PomeriumOutput is required");
    expect(errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({}, { clientSecret: null as any })))).toContain(
      "KeycloakGrafanaClient at 'test/client': prop 'mode.clientSecret' has value null: null does not mean the default; a ClientSecret is required");
    expect(errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({}, { groups: null as any })))).toContain(
      "KeycloakGrafanaClient at 'test/client': prop 'mode.groups' has value null: null does not mean the default; a RoleGroups is required");
    expect(errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({ mode: 'system' as any })))).toBe(
      "KeycloakGrafanaClient at 'test/client': prop 'mode' has value \"system\": an OidcMode is required (not a string). Fix: use OidcMode.none(), OidcMode.system({...}) or OidcMode.customConfig({...})");
  });
});

describe('errors that missed the promise', () => {
  test('the same output twice in grafanaOutputs', () => {
    expect(routeError({ grafanaOutputs: [GrafanaOutput.envVars(), GrafanaOutput.envVars()] })).toBe(
      `${ROUTE}: prop 'grafanaOutputs.1' has value "GrafanaOutput.envVars()": this output form is listed twice; each form is emitted once. Fix: list each form once`);
    expect(errorOf(() => new KeycloakGrafanaClient(Testing.chart(), 'client', tenantProps({ grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.helmValues()] })))).toBe(
      "KeycloakGrafanaClient at 'test/client': prop 'grafanaOutputs.1' has value \"GrafanaOutput.helmValues()\": this output form is listed twice; each form is emitted once. Fix: list each form once");
  });

  test('a label key cdk8s cannot render is refused at the prop, not at serialization', () => {
    expect(routeError({ grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring', podLabels: { constructor: 'x' } as any }) })).toBe(
      `${ROUTE}: prop 'grafana.podLabels' has value "constructor": 'constructor' cannot be a label key: cdk8s cannot render an object with this key `
      + "(it reads it as the object's prototype machinery). Fix: use another name, e.g. a prefixed one such as 'example.com/constructor'");
    expect(routeError({ grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring', podLabels: JSON.parse('{"__proto__": "x"}') }) })).toContain(
      "prop 'grafana.podLabels' has value {\"__proto__\":\"x\"}: label key '__proto__' is not a valid Kubernetes label key");
  });

  test('two PomeriumReleases with one Helm identity in one app are refused, naming both', () => {
    const app = new App();
    const prod = new Chart(app, 'prod');
    const staging = new Chart(app, 'staging');
    // Distinct construct ids, so that the Helm identity is the only collision.
    seedGrafana(prod, {}, 'grafana-prod');
    seedGrafana(staging, { host: 'grafana-staging.example.com' }, 'grafana-staging');
    const error = errorOf(() => app.synthYaml());
    expect(error).toBe('Validation failed with the following errors:\n  [staging/grafana-staging/Pomerium] '
      + "PomeriumRelease at 'staging/grafana-staging/Pomerium': prop 'helmReleaseName' has value \"pomerium/pomerium\": "
      + "the PomeriumRelease at 'prod/grafana-prod/Pomerium' is already Helm release 'pomerium' in namespace 'pomerium', and installing both would leave only one's routes. "
      + 'Fix: add every route to one PomeriumRelease (pass it as `pomerium`), or give this one another helmReleaseName or namespace');
    // Another namespace or release name is another Helm identity.
    const apart = new App();
    seedGrafana(new Chart(apart, 'prod'), { release: {} }, 'grafana-prod');
    seedGrafana(new Chart(apart, 'staging'), { host: 'grafana-staging.example.com', release: { namespace: 'pomerium-staging' } }, 'grafana-staging');
    seedGrafana(new Chart(apart, 'dev'), { host: 'grafana-dev.example.com', release: { helmReleaseName: 'pomerium-dev' } }, 'grafana-dev');
    expect(() => apart.synthYaml()).not.toThrow();
  });

  test("emailDomains('@example.com') says to drop the '@'", () => {
    expect(routeError({ policy: AccessPolicy.emailDomains('@example.com') })).toBe(
      `${ROUTE}: prop 'policy' has value "@example.com": an email domain is the part after '@', without the '@'. Fix: write 'example.com'`);
  });

  test('a route host equal to the authenticate host suggests a host the user does not have', () => {
    expect(routeError({ host: 'authenticate.example.com' })).toBe(
      `${ROUTE}: prop 'host' has value "authenticate.example.com": the route host is the authenticate host of the PomeriumRelease at 'test/grafana/Pomerium', `
      + "and the authenticate service needs its own host. Fix: give the route a host of its own, e.g. 'grafana.example.com'");
    expect(routeError({ host: 'grafana.example.com', authenticateServiceUrl: 'https://grafana.example.com' })).toContain(
      "Fix: give Pomerium's authenticate service a host of its own, e.g. 'https://authenticate.example.com'");
  });

  test('a JWKS URL with a trailing space is refused, not trimmed', () => {
    expect(routeError({ authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksUrl('https://authenticate.example.com/.well-known/pomerium/jwks.json ') }) })).toBe(
      `${ROUTE}: prop 'authFlow.keySource' has value "https://authenticate.example.com/.well-known/pomerium/jwks.json ": the JWKS URL contains spaces. `
      + "Fix: write 'https://authenticate.example.com/.well-known/pomerium/jwks.json'");
    expect(routeError({ authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksUrl('https://authenticate.example.com/jw\tks.json') }) })).toContain(
      'the JWKS URL contains a tab (U+0009) at position 35. Fix: remove it');
  });
});

describe('emails: lower case, as Pomerium compares them exactly and Keycloak stores them lower-cased', () => {
  test('an address with capitals is refused with its lower-case form and the exact-claim alternative', () => {
    expect(routeError({ policy: AccessPolicy.emails('Alice@Example.COM') })).toBe(
      `${ROUTE}: prop 'policy' has value "Alice@Example.COM": upper-case letters are not allowed: Pomerium compares emails exactly and identity providers such as Keycloak send them lower-cased. `
      + "Fix: write 'alice@example.com', or match the IdP's exact spelling with AccessPolicy.claim('email', \"Alice@Example.COM\")");
  });

  test('a lower-case address renders as email.is, exactly as written', () => {
    const { result } = synth((chart) => seedGrafana(chart, { policy: AccessPolicy.emails('alice@example.com', 'bob.o+grafana@sub.example.org') }));
    expect(result.pomeriumRoute.policy).toEqual({ allow: { or: [{ email: { is: 'alice@example.com' } }, { email: { is: 'bob.o+grafana@sub.example.org' } }] } });
  });

  test('the domain part must be a DNS name', () => {
    expect(routeError({ policy: AccessPolicy.emails('alice@example') })).toContain("prop 'policy' has value \"example\": a fully qualified name with at least two labels is required");
  });

  test('KeycloakGrafanaUser: the same email rule', () => {
    expect(errorOf(() => new KeycloakGrafanaUser(Testing.chart(), 'alice', { namespace: 'tenant', realm: REALM, username: 'alice', email: 'Alice@Acme.example', groups: ['viewers'] }))).toBe(
      "KeycloakGrafanaUser at 'test/alice': prop 'email' has value \"Alice@Acme.example\": upper-case letters are not allowed: Keycloak stores emails lower-cased. Fix: write 'alice@acme.example'");
  });

  test('KeycloakGrafanaUser refuses a control character in a name', () => {
    expect(errorOf(() => new KeycloakGrafanaUser(Testing.chart(), 'alice', { namespace: 'tenant', realm: REALM, username: 'alice\u0000', groups: ['viewers'] }))).toContain(
      "KeycloakGrafanaUser at 'test/alice': prop 'username' has value \"alice\\u0000\": the value contains a control character (U+0000) at position 5");
  });
});

test('isolation variants still work when given (the check is not a refusal of real instances)', () => {
  const { result } = synth((chart) => seedGrafana(chart, { isolation: GrafanaIsolation.noneUnsafe() }));
  expect(result.trustsUnsignedHeaders).toBe(false);
});
