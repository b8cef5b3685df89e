// Seeds 000 and 001: Grafana signs users in from Pomerium's signed JWT.
// Anyone with an example.com address passes the route; Grafana verifies the
// assertion against the route's JWKS and creates the user on first sign-in.
import { App, Chart } from 'cdk8s';
import { AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaOutput, GrafanaTarget, HelmValuesFiles, JwtKeySource } from '../../src';

// The cdk8s CLI (or CDK8S_OUTDIR) decides the manifests folder; Helm values go beside it.
const app = new App();
const chart = new Chart(app, 'grafana-jwt');

new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.example.com',
  authenticateServiceUrl: 'https://authenticate.example.com',
  policy: AccessPolicy.emailDomains('example.com'),
  grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'monitoring' }),
  authFlow: AuthFlow.jwt({
    keySource: JwtKeySource.routeJwks(),
    autoSignUp: true,
  }),
  grafanaOutputs: [GrafanaOutput.helmValues()],
});

app.synth();
HelmValuesFiles.write(app);
