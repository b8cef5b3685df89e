/** What a release and its routes need to know of the Istio ingress that fronts Pomerium. */
export interface MeshIngressModel {
  /** The domain whose wildcard the Gateway serves: every host is one label under it. */
  readonly domain: string;
  /** `<namespace>/<name>` of the Gateway, as VirtualServices name it. */
  readonly gatewayReference: string;
  /** The mesh's trust domain, the first part of every principal. */
  readonly trustDomain: string;
  /** True when the ingress's STRICT mTLS is to be written for Pomerium and each Grafana. */
  readonly strictMtls: boolean;
  /** Pomerium's namespace: the only one whose VirtualServices bind the Gateway's hosts. */
  readonly pomeriumNamespace: string;
  /** Sidecars, or ambient mode (ztunnel, HBONE on 15008). */
  readonly dataplane: 'sidecar' | 'ambient';
}
