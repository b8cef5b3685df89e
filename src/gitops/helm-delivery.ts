import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { renderArgoCdApplication } from '../argocd/application';
import { PropContext } from '../errors';
import { renderFluxHelmRelease, renderFluxSource } from '../flux/helm-release';
import { checkDnsLabel, checkDnsSubdomain, checkHelmReleaseName, checkUrl } from '../host';
import { checkChartName, checkExactChartVersion, checkFluxInterval, checkManifestValues, isLazyValues } from './checks';
import { Application, ApplicationSpec } from '../imports/argocd-argoproj.io';
import { HelmRelease, HelmReleaseSpec } from '../imports/flux-helm-helm.toolkit.fluxcd.io';
import { HelmRepository, HelmRepositorySpec, OciRepository, OciRepositorySpec } from '../imports/flux-source-source.toolkit.fluxcd.io';

/**
 * A Secret key whose content Flux merges into a release's values (`valuesFrom`), so that
 * secret values never appear in the manifests.
 */
export interface HelmValuesFromSecret {
  /** Name of the Secret, in the namespace of the HelmRelease. */
  readonly secretName: string;
  /**
   * The key of the Secret to read.
   * @default 'values.yaml'
   */
  readonly valuesKey?: string;
  /**
   * Dotted values path where the key's content is put as one value (e.g.
   * `grafana\.ini.auth\.generic_oauth.client_secret`).
   * @default - the key holds a YAML map merged at the root of the values
   */
  readonly targetPath?: string;
  /**
   * Whether a missing Secret or key is ignored.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of `HelmSource.helmRepository`. */
export interface HelmRepositorySourceOptions {
  /** The chart repository URL (http or https), e.g. 'https://grafana.github.io/helm-charts'. */
  readonly url: string;
  /**
   * Name of the `HelmRepository` object, written beside the `HelmRelease` (one per release:
   * two releases in one namespace need different names).
   * @default - the HelmRelease's name
   */
  readonly name?: string;
  /**
   * How often Flux fetches the repository index.
   * @default '1h'
   */
  readonly interval?: string;
}

/** Options of `HelmSource.ociRepository`. */
export interface OciRepositorySourceOptions {
  /**
   * The OCI registry path that holds the chart, without the chart name, e.g.
   * 'oci://ghcr.io/grafana/helm-charts'; the chart is pulled from `<url>/<chart>`.
   */
  readonly url: string;
  /**
   * Name of the `OCIRepository` object.
   * @default - the HelmRelease's name
   */
  readonly name?: string;
  /**
   * How often Flux checks the tag.
   * @default '1h'
   */
  readonly interval?: string;
}

/**
 * Where Flux fetches a chart from: a `HelmRepository` (`source.toolkit.fluxcd.io/v1`, Flux ≥ 2.3)
 * or an `OCIRepository` (`source.toolkit.fluxcd.io/v1`, Flux ≥ 2.6). Each release gets its own
 * source object, beside its `HelmRelease`: see docs/gitops.md for why a fleet should use
 * `ociRepository`.
 *
 * The options are checked by the construct that uses the delivery (its path and prop in the
 * message), not here.
 */
export abstract class HelmSource {
  /**
   * A classic Helm repository (an `index.yaml` over http or https). source-controller downloads
   * the whole index every `interval` for each HelmRepository object (Grafana's is about 4 MB), so
   * prefer `ociRepository` for a fleet.
   */
  public static helmRepository(options: HelmRepositorySourceOptions): HelmSource {
    return new FluxSource('HelmRepository', options);
  }

  /**
   * An OCI registry; Flux pulls `<url>/<chart>:<version>` (a `+` in the version becomes `_`, as
   * Helm tags it): one manifest and one chart layer, not a repository index.
   */
  public static ociRepository(options: OciRepositorySourceOptions): HelmSource {
    return new FluxSource('OCIRepository', options);
  }

  /** @internal */
  public abstract readonly _kind: 'HelmRepository' | 'OCIRepository';
  /** @internal */
  public abstract readonly _options: HelmRepositorySourceOptions | OciRepositorySourceOptions;

