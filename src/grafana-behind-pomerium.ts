import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AuthFlow, RenderedFlow } from './auth-flow';
import { PropContext } from './errors';
import { GrafanaConfigBuilder, GrafanaConfigModel } from './grafana/config';
import { emitGrafanaOutputs } from './grafana/emit';
import { checkManagedGrafana, GRAFANA_CONTAINER_PORT, GRAFANA_SERVICE_PORT, renderManagedGrafana } from './grafana/managed-grafana';
import { ExistingGrafanaOptions, GrafanaTarget, ManagedGrafanaOptions } from './grafana/target';
import { checkDnsLabel, checkDnsName, checkDnsSubdomain, checkDuration, checkHttpsUrl, checkLabels, checkPort } from './host';
import { renderNetworkPolicy } from './kubernetes/network-policy';
import { GrafanaIsolation, GrafanaOutput, PomeriumOutput } from './outputs';
import { AccessPolicy } from './pomerium/access-policy';
import { checkPomeriumOutputs, emitPomeriumOutputs } from './pomerium/emit';
import { renderCombinedPomeriumHelmValues, renderPomeriumHelmValues, RouteContribution } from './pomerium/render';
import { PomeriumModel } from './pomerium/route';
import { registerUniqueObjectNames } from './rules/unique-object-names';
import { writeValuesFiles } from './values-file';

/** Where Pomerium runs and how its configuration is emitted. */
export interface PomeriumOptions {
  /**
   * Pomerium's namespace.
   * @default 'pomerium'
   */
  readonly namespace?: string;
  /**
   * Labels of the Pomerium pods that may reach Grafana (the proxy, or the all-in-one pod).
   * @default - every pod in Pomerium's namespace
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * A Secret in Pomerium's namespace, key `signing-key`, holding Pomerium's signing key.
   * Required with `JwtKeySource.jwksFile()`/`keyFile()` and Helm values, so the chart uses
   * the key whose public half Grafana holds instead of generating its own.
   * @default - the chart generates a key (fine with a JWKS URL)
   */
  readonly signingKeySecretName?: string;
  /**
   * The forms to emit.
   * @default [PomeriumOutput.helmValues()]
   */
  readonly outputs?: PomeriumOutput[];
}

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
  /** Pomerium's authenticate service URL, e.g. 'https://authenticate.example.com'. */
  readonly authenticateServiceUrl: string;
  /** Who may pass the route. */
  readonly policy: AccessPolicy;
  /** The Grafana to protect: `GrafanaTarget.existing({...})` or `GrafanaTarget.managed({...})`. */
  readonly grafana: GrafanaTarget;
  /**
   * How Pomerium tells Grafana who the user is.
   * @default AuthFlow.jwt()
   */
  readonly authFlow?: AuthFlow;
  /**
   * Pomerium's location and output forms.
   * @default - namespace 'pomerium', Helm values
   */
  readonly pomerium?: PomeriumOptions;
  /**
   * The forms of the Grafana configuration to emit.
   * @default [GrafanaOutput.helmValues()] for an existing Grafana, none for a managed one (it is configured directly)
   */
  readonly grafanaOutputs?: GrafanaOutput[];
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
   * Base name of the objects this construct creates (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
}

const KEY_SOURCE_KEYS = ['jwk_set_url', 'jwk_set_file', 'key_file'];
const DEFAULT_GRAFANA_LABELS = { 'app.kubernetes.io/name': 'grafana' };

/**
 * Grafana behind Pomerium with single sign-on: the Pomerium route and its access
 * policy, Grafana's matching auth configuration, and the Kubernetes objects that
 * keep Grafana reachable only through Pomerium.
 */
export class GrafanaBehindPomerium extends Construct {
  /**
   * Values for one Pomerium release that serves the routes of several Grafanas (a
   * `helm -f` per construct would keep only the last file's `config.routes`). Each
   * must have chosen `PomeriumOutput.helmValues()`, and they must agree on the
   * release-wide settings: authenticate URL, signing key Secret, transport.
   */
  public static combinedPomeriumHelmValues(grafanas: GrafanaBehindPomerium[]): any {
    const ctx = PropContext.detached('GrafanaBehindPomerium.combinedPomeriumHelmValues()').prop('grafanas');
    return renderCombinedPomeriumHelmValues(ctx, (grafanas ?? []).map((g, i) => g._routeContribution(ctx.prop(String(i)))));
  }

