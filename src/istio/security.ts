import {
  AuthorizationPolicyProps,
  AuthorizationPolicySpecAction,
  PeerAuthenticationProps,
  PeerAuthenticationSpecMtlsMode,
} from '../imports/istio-security-security.istio.io';

/** Where STRICT mTLS applies: a whole namespace, or the pods a selector picks in it. */
export interface StrictMtlsScope {
  readonly name: string;
  readonly namespace: string;
  /** Without it the policy is namespace-wide. */
  readonly podLabels?: Record<string, string>;
}

/**
 * A security.istio.io/v1 PeerAuthentication in mode STRICT: sidecars refuse plaintext.
 * Never any `portLevelMtls` (a port-level DISABLE would reopen the plaintext hole).
 */
export function renderStrictPeerAuthentication(scope: StrictMtlsScope): PeerAuthenticationProps {
  return {
    metadata: { name: scope.name, namespace: scope.namespace },
    spec: {
      ...(scope.podLabels ? { selector: { matchLabels: { ...scope.podLabels } } } : {}),
      mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT },
    },
  };
}

/** Who may reach a workload: exactly these mTLS principals. */
export interface OnlyPrincipalsPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly principals: readonly string[];
}

/**
 * A security.istio.io/v1 AuthorizationPolicy with action ALLOW: once an ALLOW policy
 * selects a workload, every request that matches no rule is denied, so only the listed
 * principals (which exist only on mTLS connections) get through.
 */
export function renderOnlyPrincipalsPolicy(policy: OnlyPrincipalsPolicy): AuthorizationPolicyProps {
  return {
    metadata: { name: policy.name, namespace: policy.namespace },
    spec: {
      selector: { matchLabels: { ...policy.podLabels } },
      action: AuthorizationPolicySpecAction.ALLOW,
      rules: [{ from: [{ source: { principals: [...policy.principals] } }] }],
    },
  };
}
