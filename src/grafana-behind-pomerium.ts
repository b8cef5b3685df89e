import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AuthFlow, RenderedFlow } from './auth-flow';
import { PropContext } from './errors';
import { HelmDelivery } from './gitops/helm-delivery';
import { GrafanaConfigBuilder, GrafanaConfigModel } from './grafana/config';
import { emitGrafanaOutputs } from './grafana/emit';
import { renderManagedGrafana } from './grafana/managed-grafana';
import { AdditionalGrafanaPeer, checkGrafanaOutputList, GrafanaIsolation, GrafanaOutput, IsolationOptions } from './grafana/outputs';
import { ManagedGrafanaOptions, ResolvedGrafanaTarget, GrafanaTarget } from './grafana/target';
import { HelmValuesFile } from './helm-values';
import { checkBoolean, checkDnsLabel, checkDuration, checkHttpsOrigin, checkLabels, checkObjectName, checkVariant, Host } from './host';
import { AuthorizationPolicy, PeerAuthentication } from './imports/istio-security-security.istio.io';
import { checkHostUnderDomain } from './istio/hosts';
import { renderOnlyPrincipalsPolicy, renderStrictPeerAuthentication } from './istio/security';
import { renderNetworkPolicy } from './kubernetes/network-policy';
import { AccessPolicy } from './pomerium/access-policy';
import { PomeriumRouteModel } from './pomerium/model';
import { renderPomeriumIngressAnnotations } from './pomerium/render';
import { PomeriumRelease } from './pomerium-release';
import { claimInApp } from './registry';
import { registerObjectSizeLimits } from './rules/object-size';
import { registerUniqueObjectNames } from './rules/unique-object-names';
import { checkIniName, checkIniValue } from './strings';

/** Options of the Pomerium route. */
export interface RouteOptions {
  /**
   * Upstream timeout of the route; long dashboards queries may need more.
   * @default '30s'
   */
  readonly timeout?: string;
  /**
   * Proxy websockets (Grafana Live needs them).
   * @default true
   */
  readonly allowWebsockets?: boolean;
}

/** Props of `GrafanaBehindPomerium`. */
export interface GrafanaBehindPomeriumProps {
  /** The public host of the Grafana route, e.g. 'grafana.example.com' (no scheme, port or path). */
  readonly host: string;
  /**
   * The Pomerium release that serves this route. Several Grafanas share one release.
   * @default - a release of its own, built from `authenticateServiceUrl` with default settings
   */
  readonly pomerium?: PomeriumRelease;
  /**
   * Pomerium's authenticate service URL, for the one-construct quick start: the construct
   * then creates a `PomeriumRelease` of its own (child 'Pomerium', name '<name>-pomerium').
   * Give either this or `pomerium`.
   * @default - taken from `pomerium`
   */
  readonly authenticateServiceUrl?: string;
  /** Who may pass the route. */
  readonly policy: AccessPolicy;
  /** The Grafana to protect: `GrafanaTarget.existing({...})`, `GrafanaTarget.operator({...})` or `GrafanaTarget.managed({...})`. */
  readonly grafana: GrafanaTarget;
  /**
   * How Pomerium tells Grafana who the user is.
   * @default AuthFlow.jwt()
   */
  readonly authFlow?: AuthFlow;
  /**
   * The forms of the Grafana configuration to emit.
   * @default [GrafanaOutput.helmValues()] for an existing or Helm-chart Grafana, [GrafanaOutput.operator()] for an operator one, none for a managed one (it is configured directly)
   */
  readonly grafanaOutputs?: GrafanaOutput[];
  /**
   * How the Grafana chart's values reach the cluster: a values file for `helm -f`, or a Flux
   * `HelmRelease` / Argo CD `Application` carrying them. Needs `GrafanaOutput.helmValues()`.
   * With a `GrafanaTarget.helmChart()` target the release name is the target's.
   * @default HelmDelivery.valuesFile()
   */
  readonly grafanaDelivery?: HelmDelivery;
  /**
   * Route options.
   * @default - 30s timeout, websockets on
   */
  readonly route?: RouteOptions;
  /**
   * How nothing but Pomerium reaches Grafana.
   * @default GrafanaIsolation.networkPolicy()
   */
  readonly isolation?: GrafanaIsolation;
  /**
   * More grafana.ini settings, section → key → value. A key the library already sets to
   * another value is refused rather than silently overridden.
   * @default - none
   */
  readonly extraGrafanaSettings?: { [section: string]: { [key: string]: string } };
  /**
   * UNSAFE: let `extraGrafanaSettings` values carry `{{ ... }}`, which the Grafana chart
   * evaluates with Helm's `tpl` when it writes grafana.ini (`charts/grafana/templates/_config.tpl`):
   * a template can read any value of the release (`.Values.adminPassword`) into the file.
   * Other output forms (GF_* variables, grafana-operator) pass the text on literally.
   * Line breaks and other control characters stay refused.
   * @default false
   */
  readonly extraGrafanaSettingsHelmTemplatesUnsafe?: boolean;
  /**
   * Base name of the objects and files this construct creates (a DNS-1123 label); the
   * Grafana Helm values file is `<name>-values.yaml`.
   * @default - the construct id
   */
  readonly name?: string;
}