  /** The route host, as validated. */
  public readonly host: string;
  /** Pomerium's authenticate host. */
  public readonly authenticateHost: string;
  /** Grafana's namespace. */
  public readonly grafanaNamespace: string;
  /** Grafana's Service. */
  public readonly grafanaServiceName: string;
  /** Labels selecting the Grafana pods. */
  public readonly grafanaPodLabels: { [key: string]: string };
  /** Pomerium's namespace. */
  public readonly pomeriumNamespace: string;
  /** The Pomerium route, as every Pomerium output form carries it. */
  public readonly pomeriumRoute: any;
  /** The grafana.ini settings, section → key → value, as every Grafana output form carries them. */
  public readonly grafanaSettings: any;
  /** Grafana Helm chart values, when `GrafanaOutput.helmValues()` is chosen. */
  public readonly grafanaHelmValues?: any;
  /** The configuration as GF_* variables ({ name, value } or { name, valueFrom }), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnv?: any[];
  /** True when Grafana trusts unsigned identity headers (the header flow). */
  public readonly trustsUnsignedHeaders: boolean;

  private readonly basePomeriumModel: PomeriumModel;
  private readonly pomeriumHelmOptions?: { readonly ingressEnabled: boolean };
  private mesh?: { readonly insecureServer: boolean; readonly chartIngress: boolean };
  /** @internal */
  public readonly _grafanaModel: GrafanaConfigModel;
  /** @internal */
  public readonly _isolation: 'networkPolicy' | 'istio' | 'none';
  private istioIsolationProvided = false;

  constructor(scope: Construct, id: string, props: GrafanaBehindPomeriumProps) {
    super(scope, id);
    registerUniqueObjectNames(this);
    const ctx = PropContext.of(this, 'GrafanaBehindPomerium');

    // 1. Validate every prop before anything is added to the tree.
    const name = checkDnsLabel(ctx.prop('name'), props.name ?? id, 'the base name (construct id or `name`)');
    this.host = checkDnsName(ctx.prop('host'), props.host);
    const authUrl = checkHttpsUrl(ctx.prop('authenticateServiceUrl'), props.authenticateServiceUrl, 'the authenticate service URL');
    if (authUrl.pathname !== '/' || authUrl.port) {
      ctx.prop('authenticateServiceUrl').fail(props.authenticateServiceUrl, 'the authenticate service URL is a bare https origin', `write 'https://${authUrl.hostname}'`);
    }
    this.authenticateHost = authUrl.hostname;
    if (this.authenticateHost === this.host) {
      ctx.prop('authenticateServiceUrl').fail(props.authenticateServiceUrl, 'the authenticate service needs its own host, not the Grafana route host', `use e.g. 'https://authenticate.${this.host.split('.').slice(1).join('.')}'`);
    }
    if (!(props.policy instanceof AccessPolicy)) ctx.prop('policy').fail(props.policy, 'an AccessPolicy is required', "build one, e.g. AccessPolicy.emailDomains('example.com')");
    const policy = props.policy._render(ctx.prop('policy'));

    const pomerium = props.pomerium ?? {};
    this.pomeriumNamespace = checkDnsLabel(ctx.prop('pomerium').prop('namespace'), pomerium.namespace ?? 'pomerium', 'a namespace');
    const pomeriumPodLabels = pomerium.podLabels === undefined ? undefined : checkLabels(ctx.prop('pomerium').prop('podLabels'), pomerium.podLabels);
    const signingKeySecretName = pomerium.signingKeySecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('pomerium').prop('signingKeySecretName'), pomerium.signingKeySecretName, 'a Secret name');
    const pomeriumOutputs = pomerium.outputs ?? [PomeriumOutput.helmValues()];
    const route = props.route ?? {};
    const timeout = checkDuration(ctx.prop('route').prop('timeout'), route.timeout ?? '30s');

