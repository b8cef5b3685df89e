/**
 * What keeps everything but Pomerium away from a host's Grafana, read from output:
 * NetworkPolicies with ingress rules, Istio AuthorizationPolicies and PeerAuthentications
 * in the namespace of the route's upstream (`to: http://<service>.<namespace>...`).
 * The library writes them there (src/kubernetes/network-policy.ts, src/istio/security.ts);
 * a user's own objects in that namespace count too.
 */
import { FoundRoute } from '../discover';
import { isObject, SourceDocument } from '../read-output';
import { canonical } from './identities';

/** One isolation object: its identity and the part of its spec that admits peers. */
export interface IsolationObject {
  /** `NetworkPolicy <namespace>/<name>`. */
  readonly id: string;
  /** Canonical JSON of each rule that admits traffic (ingress rules, ALLOW rules, the mTLS mode). */
  readonly rules: string[];
  /** An AuthorizationPolicy with action DENY: there a rule fewer admits more. */
  readonly denies: boolean;
}

const KINDS = ['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication'];

/** Isolation objects by namespace. */
export function isolationIndex(documents: readonly SourceDocument[]): Map<string, IsolationObject[]> {
  const index = new Map<string, IsolationObject[]>();
  for (const { doc } of documents) {
    if (!KINDS.includes(doc.kind) || typeof doc.apiVersion !== 'string') continue;
    const ns = String(doc.metadata?.namespace ?? '');
    const spec = isObject(doc.spec) ? doc.spec : {};
    let rules: unknown[];
    const denies = doc.kind === 'AuthorizationPolicy' && spec.action === 'DENY';
    if (doc.kind === 'NetworkPolicy') {
      const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
      // networking/v1: without policyTypes, Ingress is implied; a policy only for Egress isolates nothing here.
      if (types.length > 0 && !types.includes('Ingress')) continue;
      rules = [{ selector: spec.podSelector ?? {} }, ...(Array.isArray(spec.ingress) ? spec.ingress : [])];
    } else if (doc.kind === 'AuthorizationPolicy') {
      rules = [{ selector: spec.selector ?? {}, action: spec.action ?? 'ALLOW' }, ...(Array.isArray(spec.rules) ? spec.rules : [])];
    } else {
      rules = [{ selector: spec.selector ?? {}, mtls: spec.mtls ?? {}, portLevelMtls: spec.portLevelMtls ?? {} }];
    }
    const list = index.get(ns) ?? [];
    list.push({ id: `${doc.kind} ${ns}/${doc.metadata?.name ?? ''}`, rules: rules.map(canonical), denies });
    index.set(ns, list);
  }
  return index;
}

/** The namespace of a route's upstream Service, from `to` (`http://svc.ns.svc.cluster.local:80`). */
export function upstreamNamespace(route: FoundRoute | undefined): string | undefined {
  if (!route) return undefined;
  const to = Array.isArray(route.route.to) ? route.route.to[0] : route.route.to;
  if (typeof to !== 'string') return undefined;
  try {
    const parts = new URL(to).hostname.split('.');
    return parts.length >= 2 ? parts[1] : undefined;
  } catch {
    return undefined;
  }
}

/** What changed between two hosts' isolation: each removed object, added object, and object whose rules changed. */
export interface IsolationChange {
  readonly id: string;
  /** 'removed', 'added' or 'changed'. */
  readonly change: string;
  /** Removed, or changed with a rule that was not there before (it may admit more). */
  readonly widened: boolean;
}

export function compareIsolation(before: readonly IsolationObject[], after: readonly IsolationObject[]): IsolationChange[] {
  const out: IsolationChange[] = [];
  for (const b of before) {
    const a = after.find((x) => x.id === b.id);
    if (!a) {
      out.push({ id: b.id, change: 'removed', widened: true });
    } else if (canonical(a.rules) !== canonical(b.rules)) {
      // A rule after that was not before may admit peers that were refused; fewer rules only narrow
      // (the other way round for DENY rules).
      const newRule = a.rules.some((r) => !b.rules.includes(r));
      const lostRule = b.rules.some((r) => !a.rules.includes(r));
      out.push({ id: b.id, change: 'changed', widened: newRule || (b.denies && lostRule) });
    }
  }
  for (const a of after) if (!before.some((b) => b.id === a.id)) out.push({ id: a.id, change: 'added', widened: false });
  return out;
}