const KEY_SOURCE_KEYS = ['jwk_set_url', 'jwk_set_file', 'key_file'];
/** Istio ambient's HBONE tunnel port on the destination pod (ztunnel). */
const HBONE_PORT = 15008;

/**
 * Grafana behind Pomerium with single sign-on: a route with its access policy on a
 * Pomerium release, Grafana's matching auth configuration, and the Kubernetes objects
 * that keep Grafana reachable only through Pomerium.
 */
export class GrafanaBehindPomerium extends Construct {
  /** The route host, as validated. */
  public readonly host: string;
  /** The Pomerium release that serves the route. */
  public readonly pomerium: PomeriumRelease;
  /** Grafana's namespace. */
  public readonly grafanaNamespace: string;
  /** Grafana's Service. */
  public readonly grafanaServiceName: string;
  /** Labels selecting the Grafana pods. */
  public readonly grafanaPodLabels: { [key: string]: string };
  /** The Pomerium route, with the keys Pomerium reads (`from`, `to`, `policy`, ...). */
  public readonly pomeriumRoute: { [key: string]: any };
  /** The grafana.ini settings, section → key → value, as every Grafana output form carries them. */
  public readonly grafanaSettings: { [section: string]: { [key: string]: any } };
  /** Grafana Helm chart values, when `GrafanaOutput.helmValues()` is chosen. */
  public readonly grafanaHelmValues?: { [key: string]: any };
  /** The configuration as GF_* variables ({ name, value } or { name, valueFrom }), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnv?: { [key: string]: any }[];
  /** True when Grafana trusts unsigned identity headers (the header flow). */
  public readonly trustsUnsignedHeaders: boolean;

  /** @internal */
  public readonly _grafanaModel: GrafanaConfigModel;
  private readonly name: string;
  private readonly grafanaValuesDelivered: boolean = false;

  constructor(scope: Construct, id: string, props: GrafanaBehindPomeriumProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'GrafanaBehindPomerium');
    registerUniqueObjectNames(this);
    registerObjectSizeLimits(this);

    // 1. Validate every prop before anything is added to the tree.
    const name = checkDnsLabel(ctx.prop('name'), props.name ?? id, 'the base name (construct id or `name`)');
    this.name = name;
    const host = Host.check(ctx.prop('host'), props.host);
    this.host = host.name;
    const policy = checkVariant(ctx.prop('policy'), props.policy, AccessPolicy, undefined, "build one, e.g. AccessPolicy.emailDomains('example.com')")._render(ctx.prop('policy'));
    if (props.route === null) ctx.prop('route').fail(null, 'null does not mean the default; route options are an object', 'leave route out for the defaults, or give e.g. { timeout: \'60s\' }');
    const route = props.route ?? {};
    const timeout = checkDuration(ctx.prop('route').prop('timeout'), route.timeout ?? '30s');
    // A non-boolean went into the route as written ('yes'); Pomerium reads allow_websockets as a bool.
    const allowWebsockets = checkBoolean(ctx.prop('route').prop('allowWebsockets'), route.allowWebsockets, true);

