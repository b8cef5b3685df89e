import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropContext } from '../errors';
import { checkDnsLabel } from '../host';
import { Grafana as GrafanaResource } from '../imports/grafana-operator-grafana.integreatly.org';
import { GrafanaOutput } from '../outputs';
import { GrafanaConfigModel } from './config';
import { GrafanaEnvVar, renderGrafanaEnv, renderGrafanaHelmValues, renderGrafanaOperatorConfig } from './render';

/** What emitting the Grafana outputs produced besides the objects added to the tree. */
export interface EmittedGrafanaOutputs {
  readonly helmValues?: Record<string, unknown>;
  readonly env?: GrafanaEnvVar[];
}

/**
 * Renders one Grafana configuration model in every form the user chose, adding
 * the objects (env ConfigMap, grafana-operator resource) under `scope`.
 * Shared by every construct that configures Grafana.
 */
export function emitGrafanaOutputs(
  scope: Construct,
  ctx: PropContext,
  target: { readonly name: string; readonly namespace: string },
  model: GrafanaConfigModel,
  outputs: readonly GrafanaOutput[],
): EmittedGrafanaOutputs {
  let helmValues: Record<string, unknown> | undefined;
  let env: GrafanaEnvVar[] | undefined;
  for (const output of outputs) {
    switch (output._kind) {
      case 'helmValues':
        helmValues = renderGrafanaHelmValues(model);
        break;
      case 'envVars':
        env = renderGrafanaEnv(model);
        new k8s.KubeConfigMap(scope, 'GrafanaEnv', {
          metadata: { name: `${target.name}-grafana-env`, namespace: target.namespace },
          // Only literal values: secret-backed variables stay secretKeyRefs in `env`.
          data: Object.fromEntries(env.filter((v) => v.value !== undefined).map((v) => [v.name, v.value!])),
        });
        break;
      case 'operator':
        new GrafanaResource(scope, 'GrafanaOperator', {
          metadata: {
            name: checkDnsLabel(ctx.prop('grafanaOutputs').prop('grafanaName'), output._options.grafanaName ?? target.name, 'a Grafana resource name'),
            namespace: target.namespace,
          },
          spec: { config: renderGrafanaOperatorConfig(model) },
        });
        break;
    }
  }
  return { helmValues, env };
}