    if (!(props.grafana instanceof GrafanaTarget)) ctx.prop('grafana').fail(props.grafana, 'a GrafanaTarget is required', "use GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }) or GrafanaTarget.managed({...})");
    const target = resolveTarget(ctx.prop('grafana'), name, props.grafana);
    this.grafanaNamespace = target.namespace;
    this.grafanaServiceName = target.serviceName;
    this.grafanaPodLabels = target.podLabels;
    const grafanaOutputs = props.grafanaOutputs ?? (props.grafana._kind === 'managed' ? [] : [GrafanaOutput.helmValues()]);

    const flowCtx = ctx.prop('authFlow');
    const flow: RenderedFlow = (props.authFlow ?? AuthFlow.jwt())._render(flowCtx, this.host);
    this.trustsUnsignedHeaders = flow.trustsUnsignedHeaders;
    this._isolation = (props.isolation ?? GrafanaIsolation.networkPolicy())._kind;
    if (flow.trustsUnsignedHeaders && this._isolation === 'none') {
      ctx.prop('isolation').fail(
        'GrafanaIsolation.noneUnsafe()',
        'the header flow trusts unsigned X-Pomerium-Claim-* headers, so anything that reaches Grafana directly can sign in as anyone',
        'keep GrafanaIsolation.networkPolicy() (the default) or, in an Istio mesh, GrafanaIsolation.istioAuthorizationPolicy()',
      );
    }
    const checkedPomeriumOutputs = checkPomeriumOutputs(ctx.prop('pomerium').prop('outputs'), pomeriumOutputs, flow.jwtClaimsHeaders !== undefined);
    if (flow.keys?.userKeys && signingKeySecretName === undefined && checkedPomeriumOutputs.helmValues) {
      ctx.prop('pomerium').prop('signingKeySecretName').fail(
        undefined,
        'Grafana holds the public keys you passed, but the Pomerium chart would sign with a key it generates itself, so no token would verify',
        "create a Secret with key 'signing-key' (base64 PEM of the private key) in Pomerium's namespace and name it here",
      );
    }

    // 2. The models: what Pomerium and Grafana must be told.
    const keysConfigMap = flow.keys?.file ? `${name}-pomerium-keys` : undefined;
    const builder = new GrafanaConfigBuilder()
      .setAll(ctx, { server: { root_url: `https://${this.host}/` } }, 'GrafanaBehindPomerium (route host)')
      .setAll(ctx, { auth: { signout_redirect_url: `https://${this.host}/.pomerium/sign_out` } }, 'GrafanaBehindPomerium (Pomerium sign-out)')
      .setAll(ctx, { security: { cookie_secure: true } }, 'GrafanaBehindPomerium (https only)')
      .setAll(flowCtx, flow.grafana, 'authFlow');
    if (props.extraGrafanaSettings !== undefined) {
      builder.setAll(ctx.prop('extraGrafanaSettings'), checkExtraSettings(ctx.prop('extraGrafanaSettings'), props.extraGrafanaSettings), 'extraGrafanaSettings');
    }
    if (keysConfigMap && flow.keys?.file) builder.mount({ name: 'pomerium-keys', mountPath: flow.keys.file.mountPath, configMapName: keysConfigMap });
    this._grafanaModel = builder.build();
    const jwtKeys = KEY_SOURCE_KEYS.filter((k) => this._grafanaModel.sections['auth.jwt']?.[k] !== undefined);
    if (jwtKeys.length > 1) {
      ctx.prop('extraGrafanaSettings').fail(jwtKeys, `Grafana takes exactly one of ${KEY_SOURCE_KEYS.join(', ')}, and this sets ${jwtKeys.join(' and ')}`, 'choose the key source with authFlow keySource only');
    }