    const grafana = checkVariant(ctx.prop('grafana'), props.grafana, GrafanaTarget, undefined, "use GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }), GrafanaTarget.operator({...}) or GrafanaTarget.managed({...})");
    const target = grafana._resolve(ctx.prop('grafana'), name);
    this.grafanaNamespace = target.namespace;
    this.grafanaServiceName = target.serviceName;
    this.grafanaPodLabels = target.podLabels;
    const grafanaOutputs = checkGrafanaOutputs(ctx.prop('grafanaOutputs'), props.grafanaOutputs, target);

    const flowCtx = ctx.prop('authFlow');
    const flow: RenderedFlow = checkVariant(flowCtx, props.authFlow, AuthFlow, AuthFlow.jwt(), 'use AuthFlow.jwt({...}) or AuthFlow.headers({...})')._render(flowCtx, this.host);
    this.trustsUnsignedHeaders = flow.trustsUnsignedHeaders;
    const isolationVariant = checkVariant(ctx.prop('isolation'), props.isolation, GrafanaIsolation, GrafanaIsolation.networkPolicy(), 'use GrafanaIsolation.networkPolicy(), GrafanaIsolation.istioAuthorizationPolicy() or GrafanaIsolation.noneUnsafe()');
    const isolation = isolationVariant._kind;
    const additionalPeers = checkAdditionalPeers(ctx.prop('isolation'), isolationVariant._options ?? {}, flow.trustsUnsignedHeaders, isolation);
    if (flow.trustsUnsignedHeaders && isolation === 'none') {
      ctx.prop('isolation').fail(
        'GrafanaIsolation.noneUnsafe()',
        'the header flow trusts unsigned X-Pomerium-Claim-* headers, so anything that reaches Grafana directly can sign in as anyone',
        'keep GrafanaIsolation.networkPolicy() (the default) or, in an Istio mesh, GrafanaIsolation.istioAuthorizationPolicy()',
      );
    }

    const release = resolveRelease(this, ctx, props, name);
    this.pomerium = release;
    if (this.host === release.authenticateHost) {
      // Suggest a host the user does not already have: move the authenticate service, unless
      // it already sits on 'authenticate.<domain>', then move the route.
      const authenticateSuggestion = `authenticate.${host.parentDomain}`;
      const fix = authenticateSuggestion !== this.host
        ? `give Pomerium's authenticate service a host of its own, e.g. 'https://${authenticateSuggestion}'`
        : `give the route a host of its own, e.g. 'grafana.${host.parentDomain}'`;
      ctx.prop('host').fail(this.host, `the route host is the authenticate host of the PomeriumRelease at '${release.node.path}', and the authenticate service needs its own host`, fix);
    }
    const mesh = release._mesh;
    if (mesh) checkHostUnderDomain(ctx.prop('host'), this.host, mesh.domain, 'the route host');
    if (isolation === 'istio' && !mesh) {
      ctx.prop('isolation').fail(
        'GrafanaIsolation.istioAuthorizationPolicy()',
        `the PomeriumRelease at '${release.node.path}' has no Istio ingress, so no AuthorizationPolicy would be written`,
        'give the release ingress: <IstioIngressForPomerium>, or use GrafanaIsolation.networkPolicy()',
      );
    }
    claimInApp(this, ctx.prop('host'), 'route host', this.host,
      (other) => `the GrafanaBehindPomerium at '${other}' already routes this host; Pomerium would send every request for it to one of the two`,
      'give each Grafana its own host');

