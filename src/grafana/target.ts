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
}

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

/** The Grafana that Pomerium protects: an existing one, or one the library deploys. */
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

  /** @internal */
  public readonly _kind: 'existing' | 'managed';
  /** @internal */
  public readonly _options: ExistingGrafanaOptions | ManagedGrafanaOptions;

  private constructor(kind: 'existing' | 'managed', options: ExistingGrafanaOptions | ManagedGrafanaOptions) {
    this._kind = kind;
    this._options = options;
  }
}
