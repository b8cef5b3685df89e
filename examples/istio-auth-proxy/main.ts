// Seed 003 end to end: Grafana behind Pomerium inside an Istio mesh.
//
// Two alternative scenarios, one chart each (deploy one of them):
//  - `istio-auth-proxy` (the seed): Pomerium forwards the email claim as
//    X-Pomerium-Claim-Email and Grafana's [auth.proxy] trusts it.
//  - `istio-jwt`: the same ingress, but Grafana verifies Pomerium's signed JWT.
//
// Both: an Istio Gateway on '*.yourcompany.com' with a self-signed cert-manager
// certificate, VirtualServices to Pomerium's proxy and authenticate Services, a
// ServiceEntry for the IdP, Pomerium without TLS (config.insecure) together with
// STRICT mTLS, and an AuthorizationPolicy that admits only Pomerium's proxy to Grafana.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, ForwardedClaim, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput,
  GrafanaRole, GrafanaTarget, IstioIngressForPomerium, JwtKeySource, PomeriumOutput, ProxyHeaderProperty,
} from '../../src';

const app = new App({ outdir: 'dist/istio-auth-proxy' });

// --- Scenario 1: the seed's auth proxy (claim headers) ---------------------------------
const seed = new Chart(app, 'istio-auth-proxy');
const headerGrafana = new GrafanaBehindPomerium(seed, 'grafana', {
  host: 'grafana.yourcompany.com',
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  // The seed's `allowed_domains: [yourcompany.com]`, as a PPL policy.
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.existing({ serviceName: 'prometheus-grafana', namespace: 'monitoring' }),
  authFlow: AuthFlow.headers({
    identityClaim: ForwardedClaim.EMAIL,
    headerProperty: ProxyHeaderProperty.USERNAME,
    syncTtlMinutes: 60,
    // The seed hands every new user Editor; the library's default is Viewer.
    defaultRole: GrafanaRole.EDITOR,
  }),
  // Inside the mesh the unsigned header is safe only because an AuthorizationPolicy
  // admits nothing but Pomerium's proxy to Grafana (written by the construct below).
  isolation: GrafanaIsolation.istioAuthorizationPolicy(),
  pomerium: { outputs: [PomeriumOutput.helmValues()] },
  grafanaOutputs: [GrafanaOutput.helmValues()],
});
new IstioIngressForPomerium(seed, 'internal', {
  domain: 'yourcompany.com',
  grafanas: [headerGrafana],
  certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
  identityProviders: [{ host: 'yourcompany.okta.com' }],
});

// --- Scenario 2: the same ingress with the signed-JWT flow -----------------------------
// Grafana reads Pomerium's public key from a ConfigMap (jwk_set_file): fetching the JWKS
// over https would need Grafana to trust the self-signed certificate. Pomerium signs with
// the private half, from the Secret 'pomerium-signing-key' (key 'signing-key').
const publicKey = fs.readFileSync(path.join(__dirname, 'signing-key.pub.pem'), 'utf8');
const jwt = new Chart(app, 'istio-jwt');
const jwtGrafana = new GrafanaBehindPomerium(jwt, 'grafana', {
  host: 'grafana.yourcompany.com',
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.existing({ serviceName: 'prometheus-grafana', namespace: 'monitoring' }),
  authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [publicKey] }) }),
  isolation: GrafanaIsolation.istioAuthorizationPolicy(),
  pomerium: { outputs: [PomeriumOutput.helmValues()], signingKeySecretName: 'pomerium-signing-key' },
  grafanaOutputs: [GrafanaOutput.helmValues()],
});
new IstioIngressForPomerium(jwt, 'internal', {
  domain: 'yourcompany.com',
  grafanas: [jwtGrafana],
  certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
  identityProviders: [{ host: 'yourcompany.okta.com' }],
});

app.synth();
headerGrafana.writeHelmValues(path.join(app.outdir, 'auth-proxy'));
jwtGrafana.writeHelmValues(path.join(app.outdir, 'jwt'));
