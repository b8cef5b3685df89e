import { Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, ForwardedClaim, GrafanaBehindPomerium, GrafanaBehindPomeriumProps, GrafanaIsolation,
  GrafanaOutput, GrafanaRole, GrafanaTarget, IstioIngressForPomerium, IstioIngressForPomeriumProps, PomeriumOutput, ProxyHeaderProperty,
} from '../../src';

/** Seed 003's Grafana: auth proxy on the email claim, the seed's [users], isolated by Istio. */
export function seedGrafanaProps(overrides: Partial<GrafanaBehindPomeriumProps> = {}): GrafanaBehindPomeriumProps {
  return {
    host: 'grafana.yourcompany.com',
    authenticateServiceUrl: 'https://authenticate.yourcompany.com',
    policy: AccessPolicy.emailDomains('yourcompany.com'),
    grafana: GrafanaTarget.existing({ serviceName: 'prometheus-grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.headers({
      identityClaim: ForwardedClaim.EMAIL,
      headerProperty: ProxyHeaderProperty.USERNAME,
      syncTtlMinutes: 60,
      defaultRole: GrafanaRole.EDITOR,
    }),
    isolation: GrafanaIsolation.istioAuthorizationPolicy(),
    pomerium: { outputs: [PomeriumOutput.helmValues()] },
    grafanaOutputs: [GrafanaOutput.helmValues()],
    ...overrides,
  };
}

export function seedGrafana(chart: Chart, overrides: Partial<GrafanaBehindPomeriumProps> = {}, id = 'grafana'): GrafanaBehindPomerium {
  return new GrafanaBehindPomerium(chart, id, seedGrafanaProps(overrides));
}

/** Seed 003's ingress: '*.yourcompany.com', self-signed ClusterIssuer, an Okta ServiceEntry. */
export function seedIngress(chart: Chart, grafanas: GrafanaBehindPomerium[], overrides: Partial<IstioIngressForPomeriumProps> = {}, id = 'internal'): IstioIngressForPomerium {
  return new IstioIngressForPomerium(chart, id, {
    domain: 'yourcompany.com',
    grafanas,
    certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
    identityProviders: [{ host: 'yourcompany.okta.com' }],
    ...overrides,
  });
}

/** The whole of seed 003 in one chart. */
export function seed003(chart: Chart): { grafana: GrafanaBehindPomerium; ingress: IstioIngressForPomerium } {
  const grafana = seedGrafana(chart);
  const ingress = seedIngress(chart, [grafana]);
  return { grafana, ingress };
}

export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}
