/** simulateLogin on an App in memory: manifests through toJson(), Helm values from the constructs. */
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaOutput, GrafanaRole, GrafanaTarget, JwtKeySource,
  LoginSimulator, RoleMapping, simulateLogin,
} from '../../src';

function app(): App {
  const a = new App();
  const chart = new Chart(a, 'c');
  new GrafanaBehindPomerium(chart, 'grafana', {
    host: 'grafana.example.com',
    authenticateServiceUrl: 'https://authenticate.example.com',
    policy: AccessPolicy.claim('groups', 'sre', 'dev'),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.jwt({
      keySource: JwtKeySource.routeJwks(),
      autoSignUp: true,
      roleMapping: RoleMapping.fromGroups([{ group: 'sre', role: GrafanaRole.ADMIN }, { group: 'dev', role: GrafanaRole.EDITOR }]),
    }),
    grafanaOutputs: [GrafanaOutput.helmValues()],
  });
  return a;
}

test('an App in memory: roles from the mapping, outsiders denied', async () => {
  const a = app();
  const host = 'grafana.example.com';
  await expect(simulateLogin(a, { host, claims: { sub: '1', email: 'ada@example.com', groups: ['sre'] } }))
    .resolves.toMatchObject({ flow: 'jwt', pomerium: { allowed: true }, grafana: { accepted: true, role: 'Admin', grafanaAdmin: false } });
  await expect(LoginSimulator.simulateConstruct(a, { host, claims: { sub: '2', email: 'bob@example.com', groups: ['dev'] } }))
    .resolves.toMatchObject({ grafana: { role: 'Editor' } });
  await expect(simulateLogin(a, { host, claims: { sub: '3', email: 'eve@example.com', groups: ['ops'] } }))
    .resolves.toMatchObject({ pomerium: { allowed: false }, grafana: { accepted: false } });
});

test('bad input is refused with a clear message', async () => {
  await expect(simulateLogin(app(), { host: 'nope.example.com', claims: {} })).rejects.toThrow(/hosts found: grafana\.example\.com/);
  await expect(simulateLogin(app(), { host: 'grafana.example.com', claims: {}, edition: 'pro' })).rejects.toThrow(/edition must be oss or enterprise/);
});
