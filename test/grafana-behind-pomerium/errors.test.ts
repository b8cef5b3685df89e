import { Testing } from 'cdk8s';
import { FIXED_PUBLIC_KEY, seedGrafana, SeedOverrides } from './fixtures';
import {
  AccessPolicy, AuthFlow, ForwardedClaim, GrafanaIsolation, GrafanaRole, GrafanaTarget, JwtKeySource, RoleMapping,
} from '../../src';
import { errorOf } from '../support/synth';

function failure(overrides: SeedOverrides): string {
  return errorOf(() => seedGrafana(Testing.chart(), overrides));
}

/** [case, overrides, prop path named, offending value shown, words of the fix] */
const cases: Array<[string, SeedOverrides, string, string, string]> = [
  ['host with http scheme', { host: 'http://grafana.example.com' }, "'host'", '"http://grafana.example.com"', "'grafana.example.com'"],
  ['host with https scheme', { host: 'https://grafana.example.com' }, "'host'", '"https://grafana.example.com"', "'grafana.example.com'"],
  ['host with a path', { host: 'grafana.example.com/grafana' }, "'host'", '"grafana.example.com/grafana"', "'grafana.example.com'"],
  ['host with a port', { host: 'grafana.example.com:443' }, "'host'", '"grafana.example.com:443"', "'grafana.example.com'"],
  ['host with upper case', { host: 'Grafana.Example.com' }, "'host'", '"Grafana.Example.com"', "'grafana.example.com'"],
  ['host with a trailing dot', { host: 'grafana.example.com.' }, "'host'", '"grafana.example.com."', "'grafana.example.com'"],
  ['wildcard route host', { host: '*.example.com' }, "'host'", '"*.example.com"', 'exact host'],
  ['host with underscore', { host: 'my_grafana.example.com' }, "'host'", '"my_grafana.example.com"', 'lower-case letters'],
  ['http authenticate URL', { authenticateServiceUrl: 'http://authenticate.example.com' }, "'authenticateServiceUrl'", '"http://authenticate.example.com"', "'https://authenticate.example.com'"],
  ['authenticate URL with a path', { authenticateServiceUrl: 'https://authenticate.example.com/oauth' }, "'authenticateServiceUrl'", '"https://authenticate.example.com/oauth"', "'https://authenticate.example.com'"],
  ['authenticate on the route host', { authenticateServiceUrl: 'https://grafana.example.com' }, "'host'", '"grafana.example.com"', "'https://authenticate.example.com'"],
  ['empty policy', { policy: AccessPolicy.emails() }, "'policy'", 'or()', "AccessPolicy.emailDomains('example.com')"],
  ['bad email in policy', { policy: AccessPolicy.emails('alice') }, "'policy'", '"alice"', 'alice@example.com'],
  ['nested policy', { policy: AccessPolicy.allOf(AccessPolicy.emailDomains('a.com', 'b.com'), AccessPolicy.groups('x')) }, "'policy'", 'and(', 'anyOf()'],
  ['two key sources', {
    authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }),
    release: { signingKeySecretName: 'pomerium-signing-key' },
    extraGrafanaSettings: { 'auth.jwt': { jwk_set_url: 'https://grafana.example.com/.well-known/pomerium/jwks.json' } },
  }, "'extraGrafanaSettings'", 'jwk_set_url', 'keySource'],
  ['http JWKS URL', { authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksUrl('http://pomerium-proxy.pomerium/.well-known/pomerium/jwks.json') }) }, "'authFlow.keySource'", '"http://pomerium-proxy.pomerium/.well-known/pomerium/jwks.json"', "'https://pomerium-proxy.pomerium"],
  ['private key as key material', { authFlow: AuthFlow.jwt({ keySource: JwtKeySource.keyFile({ publicKeysPem: ['-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n'] }) }) }, "'authFlow.keySource.publicKeysPem.0'", '<private key redacted>', '-pubout'],
  ['invalid JMESPath', { authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression("contains(groups[*], 'a' && 'Admin'") }) }, "'authFlow.roleMapping'", "\"contains(groups[*], 'a' && 'Admin'\"", 'jmespath.org'],
  ['unknown JMESPath function', { authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression("has_group('a') && 'Admin'") }) }, "'authFlow.roleMapping'", 'has_group', 'standard JMESPath function'],
  ['expression returning a bad role', { authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression("contains(groups[*], 'a') && 'Owner' || 'Viewer'") }) }, "'authFlow.roleMapping'", '"Owner"', 'GrafanaAdmin'],
  ['role outside the Grafana roles', { authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group: 'a', role: 'Owner' as GrafanaRole }]) }) }, "'authFlow.roleMapping'", '"Owner"', 'GrafanaRole.VIEWER'],
  ['GrafanaAdmin as default org role', { authFlow: AuthFlow.jwt({ defaultRole: GrafanaRole.GRAFANA_ADMIN }) }, "'authFlow.defaultRole'", '"GrafanaAdmin"', 'GrafanaRole.VIEWER'],
  ['namespace with upper case', { grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'Monitoring' }) }, "'grafana.namespace'", '"Monitoring"', "'monitoring'"],
  ['Service name with underscore', { grafana: GrafanaTarget.existing({ serviceName: 'my_grafana', namespace: 'monitoring' }) }, "'grafana.serviceName'", '"my_grafana"', "'my-grafana'"],
  ['Service name with a dot', { grafana: GrafanaTarget.existing({ serviceName: 'grafana.prod', namespace: 'monitoring' }) }, "'grafana.serviceName'", '"grafana.prod"', "'grafana-prod'"],
  ['base name with underscore', { name: 'team_a' }, "'name'", '"team_a"', "'team-a'"],
  ['empty pod labels', { grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring', podLabels: {} }) }, "'grafana.podLabels'", '{}', 'app.kubernetes.io/name'],
  ['image without digest', { grafana: GrafanaTarget.managed({ namespace: 'monitoring', image: 'grafana/grafana:latest' }) }, "'grafana.image'", '"grafana/grafana:latest"', '@sha256:'],
  ['bad timeout', { route: { timeout: '30 seconds' } }, "'route.timeout'", '"30 seconds"', "'30s'"],
  ['bad key cache TTL', { authFlow: AuthFlow.jwt({ cacheTtl: '1 hour' }) }, "'authFlow.cacheTtl'", '"1 hour"', "'1h'"],
  ['extra setting overriding expect_claims', { extraGrafanaSettings: { 'auth.jwt': { expect_claims: '{}' } } }, "'extraGrafanaSettings'", 'expect_claims', 'remove the extraGrafanaSettings setting'],
  ['header flow without isolation', { authFlow: AuthFlow.headers(), isolation: GrafanaIsolation.noneUnsafe() }, "'isolation'", 'GrafanaIsolation.noneUnsafe()', 'GrafanaIsolation.networkPolicy()'],
  ['header flow, claim with underscore', { authFlow: AuthFlow.headers({ identityClaim: 'given_name' as ForwardedClaim }) }, "'authFlow.identityClaim'", '"given_name"', 'ForwardedClaim.EMAIL'],
  ['header flow, bad header property', { authFlow: AuthFlow.headers({ headerProperty: 'id' as any }) }, "'authFlow.headerProperty'", '"id"', 'ProxyHeaderProperty.USERNAME'],
];

describe('bad input fails at synth with one clear message', () => {
  test.each(cases)('%s', (_case, overrides, prop, value, fix) => {
    const message = failure(overrides);
    expect(message).toContain("GrafanaBehindPomerium at 'test/grafana'");
    expect(message).toContain(`prop ${prop}`);
    expect(message).toContain(value);
    expect(message).toMatch(/Fix: /);
    expect(message.slice(message.indexOf('Fix: '))).toContain(fix);
  });

  test('nothing is added to the tree when a prop is refused', () => {
    const chart = Testing.chart();
    expect(() => seedGrafana(chart, { host: 'Grafana.example.com' })).toThrow();
    expect(chart.node.findAll().filter((c) => c !== chart).every((c) => c.node.children.length === 0)).toBe(true);
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('Istio isolation on a release without an Istio ingress is refused when the route is built', () => {
    const isolation = GrafanaIsolation.istioAuthorizationPolicy();
    const message = errorOf(() => seedGrafana(Testing.chart(), { authFlow: AuthFlow.headers(), isolation }));
    expect(message).toContain("GrafanaBehindPomerium at 'test/grafana': prop 'isolation'");
    expect(message).toMatch(/PomeriumRelease at 'test\/grafana\/Pomerium' has no Istio ingress, so no AuthorizationPolicy would be written\. Fix: give the release ingress/);
  });
});

/** Release-wide settings are refused by the release, in its own words. */
const releaseCases: Array<[string, SeedOverrides, string, string, string]> = [
  ['pinned key, Pomerium signs with a key of its own', { authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }) }, "'signingKeySecretName'", 'is missing', "key 'signing-key'"],
  ['Pomerium namespace with a dot', { release: { namespace: 'pomerium.system' } }, "'namespace'", '"pomerium.system"', "'pomerium-system'"],
  ['http authenticate URL on a release', { release: { authenticateServiceUrl: 'http://authenticate.example.com' } }, "'authenticateServiceUrl'", '"http://authenticate.example.com"', "'https://authenticate.example.com'"],
];

describe('release-wide settings are refused by the release', () => {
  test.each(releaseCases)('%s', (_case, overrides, prop, value, fix) => {
    const message = failure(overrides);
    expect(message).toMatch(/^PomeriumRelease at 'test\/grafana(-release|\/Pomerium)'/);
    expect(message).toContain(`prop ${prop}`);
    expect(message).toContain(value);
    expect(message.slice(message.indexOf('Fix: '))).toContain(fix);
  });
});
