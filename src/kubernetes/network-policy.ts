import { k8s } from 'cdk8s-plus-28';

/** Who may reach Grafana: only Pomerium's pods, only on Grafana's port. */
export interface OnlyPomeriumPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly grafanaPodLabels: Record<string, string>;
  readonly grafanaPort: number;
  readonly pomeriumNamespace: string;
  /** Narrows the peers to these pods; without it, every pod of Pomerium's namespace. */
  readonly pomeriumPodLabels?: Record<string, string>;
}

/**
 * A NetworkPolicy that selects the Grafana pods and admits ingress only from
 * Pomerium. Selecting the pods with policyTypes Ingress denies everything else.
 */
export function renderNetworkPolicy(policy: OnlyPomeriumPolicy): k8s.KubeNetworkPolicyProps {
  return {
    metadata: { name: policy.name, namespace: policy.namespace },
    spec: {
      podSelector: { matchLabels: policy.grafanaPodLabels },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              // kubernetes.io/metadata.name is set by the API server on every namespace (1.22+).
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': policy.pomeriumNamespace } },
              ...(policy.pomeriumPodLabels ? { podSelector: { matchLabels: policy.pomeriumPodLabels } } : {}),
            },
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(policy.grafanaPort) }],
        },
      ],
    },
  };
}
