import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropContext } from '../errors';
import { checkDnsLabel } from '../host';
import { GrafanaConfigModel } from './config';
import { GrafanaOutput } from './outputs';
import { GrafanaEnvFromSource, GrafanaEnvVar, renderGrafanaEnv, renderGrafanaEnvFrom, renderGrafanaHelmValues, renderGrafanaOperatorConfig, renderGrafanaOperatorDeployment } from './render';
import { Grafana as GrafanaResource } from '../imports/grafana-operator-grafana.integreatly.org';

/** What emitting the Grafana outputs produced besides the objects added to the tree. */
export interface EmittedGrafanaOutputs {
  readonly helmValues?: Record<string, unknown>;
  readonly env?: GrafanaEnvVar[];
  /** `envFrom` sources for the Grafana container, when `envVars` is chosen and the model has any. */
  readonly envFrom?: GrafanaEnvFromSource[];
}

/**
 * Renders one Grafana configuration model in every form the user chose, adding
 * the objects (env ConfigMap, grafana-operator resource) under `scope`.
 * Shared by every construct that configures Grafana.
 */
export function emitGrafanaOutputs(
  scope: Construct,
  ctx: PropContext,
  target: { readonly name: string; readonly namespace: string; readonly operatorResourceName?: string },
  model: GrafanaConfigModel,
  outputs: readonly GrafanaOutput[],
): EmittedGrafanaOutputs {
  let helmValues: Record<string, unknown> | undefined;
  let env: GrafanaEnvVar[] | undefined;
  let envFrom: GrafanaEnvFromSource[] | undefined;
  for (const output of outputs) {
    switch (output._kind) {
      case 'helmValues':
        helmValues = renderGrafanaHelmValues(model);
        break;
      case 'envVars':
        env = renderGrafanaEnv(model);
        if (model.envFromSecrets && model.envFromSecrets.length > 0) envFrom = renderGrafanaEnvFrom(model);
        new k8s.KubeConfigMap(scope, 'GrafanaEnv', {
          metadata: { name: `${target.name}-grafana-env`, namespace: target.namespace },
          // Only literal values: secret-backed variables stay secretKeyRefs in `env`.
          data: Object.fromEntries(env.filter((v) => v.value !== undefined).map((v) => [v.name, v.value!])),
        });
        break;
      case 'operator': {
        const metadata = {
          name: target.operatorResourceName ?? checkDnsLabel(ctx.prop('grafanaOutputs').prop('grafanaName'), output._options.grafanaName ?? target.name, 'a Grafana resource name'),
          namespace: target.namespace,
        };
        const config = renderGrafanaOperatorConfig(model);
        const deployment = renderGrafanaOperatorDeployment(model);
        if (deployment) {
          // The generated L1 class knows only spec.config (and its toJson drops anything else,
          // patches included): the Deployment override needs a plain ApiObject of the same kind.
          new ApiObject(scope, 'GrafanaOperator', { ...GrafanaResource.GVK, metadata, spec: { config, deployment } });
        } else {
          new GrafanaResource(scope, 'GrafanaOperator', { metadata, spec: { config } });
        }
        break;
      }
    }
  }
  return envFrom ? { helmValues, env, envFrom } : { helmValues, env };
}