  /**
   * The checked source, errors reported under `ctx` (the construct's `...repository` prop).
   * @internal
   */
  public abstract _check(ctx: PropContext): CheckedSource;
}

/** @internal */
export interface CheckedSource {
  readonly kind: 'HelmRepository' | 'OCIRepository';
  readonly url: string;
  readonly name?: string;
  readonly interval: string;
}

class FluxSource extends HelmSource {
  constructor(
    public readonly _kind: 'HelmRepository' | 'OCIRepository',
    public readonly _options: HelmRepositorySourceOptions | OciRepositorySourceOptions,
  ) {
    super();
  }

  public _check(ctx: PropContext): CheckedSource {
    const options = this._options ?? ({} as HelmRepositorySourceOptions);
    if (this._kind === 'HelmRepository') {
      checkUrl(ctx.prop('url'), options.url, 'the chart repository URL');
    } else if (typeof options.url !== 'string' || !/^oci:\/\/[^\s/]+(\/[^\s/]+)*$/.test(options.url)) {
      ctx.prop('url').fail(options.url, 'an OCI chart location is oci://<registry>/<path>, without a trailing slash or the chart name', "write e.g. 'oci://ghcr.io/grafana/helm-charts'");
    }
    return {
      kind: this._kind,
      url: options.url,
      name: options.name === undefined ? undefined : checkDnsSubdomain(ctx.prop('name'), options.name, 'the source name'),
      interval: checkFluxInterval(ctx.prop('interval'), options.interval, '1h'),
    };
  }
}

/** Options of `HelmDelivery.fluxHelmRelease`. */
export interface FluxHelmReleaseOptions {
  /** The chart's name in its repository, e.g. 'grafana' or 'pomerium'. */
  readonly chart: string;
  /** The exact chart version (e.g. '9.4.1'); ranges, wildcards and 'latest' are refused. */
  readonly version: string;
  /** Where the chart comes from. */
  readonly repository: HelmSource;
  /**
   * Name of the `HelmRelease`.
   * @default - the Helm release name
   */
  readonly name?: string;
  /**
   * Namespace of the `HelmRelease`, its source and the Secrets of `valuesFrom`.
   * @default - the namespace the chart installs into
   */
  readonly namespace?: string;
  /**
   * How often Flux reconciles the release.
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * The Helm release name. Always written: Flux's own default (`<targetNamespace>-<name>`)
   * would rename every object the chart creates.
   * @default - the release name the library computes (the chart's objects are named after it)
   */
  readonly releaseName?: string;
  /**
   * The namespace the chart installs into.
   * @default - the namespace the library computes; omitted when it is the HelmRelease's own
   */
  readonly targetNamespace?: string;
  /**
   * More Secrets merged into the values, after those the library adds for its own secret values.
   * @default - only the library's
   */
  readonly valuesFrom?: HelmValuesFromSecret[];
  /**
   * How many times Flux retries a failed install or upgrade (`spec.install.remediation.retries`,
   * `spec.upgrade.remediation.retries`), remediating between attempts (uninstall after a failed
   * install, rollback after a failed upgrade). Flux's own default is 0: one failure (e.g. a Secret
   * not there yet) stays failed until `flux reconcile --force`. A negative number retries forever.
   * @default 3
   */
  readonly remediationRetries?: number;
  /**
   * Where Helm keeps the release's storage Secrets (`spec.storageNamespace`). Flux's default is
   * the HelmRelease's namespace (helm-controller api/v2/helmrelease_types.go
   * `GetStorageNamespace`): releases gathered in one namespace (e.g. 'flux-system') with one
   * release name would then share one Helm storage and overwrite each other.
   * @default - the target namespace (written whenever it differs from the HelmRelease's)
   */
  readonly storageNamespace?: string;
}

/** Options of `HelmDelivery.argoCdApplication`. */
export interface ArgoCdApplicationOptions {
  /** The chart's name in its repository, e.g. 'grafana'. */
  readonly chart: string;
  /** The exact chart version (`targetRevision`, e.g. '9.4.1'); ranges, wildcards and 'latest' are refused. */
  readonly version: string;
  /**
   * The Helm repository (`https://...`) or, for an OCI registry, its location without a
   * scheme as Argo CD expects it (e.g. 'ghcr.io/grafana/helm-charts').
   */
  readonly repoUrl: string;
  /**
   * Name of the `Application`.
   * @default - the Helm release name
   */
  readonly name?: string;
  /**
   * Namespace of the `Application` (where Argo CD watches Applications).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * The destination cluster's API server URL.
   * @default 'https://kubernetes.default.svc'
   */
  readonly destinationServer?: string;
  /**
   * The namespace the chart installs into.
   * @default - the namespace the library computes
   */
  readonly destinationNamespace?: string;
  /**
   * The Helm release name.
   * @default - the release name the library computes
   */
  readonly releaseName?: string;
  /**
   * Sync automatically (`syncPolicy.automated` with prune and selfHeal).
   * @default false
   */
  readonly automatedSync?: boolean;
  /**
   * Let Argo CD create the destination namespace (`CreateNamespace=true`).
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * How many past syncs Argo CD keeps in `status.history` (`spec.revisionHistoryLimit`). Each
   * entry copies the source, values included, into the Application, which etcd stores as one
   * object of at most 1.5 MiB; Argo CD's default is 10. 0 keeps none (no rollback from history).
   * @default 3
   */
  readonly revisionHistoryLimit?: number;
}

/** What a release hands a delivery form: the values the library computed for one chart. */
export interface HelmDeliveryInput {
  /** The Helm release name the library's naming model assumes. */
  readonly releaseName: string;
  /** The namespace the chart's objects go to. */
  readonly namespace: string;
  /** The chart values, without secret material. */
  readonly values: Record<string, unknown>;
  /** Values that live in Secrets, referenced, never inlined. */
  readonly secretValues?: readonly HelmValuesFromSecret[];
}

/** One object a delivery form emits, as ApiObject props. */
export type DeliveryObject =
  | { readonly apiVersion: string; readonly kind: 'HelmRelease'; readonly metadata: { name: string; namespace: string }; readonly spec: HelmReleaseSpec }
  | { readonly apiVersion: string; readonly kind: 'HelmRepository'; readonly metadata: { name: string; namespace: string }; readonly spec: HelmRepositorySpec }
  | { readonly apiVersion: string; readonly kind: 'OCIRepository'; readonly metadata: { name: string; namespace: string }; readonly spec: OciRepositorySpec }
  | { readonly apiVersion: string; readonly kind: 'Application'; readonly metadata: { name: string; namespace: string; finalizers: string[] }; readonly spec: ApplicationSpec };

/** What a delivery form renders: objects for the manifests, or a values file for plain `helm`. */
export interface RenderedDelivery {
  readonly objects: DeliveryObject[];
  readonly valuesFile?: Record<string, unknown>;
}

/**
 * How a Helm chart the library configures (Pomerium's, Grafana's) reaches the cluster.
 * GitOps forms put the values in the manifests, so `cdk8s synth` alone writes everything.
 */
export abstract class HelmDelivery {
  /** A values file for `helm install -f` (the values-file path); no release object is emitted. */
  public static valuesFile(): HelmDelivery {
    return new ValuesFileDelivery();
  }