    // 2. The models: what Pomerium and Grafana must be told.
    const keysConfigMap = flow.keys?.file ? checkObjectName(ctx.prop('name'), `${name}-pomerium-keys`, ctx.prop('name')) : undefined;
    const builder = new GrafanaConfigBuilder()
      .setAll(ctx, { server: { root_url: host.url('/') } }, 'GrafanaBehindPomerium (route host)')
      .setAll(ctx, { auth: { signout_redirect_url: host.url('/.pomerium/sign_out') } }, 'GrafanaBehindPomerium (Pomerium sign-out)')
      .setAll(ctx, { security: { cookie_secure: true } }, 'GrafanaBehindPomerium (https only)')
      .setAll(flowCtx, flow.grafana, 'authFlow');
    const templatesUnsafe = checkBoolean(ctx.prop('extraGrafanaSettingsHelmTemplatesUnsafe'), props.extraGrafanaSettingsHelmTemplatesUnsafe, false);
    if (props.extraGrafanaSettings !== undefined) {
      builder.setAll(ctx.prop('extraGrafanaSettings'), checkExtraSettings(ctx.prop('extraGrafanaSettings'), props.extraGrafanaSettings, templatesUnsafe),
        'extraGrafanaSettings', { helmTemplatesUnsafe: templatesUnsafe });
    } else if (templatesUnsafe) {
      ctx.prop('extraGrafanaSettingsHelmTemplatesUnsafe').fail(true, 'it applies to extraGrafanaSettings, and none are given', 'leave it out');
    }
    if (keysConfigMap && flow.keys?.file) builder.mount({ name: 'pomerium-keys', mountPath: flow.keys.file.mountPath, configMapName: keysConfigMap });
    for (const mount of flow.mounts ?? []) builder.mount(mount);
    for (const secret of flow.secretSettings ?? []) builder.setFromSecret(secret);
    this._grafanaModel = builder.build();
    const jwtKeys = KEY_SOURCE_KEYS.filter((k) => this._grafanaModel.sections['auth.jwt']?.[k] !== undefined);
    if (jwtKeys.length > 1) {
      ctx.prop('extraGrafanaSettings').fail(jwtKeys, `Grafana takes exactly one of ${KEY_SOURCE_KEYS.join(', ')}, and this sets ${jwtKeys.join(' and ')}`, 'choose the key source with authFlow keySource only');
    }

    const routeModel: PomeriumRouteModel = {
      from: host.origin,
      to: upstreamUrl(target, release.clusterDomain),
      policy,
      pass_identity_headers: true,
      allow_websockets: allowWebsockets,
      timeout,
    };
    this.pomeriumRoute = routeModel;
    this.grafanaSettings = this._grafanaModel.sections;
    release._addRoute({ owner: `GrafanaBehindPomerium at '${this.node.path}'`, route: routeModel, jwtClaimsHeaders: flow.jwtClaimsHeaders ?? [] }, flow.keys?.userKeys !== undefined);

