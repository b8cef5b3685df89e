import { k8s } from 'cdk8s-plus-28';

/** Who may reach Grafana: only Pomerium's pods, only on Grafana's port. */
export interface OnlyPomeriumPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly grafanaPodLabels: Record<string, string>;
  readonly grafanaPort: number;
  readonly pomeriumNamespace: string;
  /** The Pomerium pods admitted, one label selector per kind of pod (the chart's proxy, the Ingress Controller's, yours). */
  readonly pomeriumPodSelectors: readonly Record<string, string>[];
  /** Other workloads admitted by name (a scraper, the image renderer). */
  readonly additionalPeers?: readonly { readonly name: string; readonly namespace: string; readonly podLabels: Record<string, string> }[];
  /**
   * Istio ambient mode: the port kubelet probes reach Grafana on. ztunnel rewrites their source
   * to AMBIENT_PROBE_SOURCE, which the policy must admit or every probe fails.
   */
  readonly ambientProbePort?: number;
}

/**
 * The address Istio ambient gives kubelet health probes (SNAT by the node's istio-cni):
 * istio.io docs "Ambient and Kubernetes NetworkPolicy" (content/en/docs/ambient/usage/networkpolicy/index.md,
 * #ambient-health-probes-and-kubernetes-networkpolicy)
 * tell NetworkPolicies that select ambient pods to admit 169.254.7.127/32.
 */
export const AMBIENT_PROBE_SOURCE = '169.254.7.127/32';

/**
 * A NetworkPolicy that selects the Grafana pods and admits ingress only from
 * Pomerium. Selecting the pods with policyTypes Ingress denies everything else.
 */
export function renderNetworkPolicy(policy: OnlyPomeriumPolicy): k8s.KubeNetworkPolicyProps {
  return {
    metadata: {
      name: policy.name,
      namespace: policy.namespace,
      ...(policy.additionalPeers?.length ? { annotations: { 'cdk8s-grafana-pomerium/additional-peers': policy.additionalPeers.map((p) => p.name).join(',') } } : {}),
    },
    spec: {
      podSelector: { matchLabels: policy.grafanaPodLabels },
      policyTypes: ['Ingress'],
      ingress: [
        {
          // Within one peer, namespaceSelector and podSelector must both match: only these pods of
          // Pomerium's namespace (kubernetes.io/metadata.name is set by the API server, 1.22+).
          from: [
            ...policy.pomeriumPodSelectors.map((labels) => ({
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': policy.pomeriumNamespace } },
              podSelector: { matchLabels: { ...labels } },
            })),
            ...(policy.additionalPeers ?? []).map((peer) => ({
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
              podSelector: { matchLabels: { ...peer.podLabels } },
            })),
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(policy.grafanaPort) }],
        },
        ...(policy.ambientProbePort === undefined ? [] : [{
          from: [{ ipBlock: { cidr: AMBIENT_PROBE_SOURCE } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(policy.ambientProbePort) }],
        }]),
      ],
    },
  };
}