    this.basePomeriumModel = {
      route: {
        from: `https://${this.host}`,
        to: target.upstream,
        policy,
        pass_identity_headers: true,
        allow_websockets: route.allowWebsockets ?? true,
        timeout,
      },
      authenticateServiceUrl: `https://${this.authenticateHost}`,
      jwtClaimsHeaders: flow.jwtClaimsHeaders,
      signingKeySecretName,
      insecureServer: false,
    };
    this.pomeriumRoute = this.basePomeriumModel.route;
    this.grafanaSettings = this._grafanaModel.sections;

    // 3. Renderings, and the objects that carry them.
    if (keysConfigMap && flow.keys?.file) {
      new k8s.KubeConfigMap(this, 'PomeriumKeys', {
        metadata: { name: keysConfigMap, namespace: this.grafanaNamespace },
        data: { [flow.keys.file.fileName]: flow.keys.file.content },
      });
    }
    if (this._isolation === 'networkPolicy') {
      new k8s.KubeNetworkPolicy(this, 'OnlyPomerium', renderNetworkPolicy({
        name: `${name}-only-from-pomerium`,
        namespace: this.grafanaNamespace,
        grafanaPodLabels: this.grafanaPodLabels,
        grafanaPort: target.containerPort,
        pomeriumNamespace: this.pomeriumNamespace,
        pomeriumPodLabels,
      }));
    }
    if (this._isolation === 'istio') {
      this.node.addValidation({
        validate: () => this.istioIsolationProvided ? [] : [
          `GrafanaBehindPomerium at '${this.node.path}': prop 'isolation' is GrafanaIsolation.istioAuthorizationPolicy(), but no IstioIngressForPomerium protects this Grafana. Fix: pass this construct to an IstioIngressForPomerium's 'grafanas', or use GrafanaIsolation.networkPolicy()`,
        ],
      });
    }

    emitPomeriumOutputs(this, {
      name,
      pomeriumNamespace: this.pomeriumNamespace,
      host: this.host,
      grafanaNamespace: this.grafanaNamespace,
      grafanaServiceName: this.grafanaServiceName,
      grafanaServicePort: target.servicePort,
    }, () => this._pomeriumModel, checkedPomeriumOutputs);
    this.pomeriumHelmOptions = checkedPomeriumOutputs.helmValues;

    const emitted = emitGrafanaOutputs(this, ctx, { name, namespace: this.grafanaNamespace }, this._grafanaModel, grafanaOutputs);
    this.grafanaHelmValues = emitted.helmValues;
    this.grafanaEnv = emitted.env;

    if (props.grafana._kind === 'managed') {
      const objects = renderManagedGrafana(name, this.grafanaPodLabels, props.grafana._options as ManagedGrafanaOptions, this._grafanaModel);
      new k8s.KubeDeployment(this, 'Deployment', objects.deployment);
      new k8s.KubeService(this, 'Service', objects.service);
      new k8s.KubePersistentVolumeClaim(this, 'Storage', objects.claim);
    }
  }

  /**
   * Writes the chosen Helm values next to the manifests: `pomerium-values.yaml`
   * and `grafana-values.yaml`, ready for `helm upgrade --install -f`.
   * Call it after `app.synth()`; returns the paths written.
   */
  public writeHelmValues(outdir: string): string[] {
    return writeValuesFiles(outdir, [['pomerium-values.yaml', this.pomeriumHelmValues], ['grafana-values.yaml', this.grafanaHelmValues]]);
  }

  /** This construct's route and release settings, for a combined Pomerium release. @internal */
  public _routeContribution(ctx: PropContext): RouteContribution {
    if (!this.pomeriumHelmOptions) {
      return ctx.fail(this.node.path, `GrafanaBehindPomerium at '${this.node.path}' does not emit Pomerium Helm values`, 'add PomeriumOutput.helmValues() to its pomerium.outputs');
    }
    const ingressEnabled = this.mesh ? this.mesh.chartIngress : this.pomeriumHelmOptions.ingressEnabled;
    return { owner: `GrafanaBehindPomerium at '${this.node.path}'`, model: this._pomeriumModel, ingressEnabled };
  }

  /** Pomerium Helm chart values, when `PomeriumOutput.helmValues()` is chosen. */
  public get pomeriumHelmValues(): any {
    if (!this.pomeriumHelmOptions) return undefined;
    const ingressEnabled = this.mesh ? this.mesh.chartIngress : this.pomeriumHelmOptions.ingressEnabled;
    return renderPomeriumHelmValues(this._pomeriumModel, { ingressEnabled });
  }

  /** What Pomerium must be told, including what a mesh in front of it changed. @internal */
  public get _pomeriumModel(): PomeriumModel {
    return this.mesh ? { ...this.basePomeriumModel, insecureServer: this.mesh.insecureServer } : this.basePomeriumModel;
  }

  /**
   * Called by a mesh ingress (IstioIngressForPomerium) that fronts Pomerium: it may turn
   * Pomerium's TLS off (only with STRICT mTLS in place) and the chart's own Ingress off.
   * @internal
   */
  public _attachToMesh(mesh: { readonly insecureServer: boolean; readonly chartIngress: boolean }): void {
    this.mesh = mesh;
  }

  /** Records that an Istio AuthorizationPolicy now admits only Pomerium to this Grafana. @internal */
  public _markIstioIsolated(): void {
    this.istioIsolationProvided = true;
  }
}

