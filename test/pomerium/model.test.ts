import * as YAML from 'yaml';
import { PropContext } from '../../src/errors';
import { checkHttpsOrigin, Host } from '../../src/host';
import { AccessPolicy } from '../../src/pomerium/access-policy';
import { chartFullname, chartProxyServiceAccount, chartServiceName } from '../../src/pomerium/chart-names';
import { PomeriumReleaseModel } from '../../src/pomerium/model';
import { checkPomeriumOutputs, PomeriumOutput } from '../../src/pomerium/outputs';
import { renderPomeriumConfigFile, renderPomeriumGlobalSpec, renderPomeriumHelmValues, renderPomeriumIngressAnnotations } from '../../src/pomerium/render';
import { errorOf } from '../support/synth';

const ctx = PropContext.detached('test');
const route = {
  from: 'https://grafana.example.com',
  to: 'http://grafana.monitoring.svc.cluster.local',
  policy: { allow: { or: [{ domain: { is: 'example.com' } }] } },
  pass_identity_headers: true as const,
  allow_websockets: true,
  timeout: '30s',
};
const base: PomeriumReleaseModel = {
  authenticateServiceUrl: 'https://authenticate.example.com',
  routes: [route],
  jwtClaimsHeaders: [],
  insecureServer: false,
};

describe('Pomerium release renderers (pure)', () => {
  test('a plain release: routes, root domain, authenticate URL, chart ingress; nothing else', () => {
    expect(renderPomeriumHelmValues(base, { ingressEnabled: true })).toEqual({
      config: { rootDomain: 'example.com', routes: [route] },
      proxy: { authenticateServiceUrl: 'https://authenticate.example.com' },
      ingress: { enabled: true },
    });
    expect(YAML.parse(renderPomeriumConfigFile(base))).toEqual({ authenticate_service_url: 'https://authenticate.example.com', routes: [route] });
  });

  test('the signer is pinned in the chart (existingSigningKeySecret) and the config file (signing_key_file)', () => {
    const model = { ...base, signingKey: { secretName: 'pomerium-signing-key', file: '/keys/signing-key' } };
    const values: any = renderPomeriumHelmValues(model, { ingressEnabled: false });
    expect(values.config.generateSigningKey).toBe(false);
    expect(values.config.existingSigningKeySecret).toBe('pomerium-signing-key');
    // pomerium config/options.go GetSigningKey reads signing_key_file, base64 or raw PEM.
    expect(YAML.parse(renderPomeriumConfigFile(model)).signing_key_file).toBe('/keys/signing-key');
  });

  test('mesh transport, claim headers, internal authenticate URL and IdP land in every form that has them', () => {
    const model: PomeriumReleaseModel = {
      ...base,
      insecureServer: true,
      jwtClaimsHeaders: ['email', 'name'],
      authenticateInternalServiceUrl: 'http://pomerium-authenticate.pomerium.svc.cluster.local',
      identityProvider: { issuerUrl: 'https://kc.example.com/realms/r', clientId: 'c', secretName: 's', secretKey: 'k', mountPath: '/idp' },
    };
    const values: any = renderPomeriumHelmValues(model, { ingressEnabled: false });
    expect(values.config.insecure).toBe(true);
    expect(values.config.extraOpts).toEqual({
      jwt_claims_headers: ['email', 'name'],
      authenticate_internal_service_url: 'http://pomerium-authenticate.pomerium.svc.cluster.local',
      idp_client_secret_file: '/idp/k',
    });
    // The chart prints an error for an empty authenticate.idp.clientSecret: none is written.
    expect(values.authenticate).toEqual({ idp: { provider: 'oidc', url: 'https://kc.example.com/realms/r', clientID: 'c' } });
    expect(values.extraVolumeMounts).toEqual([{ name: 'pomerium-idp-client', mountPath: '/idp', readOnly: true }]);
    const file = YAML.parse(renderPomeriumConfigFile(model));
    expect(file).toMatchObject({ insecure_server: true, idp_provider: 'oidc', idp_client_id: 'c', idp_client_secret_file: '/idp/k', jwt_claims_headers: ['email', 'name'] });
    expect(renderPomeriumGlobalSpec(model, { bootstrapSecret: 'pomerium/bootstrap' })).toEqual({
      secrets: 'pomerium/bootstrap',
      authenticate: { url: 'https://authenticate.example.com' },
      jwtClaimHeaders: { 'x-pomerium-claim-email': 'email', 'x-pomerium-claim-name': 'name' },
    });
  });

  test('Ingress annotations are strings with the policy as YAML', () => {
    expect(renderPomeriumIngressAnnotations(route)).toEqual({
      'ingress.pomerium.io/policy': 'allow:\n  or:\n    - domain:\n        is: example.com\n',
      'ingress.pomerium.io/pass_identity_headers': 'true',
      'ingress.pomerium.io/allow_websockets': 'true',
      'ingress.pomerium.io/timeout': '30s',
    });
  });
});

