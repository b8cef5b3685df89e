import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PropContext } from './errors';
import { lazyCheckedValues } from './gitops/checks';
import { HelmDelivery } from './gitops/helm-delivery';
import { HelmValuesFile } from './helm-values';
import { Pomerium } from './imports/pomerium-ingress.pomerium.io';
import { ExternalIdentityProvider } from './istio/external-hosts';
import { MeshIngressModel } from './istio/mesh';
import { IstioIngressForPomerium } from './istio-ingress-for-pomerium';
import { KeycloakGrafanaClient } from './keycloak-grafana-client';
import { chartProxyPodLabels, INGRESS_CONTROLLER_POD_LABELS } from './pomerium/chart-names';
import { IdentityProviderModel, PomeriumReleaseModel, PomeriumRouteModel, SigningKeyModel } from './pomerium/model';
import { CheckedPomeriumOutputs, PomeriumOutput } from './pomerium/outputs';
import { checkPomeriumReleaseProps, checkReleaseDelivery, registerHelmReleaseClaim } from './pomerium/release-checks';
import { pomeriumReleaseObjects, pomeriumReleaseSettings } from './pomerium/release-model';
import { addPomeriumReleaseObjects, GROWS_WITH_ROUTES_FIX } from './pomerium/release-render';
import { renderPomeriumConfigFile, renderPomeriumGlobalSpec, renderPomeriumHelmValues } from './pomerium/render';
import { pomeriumChartConfigBytes, registerObjectSizeLimits, SECRET_DATA_LIMIT, setOversizeFix } from './rules/object-size';
import { registerUniqueObjectNames } from './rules/unique-object-names';

/**
 * Where the Pomerium Services are, for an Istio ingress. Names and ports follow the legacy
 * Pomerium Helm chart (`<release>-pomerium-proxy`, or `<release>-proxy` when the release
 * name contains 'pomerium'); give them explicitly for any other installation.
 */
export interface PomeriumServiceOptions {
  /**
   * The proxy Service, in Pomerium's namespace.
   * @default - the chart's name for the release ('pomerium-proxy' for release 'pomerium')
   */
  readonly proxyServiceName?: string;
  /**
   * The proxy Service's port.
   * @default 80 (the chart's port with `config.insecure: true`)
   */
  readonly proxyServicePort?: number;
  /**
   * The authenticate Service, in Pomerium's namespace.
   * @default - the chart's name for the release ('pomerium-authenticate' for release 'pomerium')
   */
  readonly authenticateServiceName?: string;
  /**
   * The authenticate Service's port.
   * @default 80 (the chart's port with `config.insecure: true`)
   */
  readonly authenticateServicePort?: number;
  /**
   * The ServiceAccount of the Pomerium proxy pods: the only principal a meshed Grafana admits.
   * @default - the chart's name for the release ('pomerium-proxy' for release 'pomerium')
   */
  readonly serviceAccountName?: string;
}

