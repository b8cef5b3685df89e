import { k8s } from 'cdk8s-plus-28';
import { PropContext } from '../errors';
import { GrafanaConfigModel } from './config';
import { renderFileMounts, renderGrafanaEnv, renderGrafanaEnvFrom } from './render';

/** Resources of the managed Grafana container. */
export interface ManagedGrafanaResources {
  /** @default '100m' */
  readonly cpuRequest?: string;
  /** @default '256Mi' */
  readonly memoryRequest?: string;
  /** @default '512Mi' */
  readonly memoryLimit?: string;
}

/** A Grafana the library deploys. */
export interface ManagedGrafanaOptions {
  /** The namespace to deploy into (it must exist). */
  readonly namespace: string;
  /**
   * The image, pinned by digest (`repo@sha256:<64 hex>` or `repo:tag@sha256:<64 hex>`).
   * @default 'docker.io/grafana/grafana@sha256:8b37a2f028f164ce7b9889e1765b9d6ee23fec80f871d156fbf436d6198d32b7' (the digest Pomerium's Grafana guide pins)
   */
  readonly image?: string;
  /**
   * Size of the PersistentVolumeClaim for /var/lib/grafana.
   * @default '10Gi'
   */
  readonly storageSize?: string;
  /**
   * StorageClass of the PersistentVolumeClaim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Container resources.
   * @default - 100m CPU and 256Mi memory requested, 512Mi memory limit
   */
  readonly resources?: ManagedGrafanaResources;
}

export const DEFAULT_GRAFANA_IMAGE = 'docker.io/grafana/grafana@sha256:8b37a2f028f164ce7b9889e1765b9d6ee23fec80f871d156fbf436d6198d32b7';
export const GRAFANA_CONTAINER_PORT = 3000;
export const GRAFANA_SERVICE_PORT = 80;
/** The grafana user and group of the official image. */
const GRAFANA_UID = 472;

const DIGEST = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+)?@sha256:[a-f0-9]{64}$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** The objects of a managed Grafana, as plain props for the k8s L1 classes. */
export interface ManagedGrafanaObjects {
  readonly deployment: k8s.KubeDeploymentProps;
  readonly service: k8s.KubeServiceProps;
  readonly claim: k8s.KubePersistentVolumeClaimProps;
}

/** Validates the options of a managed Grafana. */
export function checkManagedGrafana(ctx: PropContext, options: ManagedGrafanaOptions) {
  const image = options.image ?? DEFAULT_GRAFANA_IMAGE;
  if (typeof image !== 'string' || !DIGEST.test(image)) {
    ctx.prop('image').fail(image, 'the image must be pinned by digest, so every synth deploys the same bits', "write 'docker.io/grafana/grafana:<tag>@sha256:<digest>'");
  }
  for (const [prop, value] of [
    ['storageSize', options.storageSize],
    ['resources.cpuRequest', options.resources?.cpuRequest],
    ['resources.memoryRequest', options.resources?.memoryRequest],
    ['resources.memoryLimit', options.resources?.memoryLimit],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || !QUANTITY.test(value))) {
      ctx.prop(prop).fail(value, 'not a Kubernetes quantity', "write e.g. '10Gi', '512Mi' or '100m'");
    }
  }
}

/**
 * A hardened single-replica Grafana: non-root, read-only root filesystem (data on
 * the claim, /tmp on an emptyDir), no service-account token, the configuration
 * as GF_* variables, files from the model mounted read-only.
 */
export function renderManagedGrafana(
  name: string, labels: Record<string, string>, options: ManagedGrafanaOptions, model: GrafanaConfigModel,
): ManagedGrafanaObjects {
  const files = renderFileMounts(model);
  const metadata = { name, namespace: options.namespace, labels };
  const env = [
    // Logs to stdout: the root filesystem is read-only, so no /var/log/grafana.
    { name: 'GF_LOG_MODE', value: 'console' },
    ...renderGrafanaEnv(model),
  ];
  const volumes: k8s.Volume[] = [
    { name: 'storage', persistentVolumeClaim: { claimName: name } },
    { name: 'tmp', emptyDir: {} },
    ...files.volumes,
  ];
  const volumeMounts: k8s.VolumeMount[] = [
    { name: 'storage', mountPath: '/var/lib/grafana' },
    { name: 'tmp', mountPath: '/tmp' },
    ...files.volumeMounts,
  ];
  const health: k8s.Probe = { httpGet: { path: '/api/health', port: k8s.IntOrString.fromString('http') } };
  const resources = options.resources ?? {};
  return {
    deployment: {
      metadata,
      spec: {
        replicas: 1,
        // One pod at a time: the claim is ReadWriteOnce and SQLite has one writer.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: GRAFANA_UID,
              runAsGroup: GRAFANA_UID,
              fsGroup: GRAFANA_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'grafana',
                image: options.image ?? DEFAULT_GRAFANA_IMAGE,
                ports: [{ name: 'http', containerPort: GRAFANA_CONTAINER_PORT, protocol: 'TCP' }],
                env,
                ...(model.envFromSecrets && model.envFromSecrets.length > 0 ? { envFrom: renderGrafanaEnvFrom(model) } : {}),
                readinessProbe: { ...health, periodSeconds: 10 },
                livenessProbe: { ...health, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 6 },
                resources: {
                  requests: {
                    cpu: k8s.Quantity.fromString(resources.cpuRequest ?? '100m'),
                    memory: k8s.Quantity.fromString(resources.memoryRequest ?? '256Mi'),
                  },
                  limits: { memory: k8s.Quantity.fromString(resources.memoryLimit ?? '512Mi') },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts,
              },
            ],
            volumes,
          },
        },
      },
    },
    service: {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [{ name: 'http', port: GRAFANA_SERVICE_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    },
    claim: {
      metadata,
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(options.storageClassName ? { storageClassName: options.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(options.storageSize ?? '10Gi') } },
      },
    },
  };
}
