import * as fs from 'fs';
import * as path from 'path';
import { synthClients, tenantProps } from './helpers';
import { GrafanaOutput, OidcMode } from '../../src';
import { describeWithReference } from '../support/reference';
import { validateYamlDocuments } from '../support/schema';

const scenario = () => synthClients(
  tenantProps({}, { signOutOfKeycloak: true }),
  tenantProps({ namespace: 'cozy-monitoring', release: 'monitoring-system', grafanaHost: 'grafana.example.com' }, { grafanaAdmin: true }),
  { namespace: 'tenant-byo', release: 'monitoring', grafanaHost: 'grafana.byo.example.com', mode: OidcMode.customConfig({ secretName: 'byo-auth' }), grafanaOutputs: [GrafanaOutput.operator()] },
);

describe('determinism and snapshot', () => {
  test('two synths are byte-identical', () => {
    expect(scenario().yaml).toBe(scenario().yaml);
  });

  test('manifests snapshot', () => {
    expect(scenario().yaml).toMatchSnapshot();
  });

  test('Grafana settings and Helm values snapshot', () => {
    const { clients } = scenario();
    expect(clients.map((c) => ({ settings: c.grafanaSettings, helm: c.grafanaHelmValues }))).toMatchSnapshot();
  });
});

describeWithReference('examples/keycloak-oidc', () => {
  test('synthesizes valid manifests', () => {
    const root = path.resolve(__dirname, '../..');
    const cwd = process.cwd();
    const outdir = path.join(root, 'dist', 'keycloak-oidc');
    try {
      process.chdir(root);
      fs.rmSync(outdir, { recursive: true, force: true });
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../examples/keycloak-oidc/main');
      });
    } finally {
      process.chdir(cwd);
    }
    const yaml = fs.readFileSync(path.join(outdir, 'keycloak-oidc.k8s.yaml'), 'utf8');
    expect(validateYamlDocuments(yaml)).toEqual([]);
    expect(yaml).not.toContain('CUSTOM_INI');
    expect(fs.existsSync(path.join(outdir, 'grafana-values.yaml'))).toBe(true);
  });
});