/** Props of `PomeriumRelease`. */
export interface PomeriumReleaseProps {
  /** Pomerium's authenticate service URL, a bare https origin such as 'https://authenticate.example.com'. */
  readonly authenticateServiceUrl: string;
  /**
   * Pomerium's namespace.
   * @default - the ingress's `pomeriumNamespace` with an ingress, else 'pomerium'
   */
  readonly namespace?: string;
  /**
   * The Helm release name of the Pomerium chart; the chart derives its Service and
   * ServiceAccount names from it.
   * @default 'pomerium'
   */
  readonly helmReleaseName?: string;
  /**
   * A Secret in Pomerium's namespace holding Pomerium's signing key (key `signing-key`,
   * base64 PEM, as `npx cdk8s-grafana-pomerium-keygen` writes it). Every output form then
   * signs with it: the chart's `config.existingSigningKeySecret`, the config file's
   * `signing_key_file`. Required when a route pins the public key
   * (`JwtKeySource.jwksFile()`/`keyFile()`); the Ingress Controller form signs with the
   * bootstrap Secret's `signing_key` instead (name it in `globalSettings.bootstrapSecret`).
   * @default - Pomerium's own key (fine with a JWKS URL)
   */
  readonly signingKeySecretName?: string;
  /**
   * A Secret in Pomerium's namespace holding keys `SHARED_SECRET` and `COOKIE_SECRET` (each the
   * base64 of 32 random bytes, e.g. `head -c32 /dev/urandom | base64`), which the Pomerium chart
   * passes to every Pomerium pod (chart value `config.existingSharedSecret`, sourced with
   * `envFrom`). Without it the chart generates both with `randAscii` at install; required with
   * `HelmDelivery.argoCdApplication()`, which renders the chart with `helm template` at every
   * sync, so generated secrets would change (and sign every user out) at each sync.
   * @default - the chart generates them at install
   */
  readonly sharedSecretName?: string;
  /**
   * The forms to emit, each once with every route of the release.
   * @default [PomeriumOutput.helmValues()]
   */
  readonly outputs?: PomeriumOutput[];
  /**
   * The Istio ingress that fronts Pomerium. Pomerium then serves plain http behind the
   * sidecars (`config.insecure`, only together with the ingress's STRICT mTLS), the chart's
   * own Ingress is off, and the release writes the VirtualService of its authenticate host,
   * one wildcard VirtualService (`*.<domain>`) that carries every route host to its proxy,
   * the STRICT PeerAuthentication of its namespace and a ServiceEntry per external IdP host.
   * Each route writes only its mesh policies, in Grafana's namespace. One release per ingress.
   *
   * The mesh policies act only where a sidecar runs: Pomerium's and each Grafana's namespace
   * must have sidecar injection on (`istio-injection=enabled` or `istio.io/rev`).
   * @default - no mesh: Pomerium terminates TLS itself
   */
  readonly ingress?: IstioIngressForPomerium;
  /**
   * Where the Pomerium Services are (for the mesh ingress).
   * @default - the chart's names for `helmReleaseName`, port 80
   */
  readonly services?: PomeriumServiceOptions;
  /**
   * External identity providers Pomerium calls, declared to the mesh (one ServiceEntry each).
   * Only with `ingress`.
   * @default - none
   */
  readonly externalIdentityProviders?: ExternalIdentityProvider[];
  /**
   * A Keycloak client (created with `OidcMode.system({ pomeriumIdp })`) as Pomerium's
   * identity provider: its issuer, clientId and secret file go into the release's Helm values
   * and config file. The client must live in Pomerium's namespace (Pomerium mounts its Secret).
   * @default - the identity provider is configured outside the library
   */
  readonly identityProvider?: KeycloakGrafanaClient;
  /**
   * Labels of the Pomerium pods that may reach Grafana (the proxy, or your all-in-one pod).
   * Required when a Grafana is isolated by NetworkPolicy and the release emits
   * `PomeriumOutput.configSecret()` (the library does not deploy that pod, so it cannot know its labels).
   * @default - per output form, the pods that form runs: the chart's proxy pods
   * (`app.kubernetes.io/name: pomerium-proxy`, `app.kubernetes.io/instance: <helmReleaseName>`) and the
   * Ingress Controller's (`app.kubernetes.io/name: pomerium`, `app.kubernetes.io/component: proxy`)
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * How the Pomerium chart's values reach the cluster: a values file for `helm -f`, or a Flux
   * `HelmRelease` / Argo CD `Application` carrying them, so that `cdk8s synth` alone writes a
   * deployable whole. Needs `PomeriumOutput.helmValues()`.
   * @default HelmDelivery.valuesFile()
   */
  readonly delivery?: HelmDelivery;
  /**
   * The cluster's DNS domain, for in-cluster Service names (`<svc>.<ns>.svc.<domain>`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Base name of the objects and files of the release (a DNS-1123 label); the Helm values
   * file is `<name>-values.yaml`.
   * @default - the construct id
   */
  readonly name?: string;
}

/** What a route registers on its release. @internal */
export interface ReleaseRoute {
  readonly owner: string;
  readonly route: PomeriumRouteModel;
  readonly jwtClaimsHeaders: readonly string[];
}

/** What a route on a meshed release needs. @internal */
export interface ReleaseMesh extends MeshIngressModel {
  readonly proxyServiceName: string;
  readonly proxyServicePort: number;
  readonly pomeriumPrincipal: string;
}

/**
 * One Pomerium installation and its release-wide settings: authenticate service, signing
 * key, transport (TLS, or plain http inside an Istio mesh with STRICT mTLS), identity
 * provider, and the output forms. Routes (`GrafanaBehindPomerium`) are added to a release;
 * each output form is emitted once, with every route on it.
 */
export class PomeriumRelease extends Construct {
  /** The base name of the release's objects and files. */
  public readonly name: string;
  /** Pomerium's namespace. */
  public readonly namespace: string;
  /** Pomerium's authenticate host. */
  public readonly authenticateHost: string;
  /** Pomerium's authenticate URL (`https://<authenticate host>`). */
  public readonly authenticateServiceUrl: string;
  /** The signing key Secret, when one is named. */
  public readonly signingKeySecretName?: string;
  /** The Secret with SHARED_SECRET and COOKIE_SECRET, when one is named. */
  public readonly sharedSecretName?: string;
  /** True when Pomerium serves plain http behind an Istio mesh. */
  public readonly insecureServer: boolean;
  /** The cluster's DNS domain. */
  public readonly clusterDomain: string;

