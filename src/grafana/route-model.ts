import { PropContext } from '../errors';
import { checkObjectName } from '../host';
import { GrafanaConfigBuilder, GrafanaConfigModel } from './config';
import { CheckedGrafanaRoute } from './route-checks';
import { ResolvedGrafanaTarget } from './target';
import { OnlyPrincipalsPolicy, StrictMtlsScope } from '../istio/security';
import { OnlyPomeriumPolicy } from '../kubernetes/network-policy';
import { PomeriumRouteModel } from '../pomerium/model';

const KEY_SOURCE_KEYS = ['jwk_set_url', 'jwk_set_file', 'key_file'];
/** Istio ambient's HBONE tunnel port on the destination pod (ztunnel). */
const HBONE_PORT = 15008;

/**
 * Grafana's configuration behind the route: the route's own settings (root URL, Pomerium
 * sign-out, secure cookies), the auth flow's, then the user's extra settings. A key set twice
 * to different values is refused, naming both sources.
 */
export function grafanaRouteConfig(ctx: PropContext, route: CheckedGrafanaRoute): GrafanaConfigModel {
  const { host, flow } = route;
  const builder = new GrafanaConfigBuilder()
    .setAll(ctx, { server: { root_url: host.url('/') } }, 'GrafanaBehindPomerium (route host)')
    .setAll(ctx, { auth: { signout_redirect_url: host.url('/.pomerium/sign_out') } }, 'GrafanaBehindPomerium (Pomerium sign-out)')
    .setAll(ctx, { security: { cookie_secure: true } }, 'GrafanaBehindPomerium (https only)')
    .setAll(ctx.prop('authFlow'), flow.grafana, 'authFlow');
  if (route.extraSettings !== undefined) {
    builder.setAll(ctx.prop('extraGrafanaSettings'), route.extraSettings, 'extraGrafanaSettings', { helmTemplatesUnsafe: route.extraSettingsHelmTemplatesUnsafe });
  }
  if (route.keysConfigMap && flow.keys?.file) builder.mount({ name: 'pomerium-keys', mountPath: flow.keys.file.mountPath, configMapName: route.keysConfigMap });
  for (const mount of flow.mounts ?? []) builder.mount(mount);
  for (const secret of flow.secretSettings ?? []) builder.setFromSecret(secret);
  const model = builder.build();
  // Only the merged model shows whether extra settings added a second key source.
  const jwtKeys = KEY_SOURCE_KEYS.filter((k) => model.sections['auth.jwt']?.[k] !== undefined);
  if (jwtKeys.length > 1) {
    ctx.prop('extraGrafanaSettings').fail(jwtKeys, `Grafana takes exactly one of ${KEY_SOURCE_KEYS.join(', ')}, and this sets ${jwtKeys.join(' and ')}`, 'choose the key source with authFlow keySource only');
  }
  return model;
}

/** The route as Pomerium reads it. */
export function pomeriumRouteModel(route: CheckedGrafanaRoute): PomeriumRouteModel {
  return {
    from: route.host.origin,
    to: upstreamUrl(route.target, route.release.clusterDomain),
    policy: route.policy,
    pass_identity_headers: true,
    allow_websockets: route.allowWebsockets,
    timeout: route.timeout,
  };
}

/** The in-cluster URL Pomerium proxies to; port 80 is http's default and left out. */
function upstreamUrl(target: ResolvedGrafanaTarget, clusterDomain: string): string {
  return `http://${target.serviceName}.${target.namespace}.svc.${clusterDomain}${target.servicePort === 80 ? '' : `:${target.servicePort}`}`;
}

/** The objects that keep Grafana reachable only through Pomerium; each is absent when not needed. */
export interface GrafanaIsolationModel {
  readonly networkPolicy?: OnlyPomeriumPolicy;
  readonly strictMtls?: StrictMtlsScope;
  readonly onlyPomeriumPrincipal?: OnlyPrincipalsPolicy;
}

/**
 * Which isolation objects the route needs, and their names. It runs once the release holds the
 * route: the release's own checks of the route come first, and the Pomerium pods it admits are
 * the release's to say (`_proxyPodSelectors` refuses a release whose pods it cannot name).
 */
export function grafanaIsolationModel(ctx: PropContext, route: CheckedGrafanaRoute, owner: string): GrafanaIsolationModel {
  const { name, target, mesh, release, isolation } = route;
  const nameCtx = ctx.prop('name');
  const ambient = mesh?.dataplane === 'ambient';
  // The header flow must not rest on mesh policy alone: PeerAuthentication and AuthorizationPolicy
  // act only where a sidecar runs (istio/api security/v1beta1/authorization_policy.proto), and
  // without one any pod could send X-Pomerium-Claim-Email. The NetworkPolicy holds either way.
  const networkPolicy: OnlyPomeriumPolicy | undefined = isolation === 'networkPolicy' || (isolation === 'istio' && route.flow.trustsUnsignedHeaders) ? {
    name: checkObjectName(nameCtx, `${name}-only-from-pomerium`, nameCtx),
    namespace: target.namespace,
    grafanaPodLabels: target.podLabels,
    // Ambient mode: the pod is reached over HBONE on 15008, proxied to Grafana's port inside the pod
    // (istio.io ambient/usage/networkpolicy); the host-side NetworkPolicy sees 15008.
    grafanaPort: ambient ? HBONE_PORT : target.containerPort,
    pomeriumNamespace: release.namespace,
    pomeriumPodSelectors: release._proxyPodSelectors(owner),
    additionalPeers: route.additionalPeers,
    // Probes are not tunnelled: they reach Grafana's own port from ztunnel's probe address.
    ambientProbePort: ambient ? target.containerPort : undefined,
  } : undefined;
  if (!mesh) return { networkPolicy };
  // The route host reaches Pomerium through the release's one wildcard VirtualService
  // (PomeriumRelease 'Routes'): a route writes nothing into Pomerium's namespace.
  // Grafana's namespace often holds workloads outside the mesh (Prometheus, exporters):
  // STRICT is scoped to the Grafana pods there, which is all the Pomerium hop needs.
  const strictMtls: StrictMtlsScope | undefined = mesh.strictMtls && target.namespace !== release.namespace ? {
    name: checkObjectName(nameCtx, `${name}-strict-mtls`, nameCtx),
    namespace: target.namespace,
    podLabels: target.podLabels,
  } : undefined;
  const onlyPomeriumPrincipal: OnlyPrincipalsPolicy | undefined = isolation !== 'none' ? {
    name: checkObjectName(nameCtx, `${name}-only-pomerium`, nameCtx),
    namespace: target.namespace,
    podLabels: target.podLabels,
    principals: [mesh.pomeriumPrincipal],
  } : undefined;
  return { networkPolicy, strictMtls, onlyPomeriumPrincipal };
}
