import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
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
  test('synthesizes valid manifests, and Helm values beside them with the IdP in the Pomerium release', () => {
    // As scripts/synth-examples.ts runs it: CDK8S_OUTDIR names the manifests folder, and
    // HelmValuesFiles.write() puts the values into helm-values/ beside it.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'keycloak-oidc-'));
    const manifests = path.join(out, 'manifests');
    const saved = process.env.CDK8S_OUTDIR;
    try {
      process.env.CDK8S_OUTDIR = manifests;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../examples/keycloak-oidc/main');
      });
      const yaml = fs.readFileSync(path.join(manifests, 'keycloak-oidc.k8s.yaml'), 'utf8');
      expect(validateYamlDocuments(yaml)).toEqual([]);
      expect(yaml).not.toContain('CUSTOM_INI');
      expect(fs.readdirSync(manifests)).toEqual(['keycloak-oidc.k8s.yaml']);
      const values = fs.readdirSync(path.join(out, 'helm-values')).sort();
      expect(values).toEqual(['grafana-sso-values.yaml', 'monitoring-values.yaml', 'pomerium-sso-values.yaml']);
      const pomerium = YAML.parse(fs.readFileSync(path.join(out, 'helm-values', 'pomerium-sso-values.yaml'), 'utf8'));
      expect(pomerium.authenticate.idp).toEqual({ provider: 'oidc', url: 'https://keycloak.example.com/realms/cozy', clientID: 'pomerium-pomerium' });
      expect(pomerium.config.extraOpts.idp_client_secret_file).toBe('/etc/pomerium-idp/client-secret');
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = saved;
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