  /** @internal */
  public readonly _outputs: CheckedPomeriumOutputs;
  /** @internal */
  public readonly _podLabels?: Record<string, string>;
  private readonly helmReleaseName: string;
  /** @internal */
  public readonly _mesh?: ReleaseMesh;
  /** @internal */
  public readonly _signingKey?: SigningKeyModel;
  private readonly identityProvider?: IdentityProviderModel;
  private readonly authenticateInternalServiceUrl?: string;
  /** The chart's own internal authenticate URL, for the chart form without a mesh. */
  private readonly chartAuthenticateInternalServiceUrl?: string;
  private readonly routes: ReleaseRoute[] = [];
  private readonly ctx: PropContext;
  private globalResource?: Pomerium;
  private deliveredByGitOps = false;

  constructor(scope: Construct, id: string, props: PomeriumReleaseProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'PomeriumRelease');
    registerUniqueObjectNames(this);
    registerObjectSizeLimits(this);
    this.ctx = ctx;

    // Check every prop once, then derive the release-wide settings the routes read.
    const release = checkPomeriumReleaseProps(this, ctx, props, id);
    const settings = pomeriumReleaseSettings(release);
    this.name = release.name;
    this.namespace = release.namespace;
    this.authenticateHost = release.authenticate.name;
    this.authenticateServiceUrl = release.authenticate.origin;
    this.clusterDomain = release.clusterDomain;
    this.helmReleaseName = release.helmReleaseName;
    this._podLabels = release.podLabels;
    this.signingKeySecretName = release.signingKeySecretName;
    this.sharedSecretName = release.sharedSecretName;
    this._outputs = release.outputs;
    this.identityProvider = release.identityProvider;
    this.insecureServer = settings.insecureServer;
    this._mesh = settings.mesh;
    this._signingKey = settings.signingKey;
    this.authenticateInternalServiceUrl = settings.authenticateInternalServiceUrl;
    this.chartAuthenticateInternalServiceUrl = settings.chartAuthenticateInternalServiceUrl;
    if (release.outputs.helmValues) registerHelmReleaseClaim(this, ctx, release);

