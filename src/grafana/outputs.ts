import { PropContext } from '../errors';
import { checkVariant } from '../host';

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
   * exposed as `grafanaHelmValues` and written by `HelmValuesFiles.write(app)`.
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
 * Checks a `grafanaOutputs` list: undefined gives `defaults`; null, a non-list, an entry that
 * is not a GrafanaOutput, or one form listed twice (each form adds its objects once) is refused.
 */
export function checkGrafanaOutputList(ctx: PropContext, raw: unknown, defaults: GrafanaOutput[]): GrafanaOutput[] {
  if (raw === undefined) return defaults;
  if (!Array.isArray(raw)) {
    return ctx.fail(raw, raw === null ? 'null does not mean the default; a list of GrafanaOutput is required' : 'a list of GrafanaOutput is required', 'use e.g. [GrafanaOutput.helmValues()], or leave the prop out for the default');
  }
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    const output = checkVariant(ctx.prop(String(i)), entry, GrafanaOutput, undefined, 'use GrafanaOutput.helmValues(), GrafanaOutput.envVars() or GrafanaOutput.operator()');
    if (seen.has(output._kind)) {
      ctx.prop(String(i)).fail(`GrafanaOutput.${output._kind}()`, 'this output form is listed twice; each form is emitted once', 'list each form once');
    }
    seen.add(output._kind);
    return output;
  });
}

/**
 * A workload besides Pomerium that must reach Grafana's port (the image renderer calling back,
 * a metrics scraper), admitted by name: the default admits Pomerium alone.
 */
export interface AdditionalGrafanaPeer {
  /** Why it is admitted, e.g. 'prometheus' (written into the NetworkPolicy's annotation). */
  readonly name: string;
  /** The peer's namespace. */
  readonly namespace: string;
  /** Labels selecting the peer's pods (at least one: never a whole namespace). */
  readonly podLabels: { [key: string]: string };
}

/** Options of the isolation variants. */
export interface IsolationOptions {
  /**
   * Other workloads that may reach Grafana's port (NetworkPolicy isolation only: an Istio
   * AuthorizationPolicy admits principals, so add your own for the peer there). With the header flow each of them could send
   * `X-Pomerium-Claim-Email` and sign in as anyone: they are refused there unless
   * `allowPeersInHeaderFlowUnsafe` is set.
   * @default - none
   */
  readonly additionalPeers?: AdditionalGrafanaPeer[];
  /**
   * UNSAFE: admit `additionalPeers` although Grafana trusts unsigned claim headers.
   * @default false
   */
  readonly allowPeersInHeaderFlowUnsafe?: boolean;
}

/**
 * How the library makes sure nothing but Pomerium reaches Grafana. The header
 * flow refuses to synthesize without one, since Grafana then trusts plain headers.
 */
export class GrafanaIsolation {
  /** A NetworkPolicy on the Grafana pods admitting only Pomerium's pods on Grafana's port. */
  public static networkPolicy(options: IsolationOptions = {}): GrafanaIsolation {
    return new GrafanaIsolation('networkPolicy', options);
  }

  /**
   * On a release behind an `IstioIngressForPomerium`: an Istio AuthorizationPolicy admitting only
   * Pomerium's proxy service account. In the header flow the NetworkPolicy is written as well,
   * since mesh policy acts only where a sidecar runs. Refused on a release without an ingress.
   */
  public static istioAuthorizationPolicy(options: IsolationOptions = {}): GrafanaIsolation {
    return new GrafanaIsolation('istio', options);
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
  /** @internal */
  public readonly _options: IsolationOptions;

  private constructor(kind: 'networkPolicy' | 'istio' | 'none', options: IsolationOptions = {}) {
    this._kind = kind;
    this._options = options;
  }
}