    // 3. Renderings, and the objects that carry them.
    if (keysConfigMap && flow.keys?.file) {
      new k8s.KubeConfigMap(this, 'PomeriumKeys', {
        metadata: { name: keysConfigMap, namespace: this.grafanaNamespace },
        data: { [flow.keys.file.fileName]: flow.keys.file.content },
      });
    }
    // The header flow must not rest on mesh policy alone: PeerAuthentication and AuthorizationPolicy
    // act only where a sidecar runs (istio/api security/v1beta1/authorization_policy.proto), and
    // without one any pod could send X-Pomerium-Claim-Email. The NetworkPolicy holds either way.
    if (isolation === 'networkPolicy' || (isolation === 'istio' && flow.trustsUnsignedHeaders)) {
      new k8s.KubeNetworkPolicy(this, 'OnlyPomerium', renderNetworkPolicy({
        name: checkObjectName(ctx.prop('name'), `${name}-only-from-pomerium`, ctx.prop('name')),
        namespace: this.grafanaNamespace,
        grafanaPodLabels: this.grafanaPodLabels,
        // Ambient mode: the pod is reached over HBONE on 15008, proxied to Grafana's port inside the pod
        // (istio.io ambient/usage/networkpolicy); the host-side NetworkPolicy sees 15008.
        grafanaPort: mesh?.dataplane === 'ambient' ? HBONE_PORT : target.containerPort,
        pomeriumNamespace: release.namespace,
        pomeriumPodSelectors: release._proxyPodSelectors(`GrafanaBehindPomerium at '${this.node.path}'`),
        additionalPeers,
        // Probes are not tunnelled: they reach Grafana's own port from ztunnel's probe address.
        ambientProbePort: mesh?.dataplane === 'ambient' ? target.containerPort : undefined,
      }));
    }
    const ingressController = release._outputs.ingressController;
    if (ingressController) {
      new k8s.KubeIngress(this, 'PomeriumIngress', {
        metadata: { name, namespace: this.grafanaNamespace, annotations: renderPomeriumIngressAnnotations(routeModel) },
        spec: {
          ingressClassName: ingressController.ingressClassName,
          rules: [{
            host: this.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: target.serviceName, port: { number: target.servicePort } } } }] },
          }],
          ...(ingressController.tlsSecretName ? { tls: [{ hosts: [this.host], secretName: ingressController.tlsSecretName }] } : {}),
        },
      });
    }
    if (mesh) {
      // The route host reaches Pomerium through the release's one wildcard VirtualService
      // (PomeriumRelease 'Routes'): a route writes nothing into Pomerium's namespace.
      // Grafana's namespace often holds workloads outside the mesh (Prometheus, exporters):
      // STRICT is scoped to the Grafana pods there, which is all the Pomerium hop needs.
      if (mesh.strictMtls && this.grafanaNamespace !== release.namespace) {
        new PeerAuthentication(this, 'StrictMtls', renderStrictPeerAuthentication({
          name: checkObjectName(ctx.prop('name'), `${name}-strict-mtls`, ctx.prop('name')),
          namespace: this.grafanaNamespace,
          podLabels: this.grafanaPodLabels,
        }));
      }
      if (isolation !== 'none') {
        new AuthorizationPolicy(this, 'OnlyPomeriumPrincipal', renderOnlyPrincipalsPolicy({
          name: checkObjectName(ctx.prop('name'), `${name}-only-pomerium`, ctx.prop('name')),
          namespace: this.grafanaNamespace,
          podLabels: this.grafanaPodLabels,
          principals: [mesh.pomeriumPrincipal],
        }));
      }
    }

    const grafanaTarget = { name, namespace: this.grafanaNamespace, operatorResourceName: target.operatorResourceName };
    const emitted = emitGrafanaOutputs(this, ctx, grafanaTarget, this._grafanaModel, grafanaOutputs);
    // grafana/helm-charts charts/grafana/templates/secret.yaml: with admin.existingSecret the
    // chart generates no admin password.
    this.grafanaHelmValues = emitted.helmValues && target.adminSecretName !== undefined
      ? { ...emitted.helmValues, admin: { existingSecret: target.adminSecretName } }
      : emitted.helmValues;
    this.grafanaEnv = emitted.env;
    if (props.grafanaDelivery !== undefined) {
      const deliveryCtx = ctx.prop('grafanaDelivery');
      checkVariant(deliveryCtx, props.grafanaDelivery, HelmDelivery, undefined, 'use HelmDelivery.fluxHelmRelease({...}) or HelmDelivery.argoCdApplication({...})');
      props.grafanaDelivery!._check(deliveryCtx);
      if (!emitted.helmValues) deliveryCtx.fail('HelmDelivery', 'a chart delivery carries the chart values, and no Grafana Helm values are emitted', 'add GrafanaOutput.helmValues() to grafanaOutputs');
      if (props.grafanaDelivery._engine === 'argocd' && target.adminSecretName === undefined) {
        ctx.prop('grafana').prop('adminSecretName').fail(
          undefined,
          'grafanaDelivery renders the Grafana chart with `helm template` at every Argo CD sync, where the chart generates a new admin password (randAlphaNum) each time, and its checksum/secret annotation restarts Grafana at each self-heal',
          `create a Secret in '${this.grafanaNamespace}' with keys admin-user and admin-password and name it: GrafanaTarget.${target.kind === 'helmChart' ? 'helmChart' : 'existing'}({ ..., adminSecretName: 'grafana-admin' }) (chart value admin.existingSecret)`,
        );
      }
      const input = { releaseName: target.helmReleaseName ?? name, namespace: this.grafanaNamespace, values: this.grafanaHelmValues! };
      // A GitOps object that carries the values replaces the values file.
      this.grafanaValuesDelivered = props.grafanaDelivery._addTo(this, input, deliveryCtx).length > 0;
    }

    if (target.kind === 'managed') {
      const objects = renderManagedGrafana(name, this.grafanaPodLabels, grafana._options as ManagedGrafanaOptions, this._grafanaModel);
      new k8s.KubeDeployment(this, 'Deployment', objects.deployment);
      new k8s.KubeService(this, 'Service', objects.service);
      new k8s.KubePersistentVolumeClaim(this, 'Storage', objects.claim);
    }
  }

  /** The Helm values files this construct contributes (Grafana's, unless a GitOps object carries them). @internal */
  public _helmValuesFiles(): HelmValuesFile[] {
    return this.grafanaHelmValues && !this.grafanaValuesDelivered ? [{ fileName: `${this.name}-values.yaml`, values: this.grafanaHelmValues }] : [];
  }
}

