import { Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, CertificateIssuer, ForwardedClaim, GrafanaBehindPomerium, GrafanaBehindPomeriumProps, GrafanaIsolation,
  GrafanaOutput, GrafanaRole, GrafanaTarget, IstioIngressForPomerium, IstioIngressForPomeriumProps, PomeriumOutput, PomeriumRelease,
  PomeriumReleaseProps, ProxyHeaderProperty,
} from '../../src';

export const AUTHENTICATE_URL = 'https://authenticate.yourcompany.com';

/**
 * Seed 003's Grafana route: auth proxy on the email claim, the seed's [users], isolated by
 * Istio. Carries the quick start's `authenticateServiceUrl` (other suites spread these props
 * and swap in a release); `seedGrafana` puts the route on a release instead.
 */
export function seedGrafanaProps(overrides: Partial<GrafanaBehindPomeriumProps> = {}): GrafanaBehindPomeriumProps {
  return {
    host: 'grafana.yourcompany.com',
    authenticateServiceUrl: AUTHENTICATE_URL,
    policy: AccessPolicy.emailDomains('yourcompany.com'),
    grafana: GrafanaTarget.existing({ serviceName: 'prometheus-grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.headers({
      identityClaim: ForwardedClaim.EMAIL,
      headerProperty: ProxyHeaderProperty.USERNAME,
      syncTtlMinutes: 60,
      defaultRole: GrafanaRole.EDITOR,
    }),
    isolation: GrafanaIsolation.istioAuthorizationPolicy(),
    grafanaOutputs: [GrafanaOutput.helmValues()],
    ...overrides,
  };
}

/** Seed 003's ingress: '*.yourcompany.com' with a self-signed ClusterIssuer. */
export function seedIngress(chart: Chart, overrides: Partial<IstioIngressForPomeriumProps> = {}, id = 'internal'): IstioIngressForPomerium {
  return new IstioIngressForPomerium(chart, id, {
    domain: 'yourcompany.com',
    certificateIssuer: CertificateIssuer.selfSigned({ clusterIssuerName: 'self-signed-issuer' }),
    ...overrides,
  });
}

/** Seed 003's Pomerium release behind the ingress: Helm values, an Okta ServiceEntry. */
export function seedRelease(chart: Chart, ingress: IstioIngressForPomerium | undefined, overrides: Partial<PomeriumReleaseProps> = {}, id = 'pomerium'): PomeriumRelease {
  return new PomeriumRelease(chart, id, {
    authenticateServiceUrl: AUTHENTICATE_URL,
    ingress,
    externalIdentityProviders: ingress ? [{ host: 'yourcompany.okta.com' }] : undefined,
    outputs: [PomeriumOutput.helmValues()],
    ...overrides,
  });
}

/** Seed 003's Grafana as a route on `pomerium`. */
export function seedGrafana(chart: Chart, pomerium: PomeriumRelease, overrides: Partial<GrafanaBehindPomeriumProps> = {}, id = 'grafana'): GrafanaBehindPomerium {
  return new GrafanaBehindPomerium(chart, id, { ...seedGrafanaProps(overrides), authenticateServiceUrl: undefined, pomerium });
}

export interface Seed003 {
  readonly ingress: IstioIngressForPomerium;
  readonly pomerium: PomeriumRelease;
  readonly grafana: GrafanaBehindPomerium;
}

/** The whole of seed 003 in one chart: ingress → release → route. */
export function seed003(chart: Chart, overrides: {
  ingress?: Partial<IstioIngressForPomeriumProps>;
  release?: Partial<PomeriumReleaseProps>;
  grafana?: Partial<GrafanaBehindPomeriumProps>;
} = {}): Seed003 {
  // The Gateway binds its hosts to Pomerium's namespace: a release elsewhere moves the ingress's too.
  const namespace = overrides.release?.namespace;
  const ingress = seedIngress(chart, { ...(namespace ? { pomeriumNamespace: namespace } : {}), ...overrides.ingress });
  const pomerium = seedRelease(chart, ingress, overrides.release);
  const grafana = seedGrafana(chart, pomerium, overrides.grafana);
  return { ingress, pomerium, grafana };
}

export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}