  /**
   * A Flux `HelmRelease` (`helm.toolkit.fluxcd.io/v2`) with its `HelmRepository` or
   * `OCIRepository` source; the values inline, secret values through `valuesFrom`.
   */
  public static fluxHelmRelease(options: FluxHelmReleaseOptions): HelmDelivery {
    return new FluxDelivery(options);
  }

  /**
   * An Argo CD `Application` (`argoproj.io/v1alpha1`) with one Helm source and the values
   * inline (`helm.valuesObject`). Argo CD has no `valuesFrom`: a release with secret values
   * is refused; let the chart read the Secret itself (e.g. Grafana's `envFromSecret`) or
   * deliver with Flux.
   */
  public static argoCdApplication(options: ArgoCdApplicationOptions): HelmDelivery {
    return new ArgoCdDelivery(options);
  }

  /**
   * How the chart is rendered in the cluster: Argo CD renders with `helm template`, where
   * `lookup` finds nothing and every `rand*`/`gen*` value is new at each render, so a chart
   * that generates its secrets must be given them instead.
   * @internal
   */
  public abstract readonly _engine: 'values-file' | 'flux' | 'argocd';

  private checked = false;

  /**
   * Checks the options once, errors under `ctx`: the prop of the construct that uses the
   * delivery (`PomeriumRelease ... prop 'delivery.version'`). A delivery shared by several
   * constructs is checked by the first.
   * @internal
   */
  public _check(ctx: PropContext): void {
    if (this.checked) return;
    this._checkOptions(ctx);
    this.checked = true;
  }