function resolveRelease(scope: GrafanaBehindPomerium, ctx: PropContext, props: GrafanaBehindPomeriumProps, name: string): PomeriumRelease {
  if (props.pomerium !== undefined) {
    checkVariant(ctx.prop('pomerium'), props.pomerium, PomeriumRelease, undefined, "create one: new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl, ... }) and pass it here");
    if (props.authenticateServiceUrl !== undefined) {
      ctx.prop('authenticateServiceUrl').fail(props.authenticateServiceUrl, `the PomeriumRelease at '${props.pomerium.node.path}' already sets the authenticate service`, 'leave authenticateServiceUrl out');
    }
    return props.pomerium;
  }
  if (props.authenticateServiceUrl === undefined) {
    return ctx.prop('pomerium').fail(undefined, 'the route needs a Pomerium release', "pass pomerium: <PomeriumRelease>, or authenticateServiceUrl: 'https://authenticate.example.com' for a release of its own");
  }
  // The user wrote the URL on this construct: refuse it here, in this construct's words.
  checkHttpsOrigin(ctx.prop('authenticateServiceUrl'), props.authenticateServiceUrl, 'the authenticate service URL');
  return new PomeriumRelease(scope, 'Pomerium', { authenticateServiceUrl: props.authenticateServiceUrl, name: `${name}-pomerium` });
}

/** The in-cluster URL Pomerium proxies to; port 80 is http's default and left out. */
function upstreamUrl(target: ResolvedGrafanaTarget, clusterDomain: string): string {
  return `http://${target.serviceName}.${target.namespace}.svc.${clusterDomain}${target.servicePort === 80 ? '' : `:${target.servicePort}`}`;
}

function checkGrafanaOutputs(ctx: PropContext, raw: GrafanaOutput[] | undefined, target: ResolvedGrafanaTarget): GrafanaOutput[] {
  const defaults = {
    existing: [GrafanaOutput.helmValues()],
    helmChart: [GrafanaOutput.helmValues()],
    operator: [GrafanaOutput.operator()],
    managed: [] as GrafanaOutput[],
  };
  const outputs = checkGrafanaOutputList(ctx, raw, defaults[target.kind]);
  for (const output of outputs) {
    if (output._kind === 'operator' && target.kind !== 'operator') {
      ctx.fail('GrafanaOutput.operator()', `grafana-operator names its Service '<cr>-service' and labels pods 'app: <cr>', so ${target.kind === 'managed' ? 'a managed' : 'this'} target's Service and pod labels would route to and isolate nothing`, "use GrafanaTarget.operator({ name: '<Grafana resource>', namespace }) so the route and the NetworkPolicy use the operator's names");
    }
    if (output._kind === 'operator' && output._options.grafanaName !== undefined && output._options.grafanaName !== target.operatorResourceName) {
      ctx.prop('grafanaName').fail(output._options.grafanaName, `the target is the Grafana resource '${target.operatorResourceName}'`, 'leave grafanaName out: GrafanaTarget.operator({ name }) names the resource');
    }
  }
  if (target.kind === 'operator' && !outputs.some((o) => o._kind === 'operator')) {
    ctx.fail(outputs.map((o) => o._kind), 'an operator-run Grafana takes its configuration from its Grafana resource, which would not be written',
      'add GrafanaOutput.operator() (or leave grafanaOutputs out)');
  }
  return outputs;
}

