/**
 * Evaluates a Pomerium route's policy for one user, modelled on pomerium/pomerium
 * (c8ace109) pkg/policy: parser (document shape), generator/generator.go and
 * generator/conditionals.go (how rules combine), criteria/*.go (each criterion) and
 * criteria/matchers.go (string and list operators). It is a model, not Pomerium's
 * Rego: see docs/simulator.md for what it does not cover.
 */
import { isObject } from './read-output';

/** Pomerium would refuse this policy (the route would not load). */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export interface PolicyUser {
  /** The IdP's claims (ID token / userinfo). */
  readonly claims: Record<string, unknown>;
  /** 'oss' (default) or 'enterprise'. */
  readonly edition?: string;
  /** Directory groups (ids and names) that Enterprise directory sync knows for the user. */
  readonly directoryGroups?: readonly string[];
  /** No session: nobody signed in (then `claims` is empty). */
  readonly anonymous?: boolean;
}

export interface PolicyVerdict {
  readonly allowed: boolean;
  readonly reasons: string[];
}

/** Criteria Pomerium knows (criteria/*.go) that depend on the request, not the user: not simulated. */
const REQUEST_CRITERIA = ['http_method', 'http_path', 'source_ip', 'client_certificate', 'invalid_client_certificate', 'device',
  'cors_preflight', 'pomerium_routes', 'mcp_tool', 'ssh_publickey', 'ssh_username', 'ssh_username_matches_claim', 'ssh_username_matches_email'];

/** The route's whole policy: its PPL `policy` plus the older allow-list keys, which config/policy_ppl.go turns into allow rules. */
export function evaluateRoutePolicy(route: Record<string, any>, user: PolicyUser): PolicyVerdict {
  const rules: unknown[] = [];
  if (route.policy !== undefined && route.policy !== null) rules.push(...(Array.isArray(route.policy) ? route.policy : [route.policy]));
  const legacy: Array<Record<string, unknown>> = [];
  // config/policy_ppl.go: allowed_users match the user id or the email; allowed_domains the email domain.
  for (const u of asList(route.allowed_users)) legacy.push({ user: { is: u } }, { email: { is: u } });
  for (const d of asList(route.allowed_domains)) legacy.push({ domain: { is: d } });
  if (isObject(route.allowed_idp_claims)) {
    for (const [claim, values] of Object.entries(route.allowed_idp_claims)) for (const v of asList(values)) legacy.push({ [`claim/${claim}`]: v });
  }
  if (route.allow_any_authenticated_user === true || route.allow_any_authenticated_user === 'true') legacy.push({ authenticated_user: true });
  if (route.allow_public_unauthenticated_access === true || route.allow_public_unauthenticated_access === 'true') legacy.push({ accept: true });
  if (legacy.length > 0) rules.push({ allow: { or: legacy } });
  return evaluatePolicy(rules, user);
}

/**
 * generator.go: every allow rule is or-ed, every deny rule is or-ed, a matching deny
 * wins, and nothing matching means deny (`default allow := false`).
 */
export function evaluatePolicy(policy: unknown, user: PolicyUser): PolicyVerdict {
  const rules = Array.isArray(policy) ? policy : policy === undefined || policy === null ? [] : [policy];
  const reasons: string[] = [];
  let allowed = false;
  let denied = false;
  rules.forEach((rule, i) => {
    if (!isObject(rule)) throw new PolicyError(`policy rule ${i + 1} is not an object`);
    for (const key of Object.keys(rule)) {
      if (key !== 'allow' && key !== 'deny') throw new PolicyError(`unsupported policy action: ${key}`);
    }
    for (const action of ['allow', 'deny'] as const) {
      if (rule[action] === undefined) continue;
      const label = `${action}${rules.length > 1 ? ` (rule ${i + 1})` : ''}`;
      const holds = evaluateConditionals(rule[action], user, label, reasons);
      if (holds && action === 'allow') allowed = true;
      if (holds && action === 'deny') denied = true;
    }
  });
  if (denied) {
    reasons.push('denied: a deny rule matched (a matching deny wins over any allow)');
    return { allowed: false, reasons };
  }
  if (!allowed) {
    reasons.push(rules.length === 0 ? 'denied: the route has no policy (Pomerium denies by default)' : 'denied: no allow rule matched');
    return { allowed: false, reasons };
  }
  return { allowed: true, reasons };
}

