/**
 * The access diff's report: plain data, the `--json` shape (docs/access-review.md).
 * Absent values are left out of the library result and printed as null by `--json`.
 */

/** What one identity gets on one host on one side. */
export interface AccessVerdict {
  /** Whether the host exists on this side. */
  readonly hostExists: boolean;
  /** Pomerium's verdict: true when the route's policy admits the identity. */
  readonly allowed: boolean;
  /** Grafana signs the identity in (only when Pomerium allowed). */
  readonly signedIn: boolean;
  /**
   * The effective role in the default organization: 'None', 'Viewer', 'Editor', 'Admin' or
   * 'GrafanaAdmin' (Admin with the server-admin flag).
   * @default - not signed in
   */
  readonly role?: string;
  /** Organization → role from the org mapping ("*": every organization). */
  readonly orgRoles: { [org: string]: string };
  /** The verdict in words, e.g. `denied by Pomerium`, `refused by Grafana: Sign up is disabled`, `signed in as Viewer`. */
  readonly summary: string;
  /** The criterion or mapping rule that decided, in words. */
  readonly decidedBy: string;
}

/** The identity a change is about. */
export interface DiffIdentityInfo {
  /** Short description, e.g. `member of group "sre"`. */
  readonly label: string;
  /** 'derived' (named by a policy or mapping), 'near-miss' (another domain, no groups, a group's sibling) or 'given' (--identities). */
  readonly origin: string;
  /** The claims asked. */
  readonly claims: { [key: string]: any };
}

/** One reported change. */
export interface AccessChange {
  /**
   * 'host-added', 'host-removed', 'access' (Pomerium's verdict changed), 'sign-in' (Grafana
   * now accepts or refuses), 'role', 'org-role', 'flow', 'isolation' or 'setting'.
   */
  readonly kind: string;
  /** True when this change widens access (docs/access-review.md, "What widened means"). */
  readonly widened: boolean;
  /** The line, in words. */
  readonly description: string;
  /** The identity, for identity changes. @default - a host change */
  readonly identity?: DiffIdentityInfo;
  /** The verdict or value before. */
  readonly before: string;
  /** The verdict or value after. */
  readonly after: string;
  /** What decided before (criterion, mapping rule, setting). @default - nothing to say */
  readonly decidedBefore?: string;
  /** What decided after. @default - nothing to say */
  readonly decidedAfter?: string;
}

/** One identity's verdicts on both sides (only with `includeIdentities`). */
export interface IdentityVerdicts {
  readonly identity: DiffIdentityInfo;
  readonly before: AccessVerdict;
  readonly after: AccessVerdict;
}

/** One host's part of the report. */
export interface HostDiff {
  readonly host: string;
  /** 'added', 'removed', 'changed' (configuration differs) or 'unchanged'. */
  readonly status: string;
  /** 'jwt', 'headers', 'oidc' or 'none' when the host does not exist on that side. */
  readonly flowBefore: string;
  readonly flowAfter: string;
  /** How many identities were asked on this host (0 when its configuration is identical on both sides). */
  readonly identitiesAsked: number;
  readonly changes: AccessChange[];
  /** Every identity's verdicts, when `includeIdentities` was set. @default - not listed */
  readonly identities?: IdentityVerdicts[];
}

/** How many identities were tried and where they came from. */
export interface IdentitySummary {
  /** Distinct identities (claims sets) asked on some host. */
  readonly distinct: number;
  /** Identity × host questions asked (each asked on both sides). */
  readonly asked: number;
  /** Distinct identities per origin: derived, near-miss, given. */
  readonly origins: { [origin: string]: number };
  /** Identities given by the user (`--identities`). */
  readonly given: number;
}

/** The whole report. */
export interface AccessDiffReport {
  /** True when any change widened access (the CLI exits 1). */
  readonly widened: boolean;
  /** Hosts on each side, and how many were added, removed, changed (configuration), unchanged. */
  readonly hostCounts: { [key: string]: number };
  readonly identities: IdentitySummary;
  /** Hosts with at least one change (every host with `includeIdentities`), sorted by name. */
  readonly hosts: HostDiff[];
  /** Number of reported changes, and of widening ones. */
  readonly changeCount: number;
  readonly wideningCount: number;
}

/** Options of `AccessDiff.compare`. */
export interface AccessDiffOptions {
  /**
   * Identities to ask on every host, besides the derived ones: claims sets as the identity
   * provider sends them (sub, email, groups, any claim).
   * @default - derived identities only
   */
  readonly identities?: { [key: string]: any }[];
  /**
   * Where `identities` came from, for the report.
   * @default 'given'
   */
  readonly identitiesSource?: string;
  /**
   * Pomerium edition: 'oss' or 'enterprise'.
   * @default 'oss'
   */
  readonly edition?: string;
  /**
   * List every host and every identity's verdicts on both sides (large for a fleet).
   * @default false
   */
  readonly includeIdentities?: boolean;
  /**
   * The clock, in seconds since the epoch.
   * @default - now
   */
  readonly now?: number;
}

/** Role order for "widened": None < Viewer < Editor < Admin < GrafanaAdmin. */
export const ROLE_ORDER = ['None', 'Viewer', 'Editor', 'Admin', 'GrafanaAdmin'];

export function roleRank(role: string | undefined): number {
  return role === undefined ? -1 : ROLE_ORDER.indexOf(role);
}
