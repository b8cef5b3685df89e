// Seed 003 without a mesh: Pomerium forwards the user's email as the
// X-Pomerium-Claim-Email header and Grafana's auth proxy trusts it. The header
// is not signed, so the construct insists on isolation: a NetworkPolicy lets
// only Pomerium's pods reach Grafana.
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput, GrafanaRole, GrafanaTarget, PomeriumOutput,
} from '../../src';

const app = new App({ outdir: 'dist/grafana-auth-proxy' });
const chart = new Chart(app, 'grafana-auth-proxy');

const grafana = new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.yourcompany.com',
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.existing({ serviceName: 'prometheus-grafana', namespace: 'monitoring' }),
  authFlow: AuthFlow.headers({
    // The seed hands every new user Editor; the library's default is Viewer.
    defaultRole: GrafanaRole.EDITOR,
  }),
  isolation: GrafanaIsolation.networkPolicy(),
  pomerium: { outputs: [PomeriumOutput.helmValues()] },
  grafanaOutputs: [GrafanaOutput.helmValues()],
});

app.synth();
grafana.writeHelmValues(app.outdir);