    // The objects the release owns; the output forms that carry routes render at synth.
    addPomeriumReleaseObjects(this, pomeriumReleaseObjects(ctx, release), this.namespace, () => renderPomeriumConfigFile(this._model()));
    if (this._outputs.ingressController?.globalSettings.given) this.ensureGlobalResource();
    const delivery = checkReleaseDelivery(ctx, props.delivery, release);
    if (delivery !== undefined) {
      // The values hold every route, so they are produced at synth, and checked then. A GitOps
      // object that carries them replaces the values file.
      const values = lazyCheckedValues(ctx.prop('delivery').prop('values'), () => this.helmValues!);
      const delivered = delivery._addTo(this, { releaseName: this.helmReleaseName, namespace: this.namespace, values }, ctx.prop('delivery'));
      delivered.forEach((object) => setOversizeFix(object, GROWS_WITH_ROUTES_FIX));
      this.deliveredByGitOps = delivered.length > 0;
    }
    if (this._outputs.helmValues) {
      this.node.addValidation({ validate: () => this.checkChartConfigSize() });
    }
    this.node.addValidation({
      validate: () => this.routes.length > 0 ? [] : [
        `PomeriumRelease at '${this.node.path}': no route uses this release. Fix: pass it as 'pomerium' to a GrafanaBehindPomerium, or remove it`,
      ],
    });
  }

  /** Pomerium Helm chart values with every route, when `PomeriumOutput.helmValues()` is chosen. */
  public get helmValues(): { [key: string]: any } | undefined {
    const helm = this._outputs.helmValues;
    if (!helm) return undefined;
    const model = this._model();
    return renderPomeriumHelmValues(
      this.chartAuthenticateInternalServiceUrl ? { ...model, authenticateInternalServiceUrl: this.chartAuthenticateInternalServiceUrl } : model,
      { ingressEnabled: this._mesh ? false : helm.ingressEnabled },
    );
  }

  /** The routes on the release, as every Pomerium output form carries them. */
  public get routeConfigs(): { [key: string]: any }[] {
    return this.routes.map((r) => ({ ...r.route }));
  }

  /** The Helm values files this release contributes (none when a GitOps object carries them). @internal */
  public _helmValuesFiles(): HelmValuesFile[] {
    if (this.deliveredByGitOps) return [];
    const values = this.helmValues;
    return values ? [{ fileName: `${this.name}-values.yaml`, values }] : [];
  }

  /**
   * Adds a route. Called by `GrafanaBehindPomerium` while it is built; the release checks
   * what the route asks of it (a signer for pinned keys) here, and renders it at synth.
   * @internal
   */
  public _addRoute(route: ReleaseRoute, pinsPublicKeys: boolean): void {
    if (pinsPublicKeys) this.checkSignerPinned(route.owner);
    this.routes.push(route);
    const ic = this._outputs.ingressController;
    if (ic && (route.jwtClaimsHeaders.length > 0 || pinsPublicKeys)) this.ensureGlobalResource();
  }

  /**
   * The Pomerium pods a NetworkPolicy admits to Grafana: the release's `podLabels`, or per output
   * form the pods that form runs. Never every pod of the namespace.
   * @internal
   */
  public _proxyPodSelectors(owner: string): Record<string, string>[] {
    if (this._podLabels) return [this._podLabels];
    const o = this._outputs;
    if (o.configSecret) {
      return this.ctx.prop('podLabels').fail(
        undefined,
        `${owner} admits only Pomerium's pods to Grafana, and with PomeriumOutput.configSecret() you run the Pomerium pod yourself, so its labels are unknown`,
        "give the labels of your Pomerium pods, e.g. podLabels: { 'app.kubernetes.io/name': 'pomerium' } (kubectl get pods -n pomerium --show-labels)",
      );
    }
    const selectors: Record<string, string>[] = [];
    if (o.helmValues) selectors.push(chartProxyPodLabels(this.helmReleaseName));
    if (o.ingressController) selectors.push({ ...INGRESS_CONTROLLER_POD_LABELS });
    return selectors;
  }

  /** The release with every route added so far. @internal */
  public _model(): PomeriumReleaseModel {
    return {
      authenticateServiceUrl: this.authenticateServiceUrl,
      authenticateInternalServiceUrl: this.authenticateInternalServiceUrl,
      routes: this.routes.map((r) => r.route),
      // jwt_claims_headers is global in Pomerium: the union over the header-flow routes.
      jwtClaimsHeaders: [...new Set(this.routes.flatMap((r) => r.jwtClaimsHeaders))],
      signingKey: this._signingKey,
      sharedSecretName: this.sharedSecretName,
      identityProvider: this.identityProvider,
      insecureServer: this.insecureServer,
    };
  }

  /**
   * Pinned public keys hold only if Pomerium signs with the matching private key in every
   * form (GUIDE: chart `existingSigningKeySecret`, core `signing_key_file`, Ingress Controller
   * bootstrap Secret `signing_key`); otherwise it signs with a key of its own.
   */
  private checkSignerPinned(owner: string) {
    const o = this._outputs;
    if ((o.helmValues || o.configSecret) && this.signingKeySecretName === undefined) {
      this.ctx.prop('signingKeySecretName').fail(
        undefined,
        `${owner} pins Pomerium's public key in Grafana, but this release names no signing key, so Pomerium would sign with a key of its own and no token would verify`,
        "create a Secret with key 'signing-key' (base64 PEM of the private key, `npx cdk8s-grafana-pomerium-keygen`) in Pomerium's namespace and name it in signingKeySecretName (of a PomeriumRelease passed to the route as \`pomerium\`)",
      );
    }
    if (o.ingressController && !o.ingressController.globalSettings.bootstrapSecretGiven) {
      this.ctx.prop('outputs').prop('globalSettings').prop('bootstrapSecret').fail(
        undefined,
        `${owner} pins Pomerium's public key in Grafana, and the Ingress Controller signs with the bootstrap Secret's signing_key, which this release does not name`,
        "name the bootstrap Secret whose 'signing_key' holds the private key: PomeriumOutput.ingressController({ globalSettings: { bootstrapSecret: 'pomerium/bootstrap' } })",
      );
    }
  }

  /**
   * The chart writes `config.yaml`, every route in it, into one Secret (charts/pomerium/templates/
   * secret.yaml): past 1 MiB of data the API server refuses it and `helm upgrade` fails. Measured
   * on the values as YAML, as the chart writes them (`toYaml`, indented by 4).
   */
  private checkChartConfigSize(): string[] {
    const values = this.helmValues;
    if (!values) return [];
    const size = pomeriumChartConfigBytes(values);
    if (size <= SECRET_DATA_LIMIT) return [];
    return [this.ctx.prop('outputs').message(
      'PomeriumOutput.helmValues()',
      `the Pomerium chart writes every route into config.yaml of one Secret, and with ${this.routes.length} routes that is about ${size} bytes, over the ${SECRET_DATA_LIMIT}-byte limit of a Secret's data: helm upgrade would fail`,
      GROWS_WITH_ROUTES_FIX,
    )];
  }

  private ensureGlobalResource() {
    const ic = this._outputs.ingressController;
    if (!ic || this.globalResource) return;
    const settings = ic.globalSettings;
    this.globalResource = new Pomerium(this, 'GlobalSettings', {
      metadata: { name: settings.name },
      spec: Lazy.any({ produce: () => renderPomeriumGlobalSpec(this._model(), settings.input) }) as any,
    });
  }
}