interface ResolvedTarget {
  readonly namespace: string;
  readonly serviceName: string;
  readonly servicePort: number;
  readonly containerPort: number;
  readonly podLabels: Record<string, string>;
  readonly upstream: string;
}

function resolveTarget(ctx: PropContext, name: string, target: GrafanaTarget): ResolvedTarget {
  if (target._kind === 'managed') {
    const options = target._options as ManagedGrafanaOptions;
    checkManagedGrafana(ctx, options);
    const namespace = checkDnsLabel(ctx.prop('namespace'), options.namespace, 'a namespace');
    return {
      namespace,
      serviceName: name,
      servicePort: GRAFANA_SERVICE_PORT,
      containerPort: GRAFANA_CONTAINER_PORT,
      podLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': name },
      upstream: `http://${name}.${namespace}.svc.cluster.local`,
    };
  }
  const options = target._options as ExistingGrafanaOptions;
  const namespace = checkDnsLabel(ctx.prop('namespace'), options.namespace, 'a namespace');
  const serviceName = checkDnsLabel(ctx.prop('serviceName'), options.serviceName, 'a Service name');
  const servicePort = checkPort(ctx.prop('servicePort'), options.servicePort ?? GRAFANA_SERVICE_PORT);
  return {
    namespace,
    serviceName,
    servicePort,
    containerPort: checkPort(ctx.prop('containerPort'), options.containerPort ?? GRAFANA_CONTAINER_PORT),
    podLabels: checkLabels(ctx.prop('podLabels'), options.podLabels ?? DEFAULT_GRAFANA_LABELS),
    // Port 80 is http's default; leaving it out matches how the seeds write the upstream.
    upstream: `http://${serviceName}.${namespace}.svc.cluster.local${servicePort === 80 ? '' : `:${servicePort}`}`,
  };
}

function checkExtraSettings(ctx: PropContext, settings: unknown): Record<string, Record<string, string>> {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    return ctx.fail(settings, 'settings are a map of section to a map of key to value', "write e.g. { 'users': { 'default_theme': 'light' } }");
  }
  for (const [section, keys] of Object.entries(settings as Record<string, unknown>)) {
    if (!/^[a-z0-9_.-]+$/.test(section)) ctx.fail(section, 'not a grafana.ini section name', "write it as in grafana.ini, e.g. 'auth.jwt'");
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) ctx.fail(keys, `section '${section}' must map keys to values`, "write e.g. { 'default_theme': 'light' }");
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (!/^[a-z0-9_.-]+$/i.test(key)) ctx.fail(key, `not a grafana.ini key in [${section}]`, 'write the key as in grafana.ini');
      if (typeof value !== 'string') ctx.fail({ [`${section}.${key}`]: value }, 'values are strings, as in grafana.ini', `write ${JSON.stringify(String(value))}`);
    }
  }
  return settings as Record<string, Record<string, string>>;
}

