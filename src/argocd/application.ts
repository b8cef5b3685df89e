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
}

export function renderArgoCdApplication(input: ArgoCdApplicationInput): ApplicationSpec {
  const syncOptions = input.createNamespace ? ['CreateNamespace=true'] : [];
  const syncPolicy = input.automatedSync || syncOptions.length > 0
    ? {
      automated: input.automatedSync ? { prune: true, selfHeal: true } : undefined,
      syncOptions: syncOptions.length > 0 ? syncOptions : undefined,
    }
    : undefined;
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
  };
}
