/**
 * Who the access diff asks: identities derived from what a host's Pomerium policy and
 * Grafana mappings mention on either side, plus near misses, plus the user's own.
 *
 * Derived per host (never all mentions of a fleet against every host): the values a
 * policy or mapping compares against are exactly where a change can move a verdict, and
 * the near misses (another domain, no groups, a group's sibling) are where a loosened
 * matcher (`ends_with`, `contains`, a dropped group) would admit someone new.
 */
import { FoundGrafana, FoundRoute } from '../discover';
import { isObject } from '../read-output';

/** One identity the diff asks about. */
export interface DiffIdentity {
  /** Stable key: the claims as canonical JSON. */
  readonly key: string;
  /** Short description, e.g. `member of group "sre" (member.of.sre@example.com)`. */
  readonly label: string;
  /** 'derived', 'near-miss' or 'given'. */
  readonly origin: string;
  readonly claims: Record<string, unknown>;
}

/** The mentions collected from one host's configuration (both sides together). */
export interface Mentions {
  readonly emails: Set<string>;
  readonly domains: Set<string>;
  readonly users: Set<string>;
  readonly groups: Set<string>;
  /** Claim (dotted path) → values, for claims other than `groups`. */
  readonly claims: Map<string, Set<unknown>>;
}

export function emptyMentions(): Mentions {
  return { emails: new Set(), domains: new Set(), users: new Set(), groups: new Set(), claims: new Map() };
}

const ROLE_NAMES = new Set(['None', 'Viewer', 'Editor', 'Admin', 'GrafanaAdmin']);
/** The domain that stands for "another domain" (RFC 2606 reserves .example). */
export const OTHER_DOMAIN = 'another-domain.example';
const DEFAULT_DOMAIN = 'example.com';

/** Adds what a Pomerium route's policy (PPL and the older allow-list keys) mentions. */
export function mentionsOfRoute(route: FoundRoute, into: Mentions): void {
  const r = route.route;
  const rules = r.policy === undefined || r.policy === null ? [] : Array.isArray(r.policy) ? r.policy : [r.policy];
  for (const rule of rules) {
    if (!isObject(rule)) continue;
    for (const action of ['allow', 'deny']) {
      const conditionals = rule[action];
      if (!isObject(conditionals)) continue;
      for (const list of Object.values(conditionals)) {
        if (Array.isArray(list)) for (const criterion of list) mentionsOfCriterion(criterion, into);
      }
    }
  }
  for (const u of asList(r.allowed_users)) {
    if (typeof u !== 'string') continue;
    if (u.includes('@')) addEmail(u, into);
    else into.users.add(u);
  }
  for (const d of asList(r.allowed_domains)) if (typeof d === 'string') into.domains.add(d);
  if (isObject(r.allowed_idp_claims)) {
    for (const [claim, values] of Object.entries(r.allowed_idp_claims)) for (const v of asList(values)) addClaim(claim, v, into);
  }
}

function mentionsOfCriterion(raw: unknown, into: Mentions): void {
  if (!isObject(raw)) return;
  for (const [key, data] of Object.entries(raw)) {
    const slash = key.indexOf('/');
    const name = slash < 0 ? key : key.slice(0, slash);
    const sub = slash < 0 ? '' : key.slice(slash + 1);
    const values = matcherValues(data);
    switch (name) {
      case 'email': for (const v of values) addEmail(v, into); break;
      case 'domain': for (const v of values) into.domains.add(v); break;
      case 'user': for (const v of values) into.users.add(v); break;
      case 'groups': for (const v of values) into.groups.add(v); break;
      case 'claim': for (const v of listValues(data)) addClaim(sub, v, into); break;
      default: break;
    }
  }
}

/**
 * Strings a string matcher compares against, turned into values that match:
 * `is`/`not`/`in`/`not_in` as given; `ends_with`/`starts_with`/`contains` padded so that
 * a value exists on which the operator holds.
 */
function matcherValues(data: unknown): string[] {
  const ops = isObject(data) ? data : { is: data };
  const out: string[] = [];
  for (const [op, v] of Object.entries(ops)) {
    const list = Array.isArray(v) ? v : [v];
    for (const x of list) {
      if (typeof x !== 'string') continue;
      if (op === 'ends_with') out.push(x.includes('@') ? `someone${x}` : x);
      else if (op === 'starts_with') out.push(x);
      else if (op === 'contains') out.push(x);
      else out.push(x);
    }
  }
  return out;
}

/** Values a list matcher (`has`, `is`, `exclude`, or a bare value) compares against, type kept. */
function listValues(data: unknown): unknown[] {
  if (!isObject(data)) return [data];
  return Object.values(data);
}

function addEmail(email: string, into: Mentions) {
  into.emails.add(email);
  const at = email.lastIndexOf('@');
  if (at > 0 && at < email.length - 1) into.domains.add(email.slice(at + 1));
}

function addClaim(claim: string, value: unknown, into: Mentions) {
  if (claim === 'groups') {
    if (typeof value === 'string') into.groups.add(value);
    return;
  }
  if (claim === 'email' && typeof value === 'string') {
    addEmail(value, into);
    return;
  }
  if (!into.claims.has(claim)) into.claims.set(claim, new Set());
  into.claims.get(claim)!.add(value);
}

/**
 * Adds what a Grafana configuration's role and org mappings mention: the string literals of
 * `role_attribute_path` (raw strings 'x' and JSON literals) other than role names, the claim
 * values of `org_mapping`, and `allowed_groups`. They are compared with the user's groups in
 * every mapping the library writes; a custom expression over another claim is covered by
 * identities the user gives.
 */
