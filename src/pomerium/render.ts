import { parentDomain } from '../host';
import { PomeriumReleaseModel, PomeriumRouteModel } from './model';
import { stringifyYaml12 } from '../synth/yaml';

/**
 * Values for the Pomerium Helm chart (pomerium/pomerium-helm, chart 34), one file per
 * release with every route on it: routes under `config.routes` (the chart renamed
 * `config.policy` in version 25), raw options under `config.extraOpts`.
 */
export function renderPomeriumHelmValues(model: PomeriumReleaseModel, options: { ingressEnabled: boolean }): Record<string, unknown> {
  const authenticateHost = new URL(model.authenticateServiceUrl).hostname;
  const config: Record<string, unknown> = {
    rootDomain: parentDomain(authenticateHost),
    routes: model.routes.map((r) => ({ ...r })),
  };
  if (model.signingKey) {
    // charts/pomerium/templates/secret.yaml: without this the chart generates its own key,
    // and Grafana's pinned copy of the public key would never match.
    config.generateSigningKey = false;
    config.existingSigningKeySecret = model.signingKey.secretName;
  }
  // The chart's _helpers.tpl `pomerium.sharedSecretName`: the pods read SHARED_SECRET and
  // COOKIE_SECRET from this Secret (envFrom) instead of the chart's generated one.
  if (model.sharedSecretName) config.existingSharedSecret = model.sharedSecretName;
  if (model.insecureServer) config.insecure = true;
  const extraOpts = renderExtraOptions(model);
  if (Object.keys(extraOpts).length > 0) config.extraOpts = extraOpts;
  const values: Record<string, unknown> = {
    config,
    proxy: { authenticateServiceUrl: model.authenticateServiceUrl },
    ingress: { enabled: options.ingressEnabled },
  };
  const idp = model.identityProvider;
  if (idp) {
    // No `clientSecret`: the chart prints an error for an empty one, and Pomerium reads
    // `idp_client_secret_file` (config/options.go GetClientSecret) from the mounted Secret.
    values.authenticate = { idp: { provider: 'oidc', url: idp.issuerUrl, clientID: idp.clientId } };
    values.extraVolumes = [{ name: IDP_VOLUME, secret: { secretName: idp.secretName, items: [{ key: idp.secretKey, path: idp.secretKey }] } }];
    values.extraVolumeMounts = [{ name: IDP_VOLUME, mountPath: idp.mountPath, readOnly: true }];
  }
  return values;
}

const IDP_VOLUME = 'pomerium-idp-client';

/** Options that every form carries as raw config keys (pomerium config/options.go names). */
function renderExtraOptions(model: PomeriumReleaseModel): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (model.jwtClaimsHeaders.length > 0) options.jwt_claims_headers = [...model.jwtClaimsHeaders];
  if (model.authenticateInternalServiceUrl) options.authenticate_internal_service_url = model.authenticateInternalServiceUrl;
  const idp = model.identityProvider;
  if (idp) options.idp_client_secret_file = `${idp.mountPath}/${idp.secretKey}`;
  return options;
}

/**
 * Pomerium's own config.yaml (all-in-one or Pomerium Core deployments). Secrets
 * (shared secret, cookie secret, IdP client secret, signing key) are not ours to
 * invent: they are files the user mounts from Secrets, or environment variables.
 */
export function renderPomeriumConfigFile(model: PomeriumReleaseModel): string {
  const config: Record<string, unknown> = { authenticate_service_url: model.authenticateServiceUrl };
  if (model.insecureServer) config.insecure_server = true;
  // config/options.go GetSigningKey reads the file, trims it and accepts base64 or raw PEM.
  if (model.signingKey) config.signing_key_file = model.signingKey.file;
  const idp = model.identityProvider;
  if (idp) {
    config.idp_provider = 'oidc';
    config.idp_provider_url = idp.issuerUrl;
    config.idp_client_id = idp.clientId;
  }
  Object.assign(config, renderExtraOptions(model));
  config.routes = model.routes.map((r) => ({ ...r }));
  return toYaml(config);
}

/** Annotations for the Pomerium Ingress Controller (`ingress.pomerium.io/<route key>`); values are strings. */
export function renderPomeriumIngressAnnotations(route: PomeriumRouteModel): Record<string, string> {
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
 * The bootstrap Secret (`secrets`) carries `signing_key`, so pinned keys hold.
 */
export function renderPomeriumGlobalSpec(model: PomeriumReleaseModel, input: GlobalSettingsInput): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    secrets: input.bootstrapSecret,
    authenticate: { url: model.authenticateServiceUrl },
  };
  if (input.identityProvider) spec.identityProvider = { ...input.identityProvider };
  if (model.jwtClaimsHeaders.length > 0) {
    spec.jwtClaimHeaders = Object.fromEntries(model.jwtClaimsHeaders.map((claim) => [`x-pomerium-claim-${claim}`, claim]));
  }
  return spec;
}

/** YAML as the library writes it everywhere: stable key order, no line folding. */
export function toYaml(value: unknown): string {
  // `YAML.stringify(value, { lineWidth: 0 })`, byte for byte: one annotation per tenant makes it a fleet's hot path.
  return stringifyYaml12(value);
}
