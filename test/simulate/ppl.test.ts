/**
 * Pomerium policy semantics, each pinned to the upstream file it models
 * (pomerium/pomerium c8ace109 pkg/policy/generator/generator.go, conditionals.go,
 * criteria/*.go, criteria/matchers.go).
 */
import { evaluatePolicy, evaluateRoutePolicy, PolicyError } from '../../src/simulate/ppl';

const ada: { claims: Record<string, unknown> } = { claims: { sub: 'u-ada', email: 'ada@example.com', groups: ['sre', 'dev'], department: 'platform', level: 1, realm_access: { roles: ['admin'] } } };
const allowed = (policy: unknown, user = ada) => evaluatePolicy(policy, user).allowed;

describe('combination (generator.go, conditionals.go)', () => {
  test('inside one rule and/or/not/nor results are or-ed: {and: [A], not: [B]} is A or not-B', () => {
    const policy = { allow: { and: [{ email: 'nobody@example.com' }], not: [{ email: 'other@example.com' }] } };
    expect(allowed(policy)).toBe(true); // A false, not-B true
  });
  test('not holds when none of its criteria holds', () => {
    expect(allowed({ allow: { not: [{ email: 'x@example.com' }, { domain: 'other.com' }] } })).toBe(true);
    expect(allowed({ allow: { not: [{ email: 'x@example.com' }, { domain: 'example.com' }] } })).toBe(false);
  });
  test('nor holds when not all of its criteria hold', () => {
    expect(allowed({ allow: { nor: [{ domain: 'example.com' }, { email: 'x@example.com' }] } })).toBe(true);
    expect(allowed({ allow: { nor: [{ domain: 'example.com' }, { email: 'ada@example.com' }] } })).toBe(false);
  });
  test('a matching deny wins over a matching allow', () => {
    const v = evaluatePolicy({ allow: { or: [{ domain: 'example.com' }] }, deny: { or: [{ email: 'ada@example.com' }] } }, ada);
    expect(v.allowed).toBe(false);
    expect(v.reasons.join('\n')).toMatch(/deny wins/);
  });
  test('empty lists, an empty allow and no policy deny', () => {
    expect(allowed({ allow: { or: [] } })).toBe(false);
    expect(allowed({ allow: {} })).toBe(false);
    expect(allowed(undefined)).toBe(false);
  });
  test('several rules: allows are or-ed', () => {
    expect(allowed([{ allow: { or: [{ email: 'x@example.com' }] } }, { allow: { and: [{ domain: 'example.com' }] } }])).toBe(true);
  });
});

describe('criteria and matchers', () => {
  test('string operators; a bare value means is; comparisons are case-sensitive', () => {
    expect(allowed({ allow: { or: [{ email: { ends_with: '@example.com' } }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ email: { starts_with: 'ada', contains: '@' } }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ email: { in: ['ada@example.com'] } }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ email: { not_in: ['ada@example.com'] } }] } })).toBe(false);
    expect(allowed({ allow: { or: [{ email: { not: 'ada@example.com' } }] } })).toBe(false);
    expect(allowed({ allow: { or: [{ email: 'Ada@example.com' }] } })).toBe(false);
    expect(allowed({ allow: { or: [{ domain: { is: 'example.com' } }] } })).toBe(true);
  });
  test('user matches oid, else sub', () => {
    expect(allowed({ allow: { or: [{ user: 'u-ada' }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ user: 'u-ada' }] } }, { claims: { ...ada.claims, oid: 'o-1' } })).toBe(false);
  });
  test('claim/<name>: list operators, type-strict, dotted flattening', () => {
    expect(allowed({ allow: { or: [{ 'claim/groups': 'sre' }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ 'claim/groups': { is: 'sre' } }] } })).toBe(false); // two values
    expect(allowed({ allow: { or: [{ 'claim/department': { is: 'platform' } }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ 'claim/groups': { exclude: 'ops' } }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ 'claim/level': '1' }] } })).toBe(false);
    expect(allowed({ allow: { or: [{ 'claim/level': 1 }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ 'claim/realm_access.roles': 'admin' }] } })).toBe(true);
  });
  test('groups never matches on open source (this would have caught AccessPolicy.groups()), matches directory groups on Enterprise', () => {
    const policy = { allow: { or: [{ groups: { has: 'sre' } }] } };
    const oss = evaluatePolicy(policy, ada);
    expect(oss.allowed).toBe(false);
    expect(oss.reasons.join('\n')).toMatch(/open-source Pomerium has no directory groups/);
    expect(evaluatePolicy(policy, { ...ada, edition: 'enterprise' }).allowed).toBe(false);
    expect(evaluatePolicy(policy, { ...ada, edition: 'enterprise', directoryGroups: ['sre'] }).allowed).toBe(true);
  });
  test('accept, reject, authenticated_user', () => {
    expect(allowed({ allow: { or: [{ accept: true }] } })).toBe(true);
    expect(allowed({ allow: { or: [{ reject: true }] } })).toBe(false);
    expect(allowed({ allow: { or: [{ authenticated_user: true }] } })).toBe(true);
  });
  test('unknown criteria and operators make Pomerium refuse the policy', () => {
    expect(() => evaluatePolicy({ allow: { or: [{ department: 'x' }] } }, ada)).toThrow(new PolicyError('unknown policy criterion: department'));
    expect(() => evaluatePolicy({ allow: { or: [{ email: { equals: 'x' } }] } }, ada)).toThrow('unknown string matcher operator: equals');
    expect(() => evaluatePolicy({ allow: { or: [{ 'claim/groups': { contains: 'x' } }] } }, ada)).toThrow('unknown string list matcher operator: contains');
    expect(() => evaluatePolicy({ allow: { xor: [] } }, ada)).toThrow(PolicyError);
  });
  test('legacy route keys become allow rules (config/policy_ppl.go)', () => {
    expect(evaluateRoutePolicy({ allowed_domains: ['example.com'] }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_users: ['u-ada'] }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_idp_claims: { department: ['platform'] } }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_domains: ['other.com'] }, ada).allowed).toBe(false);
  });
});