describe('output variants are checked once, at the release', () => {
  test('each form once; an empty list and a repeated form are refused', () => {
    expect(errorOf(() => checkPomeriumOutputs(ctx, []))).toContain('a non-empty list of PomeriumOutput');
    expect(errorOf(() => checkPomeriumOutputs(ctx, [PomeriumOutput.configSecret(), PomeriumOutput.configSecret()]))).toContain('listed twice');
    expect(errorOf(() => checkPomeriumOutputs(ctx, [PomeriumOutput.configSecret({ signingKeyFile: 'keys/k' })]))).toContain('an absolute file path');
  });

  test('defaults: chart Ingress on, config file key path, global resource named global with the default bootstrap Secret', () => {
    const checked = checkPomeriumOutputs(ctx, [PomeriumOutput.helmValues(), PomeriumOutput.configSecret(), PomeriumOutput.ingressController()]);
    expect(checked.helmValues).toEqual({ ingressEnabled: true, ingressEnabledGiven: false });
    expect(checked.configSecret).toEqual({ signingKeyFile: '/etc/pomerium/signing-key/signing-key' });
    expect(checked.ingressController!.globalSettings).toMatchObject({ name: 'global', given: false, bootstrapSecretGiven: false, input: { bootstrapSecret: 'pomerium/bootstrap' } });
  });
});

describe('the Pomerium chart\'s names (pomerium-helm charts/pomerium/templates/_helpers.tpl)', () => {
  test.each([
    ['pomerium', 'pomerium', 'pomerium-proxy', 'pomerium-proxy'],
    ['prod', 'prod-pomerium', 'prod-pomerium-proxy', 'prod-pomerium-proxy'],
    ['my-pomerium-x', 'my-pomerium-x', 'my-pomerium-x-proxy', 'my-pomerium-x-proxy'],
  ])('release %s: fullname %s, proxy Service %s, proxy ServiceAccount %s', (release, fullname, service, account) => {
    expect(chartFullname(release)).toBe(fullname);
    expect(chartServiceName(release, 'proxy')).toBe(service);
    expect(chartProxyServiceAccount(release)).toBe(account);
  });
});

describe('policies (PPL)', () => {
  test('groups() match the token claim as name and /name; a path is matched as given', () => {
    expect(AccessPolicy.groups('sre', '/ops')._render(ctx)).toEqual({ allow: { or: [{ 'claim/groups': 'sre' }, { 'claim/groups': '/sre' }, { 'claim/groups': '/ops' }] } });
  });

  test('the Enterprise directory form renders the groups criterion', () => {
    expect(AccessPolicy.directoryGroupsEnterprise('00g1', '00g2')._render(ctx)).toEqual({ allow: { or: [{ groups: { has: '00g1' } }, { groups: { has: '00g2' } }] } });
  });

  test('a blank group is refused', () => {
    expect(errorOf(() => AccessPolicy.groups(' sre')._render(ctx))).toContain('without surrounding spaces');
    expect(errorOf(() => AccessPolicy.directoryGroupsEnterprise('')._render(ctx))).toContain('non-empty');
  });
});

describe('Host', () => {
  test('one spelling for every URL of a host', () => {
    const host = Host.check(ctx, 'grafana.example.com');
    expect([host.name, host.origin, host.url('/x'), host.parentDomain, String(host)])
      .toEqual(['grafana.example.com', 'https://grafana.example.com', 'https://grafana.example.com/x', 'example.com', 'grafana.example.com']);
  });

  test.each(['https://a.example.com/', 'https://a.example.com/x', 'https://a.example.com:8443', 'http://a.example.com'])('%s is not a bare https origin', (url) => {
    expect(errorOf(() => checkHttpsOrigin(ctx, url, 'the URL'))).toContain('Fix:');
  });
});
