// Seed 000's troubleshooting path: Grafana cannot fetch or trust the JWKS over https,
// so it reads Pomerium's public key from a ConfigMap instead.
//  - `team-a`: `jwk_set_file`, a JWKS built at synth from the public key, Grafana
//    configured through GF_* variables (a ConfigMap for envFrom).
//  - `team-b`: `key_file` + `key_id` (Pomerium's kid), Grafana configured through a
//    grafana-operator `Grafana` resource.
// The key pair comes from `npx cdk8s-grafana-pomerium-keygen`; only the public half is
// committed. Pomerium signs with the private half, from the Secret named below.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaOutput, GrafanaRole, GrafanaTarget, JwtKeySource, PomeriumOutput, RoleMapping,
} from '../../src';

const publicKey = fs.readFileSync(path.join(__dirname, 'signing-key.pub.pem'), 'utf8');

const app = new App({ outdir: 'dist/grafana-jwt-local-jwks' });
const chart = new Chart(app, 'grafana-jwt-local-jwks');

new GrafanaBehindPomerium(chart, 'team-a', {
  host: 'grafana-a.example.com',
  authenticateServiceUrl: 'https://authenticate.example.com',
  policy: AccessPolicy.groups('team-a'),
  grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'team-a' }),
  authFlow: AuthFlow.jwt({
    keySource: JwtKeySource.jwksFile({ publicKeysPem: [publicKey] }),
    roleMapping: RoleMapping.fromGroups([
      { group: 'team-a-admins', role: GrafanaRole.ADMIN },
      { group: 'team-a', role: GrafanaRole.EDITOR },
    ]),
  }),
  pomerium: { outputs: [PomeriumOutput.configSecret()] },
  grafanaOutputs: [GrafanaOutput.envVars()],
});

new GrafanaBehindPomerium(chart, 'team-b', {
  host: 'grafana-b.example.com',
  authenticateServiceUrl: 'https://authenticate.example.com',
  policy: AccessPolicy.groups('team-b'),
  grafana: GrafanaTarget.existing({ serviceName: 'grafana-b-service', namespace: 'team-b', servicePort: 3000 }),
  authFlow: AuthFlow.jwt({ keySource: JwtKeySource.keyFile({ publicKeysPem: [publicKey] }) }),
  pomerium: { outputs: [PomeriumOutput.ingressController()] },
  grafanaOutputs: [GrafanaOutput.operator({ grafanaName: 'grafana' })],
});

app.synth();