  /** @internal */
  protected abstract _checkOptions(ctx: PropContext): void;

  /**
   * Renders the delivery of one chart's values.
   * @internal
   */
  public abstract _render(input: HelmDeliveryInput, ctx: PropContext): RenderedDelivery;

  /**
   * Adds the rendered objects under `scope` as typed L1 objects (ids: their kinds).
   * @internal
   */
  public _addTo(scope: Construct, input: HelmDeliveryInput, ctx: PropContext): ApiObject[] {
    return this._render(input, ctx).objects.map((o) => {
      switch (o.kind) {
        case 'HelmRelease': return new HelmRelease(scope, o.kind, { metadata: o.metadata, spec: o.spec });
        case 'HelmRepository': return new HelmRepository(scope, o.kind, { metadata: o.metadata, spec: o.spec });
        case 'OCIRepository': return new OciRepository(scope, o.kind, { metadata: o.metadata, spec: o.spec });
        case 'Application': return new Application(scope, o.kind, { metadata: o.metadata, spec: o.spec });
      }
    });
  }
}

class ValuesFileDelivery extends HelmDelivery {
  public readonly _engine = 'values-file';

  public _render(input: HelmDeliveryInput, ctx: PropContext): RenderedDelivery {
    if (!isLazyValues(input.values)) checkManifestValues(ctx.prop('values'), input.values);
    return { objects: [], valuesFile: input.values };
  }

  protected _checkOptions(): void {}
}

/** Flux's default is no retry; three covers a dependency that lands a few minutes late. */
export const DEFAULT_REMEDIATION_RETRIES = 3;
/** Argo CD's default is 10 history entries, each a copy of the source with its values. */
export const DEFAULT_REVISION_HISTORY_LIMIT = 3;

class FluxDelivery extends HelmDelivery {
  public readonly _engine = 'flux';
  private source?: CheckedSource;

  constructor(private readonly options: FluxHelmReleaseOptions) {
    super();
  }

  protected _checkOptions(ctx: PropContext): void {
    const options = this.options ?? ({} as FluxHelmReleaseOptions);
    checkChartName(ctx.prop('chart'), options.chart);
    checkExactChartVersion(ctx.prop('version'), options.version);
    if (!(options.repository instanceof HelmSource)) {
      ctx.prop('repository').fail(options.repository, 'the chart source is required', 'give HelmSource.helmRepository({ url }) or HelmSource.ociRepository({ url })');
    }
    this.source = options.repository._check(ctx.prop('repository'));
    if (options.name !== undefined) checkDnsSubdomain(ctx.prop('name'), options.name, 'the HelmRelease name');
    if (options.namespace !== undefined) checkDnsLabel(ctx.prop('namespace'), options.namespace, 'the HelmRelease namespace');
    if (options.targetNamespace !== undefined) checkDnsLabel(ctx.prop('targetNamespace'), options.targetNamespace, 'the target namespace');
    if (options.storageNamespace !== undefined) checkDnsLabel(ctx.prop('storageNamespace'), options.storageNamespace, 'the Helm storage namespace');
    if (options.releaseName !== undefined) checkHelmReleaseName(ctx.prop('releaseName'), options.releaseName);
    checkFluxInterval(ctx.prop('interval'), options.interval, '10m');
    checkRetries(ctx.prop('remediationRetries'), options.remediationRetries);
    checkValuesFrom(ctx.prop('valuesFrom'), options.valuesFrom ?? []);
  }

