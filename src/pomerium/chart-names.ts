import { PropContext } from '../errors';

/**
 * Names the legacy Pomerium Helm chart (pomerium/pomerium-helm, chart 34) gives the objects
 * an Istio ingress must point at. Facts read from the chart's templates, not copied:
 *
 * - `_helpers.tpl`, `pomerium.proxy.fullname` / `pomerium.authenticate.fullname`: when the chart
 *   name ('pomerium') occurs anywhere in the release name the Service is `<release>-<component>`,
 *   otherwise `<release>-pomerium-<component>`; truncated to 63 characters, trailing '-' trimmed.
 * - `_helpers.tpl`, `pomerium.proxy.serviceAccountName`: `<pomerium.fullname>-proxy`, where
 *   `pomerium.fullname` follows the same rule (`<release>` or `<release>-pomerium`), and
 *   `proxy-deployment.yaml` runs the proxy pods under that ServiceAccount.
 * - `proxy-service.yaml` / `authenticate-service.yaml` with `pomerium.proxy.trafficPort.number`
 *   and `pomerium.service.externalPort`: port 80 (named `http`) when `config.insecure` is true
 *   and the chart's ingress controller is off, 443 otherwise.
 */
const CHART_NAME = 'pomerium';

/**
 * The labels of the chart's proxy pods (`proxy-deployment.yaml`: `app.kubernetes.io/name` is
 * `pomerium.proxy.name`, the chart name plus '-proxy'; `app.kubernetes.io/instance` the release).
 */
export function chartProxyPodLabels(release: string): Record<string, string> {
  return { 'app.kubernetes.io/name': `${CHART_NAME}-proxy`, 'app.kubernetes.io/instance': release };
}

/**
 * The labels of the Pomerium Ingress Controller's pods (pomerium/ingress-controller
 * `config/pomerium/deployment/base.yaml` with `config/default/kustomization.yaml`'s commonLabels).
 */
export const INGRESS_CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'pomerium',
  'app.kubernetes.io/component': 'proxy',
};

/** The port the chart's proxy and authenticate Services expose with `config.insecure: true`. */
export const INSECURE_SERVICE_PORT = 80;

/** `pomerium.fullname` for a release (no nameOverride/fullnameOverride). */
export function chartFullname(release: string): string {
  return trim63(release.includes(CHART_NAME) ? release : `${release}-${CHART_NAME}`);
}

/** The Service of a chart component ('proxy', 'authenticate', ...). */
export function chartServiceName(release: string, component: string): string {
  return trim63(release.includes(CHART_NAME) ? `${release}-${component}` : `${release}-${CHART_NAME}-${component}`);
}

/** The proxy's ServiceAccount: the fullname plus '-proxy', not truncated again by the chart. */
export function chartProxyServiceAccount(release: string): string {
  return `${chartFullname(release)}-proxy`;
}

/** The SPIFFE-style principal Istio gives a ServiceAccount's workloads: `<trust domain>/ns/<ns>/sa/<sa>`. */
export function serviceAccountPrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

function trim63(name: string): string {
  return name.slice(0, 63).replace(/-+$/, '');
}

/** A name derived from the chart's naming rule; when it is not a valid name, ask for it explicitly. */
export function checkChartName(ctx: PropContext, release: string, value: string, what: string, explicitProp: string): string {
  if (value.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    return ctx.fail(release, `${what} is not a valid Kubernetes name`, `use a shorter release name, or give services.${explicitProp} explicitly`);
  }
  return value;
}
