import * as YAML from 'yaml';
import { seedGrafana, pomeriumValues } from './fixtures';
import { AuthFlow, ForwardedClaim, GrafanaOutput, GrafanaRole, PomeriumOutput, ProxyHeaderProperty, GrafanaTarget } from '../../src';
import { only, synth } from '../support/synth';

describe('GrafanaBehindPomerium, claim-header flow (seed 003)', () => {
  const { result: grafana, objects } = synth((chart) => seedGrafana(chart, {
    host: 'grafana.yourcompany.com',
    authenticateServiceUrl: 'https://authenticate.yourcompany.com',
    authFlow: AuthFlow.headers({ defaultRole: GrafanaRole.EDITOR }),
  }));
  const ini = grafana.grafanaHelmValues!['grafana.ini'];

  test("Grafana's [auth.proxy] trusts X-Pomerium-Claim-Email (seed 003 grafana.ini)", () => {
    expect(ini['auth.proxy']).toEqual({
      enabled: true,
      header_name: 'X-Pomerium-Claim-Email',
      header_property: 'username',
      auto_sign_up: true,
      sync_ttl: 60,
      enable_login_token: false,
    });
    expect(ini['auth.jwt']).toBeUndefined();
  });

  test('[users] as the seed sets them, Editor chosen explicitly', () => {
    expect(ini.users).toEqual({ allow_sign_up: false, auto_assign_org: true, auto_assign_org_role: 'Editor' });
  });

  test('Pomerium forwards the email claim: jwt_claims_headers in extraOpts, not the old extraEnv', () => {
    const values = pomeriumValues(grafana);
    expect(values.config.extraOpts).toEqual({ jwt_claims_headers: ['email'], authenticate_internal_service_url: 'https://pomerium-authenticate.pomerium.svc.cluster.local' });
    expect(values.extraEnv).toBeUndefined();
    expect(values.config.policy).toBeUndefined();
    expect(values.config.routes[0]).toMatchObject({
      from: 'https://grafana.yourcompany.com',
      to: 'http://grafana.monitoring.svc.cluster.local',
      timeout: '30s',
      pass_identity_headers: true,
      policy: { allow: { or: [{ domain: { is: 'example.com' } }] } },
    });
  });

  test('the unsigned headers are safe only because Grafana is isolated: NetworkPolicy present', () => {
    expect(grafana.trustsUnsignedHeaders).toBe(true);
    expect(only(objects, 'NetworkPolicy').spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'pomerium' });
  });

  test('the default role is Viewer when none is chosen (least privilege, not the seed\'s Editor)', () => {
    const { result } = synth((chart) => seedGrafana(chart, { authFlow: AuthFlow.headers() }));
    expect(result.grafanaHelmValues!['grafana.ini'].users.auto_assign_org_role).toBe('Viewer');
  });
});

describe('header flow options', () => {
  test('name and groups forwarded and mapped; email as header_property', () => {
    const { result } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.headers({ headerProperty: ProxyHeaderProperty.EMAIL, extraClaims: [ForwardedClaim.NAME, ForwardedClaim.GROUPS], syncTtlMinutes: 15, whitelist: ['10.0.0.0/8', '192.168.0.1'] }),
    }));
    const proxy = result.grafanaHelmValues!['grafana.ini']['auth.proxy'];
    expect(proxy).toMatchObject({
      header_property: 'email',
      headers: 'Name:X-Pomerium-Claim-Name Groups:X-Pomerium-Claim-Groups',
      sync_ttl: 15,
      whitelist: '10.0.0.0/8, 192.168.0.1',
    });
    expect(pomeriumValues(result).config.extraOpts.jwt_claims_headers).toEqual(['email', 'name', 'groups']);
  });

  test('with a username identity, the email is mapped too once more claims are forwarded', () => {
    const { result } = synth((chart) => seedGrafana(chart, { authFlow: AuthFlow.headers({ extraClaims: [ForwardedClaim.NAME] }) }));
    expect(result.grafanaHelmValues!['grafana.ini']['auth.proxy'].headers).toBe('Email:X-Pomerium-Claim-Email Name:X-Pomerium-Claim-Name');
  });

  test('every output form carries the header settings', () => {
    const { result, objects } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.headers(),
      release: { outputs: [PomeriumOutput.configSecret(), PomeriumOutput.ingressController()] },
      grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'monitoring' }),
      grafanaOutputs: [GrafanaOutput.envVars(), GrafanaOutput.operator()],
    }));
    expect(only(objects, 'ConfigMap', 'grafana-grafana-env').data).toMatchObject({
      GF_AUTH_PROXY_ENABLED: 'true',
      GF_AUTH_PROXY_HEADER_NAME: 'X-Pomerium-Claim-Email',
      GF_AUTH_PROXY_HEADER_PROPERTY: 'username',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_USERS_AUTO_ASSIGN_ORG_ROLE: 'Viewer',
    });
    expect(only(objects, 'Grafana').spec.config['auth.proxy']).toMatchObject({ enabled: 'true', sync_ttl: '60', enable_login_token: 'false' });
    expect(YAML.parse(only(objects, 'Secret').stringData['config.yaml']).jwt_claims_headers).toEqual(['email']);
    // Claim headers are global for the Ingress Controller: they go into its Pomerium resource.
    const global = only(objects, 'Pomerium', 'global');
    expect(global.apiVersion).toBe('ingress.pomerium.io/v1');
    expect(global.spec).toEqual({
      secrets: 'pomerium/bootstrap',
      authenticate: { url: 'https://authenticate.example.com' },
      jwtClaimHeaders: { 'x-pomerium-claim-email': 'email' },
    });
    expect(pomeriumValues(result)).toBeUndefined();
  });
});