  public _render(input: HelmDeliveryInput, ctx: PropContext): RenderedDelivery {
    this._check(ctx);
    const lazy = isLazyValues(input.values);
    if (!lazy) checkManifestValues(ctx.prop('values'), input.values);
    const valuesFrom = [...(input.secretValues ?? []), ...(this.options.valuesFrom ?? [])];
    checkValuesFrom(ctx.prop('secretValues'), valuesFrom, lazy ? undefined : input.values);
    const source = this.source!;
    const namespace = this.options.namespace ?? input.namespace;
    const name = this.options.name ?? defaultObjectName(input, namespace);
    const targetNamespace = this.options.targetNamespace ?? input.namespace;
    const sourceName = source.name ?? name;
    const renderedSource = renderFluxSource({
      kind: source.kind,
      url: source.url,
      interval: source.interval,
      chart: this.options.chart,
      version: this.options.version,
    });
    const release = renderFluxHelmRelease({
      sourceKind: source.kind,
      sourceName,
      chart: this.options.chart,
      version: this.options.version,
      interval: this.options.interval ?? '10m',
      releaseName: this.options.releaseName ?? input.releaseName,
      targetNamespace: targetNamespace === namespace ? undefined : targetNamespace,
      // Helm storage follows the release into its namespace, so two tenants' 'grafana' releases
      // gathered in 'flux-system' keep separate storage (issue 18, point 5).
      storageNamespace: this.options.storageNamespace ?? (targetNamespace === namespace ? undefined : targetNamespace),
      remediationRetries: this.options.remediationRetries ?? DEFAULT_REMEDIATION_RETRIES,
      values: input.values,
      valuesFrom,
    });
    const metadata = (n: string) => ({ name: n, namespace });
    const objects: DeliveryObject[] = [
      renderedSource.kind === 'HelmRepository'
        ? { apiVersion: FLUX_SOURCE_API_VERSION, kind: 'HelmRepository', metadata: metadata(sourceName), spec: renderedSource.spec as HelmRepositorySpec }
        : { apiVersion: FLUX_SOURCE_API_VERSION, kind: 'OCIRepository', metadata: metadata(sourceName), spec: renderedSource.spec as OciRepositorySpec },
      { apiVersion: FLUX_HELM_API_VERSION, kind: 'HelmRelease', metadata: metadata(name), spec: release },
    ];
    return { objects };
  }
}

class ArgoCdDelivery extends HelmDelivery {
  public readonly _engine = 'argocd';

  constructor(private readonly options: ArgoCdApplicationOptions) {
    super();
  }

  protected _checkOptions(ctx: PropContext): void {
    const options = this.options ?? ({} as ArgoCdApplicationOptions);
    checkChartName(ctx.prop('chart'), options.chart);
    checkExactChartVersion(ctx.prop('version'), options.version);
    if (typeof options.repoUrl !== 'string' || options.repoUrl.trim() === '') {
      ctx.prop('repoUrl').fail(options.repoUrl, 'the chart repository is required', "give e.g. 'https://grafana.github.io/helm-charts'");
    }
    if (options.name !== undefined) checkDnsSubdomain(ctx.prop('name'), options.name, 'the Application name');
    if (options.namespace !== undefined) checkDnsLabel(ctx.prop('namespace'), options.namespace, 'the Application namespace');
    if (options.destinationNamespace !== undefined) checkDnsLabel(ctx.prop('destinationNamespace'), options.destinationNamespace, 'the destination namespace');
    if (options.destinationServer !== undefined) checkUrl(ctx.prop('destinationServer'), options.destinationServer, 'the destination server');
    if (options.releaseName !== undefined) checkHelmReleaseName(ctx.prop('releaseName'), options.releaseName);
    const limit = options.revisionHistoryLimit;
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_HISTORY)) {
      ctx.prop('revisionHistoryLimit').fail(limit, `a history limit is a whole number from 0 to ${MAX_HISTORY}: every entry copies the source and its values into the Application, which etcd stores as one object`, `leave it out (${DEFAULT_REVISION_HISTORY_LIMIT}) or give e.g. 5`);
    }
  }

  public _render(input: HelmDeliveryInput, ctx: PropContext): RenderedDelivery {
    this._check(ctx);
    if (!isLazyValues(input.values)) checkManifestValues(ctx.prop('values'), input.values);
    const secrets = input.secretValues ?? [];
    if (secrets.length > 0) {
      ctx.fail(
        secrets.map((s) => `${s.secretName}:${s.valuesKey ?? 'values.yaml'}`),
        'Argo CD has no valuesFrom, and these values live in Secrets: inlining them in an Application would put secret material in Git',
        "let the chart read the Secret itself (Grafana chart: envFromSecret / extraSecretMounts with '$__file{...}'), or deliver with HelmDelivery.fluxHelmRelease(...)",
      );
    }
    const spec = renderArgoCdApplication({
      chart: this.options.chart,
      version: this.options.version,
      repoUrl: this.options.repoUrl,
      project: this.options.project ?? 'default',
      destinationServer: this.options.destinationServer ?? 'https://kubernetes.default.svc',
      destinationNamespace: this.options.destinationNamespace ?? input.namespace,
      releaseName: this.options.releaseName ?? input.releaseName,
      values: input.values,
      automatedSync: this.options.automatedSync ?? false,
      createNamespace: this.options.createNamespace ?? false,
      revisionHistoryLimit: this.options.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT,
    });
    const namespace = this.options.namespace ?? 'argocd';
    return {
      objects: [{
        apiVersion: ARGOCD_API_VERSION,
        kind: 'Application',
        metadata: {
          name: this.options.name ?? defaultObjectName(input, namespace),
          namespace,
          finalizers: [...APPLICATION_FINALIZERS],
        },
        spec,
      }],
    };
  }
}

