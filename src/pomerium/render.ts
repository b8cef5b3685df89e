import * as YAML from 'yaml';
import { PropContext } from '../errors';
import { parentDomain } from '../host';
import { PomeriumModel } from './route';

/**
 * Values for the Pomerium Helm chart (pomerium/pomerium-helm, chart 34): routes
 * under `config.routes` (the chart renamed `config.policy` in version 25), raw
 * options under `config.extraOpts`, and the authenticate URL for the proxy.
 * Identity-provider settings stay in the user's own values file.
 */
export function renderPomeriumHelmValues(model: PomeriumModel, options: { ingressEnabled: boolean }): Record<string, unknown> {
  const authenticateHost = new URL(model.authenticateServiceUrl).hostname;
  const config: Record<string, unknown> = {
    rootDomain: parentDomain(authenticateHost),
    routes: [model.route],
  };
  if (model.signingKeySecretName) {
    // The chart would otherwise generate its own key, and Grafana's copy of the public key would never match.
    config.generateSigningKey = false;
    config.existingSigningKeySecret = model.signingKeySecretName;
  }
  if (model.insecureServer) config.insecure = true;
  if (model.jwtClaimsHeaders?.length) config.extraOpts = { jwt_claims_headers: [...model.jwtClaimsHeaders] };
  return {
    config,
    proxy: { authenticateServiceUrl: model.authenticateServiceUrl },
    ingress: { enabled: options.ingressEnabled },
  };
}

/** One route's contribution to a shared Pomerium release. */
export interface RouteContribution {
  /** Who contributes it, for error messages. */
  readonly owner: string;
  readonly model: PomeriumModel;
  readonly ingressEnabled: boolean;
}

/**
 * Values for one Pomerium release that serves several routes. The release-wide
 * settings must agree (one authenticate service, one signing key, one transport);
 * claim headers are global in Pomerium, so the union is forwarded.
 */
export function renderCombinedPomeriumHelmValues(ctx: PropContext, routes: readonly RouteContribution[]): Record<string, unknown> {
  if (routes.length === 0) {
    return ctx.fail([], 'at least one GrafanaBehindPomerium is required', 'pass the constructs whose routes this Pomerium release serves');
  }
  const [first] = routes;
  const shared: Array<[string, (r: RouteContribution) => unknown]> = [
    ['authenticateServiceUrl', (r) => r.model.authenticateServiceUrl],
    ['pomerium.signingKeySecretName', (r) => r.model.signingKeySecretName],
    ['insecureServer (set by a mesh ingress)', (r) => r.model.insecureServer],
    ['PomeriumOutput.helmValues({ ingressEnabled })', (r) => r.ingressEnabled],
  ];
  for (const route of routes.slice(1)) {
    for (const [what, get] of shared) {
      if (get(route) !== get(first)) {
        ctx.fail(get(route), `${route.owner} sets ${what} differently from ${first.owner} (${JSON.stringify(get(first))}), but one Pomerium release has one`, `give every route of this release the same ${what}`);
      }
    }
  }
  const hosts = new Set<string>();
  for (const route of routes) {
    if (hosts.has(route.model.route.from)) ctx.fail(route.model.route.from, `${route.owner} repeats a route already given`, 'give each Grafana its own host');
    hosts.add(route.model.route.from);
  }
  const claims = [...new Set(routes.flatMap((r) => r.model.jwtClaimsHeaders ?? []))];
  const values = renderPomeriumHelmValues({ ...first.model, jwtClaimsHeaders: claims }, { ingressEnabled: first.ingressEnabled });
  (values.config as Record<string, unknown>).routes = routes.map((r) => r.model.route);
  return values;
}

/**
 * Pomerium's own config.yaml (all-in-one or Pomerium Core deployments). Secrets
 * (shared secret, cookie secret, IdP client secret, signing key) are not ours to
 * invent: they reach Pomerium through its environment from the user's Secret.
 */
export function renderPomeriumConfigFile(model: PomeriumModel): string {
  const config: Record<string, unknown> = { authenticate_service_url: model.authenticateServiceUrl };
  if (model.insecureServer) config.insecure_server = true;
  if (model.jwtClaimsHeaders?.length) config.jwt_claims_headers = [...model.jwtClaimsHeaders];
  config.routes = [model.route];
  return toYaml(config);
}

/** Annotations for the Pomerium Ingress Controller (`ingress.pomerium.io/<route key>`); values are strings. */
export function renderPomeriumIngressAnnotations(model: PomeriumModel): Record<string, string> {
  const { route } = model;
  return {
    'ingress.pomerium.io/policy': toYaml(route.policy),
    'ingress.pomerium.io/pass_identity_headers': String(route.pass_identity_headers),
    'ingress.pomerium.io/allow_websockets': String(route.allow_websockets),
    'ingress.pomerium.io/timeout': route.timeout,
  };
}

/** Validated settings of the Ingress Controller's global `Pomerium` resource. */
export interface GlobalSettingsInput {
  readonly bootstrapSecret: string;
  readonly identityProvider?: { readonly provider: string; readonly url?: string; readonly secret: string };
}

/**
 * The `spec` of the Ingress Controller's cluster-scoped `Pomerium` resource. Claim
 * headers are a map there, header → claim, named as Pomerium names list entries.
 */
export function renderPomeriumGlobalSpec(model: PomeriumModel, input: GlobalSettingsInput): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    secrets: input.bootstrapSecret,
    authenticate: { url: model.authenticateServiceUrl },
  };
  if (input.identityProvider) spec.identityProvider = { ...input.identityProvider };
  if (model.jwtClaimsHeaders?.length) {
    spec.jwtClaimHeaders = Object.fromEntries(model.jwtClaimsHeaders.map((claim) => [`x-pomerium-claim-${claim}`, claim]));
  }
  return spec;
}

/** YAML as the library writes it everywhere: stable key order, no line folding. */
export function toYaml(value: unknown): string {
  return YAML.stringify(value, { lineWidth: 0 });
}