export function mentionsOfGrafana(grafana: FoundGrafana, into: Mentions): void {
  for (const section of ['auth.jwt', 'auth.generic_oauth']) {
    const s = grafana.sections[section];
    if (!s) continue;
    for (const literal of jmespathStrings(s.role_attribute_path ?? '')) {
      if (!ROLE_NAMES.has(literal) && literal !== '') into.groups.add(literal);
    }
    for (const entry of (s.org_mapping ?? '').split(/[\s,]+/).filter(Boolean)) {
      const value = entry.replace(/\\:/g, '\u0000').split(':')[0].replace(/\u0000/g, ':');
      if (value !== '' && value !== '*') into.groups.add(value);
    }
    for (const g of (s.allowed_groups ?? '').split(/[\s,]+/).filter(Boolean)) into.groups.add(g);
  }
}

/** String literals of a JMESPath expression: raw strings ('x', with \' escapes) and JSON literals (`"x"`). */
export function jmespathStrings(expression: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '\'' || c === '`') {
      let j = i + 1;
      let text = '';
      while (j < expression.length && expression[j] !== c) {
        if (expression[j] === '\\' && j + 1 < expression.length) {
          text += expression[j + 1];
          j += 2;
          continue;
        }
        text += expression[j];
        j++;
      }
      if (c === '\'') {
        out.push(text);
      } else {
        try {
          const v = JSON.parse(text);
          if (typeof v === 'string') out.push(v);
          else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
        } catch {
          // a literal that is not JSON: Grafana's JMESPath fails on it too, nothing to mention
        }
      }
      i = j;
    }
  }
  return out;
}

/**
 * Full group paths and names: Keycloak's group mapper sends `/name` with full path on, `name`
 * without; a sibling is the same parent with another last segment.
 */
export function groupVariants(group: string): { forms: string[]; sibling: string } {
  const forms = group.startsWith('/') ? [group, group.slice(group.lastIndexOf('/') + 1)] : [group, `/${group}`];
  const cut = group.lastIndexOf('/');
  const sibling = `${group.slice(0, cut + 1)}${group.slice(cut + 1)}-sibling`;
  return { forms: forms.filter((f) => f !== ''), sibling };
}

/** The identities for one host: members, near misses, and the user's own (given last). */
export function deriveIdentities(m: Mentions, given: readonly DiffIdentity[]): DiffIdentity[] {
  const out = new Map<string, DiffIdentity>();
  const domains = m.domains.size > 0 ? [...m.domains].sort() : [DEFAULT_DOMAIN];
  const home = domains[0];
  const add = (label: string, origin: string, claims: Record<string, unknown>) => {
    const full = { sub: claims.sub ?? `id-${String(claims.email ?? label)}`, ...claims };
    const key = canonical(full);
    if (!out.has(key)) out.set(key, { key, label, origin, claims: full });
  };
  const slug = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'x';

  for (const e of [...m.emails].sort()) add(`email ${e}`, 'derived', { email: e, groups: [] });
  for (const d of domains) add(`someone at ${d}, no groups`, m.domains.size > 0 ? 'derived' : 'near-miss', { email: `someone@${d}`, groups: [] });
  for (const u of [...m.users].sort()) add(`user id ${u}`, 'derived', { sub: u, email: `${slug(u)}@${home}`, groups: [] });

  const groups = new Set<string>();
  const siblings = new Set<string>();
  for (const g of m.groups) {
    const v = groupVariants(g);
    v.forms.forEach((f) => groups.add(f));
    siblings.add(v.sibling);
  }
  for (const g of [...groups].sort()) {
    for (const d of domains) add(`member of group ${JSON.stringify(g)}${domains.length > 1 ? ` at ${d}` : ''}`, 'derived', { email: `member.of.${slug(g)}@${d}`, groups: [g] });
  }
  for (const s of [...siblings].filter((x) => !groups.has(x)).sort()) {
    add(`member of sibling group ${JSON.stringify(s)}`, 'near-miss', { email: `member.of.${slug(s)}@${home}`, groups: [s] });
  }
  if (groups.size > 1) add('member of every group named', 'derived', { email: `member.of.every.group@${home}`, groups: [...groups].sort() });
  for (const [claim, values] of [...m.claims.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const v of values) {
      add(`claim ${claim} = ${JSON.stringify(v)}`, 'derived', { email: `claim.${slug(claim)}@${home}`, groups: [], ...nested(claim, [v]) });
    }
  }
  // Near misses: another domain, and look-alikes of each domain named (a subdomain, a name that
  // ends the same), each with every group named so that only the domain differs.
  const everyGroup = [...groups].sort();
  const others = [OTHER_DOMAIN, ...[...m.domains].sort().flatMap((d) => [`sub.${d}`, `not${d}`])];
  for (const d of others) {
    // With no domain named, only the no-groups outsider is asked: the domain decides nothing then.
    const withGroups = m.domains.size > 0 ? everyGroup : [];
    add(`someone at ${d}${withGroups.length > 0 ? ', in every group named' : ', no groups'}`, 'near-miss', { email: `someone@${d}`, groups: withGroups });
  }
  for (const g of given) if (!out.has(g.key)) out.set(g.key, g);
  return [...out.values()];
}

/** A user-given identity (claims as the identity provider sends them). */
export function givenIdentity(claims: Record<string, unknown>, where: string): DiffIdentity {
  const label = typeof claims.email === 'string' ? `${claims.email} (${where})` : where;
  return { key: canonical(claims), label, origin: 'given', claims };
}

/** `a.b` → { a: { b: value } }: Pomerium flattens nested claims with dots. */
function nested(path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  let obj: Record<string, unknown> = { [parts[parts.length - 1]]: value };
  for (let i = parts.length - 2; i >= 0; i--) obj = { [parts[i]]: obj };
  return obj;
}

/** JSON with sorted keys, so the same claims give the same key. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