/** The most history entries the library lets an Application keep (Argo CD's own default). */
const MAX_HISTORY = 10;

/** apiVersions for Flux ≥ 2.3 (HelmRelease v2, HelmRepository v1); OCIRepository v1 needs Flux ≥ 2.6. */
export const FLUX_HELM_API_VERSION = 'helm.toolkit.fluxcd.io/v2';
export const FLUX_SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * argo-cd pkg/apis/application/v1alpha1/application_defaults.go `ResourcesFinalizerName`:
 * with it, deleting the Application deletes what it deployed (cascade); without it the
 * tenant's Grafana keeps running after its Application is gone.
 */
export const APPLICATION_FINALIZERS = ['resources-finalizer.argocd.argoproj.io'] as const;

function checkRetries(ctx: PropContext, raw: unknown): void {
  if (raw === undefined) return;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) {
    ctx.fail(raw, 'retries are a whole number (a negative one retries forever, as Flux reads it)', `leave it out (${DEFAULT_REMEDIATION_RETRIES}) or give e.g. 5`);
  }
}

/**
 * The release object's name: the Helm release name in its own namespace; gathered in another
 * one (Argo CD's 'argocd', Flux's 'flux-system') it is prefixed with the target namespace, so
 * two tenants' 'grafana' releases do not replace each other there.
 */
function defaultObjectName(input: HelmDeliveryInput, objectNamespace: string): string {
  return objectNamespace === input.namespace ? input.releaseName : `${input.namespace}-${input.releaseName}`;
}

/** Checks valuesFrom entries; with `values`, refuses a targetPath that the inline values also set (they would win). */
function checkValuesFrom(ctx: PropContext, entries: readonly HelmValuesFromSecret[], values?: Record<string, unknown>): void {
  entries.forEach((entry, i) => {
    const at = ctx.prop(String(i));
    checkDnsSubdomain(at.prop('secretName'), entry.secretName, 'the Secret name');
    if (entry.valuesKey !== undefined && !/^[-._a-zA-Z0-9]{1,253}$/.test(entry.valuesKey)) {
      at.prop('valuesKey').fail(entry.valuesKey, 'a Secret key is made of letters, digits, -, _ and .', "write e.g. 'values.yaml'");
    }
    if (entry.targetPath !== undefined && values !== undefined && hasPath(values, entry.targetPath)) {
      at.prop('targetPath').fail(
        entry.targetPath,
        'the inline values also set this path, and Flux gives inline values precedence over valuesFrom, so the Secret would be ignored',
        'leave the path out of the inline values',
      );
    }
  });
}

/** Whether a Flux/Helm dotted path (`a.b\.c.d`, `\.` escapes a dot) is set in values. */
function hasPath(values: Record<string, unknown>, dotted: string): boolean {
  const parts = dotted.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  let cur: unknown = values;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}