/**
 * conditionals.go: inside one rule the results of `and`, `or`, `not` and `nor` are
 * or-ed together; `and` = all hold, `or` = one holds, `not` = none holds
 * ((NOT A) AND (NOT B)), `nor` = not all hold ((NOT A) OR (NOT B)). An empty list adds nothing.
 */
function evaluateConditionals(raw: unknown, user: PolicyUser, label: string, reasons: string[]): boolean {
  if (!isObject(raw)) throw new PolicyError(`${label}: expected an object with and/or/not/nor`);
  let holds = false;
  for (const [op, list] of Object.entries(raw)) {
    if (!['and', 'or', 'not', 'nor'].includes(op)) throw new PolicyError(`${label}: unsupported conditional: ${op}`);
    if (!Array.isArray(list)) throw new PolicyError(`${label}.${op}: expected a list of criteria`);
    if (list.length === 0) continue;
    const results = list.map((c) => evaluateCriterion(c, user));
    let value: boolean;
    switch (op) {
      case 'and': value = results.every((r) => r.holds); break;
      case 'or': value = results.some((r) => r.holds); break;
      case 'not': value = results.every((r) => !r.holds); break;
      default: value = results.some((r) => !r.holds); break;
    }
    for (const r of results) reasons.push(`${label}.${op}: ${r.text} ${r.holds ? 'holds' : 'does not hold'}${r.why ? ` (${r.why})` : ''}`);
    reasons.push(`${label}.${op} ${value ? 'matches' : 'does not match'}`);
    holds = holds || value;
  }
  return holds;
}

interface CriterionResult {
  readonly holds: boolean;
  readonly text: string;
  readonly why?: string;
}

function evaluateCriterion(raw: unknown, user: PolicyUser): CriterionResult {
  if (!isObject(raw) || Object.keys(raw).length !== 1) throw new PolicyError(`a criterion must be an object with exactly one key, got ${JSON.stringify(raw)}`);
  const [key, data] = Object.entries(raw)[0];
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(0, slash);
  const subPath = slash < 0 ? '' : key.slice(slash + 1);
  const text = `${key} ${JSON.stringify(data)}`;
  const claims = user.claims;
  switch (name) {
    // criteria/accept.go and reject.go: always / never, whatever the data.
    case 'accept': return { holds: true, text };
    case 'reject': return { holds: false, text };
    // criteria/authenticated_user.go: a session with a user id.
    case 'authenticated_user': return user.anonymous ? { holds: false, text, why: 'no session' } : { holds: true, text, why: 'the user is signed in' };
    // criteria/email.go: the session's (or directory user's) email, string matcher. rules.go
    // get_user_email gives "" when there is none (and without a session): `not`/`not_in` then hold.
    case 'email': return stringCriterion(text, strOrUndef(claims.email) ?? '', data, 'email');
    // criteria/domain.go: the part after '@' of the email.
    case 'domain': {
      const email = strOrUndef(claims.email);
      return stringCriterion(text, email?.includes('@') ? email.split('@')[1] : undefined, data, 'email domain');
    }
    // criteria/user.go: the session's user id, which is the IdP's `oid`, else `sub`.
    case 'user': return stringCriterion(text, strOrUndef(claims.oid) ?? strOrUndef(claims.sub), data, 'user id');
    // criteria/claim.go: session and user claims, flattened with dots, list matcher.
    case 'claim': {
      if (subPath === '') throw new PolicyError('claim criterion needs a claim name: claim/<name>');
      const values = flattenClaims(claims)[subPath] ?? [];
      return listCriterion(text, values, data, `claim ${subPath} = ${JSON.stringify(values)}`);
    }
    // criteria/groups.go: group_ids of the directory user in the databroker. Only Enterprise
    // directory sync writes those records: on open source the list is empty.
    case 'groups': {
      // Without a session, session.user_id is undefined and so is the rule body: never holds.
      if (user.anonymous) return { holds: false, text, why: 'no session' };
      if ((user.edition ?? 'oss') !== 'enterprise') {
        const r = listCriterion(text, [], data, '');
        return { ...r, why: 'open-source Pomerium has no directory groups: `groups` never matches an IdP group; use claim/groups' };
      }
      const groups = [...(user.directoryGroups ?? [])];
      return listCriterion(text, groups, data, `directory groups ${JSON.stringify(groups)}`);
    }
    default:
      if (REQUEST_CRITERIA.includes(name)) throw new PolicyError(`criterion ${name} depends on the request, not the user: the simulator does not evaluate it`);
      // generator.go generateCriterionRules: Pomerium's own wording.
      throw new PolicyError(`unknown policy criterion: ${name}`);
  }
}

