import { PropContext } from '../errors';
import { checkDnsLabel, checkDnsSubdomain, checkHelmReleaseName, checkLabels, checkPort } from '../host';
import { checkManagedGrafana, GRAFANA_CONTAINER_PORT, GRAFANA_SERVICE_PORT, ManagedGrafanaOptions } from './managed-grafana';

export type { ManagedGrafanaOptions, ManagedGrafanaResources } from './managed-grafana';

/** Where an existing Grafana runs, installed by its Helm chart, grafana-operator or by hand. */
export interface ExistingGrafanaOptions {
  /** The Grafana Service's name. */
  readonly serviceName: string;
  /** The namespace of the Grafana Service and pods. */
  readonly namespace: string;
  /**
   * The Service port Pomerium sends requests to.
   * @default 80 (the Grafana chart's service port)
   */
  readonly servicePort?: number;
  /**
   * The port Grafana listens on inside the pod; the NetworkPolicy admits only this port.
   * @default 3000
   */
  readonly containerPort?: number;
  /**
   * Labels selecting the Grafana pods, for the NetworkPolicy.
   * @default { 'app.kubernetes.io/name': 'grafana' }
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * A Secret in Grafana's namespace with the admin user and password (keys `admin-user` and
   * `admin-password`), written into the Grafana chart values as `admin.existingSecret`. Without
   * it the chart generates the password (`randAlphaNum`, charts/grafana/templates/_helpers.tpl
   * `grafana.password`, and a `checksum/secret` pod annotation from it); required with
   * `HelmDelivery.argoCdApplication()`, which renders with `helm template` at every sync, so the
   * password and the pods would change at each sync.
   * @default - the chart generates the admin password
   */
  readonly adminSecretName?: string;
}

/** A Grafana installed by the Grafana Helm chart. */
export interface HelmChartGrafanaOptions {
  /** The Helm release name of the Grafana chart. */
  readonly releaseName: string;
  /** The release's namespace. */
  readonly namespace: string;
  /**
   * A Secret in Grafana's namespace with the admin user and password (keys `admin-user` and
   * `admin-password`), written into the Grafana chart values as `admin.existingSecret`. Without
   * it the chart generates the password (`randAlphaNum`, charts/grafana/templates/_helpers.tpl
   * `grafana.password`, and a `checksum/secret` pod annotation from it); required with
   * `HelmDelivery.argoCdApplication()`, which renders with `helm template` at every sync, so the
   * password and the pods would change at each sync.
   * @default - the chart generates the admin password
   */
  readonly adminSecretName?: string;
}

/** A Grafana that grafana-operator runs from a `Grafana` resource. */
export interface OperatorGrafanaOptions {
  /**
   * The `Grafana` resource's name. The operator names what it creates after it: Service
   * `<name>-service` on port 3000, pods labelled `app: <name>`.
   */
  readonly name: string;
  /** The namespace of the `Grafana` resource (and of what the operator creates). */
  readonly namespace: string;
}

/** Where Grafana runs, validated: what a route, a NetworkPolicy and a mesh policy point at. */
export interface ResolvedGrafanaTarget {
  readonly kind: 'existing' | 'managed' | 'operator' | 'helmChart';
  readonly namespace: string;
  readonly serviceName: string;
  readonly servicePort: number;
  readonly containerPort: number;
  readonly podLabels: Record<string, string>;
  /** The grafana-operator `Grafana` resource name (operator targets). */
  readonly operatorResourceName?: string;
  /** The Grafana chart's release name (Helm-chart targets). */
  readonly helmReleaseName?: string;
  /** The Secret the Grafana chart reads the admin credentials from (`admin.existingSecret`). */
  readonly adminSecretName?: string;
}

/** The Grafana that Pomerium protects: an existing one, one grafana-operator runs, or one the library deploys. */
export class GrafanaTarget {
  /** A Grafana that already runs behind a Service. */
  public static existing(options: ExistingGrafanaOptions): GrafanaTarget {
    return new GrafanaTarget('existing', options);
  }

  /**
   * A Grafana the library deploys: Deployment (image pinned by digest, non-root,
   * read-only root filesystem), ClusterIP Service and PersistentVolumeClaim, with the
   * auth configuration injected as GF_* variables.
   */
  public static managed(options: ManagedGrafanaOptions): GrafanaTarget {
    return new GrafanaTarget('managed', options);
  }

