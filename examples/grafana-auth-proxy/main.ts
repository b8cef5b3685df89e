// Seed 003 without a mesh: Pomerium forwards the user's email as the
// X-Pomerium-Claim-Email header and Grafana's auth proxy trusts it. The header
// is not signed, so the construct insists on isolation: a NetworkPolicy lets
// only Pomerium's pods reach Grafana.
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput, GrafanaRole, GrafanaTarget, HelmValuesFiles, PomeriumOutput, PomeriumRelease,
} from '../../src';

const app = new App();
const chart = new Chart(app, 'grafana-auth-proxy');

const pomerium = new PomeriumRelease(chart, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  outputs: [PomeriumOutput.helmValues()],
});

new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.yourcompany.com',
  pomerium,
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.helmChart({ releaseName: 'prometheus', namespace: 'monitoring' }), // kube-prometheus-stack's Grafana: Service prometheus-grafana
  authFlow: AuthFlow.headers({
    // The seed hands every new user Editor; the library's default is Viewer.
    defaultRole: GrafanaRole.EDITOR,
  }),
  isolation: GrafanaIsolation.networkPolicy(),
  grafanaOutputs: [GrafanaOutput.helmValues()],
});

app.synth();
HelmValuesFiles.write(app);
