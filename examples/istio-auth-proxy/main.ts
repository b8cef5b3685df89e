// Seed 003 end to end: Grafana behind Pomerium inside an Istio mesh, the seed's auth proxy.
// Pomerium forwards the email claim as X-Pomerium-Claim-Email and Grafana's [auth.proxy]
// trusts it. (The same ingress with the signed-JWT flow is the example `istio-jwt`.)
//
// An Istio Gateway on '*.yourcompany.com' with a self-signed cert-manager certificate,
// VirtualServices to Pomerium's proxy and authenticate Services, a ServiceEntry for the
// IdP, Pomerium without TLS (config.insecure) together with STRICT mTLS, and an
// AuthorizationPolicy that admits only Pomerium's proxy to Grafana. The mesh policies act
// only where sidecars run: label the 'pomerium' and 'monitoring' namespaces
// `istio-injection=enabled`.
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, ForwardedClaim, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput,
  GrafanaRole, GrafanaTarget, HelmValuesFiles, IstioIngressForPomerium, PomeriumOutput, PomeriumRelease, ProxyHeaderProperty,
} from '../../src';

const app = new App();
const chart = new Chart(app, 'istio-auth-proxy');

const ingress = new IstioIngressForPomerium(chart, 'internal', {
  domain: 'yourcompany.com',
  certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
});
const pomerium = new PomeriumRelease(chart, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  ingress,
  externalIdentityProviders: [{ host: 'yourcompany.okta.com' }],
  outputs: [PomeriumOutput.helmValues()],
});
new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.yourcompany.com',
  pomerium,
  // The seed's `allowed_domains: [yourcompany.com]`, as a PPL policy.
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.helmChart({ releaseName: 'prometheus', namespace: 'monitoring' }), // kube-prometheus-stack's Grafana: Service prometheus-grafana
  authFlow: AuthFlow.headers({
    identityClaim: ForwardedClaim.EMAIL,
    headerProperty: ProxyHeaderProperty.USERNAME,
    syncTtlMinutes: 60,
    // The seed hands every new user Editor; the library's default is Viewer.
    defaultRole: GrafanaRole.EDITOR,
  }),
  // Inside the mesh the unsigned header is safe only because an AuthorizationPolicy
  // admits nothing but Pomerium's proxy to Grafana.
  isolation: GrafanaIsolation.istioAuthorizationPolicy(),
  grafanaOutputs: [GrafanaOutput.helmValues()],
});

app.synth();
HelmValuesFiles.write(app);
