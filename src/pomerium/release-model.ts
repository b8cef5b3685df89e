import { PropContext } from '../errors';
import { checkObjectName } from '../host';
import { wildcardOf } from '../istio/hosts';
import { StrictMtlsScope } from '../istio/security';
import { ExternalTlsHost } from '../istio/service-entry';
import { GatewayRoute } from '../istio/virtual-service';
import type { ReleaseMesh } from '../pomerium-release';
import { chartServiceName, serviceAccountPrincipal } from './chart-names';
import { SigningKeyModel } from './model';
import { CheckedPomeriumRelease } from './release-checks';

/** The release-wide settings every route and output form reads, derived from the checked props. */
export interface PomeriumReleaseSettings {
  readonly mesh?: ReleaseMesh;
  readonly signingKey?: SigningKeyModel;
  /** Pomerium's `authenticate_internal_service_url` behind a mesh. */
  readonly authenticateInternalServiceUrl?: string;
  /** The chart's own internal authenticate URL, for the chart form without a mesh. */
  readonly chartAuthenticateInternalServiceUrl?: string;
  /** True when Pomerium serves plain http behind an Istio mesh. */
  readonly insecureServer: boolean;
}

export function pomeriumReleaseSettings(release: CheckedPomeriumRelease): PomeriumReleaseSettings {
  const { meshModel, services, namespace, clusterDomain, outputs } = release;
  const signingKey = release.signingKeySecretName === undefined ? undefined
    : { secretName: release.signingKeySecretName, file: outputs.configSecret?.signingKeyFile ?? '/etc/pomerium/signing-key/signing-key' };
  const insecureServer = meshModel !== undefined;
  if (meshModel && services) {
    return {
      signingKey,
      insecureServer,
      mesh: {
        ...meshModel,
        proxyServiceName: services.proxyServiceName,
        proxyServicePort: services.proxyServicePort,
        pomeriumPrincipal: serviceAccountPrincipal(meshModel.trustDomain, namespace, services.serviceAccountName),
      },
      // pomerium config/options.go `authenticate_internal_service_url`: proxy and authorize
      // reach authenticate through the cluster instead of hairpinning through the gateway.
      authenticateInternalServiceUrl: `http://${services.authenticateServiceName}.${namespace}.svc.${clusterDomain}${services.authenticateServicePort === 80 ? '' : `:${services.authenticateServicePort}`}`,
    };
  }
  if (outputs.helmValues) {
    // Without a mesh the chart serves its Services over its own internal TLS, which every
    // Pomerium pod trusts (pomerium-helm templates/_helpers.tpl `certificate_authority_file`),
    // and sets this URL on the authenticate pod alone (authenticate-deployment.yaml): give it
    // to proxy and authorize too, so they fetch the HPKE key inside the cluster.
    return { signingKey, insecureServer, chartAuthenticateInternalServiceUrl: `https://${chartServiceName(release.helmReleaseName, 'authenticate')}.${namespace}.svc.${clusterDomain}` };
  }
  return { signingKey, insecureServer };
}

/** The objects a release owns (besides its Ingress Controller settings and GitOps objects); each is absent when not needed. */
export interface PomeriumReleaseObjects {
  readonly authenticateVirtualService?: GatewayRoute;
  readonly routesVirtualService?: GatewayRoute;
  readonly strictMtls?: StrictMtlsScope;
  readonly identityProviderEntries: readonly ExternalTlsHost[];
  /** The Secret holding `config.yaml`, with `PomeriumOutput.configSecret()`. */
  readonly configSecretName?: string;
}

/** Plans the release's objects and checks their names, in the order they are added. */
export function pomeriumReleaseObjects(ctx: PropContext, release: CheckedPomeriumRelease): PomeriumReleaseObjects {
  const { name, namespace, clusterDomain, meshModel, services } = release;
  const nameCtx = ctx.prop('name');
  const configSecretName = (): string | undefined => release.outputs.configSecret ? checkObjectName(nameCtx, `${name}-config`, nameCtx) : undefined;
  if (!meshModel || !services) return { identityProviderEntries: [], configSecretName: configSecretName() };
  const authenticateVirtualService: GatewayRoute = {
    name: checkObjectName(nameCtx, `${name}-authenticate`, nameCtx),
    namespace,
    host: release.authenticate.name,
    gateway: meshModel.gatewayReference,
    serviceName: services.authenticateServiceName,
    serviceNamespace: namespace,
    servicePort: services.authenticateServicePort,
    clusterDomain,
  };
  // Every route host to Pomerium's proxy in one object that does not grow with routes, in
  // Pomerium's namespace (the only one the Gateway lets bind its hosts): a route, a fleet
  // tenant, writes nothing there. The authenticate host keeps its exact-host VirtualService:
  // Istio turns each VirtualService host bound to the gateway's server into an Envoy virtual
  // host domain (pilot/pkg/networking/core/gateway.go), and Envoy looks domains up exact
  // names first, suffix wildcards second (envoy api/envoy/config/route/v3/route_components.proto,
  // VirtualHost.domains "Domain search order").
  const routesVirtualService: GatewayRoute = {
    name: checkObjectName(nameCtx, `${name}-routes`, nameCtx),
    namespace,
    host: wildcardOf(meshModel.domain),
    gateway: meshModel.gatewayReference,
    serviceName: services.proxyServiceName,
    serviceNamespace: namespace,
    servicePort: services.proxyServicePort,
    clusterDomain,
  };
  const strictMtls = meshModel.strictMtls ? { name: checkObjectName(nameCtx, `${name}-strict-mtls`, nameCtx), namespace } : undefined;
  const identityProviderEntries = release.externalIdentityProviders.map((idp) => ({ ...idp, namespace }));
  return { authenticateVirtualService, routesVirtualService, strictMtls, identityProviderEntries, configSecretName: configSecretName() };
}
