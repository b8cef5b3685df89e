/**
 * Flux renderers: a HelmRelease (helm.toolkit.fluxcd.io/v2) and its chart source
 * (source.toolkit.fluxcd.io/v1), as plain specs typed by the generated imports.
 * Pure: no cdk8s, no checks (HelmDelivery checked everything already).
 */
import {
  HelmReleaseSpec, HelmReleaseSpecChartRefKind, HelmReleaseSpecChartSpecSourceRefKind, HelmReleaseSpecValuesFromKind,
} from '../imports/flux-helm-helm.toolkit.fluxcd.io';
import { HelmRepositorySpec, OciRepositorySpec, OciRepositorySpecLayerSelectorOperation } from '../imports/flux-source-source.toolkit.fluxcd.io';

/** The media type of a Helm chart's content layer in an OCI artifact. */
export const HELM_CHART_LAYER_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface FluxSourceInput {
  readonly kind: 'HelmRepository' | 'OCIRepository';
  readonly url: string;
  readonly interval: string;
  readonly chart: string;
  readonly version: string;
}

export function renderFluxSource(input: FluxSourceInput):
{ kind: 'HelmRepository'; spec: HelmRepositorySpec } | { kind: 'OCIRepository'; spec: OciRepositorySpec } {
  if (input.kind === 'HelmRepository') {
    return { kind: 'HelmRepository', spec: { url: input.url, interval: input.interval } };
  }
  return {
    kind: 'OCIRepository',
    spec: {
      url: `${input.url}/${input.chart}`,
      interval: input.interval,
      // Helm pushes version 1.2.3+build as tag 1.2.3_build (OCI tags cannot hold '+').
      ref: { tag: input.version.replace(/\+/g, '_') },
      layerSelector: { mediaType: HELM_CHART_LAYER_MEDIA_TYPE, operation: OciRepositorySpecLayerSelectorOperation.COPY },
    },
  };
}

export interface FluxHelmReleaseInput {
  readonly sourceKind: 'HelmRepository' | 'OCIRepository';
  readonly sourceName: string;
  readonly chart: string;
  readonly version: string;
  readonly interval: string;
  readonly releaseName: string;
  readonly targetNamespace?: string;
  readonly storageNamespace?: string;
  /** Retries of a failed install and of a failed upgrade. */
  readonly remediationRetries: number;
  readonly values: Record<string, unknown>;
  readonly valuesFrom: ReadonlyArray<{ secretName: string; valuesKey?: string; targetPath?: string; optional?: boolean }>;
}

export function renderFluxHelmRelease(input: FluxHelmReleaseInput): HelmReleaseSpec {
  const chartSource = input.sourceKind === 'HelmRepository'
    ? {
      chart: {
        spec: {
          chart: input.chart,
          version: input.version,
          sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: input.sourceName },
        },
      },
    }
    // The OCIRepository pins the tag; chartRef takes the chart from it as it is.
    : { chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: input.sourceName } };
  return {
    ...chartSource,
    interval: input.interval,
    releaseName: input.releaseName,
    targetNamespace: input.targetNamespace,
    storageNamespace: input.storageNamespace,
    // api/v2/helmrelease_types.go InstallRemediation/UpgradeRemediation: retries default to 0, so
    // without these one failed attempt is final. Between install attempts Flux uninstalls; between
    // upgrade attempts it rolls back (the default strategy); remediateLastFailure also undoes the
    // last failed upgrade, so the release is left on its last good revision, not half-upgraded.
    install: { remediation: { retries: input.remediationRetries } },
    upgrade: { remediation: { retries: input.remediationRetries, remediateLastFailure: true } },
    values: Object.keys(input.values).length > 0 ? input.values : undefined,
    valuesFrom: input.valuesFrom.length > 0
      ? input.valuesFrom.map((v) => ({
        kind: HelmReleaseSpecValuesFromKind.SECRET,
        name: v.secretName,
        valuesKey: v.valuesKey,
        targetPath: v.targetPath,
        optional: v.optional,
      }))
      : undefined,
  };
}