function checkAdditionalPeers(
  ctx: PropContext, options: IsolationOptions, trustsUnsignedHeaders: boolean, isolation: string,
): AdditionalGrafanaPeer[] {
  const peers = options.additionalPeers ?? [];
  if (peers.length > 0 && isolation === 'istio') {
    // An ALLOW AuthorizationPolicy admits mTLS principals, not pods: a pod selector cannot widen it.
    ctx.prop('additionalPeers').fail(peers.map((p) => p?.name), 'the Istio AuthorizationPolicy admits service-account principals, so pod-labelled peers would still be refused there',
      "add your own ALLOW AuthorizationPolicy for the peer's service account (ALLOW policies add up), or use GrafanaIsolation.networkPolicy({ additionalPeers })");
  }
  if (!Array.isArray(peers)) return ctx.prop('additionalPeers').fail(peers, 'a list of peers is required', "write e.g. [{ name: 'prometheus', namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }]");
  const unsafe = checkBoolean(ctx.prop('allowPeersInHeaderFlowUnsafe'), options.allowPeersInHeaderFlowUnsafe, false);
  if (peers.length > 0 && trustsUnsignedHeaders && !unsafe) {
    ctx.prop('additionalPeers').fail(peers.map((p) => p?.name), 'Grafana trusts unsigned X-Pomerium-Claim-* headers in the header flow, so every admitted peer could sign in as anyone',
      'use the JWT flow (AuthFlow.jwt()) for a Grafana other workloads must reach, or set allowPeersInHeaderFlowUnsafe: true if you trust them');
  }
  const names = new Set<string>();
  return peers.map((peer, i) => {
    const peerCtx = ctx.prop('additionalPeers').prop(String(i));
    const name = checkDnsLabel(peerCtx.prop('name'), peer?.name, 'a peer name');
    if (names.has(name)) peerCtx.prop('name').fail(name, 'two peers have this name', 'name each peer once');
    names.add(name);
    return { name, namespace: checkDnsLabel(peerCtx.prop('namespace'), peer.namespace, 'a namespace'), podLabels: checkLabels(peerCtx.prop('podLabels'), peer.podLabels) };
  });
}

function checkExtraSettings(ctx: PropContext, settings: unknown, helmTemplatesUnsafe: boolean): Record<string, Record<string, string>> {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    return ctx.fail(settings, 'settings are a map of section to a map of key to value', "write e.g. { 'users': { 'default_theme': 'light' } }");
  }
  for (const [section, keys] of Object.entries(settings as Record<string, unknown>)) {
    if (!/^[a-z0-9_.-]+$/.test(section)) ctx.fail(section, 'not a grafana.ini section name', "write it as in grafana.ini, e.g. 'auth.jwt'");
    checkIniName(ctx, section, 'section');
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) ctx.fail(keys, `section '${section}' must map keys to values`, "write e.g. { 'default_theme': 'light' }");
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (!/^[a-z0-9_.-]+$/i.test(key)) ctx.fail(key, `not a grafana.ini key in [${section}]`, 'write the key as in grafana.ini');
      checkIniName(ctx, key, 'key');
      if (typeof value !== 'string') ctx.fail({ [`${section}.${key}`]: value }, 'values are strings, as in grafana.ini', `write ${JSON.stringify(String(value))}`);
      checkIniValue(ctx.prop(section).prop(key), value as string, {
        templatesUnsafe: helmTemplatesUnsafe,
        templateFix: "remove '{{', or set extraGrafanaSettingsHelmTemplatesUnsafe: true if the Grafana chart should evaluate it",
      });
    }
  }
  return settings as Record<string, Record<string, string>>;
}
