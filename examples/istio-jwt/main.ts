// The Istio ingress of seed 003 with the signed-JWT flow instead of claim headers.
// Grafana reads Pomerium's public key from a ConfigMap (jwk_set_file): fetching the JWKS
// over https would need Grafana to trust the self-signed certificate. Pomerium signs with
// the private half, from the Secret 'pomerium-signing-key' (key 'signing-key').
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput, GrafanaTarget,
  HelmValuesFiles, IstioIngressForPomerium, JwtKeySource, PomeriumOutput, PomeriumRelease,
} from '../../src';

const publicKey = fs.readFileSync(path.join(__dirname, 'signing-key.pub.pem'), 'utf8');

const app = new App();
const chart = new Chart(app, 'istio-jwt');

const ingress = new IstioIngressForPomerium(chart, 'internal', {
  domain: 'yourcompany.com',
  certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
});
const pomerium = new PomeriumRelease(chart, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  ingress,
  externalIdentityProviders: [{ host: 'yourcompany.okta.com' }],
  signingKeySecretName: 'pomerium-signing-key',
  outputs: [PomeriumOutput.helmValues()],
});
new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.yourcompany.com',
  pomerium,
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.helmChart({ releaseName: 'prometheus', namespace: 'monitoring' }), // kube-prometheus-stack's Grafana: Service prometheus-grafana
  authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [publicKey] }) }),
  isolation: GrafanaIsolation.istioAuthorizationPolicy(),
  grafanaOutputs: [GrafanaOutput.helmValues()],
});

app.synth();
HelmValuesFiles.write(app);
