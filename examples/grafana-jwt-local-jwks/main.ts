// Seed 000's troubleshooting path: Grafana cannot fetch or trust the JWKS over https,
// so it reads Pomerium's public key from a ConfigMap instead.
//  - `team-a`: `jwk_set_file`, a JWKS built at synth from the public key, Grafana
//    configured through GF_* variables (a ConfigMap for envFrom), behind an all-in-one
//    Pomerium configured by a config.yaml Secret.
//  - `team-b`: `key_file` + `key_id` (Pomerium's kid), a Grafana run by grafana-operator,
//    behind the Pomerium Ingress Controller.
// The key pair comes from `npx cdk8s-grafana-pomerium-keygen`; only the public half is
// committed. Pinned keys hold only if every Pomerium signs with the private half: the
// config-file release names the Secret 'pomerium-signing-key' (signing_key_file), the
// Ingress Controller signs with the bootstrap Secret's signing_key.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaOutput, GrafanaRole, GrafanaTarget, HelmValuesFiles, JwtKeySource,
  PomeriumOutput, PomeriumRelease, RoleMapping,
} from '../../src';

const publicKey = fs.readFileSync(path.join(__dirname, 'signing-key.pub.pem'), 'utf8');

const app = new App();
const chart = new Chart(app, 'grafana-jwt-local-jwks');

const allInOne = new PomeriumRelease(chart, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.example.com',
  signingKeySecretName: 'pomerium-signing-key',
  outputs: [PomeriumOutput.configSecret()],
  // You run the all-in-one Pomerium pod: only pods with these labels may reach Grafana.
  podLabels: { 'app.kubernetes.io/name': 'pomerium' },
});

new GrafanaBehindPomerium(chart, 'team-a', {
  host: 'grafana-a.example.com',
  pomerium: allInOne,
  // Groups from the IdP's token (claim/groups): what open-source Pomerium can match.
  policy: AccessPolicy.groups('team-a'),
  grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'team-a' }),
  authFlow: AuthFlow.jwt({
    keySource: JwtKeySource.jwksFile({ publicKeysPem: [publicKey] }),
    roleMapping: RoleMapping.fromGroups([
      { group: 'team-a-admins', role: GrafanaRole.ADMIN },
      { group: 'team-a', role: GrafanaRole.EDITOR },
    ]),
  }),
  grafanaOutputs: [GrafanaOutput.envVars()],
});

// A second Pomerium installation (its own authenticate host), the Ingress Controller.
const ingressController = new PomeriumRelease(chart, 'pomerium-ingress', {
  authenticateServiceUrl: 'https://login.example.com',
  outputs: [PomeriumOutput.ingressController({ globalSettings: { bootstrapSecret: 'pomerium/bootstrap' } })],
});

new GrafanaBehindPomerium(chart, 'team-b', {
  host: 'grafana-b.example.com',
  pomerium: ingressController,
  policy: AccessPolicy.groups('team-b'),
  // grafana-operator's names: Service 'grafana-service' on 3000, pods 'app: grafana'.
  grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'team-b' }),
  authFlow: AuthFlow.jwt({ keySource: JwtKeySource.keyFile({ publicKeysPem: [publicKey] }) }),
});

app.synth();
HelmValuesFiles.write(app);
