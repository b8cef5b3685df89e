import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropContext } from './errors';
import { lazyCheckedValues } from './gitops/checks';
import { HelmDelivery } from './gitops/helm-delivery';
import { HelmValuesFile } from './helm-values';
import { checkDnsLabel, checkDnsName, checkDnsSubdomain, checkHelmReleaseName, checkHttpsOrigin, checkLabels, checkObjectName, checkPort, checkVariant } from './host';
import { ServiceEntry, VirtualService } from './imports/istio-networking-networking.istio.io';
import { PeerAuthentication } from './imports/istio-security-security.istio.io';
import { Pomerium } from './imports/pomerium-ingress.pomerium.io';
import { checkExternalIdentityProviders, ExternalIdentityProvider } from './istio/external-hosts';
import { checkHostUnderDomain, wildcardOf } from './istio/hosts';
import { MeshIngressModel } from './istio/mesh';
import { renderStrictPeerAuthentication } from './istio/security';
import { renderExternalServiceEntry } from './istio/service-entry';
import { renderVirtualService } from './istio/virtual-service';
import { IstioIngressForPomerium } from './istio-ingress-for-pomerium';
import { KeycloakGrafanaClient } from './keycloak-grafana-client';
import {
  chartProxyPodLabels, chartProxyServiceAccount, chartServiceName, checkChartName,
  INGRESS_CONTROLLER_POD_LABELS, INSECURE_SERVICE_PORT, serviceAccountPrincipal,
} from './pomerium/chart-names';
import { IdentityProviderModel, PomeriumReleaseModel, PomeriumRouteModel, SigningKeyModel } from './pomerium/model';
import { CheckedPomeriumOutputs, checkPomeriumOutputs, PomeriumOutput } from './pomerium/outputs';
import { renderPomeriumConfigFile, renderPomeriumGlobalSpec, renderPomeriumHelmValues } from './pomerium/render';
import { claimInApp } from './registry';
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

