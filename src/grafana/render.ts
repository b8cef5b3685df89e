import { k8s } from 'cdk8s-plus-28';
import { GrafanaConfigModel, grafanaEnvVarName } from './config';

/** An environment variable for the Grafana container, literal or from a Secret key. */
export interface GrafanaEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/**
 * Values for the Grafana Helm chart (grafana-community/helm-charts): settings in
 * `grafana.ini`, secrets only through `envValueFrom` (the chart's
 * assertNoLeakedSecrets refuses literal secrets), files through extra mounts.
 */
export function renderGrafanaHelmValues(model: GrafanaConfigModel): Record<string, unknown> {
  const values: Record<string, unknown> = {
    'grafana.ini': model.sections,
    // Without it the chart renders a cluster-scoped ClusterRole and ClusterRoleBinding named
    // `<fullname>-clusterrole(binding)` (grafana/helm-charts charts/grafana/templates/clusterrole.yaml,
    // clusterrolebinding.yaml: `if and .Values.rbac.create (not .Values.rbac.namespaced)`), so two
    // releases named alike in two namespaces collide. Namespaced, it renders a Role and RoleBinding.
    'rbac': { namespaced: true },
  };
  if (model.secretSettings.length > 0) {
    values.envValueFrom = Object.fromEntries(
      model.secretSettings.map((s) => [grafanaEnvVarName(s.section, s.key), { secretKeyRef: { name: s.secretName, key: s.secretKey } }]),
    );
  }
  if (model.envFromSecrets && model.envFromSecrets.length > 0) {
    // The chart's list form: each entry becomes an `envFrom.secretRef` of the Grafana container.
    values.envFromSecrets = model.envFromSecrets.map((name) => ({ name }));
  }
  const configMaps = model.mounts.filter((m) => m.configMapName);
  if (configMaps.length > 0) {
    values.extraConfigmapMounts = configMaps.map((m) => ({ name: m.name, mountPath: m.mountPath, configMap: m.configMapName, readOnly: true }));
  }
  const secrets = model.mounts.filter((m) => m.secretName);
  if (secrets.length > 0) {
    values.extraSecretMounts = secrets.map((m) => ({ name: m.name, mountPath: m.mountPath, secretName: m.secretName, readOnly: true }));
  }
  return values;
}

/** The whole configuration as GF_* variables, in section order; secret-backed ones as secretKeyRef. */
export function renderGrafanaEnv(model: GrafanaConfigModel): GrafanaEnvVar[] {
  const literal = Object.entries(model.sections).flatMap(([section, keys]) =>
    Object.entries(keys).map(([key, value]) => ({ name: grafanaEnvVarName(section, key), value: String(value) })),
  );
  const fromSecrets = model.secretSettings.map((s) => ({
    name: grafanaEnvVarName(s.section, s.key),
    valueFrom: { secretKeyRef: { name: s.secretName, key: s.secretKey } },
  }));
  return [...literal, ...fromSecrets];
}

/** grafana-operator's `spec.config`: section → key → string (the CRD types every value as a string). */
export function renderGrafanaOperatorConfig(model: GrafanaConfigModel): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(model.sections).map(([section, keys]) => [
      section,
      Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, String(value)])),
    ]),
  );
}

/** An `envFrom` source of the Grafana container. */
export interface GrafanaEnvFromSource {
  readonly secretRef: { readonly name: string };
}

/** The Secrets whose keys Grafana takes as environment variables (`envFrom`), in model order. */
export function renderGrafanaEnvFrom(model: GrafanaConfigModel): GrafanaEnvFromSource[] {
  return (model.envFromSecrets ?? []).map((name) => ({ secretRef: { name } }));
}

/**
 * The grafana-operator `spec.deployment` override that carries what `spec.config` cannot:
 * secret-backed settings as `env` entries with `secretKeyRef` (a GF_* variable beats
 * grafana.ini, so the secret never appears in `spec.config`) and `envFrom` Secrets.
 * The operator merges it into its own Deployment by container name (`grafana`).
 * Undefined when the model has neither.
 */
export function renderGrafanaOperatorDeployment(model: GrafanaConfigModel): Record<string, unknown> | undefined {
  const env = model.secretSettings.map((s) => ({
    name: grafanaEnvVarName(s.section, s.key),
    valueFrom: { secretKeyRef: { name: s.secretName, key: s.secretKey } },
  }));
  const envFrom = renderGrafanaEnvFrom(model);
  if (env.length === 0 && envFrom.length === 0 && model.mounts.length === 0) return undefined;
  const container: Record<string, unknown> = { name: 'grafana' };
  if (env.length > 0) container.env = env;
  if (envFrom.length > 0) container.envFrom = envFrom;
  const podSpec: Record<string, unknown> = { containers: [container] };
  if (model.mounts.length > 0) {
    // Files Grafana is pointed at (jwk_set_file, key_file) must be mounted in the operator's pod too.
    const files = renderFileMounts(model);
    container.volumeMounts = files.volumeMounts;
    podSpec.volumes = files.volumes;
  }
  return { spec: { template: { spec: podSpec } } };
}

/** The model's files as pod volumes and read-only container mounts, for any pod that runs Grafana. */
export function renderFileMounts(model: GrafanaConfigModel): { volumes: k8s.Volume[]; volumeMounts: k8s.VolumeMount[] } {
  return {
    volumes: model.mounts.map((m) =>
      m.configMapName ? { name: m.name, configMap: { name: m.configMapName } } : { name: m.name, secret: { secretName: m.secretName } }),
    volumeMounts: model.mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true })),
  };
}
