import { PropContext } from '../errors';

/** What must differ between any two tenants of a fleet, as derived before anything is built. */
export interface TenantIdentity {
  /** Position in the `tenants` list. */
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly clientId: string;
  readonly audienceScopeName: string;
  /** Role group names the tenant's Keycloak client owns. */
  readonly groups: readonly string[];
}

/** One kind of name that two tenants must not share, the prop it comes from and why. */
interface UniqueKind {
  readonly prop: string;
  readonly what: string;
  readonly values: (t: TenantIdentity) => readonly string[];
  readonly why: string;
  readonly fix: string;
}

const KINDS: readonly UniqueKind[] = [
  {
    prop: 'name',
    what: 'name',
    values: (t) => [t.name],
    why: 'the tenant name names its chart, output file and route objects',
    fix: 'give every tenant its own name',
  },
  {
    prop: 'namespace',
    what: 'namespace',
    values: (t) => [t.namespace],
    why: "each tenant's Grafana, Keycloak objects and isolation policies live in its own namespace, and two tenants in one would select each other's pods",
    fix: 'give every tenant its own namespace (or leave namespace out: it defaults to the tenant name)',
  },
  {
    prop: 'host',
    what: 'host',
    values: (t) => [t.host],
    why: 'Pomerium would send every request for the host to one of the two Grafanas',
    fix: 'give every tenant its own host (or leave host out: it defaults to grafana-<name>.<domain>)',
  },
  {
    prop: 'grafanaReleaseName',
    what: 'Keycloak clientId (<namespace>-<grafanaReleaseName>)',
    values: (t) => [t.clientId],
    why: "two Grafanas sharing a clientId and audience accept each other's tokens",
    fix: 'choose namespaces and release names whose <namespace>-<release> differ (note that "a" + "b-c" and "a-b" + "c" both give "a-b-c")',
  },
  {
    prop: 'grafanaReleaseName',
    what: 'audience scope',
    values: (t) => [t.audienceScopeName],
    why: 'the audience scope pins a token to one client; shared, it would admit both tenants',
    fix: 'choose namespaces and release names whose <namespace>-<release> differ',
  },
  {
    prop: 'grafanaReleaseName',
    what: 'Keycloak group',
    values: (t) => t.groups,
    why: 'Keycloak groups are realm-wide: a member of the shared group would get a role on both Grafanas',
    fix: 'choose namespaces and release names whose <namespace>-<release> differ (the groups are <namespace>-<release>-admin|editor|viewer)',
  },
];

/**
 * Refuses two tenants that share a name, namespace, host, clientId, audience scope or
 * group, naming both tenants (position and name). One pass and one Map per kind.
 */
export function checkTenantsUnique(ctx: PropContext, tenants: readonly TenantIdentity[]): void {
  for (const kind of KINDS) {
    const seen = new Map<string, TenantIdentity>();
    for (const tenant of tenants) {
      for (const value of new Set(kind.values(tenant))) {
        const first = seen.get(value);
        if (first !== undefined && first !== tenant) {
          ctx.prop(String(tenant.index)).prop(kind.prop).fail(
            value,
            `tenant ${tenant.index} ('${tenant.name}') and tenant ${first.index} ('${first.name}') have the same ${kind.what}: ${kind.why}`,
            kind.fix,
          );
        }
        seen.set(value, first ?? tenant);
      }
    }
  }
}