/** Every route of a release is in its chart values and its config file: one object that grows with the routes. */
const GROWS_WITH_ROUTES_FIX = 'use PomeriumOutput.ingressController(), where each route is its own Ingress (no object grows with the number of routes)';

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

    // 1. Validate every prop before anything is added to the tree.
    this.name = checkDnsLabel(ctx.prop('name'), props.name ?? id, 'the base name (construct id or `name`)');
    const authenticate = checkHttpsOrigin(ctx.prop('authenticateServiceUrl'), props.authenticateServiceUrl, 'the authenticate service URL');
    this.authenticateHost = authenticate.name;
    this.authenticateServiceUrl = authenticate.origin;
    const meshNamespace = props.ingress instanceof IstioIngressForPomerium ? props.ingress.pomeriumNamespace : undefined;
    this.namespace = checkDnsLabel(ctx.prop('namespace'), props.namespace ?? meshNamespace ?? 'pomerium', 'a namespace');
    if (meshNamespace !== undefined && this.namespace !== meshNamespace) {
      ctx.prop('namespace').fail(this.namespace, `the ingress at '${props.ingress!.node.path}' binds its hosts to VirtualServices in '${meshNamespace}' only, so this release's routes would never bind`, `leave namespace out (it follows the ingress), or give the ingress pomeriumNamespace: '${this.namespace}'`);
    }
    this.clusterDomain = checkDnsName(ctx.prop('clusterDomain'), props.clusterDomain ?? 'cluster.local');
    const release = checkHelmReleaseName(ctx.prop('helmReleaseName'), props.helmReleaseName ?? 'pomerium');
    this.helmReleaseName = release;
    this._podLabels = props.podLabels === undefined ? undefined : checkLabels(ctx.prop('podLabels'), props.podLabels);
    this.signingKeySecretName = props.signingKeySecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('signingKeySecretName'), props.signingKeySecretName, 'a Secret name');
    this.sharedSecretName = props.sharedSecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('sharedSecretName'), props.sharedSecretName, 'a Secret name');
    this._outputs = checkPomeriumOutputs(ctx.prop('outputs'), props.outputs === undefined ? [PomeriumOutput.helmValues()] : props.outputs);
    if (this._outputs.helmValues) {
      // Helm knows a release by name and namespace: two values files for one identity means
      // `helm upgrade --install` of the second replaces the first's routes. Checked at synth,
      // beside the app-wide object-name rule, so an app's other mistakes are reported first.
      this.node.addValidation({
        validate: () => {
          try {
            claimInApp(this, ctx.prop('helmReleaseName'), 'Pomerium Helm release', `${this.namespace}/${release}`,
              (other) => `the PomeriumRelease at '${other}' is already Helm release '${release}' in namespace '${this.namespace}', and installing both would leave only one's routes`,
              'add every route to one PomeriumRelease (pass it as `pomerium`), or give this one another helmReleaseName or namespace');
            return [];
          } catch (e) {
            return [(e as Error).message];
          }
        },
      });
    }
    if (this.signingKeySecretName !== undefined) {
      this._signingKey = { secretName: this.signingKeySecretName, file: this._outputs.configSecret?.signingKeyFile ?? '/etc/pomerium/signing-key/signing-key' };
    }

    const ingress = props.ingress;
    if (ingress !== undefined && !(ingress instanceof IstioIngressForPomerium)) {
      ctx.prop('ingress').fail(ingress, 'an IstioIngressForPomerium is required', 'create the ingress first and pass it here');
    }
    const meshModel = ingress?._meshModel;
    this.insecureServer = meshModel !== undefined;
    if (meshModel) {
      checkHostUnderDomain(ctx.prop('authenticateServiceUrl'), this.authenticateHost, meshModel.domain, 'the authenticate host');
      if (this._outputs.helmValues?.ingressEnabledGiven && this._outputs.helmValues.ingressEnabled) {
        ctx.prop('outputs').prop('ingressEnabled').fail(true, "the Istio gateway fronts Pomerium, so the chart's own Ingress would be a second, TLS-less entry", 'leave ingressEnabled out (it is false behind the mesh)');
      }
    } else {
      for (const prop of ['services', 'externalIdentityProviders'] as const) {
        if (props[prop] !== undefined) ctx.prop(prop).fail(props[prop], `${prop} describes Pomerium to an Istio mesh, and this release has no ingress`, `pass ingress: <IstioIngressForPomerium>, or leave ${prop} out`);
      }
    }
    // Service names matter only to the mesh ingress; without one the chart names are never used.
    const services = meshModel ? this.checkServices(ctx, release, props.services ?? {}) : undefined;
    const idps = meshModel
      ? checkExternalIdentityProviders(ctx.prop('externalIdentityProviders'), props.externalIdentityProviders ?? [], this.name, ctx.prop('name'), this.clusterDomain)
      : [];
    this.identityProvider = this.checkIdentityProvider(ctx.prop('identityProvider'), props.identityProvider);
    if (meshModel && services) {
      this._mesh = {
        ...meshModel,
        proxyServiceName: services.proxyServiceName,
        proxyServicePort: services.proxyServicePort,
        pomeriumPrincipal: serviceAccountPrincipal(meshModel.trustDomain, this.namespace, services.serviceAccountName),
      };
      // pomerium config/options.go `authenticate_internal_service_url`: proxy and authorize
      // reach authenticate through the cluster instead of hairpinning through the gateway.
      this.authenticateInternalServiceUrl = `http://${services.authenticateServiceName}.${this.namespace}.svc.${this.clusterDomain}${services.authenticateServicePort === 80 ? '' : `:${services.authenticateServicePort}`}`;
    } else if (this._outputs.helmValues) {
      // Without a mesh the chart serves its Services over its own internal TLS, which every
      // Pomerium pod trusts (pomerium-helm templates/_helpers.tpl `certificate_authority_file`),
      // and sets this URL on the authenticate pod alone (authenticate-deployment.yaml): give it
      // to proxy and authorize too, so they fetch the HPKE key inside the cluster.
      this.chartAuthenticateInternalServiceUrl = `https://${chartServiceName(release, 'authenticate')}.${this.namespace}.svc.${this.clusterDomain}`;
    }

    // 2. The objects the release owns.
    if (meshModel && services) {
      // Two releases' wildcards on one Gateway would be merged by Istio, and the first would
      // take every host: one release per ingress (Pomerium serves any number of routes).
      claimInApp(this, ctx.prop('ingress'), 'wildcard route of a Gateway', `${meshModel.gatewayReference} ${wildcardOf(meshModel.domain)}`,
        (other) => `the PomeriumRelease at '${other}' already carries '${wildcardOf(meshModel.domain)}' of the Gateway '${meshModel.gatewayReference}' to its proxy, so this release's routes would never be reached`,
        'put every route on one PomeriumRelease, or give this release an IstioIngressForPomerium of its own (its own Gateway and domain)');
      new VirtualService(this, 'Authenticate', renderVirtualService({
        name: checkObjectName(ctx.prop('name'), `${this.name}-authenticate`, ctx.prop('name')),
        namespace: this.namespace,
        host: this.authenticateHost,
        gateway: meshModel.gatewayReference,
        serviceName: services.authenticateServiceName,
        serviceNamespace: this.namespace,
        servicePort: services.authenticateServicePort,
        clusterDomain: this.clusterDomain,
      }));
      // Every route host to Pomerium's proxy in one object that does not grow with routes, in
      // Pomerium's namespace (the only one the Gateway lets bind its hosts): a route, a fleet
      // tenant, writes nothing there. The authenticate host keeps its exact-host VirtualService:
      // Istio turns each VirtualService host bound to the gateway's server into an Envoy virtual
      // host domain (pilot/pkg/networking/core/gateway.go), and Envoy looks domains up exact
      // names first, suffix wildcards second (envoy api/envoy/config/route/v3/route_components.proto,
      // VirtualHost.domains "Domain search order").
      new VirtualService(this, 'Routes', renderVirtualService({
        name: checkObjectName(ctx.prop('name'), `${this.name}-routes`, ctx.prop('name')),
        namespace: this.namespace,
        host: wildcardOf(meshModel.domain),
        gateway: meshModel.gatewayReference,
        serviceName: services.proxyServiceName,
        serviceNamespace: this.namespace,
        servicePort: services.proxyServicePort,
        clusterDomain: this.clusterDomain,
      }));
      if (meshModel.strictMtls) {
        new PeerAuthentication(this, 'StrictMtls', renderStrictPeerAuthentication({ name: checkObjectName(ctx.prop('name'), `${this.name}-strict-mtls`, ctx.prop('name')), namespace: this.namespace }));
      }
      for (const idp of idps) {
        new ServiceEntry(this, `Idp-${idp.host}`, renderExternalServiceEntry({ ...idp, namespace: this.namespace }));
      }
    }
    if (this._outputs.configSecret) {
      const secret = new k8s.KubeSecret(this, 'Config', {
        metadata: { name: checkObjectName(ctx.prop('name'), `${this.name}-config`, ctx.prop('name')), namespace: this.namespace },
        // Rendered at synth: every route added to the release is in it.
        stringData: { 'config.yaml': Lazy.any({ produce: () => renderPomeriumConfigFile(this._model()) }) },
      });
      setOversizeFix(secret, GROWS_WITH_ROUTES_FIX);
    }
    if (this._outputs.ingressController?.globalSettings.given) this.ensureGlobalResource();
    if (props.delivery !== undefined) {
      checkVariant(ctx.prop('delivery'), props.delivery, HelmDelivery, undefined, 'use HelmDelivery.fluxHelmRelease({...}) or HelmDelivery.argoCdApplication({...})');
      props.delivery!._check(ctx.prop('delivery'));
      if (!this._outputs.helmValues) ctx.prop('delivery').fail('HelmDelivery', 'a chart delivery carries the chart values, and this release emits none', 'add PomeriumOutput.helmValues() to outputs');
      if (props.delivery._engine === 'argocd') this.checkSecretsGivenForHelmTemplate(ctx);
      // The values hold every route, so they are produced at synth, and checked then. A GitOps
      // object that carries them replaces the values file.
      const delivered = props.delivery._addTo(this, {
        releaseName: release,
        namespace: this.namespace,
        values: lazyCheckedValues(ctx.prop('delivery').prop('values'), () => this.helmValues!),
      }, ctx.prop('delivery'));
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
   * Argo CD renders the chart with `helm template` (no `lookup`, `.Release.IsInstall` always
   * true), so what the Pomerium chart generates at install is generated again at every sync:
   * the shared and cookie secrets (`randAscii`, charts/pomerium/templates/_helpers.tpl and the
   * shared Secret) and the signing key (`genPrivateKey` in templates/signing-key-secret.yaml).
   */
  private checkSecretsGivenForHelmTemplate(ctx: PropContext) {
    const why = 'HelmDelivery.argoCdApplication() renders the Pomerium chart with `helm template` at every sync, where the chart';
    if (this.sharedSecretName === undefined) {
      ctx.prop('sharedSecretName').fail(
        undefined,
        `${why} generates a new shared and cookie secret (randAscii) each time: every user would be signed out at each sync`,
        "create a Secret in Pomerium's namespace with keys SHARED_SECRET and COOKIE_SECRET (head -c32 /dev/urandom | base64, each) and name it in sharedSecretName (chart value config.existingSharedSecret)",
      );
    }
    if (this.signingKeySecretName === undefined) {
      ctx.prop('signingKeySecretName').fail(
        undefined,
        `${why} generates a new signing key (genPrivateKey) each time: Grafana's cached copy of Pomerium's public key would go stale at each sync`,
        "create a Secret with key 'signing-key' (`npx cdk8s-grafana-pomerium-keygen`) in Pomerium's namespace and name it in signingKeySecretName (chart value config.existingSigningKeySecret)",
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

  private checkServices(releaseCtx: PropContext, release: string, s: PomeriumServiceOptions) {
    const ctx = releaseCtx.prop('services');
    const fromChart = (component: string, value: string) => `the ${component} '${value}' derived from helmReleaseName '${release}'`;
    const derived = (prop: keyof PomeriumServiceOptions, value: string, component: string) =>
      checkChartName(releaseCtx.prop('helmReleaseName'), release, value, fromChart(component, value), prop);
    return {
      proxyServiceName: s.proxyServiceName === undefined
        ? derived('proxyServiceName', chartServiceName(release, 'proxy'), 'proxy Service')
        : checkDnsLabel(ctx.prop('proxyServiceName'), s.proxyServiceName, 'a Service name'),
      authenticateServiceName: s.authenticateServiceName === undefined
        ? derived('authenticateServiceName', chartServiceName(release, 'authenticate'), 'authenticate Service')
        : checkDnsLabel(ctx.prop('authenticateServiceName'), s.authenticateServiceName, 'a Service name'),
      serviceAccountName: s.serviceAccountName === undefined
        ? derived('serviceAccountName', chartProxyServiceAccount(release), 'proxy ServiceAccount')
        : checkDnsLabel(ctx.prop('serviceAccountName'), s.serviceAccountName, 'a ServiceAccount name'),
      proxyServicePort: checkPort(ctx.prop('proxyServicePort'), s.proxyServicePort ?? INSECURE_SERVICE_PORT),
      authenticateServicePort: checkPort(ctx.prop('authenticateServicePort'), s.authenticateServicePort ?? INSECURE_SERVICE_PORT),
    };
  }

  private checkIdentityProvider(ctx: PropContext, client: KeycloakGrafanaClient | undefined): IdentityProviderModel | undefined {
    if (client === undefined) return undefined;
    if (!(client instanceof KeycloakGrafanaClient)) return ctx.fail(client, 'a KeycloakGrafanaClient is required', 'create the client with OidcMode.system({ pomeriumIdp: {...} }) and pass it here');
    const idp = client._pomeriumIdp;
    if (!idp) {
      return ctx.fail(client.node.path, `the KeycloakGrafanaClient at '${client.node.path}' does not serve Pomerium`, 'create it with OidcMode.system({ ..., pomeriumIdp: { authenticateServiceUrl } })');
    }
    if (idp.authenticateHost !== this.authenticateHost) {
      ctx.fail(client.node.path, `the client's redirect URI is for authenticate host '${idp.authenticateHost}', but this release authenticates at '${this.authenticateHost}', so Keycloak would refuse the login`, `give the client pomeriumIdp.authenticateServiceUrl '${this.authenticateServiceUrl}'`);
    }
    if (idp.namespace !== this.namespace) {
      ctx.fail(client.node.path, `the client's secret lives in namespace '${idp.namespace}', and Pomerium pods in '${this.namespace}' can mount only Secrets of their own namespace`, `create the client in namespace '${this.namespace}'`);
    }
    return idp.model;
  }
}