  /**
   * A Grafana installed by the Grafana Helm chart: the route, the NetworkPolicy and the mesh
   * policies use the chart's names for the release (grafana/helm-charts
   * `charts/grafana/templates/_helpers.tpl`): Service `<release>-grafana` (just `<release>` when
   * the release name contains 'grafana') on port 80, pods selected by
   * `app.kubernetes.io/name: grafana` and `app.kubernetes.io/instance: <release>`, so one
   * release's pods and no other Grafana in the namespace.
   */
  public static helmChart(options: HelmChartGrafanaOptions): GrafanaTarget {
    return new GrafanaTarget('helmChart', options);
  }

  /**
   * A Grafana run by grafana-operator. Its configuration goes into the operator's `Grafana`
   * resource (`GrafanaOutput.operator()` is implied), and the route, the NetworkPolicy and the
   * mesh policies use the names the operator gives (grafana-operator
   * `controllers/resources`: Service `<name>-service` port 3000, pod label `app: <name>`).
   */
  public static operator(options: OperatorGrafanaOptions): GrafanaTarget {
    return new GrafanaTarget('operator', options);
  }

  /** @internal */
  public readonly _kind: 'existing' | 'managed' | 'operator' | 'helmChart';
  /** @internal */
  public readonly _options: ExistingGrafanaOptions | ManagedGrafanaOptions | OperatorGrafanaOptions | HelmChartGrafanaOptions;

  private constructor(
    kind: 'existing' | 'managed' | 'operator' | 'helmChart',
    options: ExistingGrafanaOptions | ManagedGrafanaOptions | OperatorGrafanaOptions | HelmChartGrafanaOptions,
  ) {
    this._kind = kind;
    this._options = options;
  }

  /**
   * Validates the target and derives the names Pomerium and the isolation objects use.
   * `baseName` names a managed Grafana's objects.
   * @internal
   */
  public _resolve(ctx: PropContext, baseName: string): ResolvedGrafanaTarget {
    type AnyOptions = ExistingGrafanaOptions & ManagedGrafanaOptions & OperatorGrafanaOptions & HelmChartGrafanaOptions;
    const options = (this._options ?? {}) as Partial<AnyOptions>;
    const namespace = checkDnsLabel(ctx.prop('namespace'), options.namespace, 'a namespace');
    const adminSecretName = options.adminSecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('adminSecretName'), options.adminSecretName, 'a Secret name');
    switch (this._kind) {
      case 'managed':
        checkManagedGrafana(ctx, this._options as ManagedGrafanaOptions);
        return {
          kind: 'managed',
          namespace,
          serviceName: baseName,
          servicePort: GRAFANA_SERVICE_PORT,
          containerPort: GRAFANA_CONTAINER_PORT,
          podLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': baseName },
        };
      case 'operator': {
        // The operator appends '-service' to the CR name for the Service, which must stay a DNS label.
        const name = checkDnsLabel(ctx.prop('name'), options.name, 'a Grafana resource name');
        const serviceName = `${name}-service`;
        if (serviceName.length > 63) ctx.prop('name').fail(name, `the operator names the Service '${serviceName}', over the 63 characters Kubernetes allows`, 'use a shorter Grafana resource name');
        return {
          kind: 'operator',
          namespace,
          serviceName,
          servicePort: OPERATOR_SERVICE_PORT,
          containerPort: GRAFANA_CONTAINER_PORT,
          podLabels: { app: name },
          operatorResourceName: name,
        };
      }
      case 'helmChart': {
        const release = checkHelmReleaseName(ctx.prop('releaseName'), options.releaseName);
        return {
          kind: 'helmChart',
          namespace,
          // grafana.fullname: the release name when it contains the chart name, else '<release>-grafana'.
          serviceName: release.includes('grafana') ? release : `${release}-grafana`,
          servicePort: GRAFANA_SERVICE_PORT,
          containerPort: GRAFANA_CONTAINER_PORT,
          podLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': release },
          helmReleaseName: release,
          adminSecretName,
        };
      }
      default:
        return {
          kind: 'existing',
          namespace,
          serviceName: checkDnsLabel(ctx.prop('serviceName'), options.serviceName, 'a Service name'),
          servicePort: checkPort(ctx.prop('servicePort'), options.servicePort ?? GRAFANA_SERVICE_PORT),
          containerPort: checkPort(ctx.prop('containerPort'), options.containerPort ?? GRAFANA_CONTAINER_PORT),
          podLabels: checkLabels(ctx.prop('podLabels'), options.podLabels ?? { 'app.kubernetes.io/name': 'grafana' }),
          adminSecretName,
        };
    }
  }
}

/** grafana-operator's Service port (controllers/resources, `GrafanaHttpPort`). */
export const OPERATOR_SERVICE_PORT = 3000;
