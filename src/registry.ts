import { IConstruct } from 'constructs';
import { PropContext } from './errors';

/** What is taken in one app, per kind of thing: key → path of the construct that took it. */
const TAKEN = new WeakMap<IConstruct, Map<string, Map<string, string>>>();

/**
 * Claims `key` of `kind` (a route host, a Keycloak clientId, a Helm values file) for the
 * construct `scope` across its whole app, and refuses a second claim at once, naming
 * both constructs: two owners of one host or client would silently override each other.
 */
export function claimInApp(
  scope: IConstruct, ctx: PropContext, kind: string, key: string, problem: (otherPath: string) => string, fix: string,
): void {
  const root = scope.node.root;
  const kinds = TAKEN.get(root) ?? new Map<string, Map<string, string>>();
  TAKEN.set(root, kinds);
  const taken = kinds.get(kind) ?? new Map<string, string>();
  kinds.set(kind, taken);
  const other = taken.get(key);
  if (other !== undefined && other !== scope.node.path) ctx.fail(key, problem(other), fix);
  taken.set(key, scope.node.path);
}
