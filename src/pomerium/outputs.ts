import { PropContext } from '../errors';
import { checkBoolean, checkDnsLabel, checkDnsSubdomain, checkHttpsUrl } from '../host';
import { GlobalSettingsInput } from './render';

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
   * With pinned keys (`JwtKeySource.jwksFile()`/`keyFile()`) it must be named explicitly: its
   * `signing_key` is what Pomerium signs with, so it must hold the private half of the pinned key.
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

/** Options of `PomeriumOutput.configSecret`. */
export interface PomeriumConfigSecretOptions {
  /**
   * Where your Pomerium pod mounts key `signing-key` of the release's signing key Secret
   * (`signing_key_file`). Used only when the release names a signing key Secret.
   * @default '/etc/pomerium/signing-key/signing-key'
   */
  readonly signingKeyFile?: string;
}

/**
 * A form in which the Pomerium configuration is emitted. Pick one or more:
 * the route is the same in every form.
 */
export class PomeriumOutput {
  /**
   * Values for the Pomerium Helm chart (`config.routes`, `config.extraOpts`, ...), one file
   * per release with every route, exposed as `helmValues` and written by `HelmValuesFiles.write()`.
   */
  public static helmValues(options: PomeriumHelmValuesOptions = {}): PomeriumOutput {
    return new PomeriumOutput('helmValues', options);
  }

  /**
   * A Secret holding Pomerium's `config.yaml` (every route of the release and the non-secret
   * options) for an all-in-one deployment.
   */
  public static configSecret(options: PomeriumConfigSecretOptions = {}): PomeriumOutput {
    return new PomeriumOutput('configSecret', options);
  }

  /**
   * A Kubernetes Ingress per route for the Pomerium Ingress Controller, the route keys as
   * `ingress.pomerium.io/*` annotations, and the cluster-wide `Pomerium` resource when a
   * route needs it (claim headers, pinned keys) or `globalSettings` is given.
   */
  public static ingressController(options: PomeriumIngressOptions = {}): PomeriumOutput {
    return new PomeriumOutput('ingressController', options);
  }

  /** @internal */
  public readonly _kind: 'helmValues' | 'configSecret' | 'ingressController';
  /** @internal */
  public readonly _options: PomeriumIngressOptions & PomeriumHelmValuesOptions & PomeriumConfigSecretOptions;

  private constructor(kind: 'helmValues' | 'configSecret' | 'ingressController', options: PomeriumIngressOptions & PomeriumHelmValuesOptions & PomeriumConfigSecretOptions) {
    this._kind = kind;
    this._options = options;
  }
}


/** The chosen Pomerium outputs, validated. */
export interface CheckedPomeriumOutputs {
  readonly helmValues?: { readonly ingressEnabled: boolean; readonly ingressEnabledGiven: boolean };
  readonly configSecret?: { readonly signingKeyFile: string };
  readonly ingressController?: {
    readonly ingressClassName: string;
    readonly tlsSecretName?: string;
    readonly globalSettings: {
      readonly name: string;
      readonly input: GlobalSettingsInput;
      readonly given: boolean;
      readonly bootstrapSecretGiven: boolean;
    };
  };
}

/** Validates the chosen Pomerium outputs once, at the release. */
export function checkPomeriumOutputs(ctx: PropContext, outputs: unknown): CheckedPomeriumOutputs {
  if (!Array.isArray(outputs) || outputs.length === 0 || outputs.some((o) => !(o instanceof PomeriumOutput))) {
    return ctx.fail(outputs, 'a non-empty list of PomeriumOutput is required', 'use e.g. [PomeriumOutput.helmValues()]');
  }
  let checked: CheckedPomeriumOutputs = {};
  const seen = new Set<string>();
  for (const output of outputs as PomeriumOutput[]) {
    if (seen.has(output._kind)) ctx.fail(output._kind, 'this output form is listed twice', 'list each form once');
    seen.add(output._kind);
    switch (output._kind) {
      case 'helmValues':
        checked = {
          ...checked,
          helmValues: { ingressEnabled: checkBoolean(ctx.prop('ingressEnabled'), output._options.ingressEnabled, true), ingressEnabledGiven: output._options.ingressEnabled !== undefined },
        };
        break;
      case 'configSecret': {
        const file = output._options.signingKeyFile ?? '/etc/pomerium/signing-key/signing-key';
        if (typeof file !== 'string' || !/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(file)) {
          ctx.prop('signingKeyFile').fail(file, 'an absolute file path is required', "write e.g. '/etc/pomerium/signing-key/signing-key'");
        }
        checked = { ...checked, configSecret: { signingKeyFile: file } };
        break;
      }
      case 'ingressController': {
        const settings = output._options.globalSettings;
        const globalCtx = ctx.prop('globalSettings');
        checked = {
          ...checked,
          ingressController: {
            ingressClassName: checkDnsLabel(ctx.prop('ingressClassName'), output._options.ingressClassName ?? 'pomerium', 'an IngressClass name'),
            tlsSecretName: output._options.tlsSecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('tlsSecretName'), output._options.tlsSecretName, 'a Secret name'),
            globalSettings: {
              name: checkDnsLabel(globalCtx.prop('name'), settings?.name ?? 'global', 'a Pomerium resource name'),
              input: globalSettingsInput(globalCtx, settings ?? {}),
              given: settings !== undefined,
              bootstrapSecretGiven: settings?.bootstrapSecret !== undefined,
            },
          },
        };
        break;
      }
    }
  }
  return checked;
}

const NAMESPACED_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function globalSettingsInput(ctx: PropContext, settings: PomeriumGlobalSettings): GlobalSettingsInput {
  const bootstrapSecret = settings.bootstrapSecret ?? 'pomerium/bootstrap';
  if (!NAMESPACED_NAME.test(bootstrapSecret)) {
    ctx.prop('bootstrapSecret').fail(bootstrapSecret, "the Ingress Controller reads the bootstrap Secret as 'namespace/name'", "write e.g. 'pomerium/bootstrap'");
  }
  const idp = settings.identityProvider;
  if (idp !== undefined) {
    if (typeof idp.provider !== 'string' || !/^[a-z0-9_-]+$/.test(idp.provider)) {
      ctx.prop('identityProvider').prop('provider').fail(idp.provider, 'a Pomerium provider short name is required', "write e.g. 'oidc'");
    }
    if (idp.url !== undefined) checkHttpsUrl(ctx.prop('identityProvider').prop('url'), idp.url, 'the identity provider URL');
    if (!NAMESPACED_NAME.test(idp.secret ?? '')) {
      ctx.prop('identityProvider').prop('secret').fail(idp.secret, "the IdP Secret is referenced as 'namespace/name'", "write e.g. 'pomerium/idp'");
    }
  }
  return { bootstrapSecret, identityProvider: idp && { provider: idp.provider, secret: idp.secret, ...(idp.url ? { url: idp.url } : {}) } };
}