/** criteria/matchers.go matchString: a bare value means `is`; several operators must all hold. */
function stringCriterion(text: string, actual: string | undefined, data: unknown, what: string): CriterionResult {
  const ops = isObject(data) ? data : { is: data };
  let holds = true;
  for (const [op, expected] of Object.entries(ops)) {
    if (actual === undefined) {
      // The Rego body is undefined without the value: the criterion does not hold.
      holds = false;
      continue;
    }
    switch (op) {
      case 'is': holds = holds && actual === expected; break;
      case 'not': holds = holds && actual !== expected; break;
      case 'contains': holds = holds && typeof expected === 'string' && actual.includes(expected); break;
      case 'starts_with': holds = holds && typeof expected === 'string' && actual.startsWith(expected); break;
      case 'ends_with': holds = holds && typeof expected === 'string' && actual.endsWith(expected); break;
      case 'in':
        if (!Array.isArray(expected)) throw new PolicyError('in matcher requires an array of strings');
        holds = holds && expected.includes(actual);
        break;
      case 'not_in':
        if (!Array.isArray(expected)) throw new PolicyError('not_in matcher requires an array of strings');
        holds = holds && !expected.includes(actual);
        break;
      default: throw new PolicyError(`unknown string matcher operator: ${op}`);
    }
  }
  return { holds, text, why: `${what} = ${actual === undefined ? 'none' : JSON.stringify(actual)}` };
}

/**
 * criteria/matchers.go matchStringList: a bare value means `has`; `is` = exactly one
 * value, equal; `exclude` = no value equal. Comparison is Rego equality: type-strict.
 */
function listCriterion(text: string, values: readonly unknown[], data: unknown, why: string): CriterionResult {
  const ops = isObject(data) ? data : { has: data };
  let holds = true;
  for (const [op, expected] of Object.entries(ops)) {
    const has = values.some((v) => v === expected);
    switch (op) {
      case 'has': holds = holds && has; break;
      case 'is': holds = holds && values.length === 1 && has; break;
      case 'exclude': holds = holds && !has; break;
      default: throw new PolicyError(`unknown string list matcher operator: ${op}`);
    }
  }
  return { holds, text, why: why || undefined };
}

/**
 * Claims as Pomerium stores them on the session (pkg/identity claims): nested objects
 * flattened with dots, every value a list (a scalar becomes a one-element list).
 */
export function flattenClaims(claims: Record<string, unknown>, prefix = '', out: Record<string, unknown[]> = {}): Record<string, unknown[]> {
  for (const [k, v] of Object.entries(claims)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) flattenClaims(v, key, out);
    else out[key] = Array.isArray(v) ? v : [v];
  }
  return out;
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function strOrUndef(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
