/** Options of `PomeriumOutput.ingressController`. */
export interface PomeriumIngressOptions {
  /**
   * The IngressClass of the Pomerium Ingress Controller.
   * @default 'pomerium'
   */
  readonly ingressClassName?: string;
  /**
   * A TLS Secret (in Grafana's namespace) with the route host's certificate.
   * @default - Pomerium's default certificate or its autocert
   */
  readonly tlsSecretName?: string;
  /**
   * Emit the global `Pomerium` resource with these settings, the authenticate URL and the
   * claim headers. Always emitted for the header flow, whose headers live there.
   * @default - emitted only for the header flow, with default settings
   */
  readonly globalSettings?: PomeriumGlobalSettings;
}

/** The identity provider of the Ingress Controller's global `Pomerium` resource. */
export interface PomeriumIdentityProvider {
  /** Pomerium's provider short name, e.g. 'oidc', 'google', 'okta'. */
  readonly provider: string;
  /**
   * The provider's OpenID Connect base URL (issuer).
   * @default - the provider's well-known URL
   */
  readonly url?: string;
  /** A Secret (`namespace/name`) with `client_id` and `client_secret`. */
  readonly secret: string;
}

/**
 * The Pomerium Ingress Controller's cluster-wide `Pomerium` resource. Claim headers
 * (`jwtClaimHeaders`) are global, not per-route annotations, so the header flow needs it.
 */
export interface PomeriumGlobalSettings {
  /**
   * Name of the `Pomerium` resource the controller reads (its `--pomerium-config` flag).
   * @default 'global'
   */
  readonly name?: string;
  /**
   * The bootstrap Secret (`namespace/name`) with shared_secret, cookie_secret and signing_key.
   * @default 'pomerium/bootstrap'
   */
  readonly bootstrapSecret?: string;
  /**
   * The identity provider.
   * @default - Pomerium's hosted authenticate service
   */
  readonly identityProvider?: PomeriumIdentityProvider;
}

/** Options of `PomeriumOutput.helmValues`. */
export interface PomeriumHelmValuesOptions {
  /**
   * Let the chart create its own Ingress for Pomerium. Set false when another
   * ingress (an Istio Gateway, say) fronts Pomerium.
   * @default true
   */
  readonly ingressEnabled?: boolean;
}

/**
 * A form in which the Pomerium configuration is emitted. Pick one or more:
 * the route is the same in every form.
 */
export class PomeriumOutput {
  /**
   * Values for the Pomerium Helm chart (`config.routes`, `config.extraOpts`, ...),
   * exposed as `pomeriumHelmValues` and written by `writeHelmValues()`.
   */
  public static helmValues(options: PomeriumHelmValuesOptions = {}): PomeriumOutput {
    return new PomeriumOutput('helmValues', options);
  }

  /** A Secret holding Pomerium's `config.yaml` (routes and non-secret options) for an all-in-one deployment. */
  public static configSecret(): PomeriumOutput {
    return new PomeriumOutput('configSecret', {});
  }

  /**
   * A Kubernetes Ingress for the Pomerium Ingress Controller, the route keys as
   * `ingress.pomerium.io/*` annotations. Needs Grafana as an existing or managed Service.
   */
  public static ingressController(options: PomeriumIngressOptions = {}): PomeriumOutput {
    return new PomeriumOutput('ingressController', options);
  }

  /** @internal */
  public readonly _kind: 'helmValues' | 'configSecret' | 'ingressController';
  /** @internal */
  public readonly _options: PomeriumIngressOptions & PomeriumHelmValuesOptions;

  private constructor(kind: 'helmValues' | 'configSecret' | 'ingressController', options: PomeriumIngressOptions & PomeriumHelmValuesOptions) {
    this._kind = kind;
    this._options = options;
  }
}

/** Options of `GrafanaOutput.operator`. */
export interface GrafanaOperatorOptions {
  /**
   * Name of the grafana-operator `Grafana` resource.
   * @default - the construct's name
   */
  readonly grafanaName?: string;
}

/**
 * A form in which the Grafana configuration is emitted. Pick one or more: the
 * settings are the same in every form.
 */
export class GrafanaOutput {
  /**
   * Values for the Grafana Helm chart (`grafana.ini`, `envValueFrom`, extra mounts),
   * exposed as `grafanaHelmValues` and written by `writeHelmValues()`.
   */
  public static helmValues(): GrafanaOutput {
    return new GrafanaOutput('helmValues', {});
  }

  /** A ConfigMap of `GF_*` variables for `envFrom`, also exposed as `grafanaEnv`. */
  public static envVars(): GrafanaOutput {
    return new GrafanaOutput('envVars', {});
  }

  /** A grafana-operator `Grafana` resource whose `spec.config` carries the settings (as strings). */
  public static operator(options: GrafanaOperatorOptions = {}): GrafanaOutput {
    return new GrafanaOutput('operator', options);
  }

  /** @internal */
  public readonly _kind: 'helmValues' | 'envVars' | 'operator';
  /** @internal */
  public readonly _options: GrafanaOperatorOptions;

  private constructor(kind: 'helmValues' | 'envVars' | 'operator', options: GrafanaOperatorOptions) {
    this._kind = kind;
    this._options = options;
  }
}

/**
 * How the library makes sure nothing but Pomerium reaches Grafana. The header
 * flow refuses to synthesize without one, since Grafana then trusts plain headers.
 */
export class GrafanaIsolation {
  /** A NetworkPolicy on the Grafana pods admitting only Pomerium's pods on Grafana's port. */
  public static networkPolicy(): GrafanaIsolation {
    return new GrafanaIsolation('networkPolicy');
  }

  /**
   * An Istio AuthorizationPolicy admitting only Pomerium's service account, written by
   * an `IstioIngressForPomerium` that protects this Grafana. Synth fails if none does.
   */
  public static istioAuthorizationPolicy(): GrafanaIsolation {
    return new GrafanaIsolation('istio');
  }

  /**
   * UNSAFE: no isolation. Anything in the cluster can reach Grafana directly; the JWT flow
   * still verifies tokens, the header flow refuses this.
   */
  public static noneUnsafe(): GrafanaIsolation {
    return new GrafanaIsolation('none');
  }

  /** @internal */
  public readonly _kind: 'networkPolicy' | 'istio' | 'none';

  private constructor(kind: 'networkPolicy' | 'istio' | 'none') {
    this._kind = kind;
  }
}
