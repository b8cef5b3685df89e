// A Grafana the library deploys, behind the Pomerium Ingress Controller (what upstream
// recommends for Kubernetes today). The Deployment pins the image by digest, runs as
// non-root with a read-only root filesystem (data on a PersistentVolumeClaim, /tmp on an
// emptyDir), and gets the [auth.jwt] settings as GF_* variables. The route admits the
// SRE group or anyone whose IdP `department` claim is `platform`; roles come from groups,
// and anyone the mapping gives no role is denied.
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaRole, GrafanaTarget, PomeriumOutput, PomeriumRelease, RoleMapping,
} from '../../src';

const app = new App();
const chart = new Chart(app, 'grafana-managed');

const pomerium = new PomeriumRelease(chart, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.example.com',
  // Only the Pomerium pods (not every pod of the namespace) may reach Grafana.
  podLabels: { 'app.kubernetes.io/name': 'pomerium' },
  outputs: [PomeriumOutput.ingressController({ tlsSecretName: 'grafana-example-com-tls' })],
});

new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.example.com',
  pomerium,
  policy: AccessPolicy.anyOf(AccessPolicy.groups('sre'), AccessPolicy.claim('department', 'platform')),
  grafana: GrafanaTarget.managed({
    namespace: 'monitoring',
    storageSize: '20Gi',
    resources: { cpuRequest: '250m', memoryRequest: '512Mi', memoryLimit: '1Gi' },
  }),
  authFlow: AuthFlow.jwt({
    roleMapping: RoleMapping.fromGroups([
      { group: 'sre', role: GrafanaRole.ADMIN },
      { group: 'platform', role: GrafanaRole.VIEWER },
    ]),
  }),
  route: { timeout: '60s' },
});

app.synth();
