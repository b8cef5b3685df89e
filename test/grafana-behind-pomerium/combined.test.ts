import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { seedGrafana } from './fixtures';
import { AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaIsolation, GrafanaTarget, IstioIngressForPomerium, PomeriumOutput } from '../../src';
import { unknownHelmValuePaths } from '../support/pomerium-keys';
import { describeWithReference } from '../support/reference';
import { errorOf, synth } from '../support/synth';

function tenant(chart: Chart, name: string, overrides: object = {}) {
  return seedGrafana(chart, {
    host: `${name}.example.com`,
    policy: AccessPolicy.groups(name),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: name }),
    ...overrides,
  }, name);
}

describe('one Pomerium release, several Grafana routes', () => {
  test('every route in one config.routes, claim headers merged', () => {
    const { result } = synth((chart) => [
      tenant(chart, 'team-a'),
      tenant(chart, 'team-b', { authFlow: AuthFlow.headers() }),
    ]);
    const values = GrafanaBehindPomerium.combinedPomeriumHelmValues(result);
    expect(values.config.routes.map((r: any) => r.from)).toEqual(['https://team-a.example.com', 'https://team-b.example.com']);
    expect(values.config.routes.map((r: any) => r.to)).toEqual(['http://grafana.team-a.svc.cluster.local', 'http://grafana.team-b.svc.cluster.local']);
    expect(values.config.extraOpts).toEqual({ jwt_claims_headers: ['email'] });
    expect(values.proxy.authenticateServiceUrl).toBe('https://authenticate.example.com');
  });

  test('release-wide settings must agree', () => {
    const chart = Testing.chart();
    const a = tenant(chart, 'team-a');
    const b = tenant(chart, 'team-b', { authenticateServiceUrl: 'https://login.example.com' });
    const message = errorOf(() => GrafanaBehindPomerium.combinedPomeriumHelmValues([a, b]));
    expect(message).toContain("GrafanaBehindPomerium.combinedPomeriumHelmValues(): prop 'grafanas'");
    expect(message).toContain("GrafanaBehindPomerium at 'test/team-b' sets authenticateServiceUrl differently");
    expect(message).toContain('Fix: give every route of this release the same authenticateServiceUrl');
  });

  test('a Grafana without Helm values output is named', () => {
    const chart = Testing.chart();
    const a = tenant(chart, 'team-a', { pomerium: { outputs: [PomeriumOutput.configSecret()] } });
    expect(errorOf(() => GrafanaBehindPomerium.combinedPomeriumHelmValues([a]))).toContain("prop 'grafanas.0' has value \"test/team-a\": GrafanaBehindPomerium at 'test/team-a' does not emit Pomerium Helm values. Fix: add PomeriumOutput.helmValues()");
  });

  describe('behind one Istio gateway', () => {
    const { result: ingress } = synth((chart) => {
      const grafanas = ['team-a', 'team-b'].map((name) => tenant(chart, name, { isolation: GrafanaIsolation.istioAuthorizationPolicy() }));
      return new IstioIngressForPomerium(chart, 'mesh', { domain: 'example.com', grafanas });
    });

    test('the gateway\'s values serve every route, without TLS and without the chart Ingress', () => {
      const values = ingress.pomeriumHelmValues;
      expect(values.config.routes).toHaveLength(2);
      expect(values.config.insecure).toBe(true);
      expect(values.ingress).toEqual({ enabled: false });
    });

    test('writeHelmValues writes one Pomerium file and a Grafana file per host', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'values-'));
      const written = ingress.writeHelmValues(dir).map((f: string) => f.slice(dir.length + 1)).sort();
      expect(written).toEqual(['pomerium-values.yaml', 'team-a.example.com/grafana-values.yaml', 'team-b.example.com/grafana-values.yaml']);
      const pomerium = YAML.parse(fs.readFileSync(path.join(dir, 'pomerium-values.yaml'), 'utf8'));
      expect(pomerium).toEqual(ingress.pomeriumHelmValues);
    });

    describeWithReference('chart values', () => {
      test('every path exists in the Pomerium chart', () => {
        expect(unknownHelmValuePaths(ingress.pomeriumHelmValues, 'pomerium')).toEqual([]);
      });
    });
  });
});
