/**
 * Argo CD renderer: an Application (argoproj.io/v1alpha1) with one Helm source and
 * inline values (`helm.valuesObject`), typed by the generated import. Pure: no cdk8s.
 */
import { ApplicationSpec } from '../imports/argocd-argoproj.io';

export interface ArgoCdApplicationInput {
  readonly chart: string;
  readonly version: string;
  readonly repoUrl: string;
  readonly project: string;
  readonly destinationServer: string;
  readonly destinationNamespace: string;
  readonly releaseName: string;
  readonly values: Record<string, unknown>;
  readonly automatedSync: boolean;
  readonly createNamespace: boolean;
  readonly revisionHistoryLimit: number;
}

export function renderArgoCdApplication(input: ArgoCdApplicationInput): ApplicationSpec {
  // Server-side apply: no `last-applied-configuration` annotation (capped at 256 KiB with the
  // object's other annotations) on what Argo CD applies, and field ownership shared cleanly with
  // the controllers that write the same objects (argo-cd docs user-guide/sync-options.md).
  const syncOptions = ['ServerSideApply=true', ...(input.createNamespace ? ['CreateNamespace=true'] : [])];
  const syncPolicy = {
    automated: input.automatedSync ? { prune: true, selfHeal: true } : undefined,
    syncOptions,
  };
  return {
    project: input.project,
    source: {
      repoUrl: input.repoUrl,
      chart: input.chart,
      targetRevision: input.version,
      helm: {
        releaseName: input.releaseName,
        valuesObject: Object.keys(input.values).length > 0 ? input.values : undefined,
      },
    },
    destination: { server: input.destinationServer, namespace: input.destinationNamespace },
    syncPolicy,
    // Each history entry copies the source, values included (pkg/apis/application/v1alpha1/types.go
    // RevisionHistory); Argo CD keeps 10 by default.
    revisionHistoryLimit: input.revisionHistoryLimit,
  };
}
