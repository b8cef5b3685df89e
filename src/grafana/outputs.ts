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
