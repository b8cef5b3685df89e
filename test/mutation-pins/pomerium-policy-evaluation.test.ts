/**
 * How the simulator decides a Pomerium route, pinned case by case to what Pomerium does
 * (pomerium/pomerium pkg/policy/generator/generator.go and conditionals.go for how rules
 * combine, criteria/*.go per criterion, criteria/matchers.go for the operators, and
 * config/policy_ppl.go ToPPL for the legacy route keys). Each verdict below follows from
 * those files (and GUIDE.md "How PPL combines" / "Matchers"), not from running the simulator.
 */
import { evaluatePolicy, evaluateRoutePolicy, flattenClaims, PolicyError } from '../../src/simulate/ppl';

const ada = { claims: { sub: 'u-ada', email: 'ada@example.com', groups: ['sre', 'dev'], department: 'platform' } };
const bob = { claims: { sub: 'u-bob', email: 'bob@other.org', groups: ['ops'] } };
const allows = (policy: unknown, user: { claims: Record<string, unknown> } = ada) => evaluatePolicy(policy, user).allowed;
const one = (criterion: Record<string, unknown>, user: { claims: Record<string, unknown> } = ada) => allows({ allow: { or: [criterion] } }, user);

describe('and / or / not / nor inside one rule (conditionals.go)', () => {
  test('and: every criterion must hold; one failing criterion denies', () => {
    expect(allows({ allow: { and: [{ domain: 'example.com' }, { 'claim/groups': 'sre' }] } })).toBe(true);
    expect(allows({ allow: { and: [{ domain: 'example.com' }, { 'claim/groups': 'ops' }] } })).toBe(false);
    expect(allows({ allow: { and: [{ 'claim/groups': 'ops' }, { domain: 'example.com' }] } })).toBe(false);
  });

  test('or: one holding criterion is enough; none holding denies', () => {
    expect(allows({ allow: { or: [{ domain: 'other.org' }, { email: 'ada@example.com' }] } })).toBe(true);
    expect(allows({ allow: { or: [{ domain: 'other.org' }, { email: 'bob@other.org' }] } })).toBe(false);
  });

  test('not: holds only when none of its criteria holds', () => {
    expect(allows({ allow: { not: [{ domain: 'other.org' }] } })).toBe(true);
    expect(allows({ allow: { not: [{ domain: 'example.com' }] } })).toBe(false);
    expect(allows({ allow: { not: [{ domain: 'other.org' }, { email: 'ada@example.com' }] } })).toBe(false);
  });

  test('nor: holds when at least one criterion does not hold', () => {
    expect(allows({ allow: { nor: [{ domain: 'example.com' }, { domain: 'other.org' }] } })).toBe(true);
    expect(allows({ allow: { nor: [{ domain: 'example.com' }] } })).toBe(false);
  });

  test('the lists of one rule are or-ed: a failing and does not cancel a holding or', () => {
    expect(allows({ allow: { and: [{ domain: 'other.org' }], or: [{ domain: 'example.com' }] } })).toBe(true);
    expect(allows({ allow: { or: [{ domain: 'example.com' }], and: [{ domain: 'other.org' }] } })).toBe(true);
    expect(allows({ allow: { and: [{ domain: 'other.org' }], or: [{ domain: 'other.org' }] } })).toBe(false);
  });

  test('an empty list adds nothing, also beside a holding list', () => {
    expect(allows({ allow: { and: [] } })).toBe(false);
    expect(allows({ allow: { not: [] } })).toBe(false);
    expect(allows({ allow: { and: [], or: [{ domain: 'example.com' }] } })).toBe(true);
  });
});

describe('allow and deny rules (generator.go)', () => {
  test('a deny that does not match leaves the allow standing', () => {
    expect(allows({ allow: { or: [{ domain: 'example.com' }] }, deny: { or: [{ email: 'bob@other.org' }] } })).toBe(true);
  });

  test('a deny in another rule still wins', () => {
    const v = evaluatePolicy([{ allow: { or: [{ domain: 'example.com' }] } }, { deny: { and: [{ 'claim/groups': 'sre' }] } }], ada);
    expect(v.allowed).toBe(false);
    expect(v.reasons).toContain('deny (rule 2).and matches');
  });

  test('a deny alone admits nobody (default deny), also when it does not match', () => {
    expect(allows({ deny: { or: [{ domain: 'other.org' }] } })).toBe(false);
  });

  test('allow rules are or-ed across rules, in any order', () => {
    expect(allows([{ allow: { or: [{ domain: 'example.com' }] } }, { allow: { or: [{ domain: 'other.org' }] } }])).toBe(true);
    expect(allows([{ allow: { or: [{ domain: 'other.org' }] } }, { allow: { or: [{ domain: 'example.com' }] } }])).toBe(true);
    expect(allows([{ allow: { or: [{ domain: 'other.org' }] } }, { allow: { or: [{ email: 'x@other.org' }] } }])).toBe(false);
  });

  test('null and an empty list are no policy: deny', () => {
    expect(allows(null)).toBe(false);
    expect(allows([])).toBe(false);
    expect(evaluatePolicy([], ada).reasons).toEqual(['denied: the route has no policy (Pomerium denies by default)']);
  });

  test('the explanation names the value each criterion saw, or none', () => {
    expect(evaluatePolicy({ allow: { or: [{ domain: 'example.com' }] } }, { claims: { email: 'ada' } }).reasons[0])
      .toBe('allow.or: domain "example.com" does not hold (email domain = none)');
    expect(evaluatePolicy({ allow: { or: [{ 'claim/groups': 'ops' }] } }, ada).reasons[0])
      .toBe('allow.or: claim/groups "ops" does not hold (claim groups = ["sre","dev"])');
    expect(evaluatePolicy({ allow: { or: [{ accept: true }] } }, ada).reasons[0]).toBe('allow.or: accept true holds');
    expect(evaluatePolicy({ allow: { or: [{ authenticated_user: true }] } }, ada).reasons[0]).toBe('allow.or: authenticated_user true holds (the user is signed in)');
    expect(evaluatePolicy({ allow: { or: [{ groups: 'g' }] } }, { ...ada, edition: 'enterprise' }).reasons[0])
      .toBe('allow.or: groups "g" does not hold (directory groups [])');
  });

  test('legacy keys that name nobody add no rule: the route has no policy', () => {
    expect(evaluateRoutePolicy({ allowed_users: [], allowed_domains: null, allowed_idp_claims: {} }, ada).reasons).toEqual(['denied: the route has no policy (Pomerium denies by default)']);
  });

  test('the verdict explains each criterion and the outcome of each list', () => {
    const v = evaluatePolicy({ allow: { and: [{ domain: 'example.com' }, { email: 'x@example.com' }] } }, ada);
    expect(v.reasons).toEqual([
      'allow.and: domain "example.com" holds (email domain = "example.com")',
      'allow.and: email "x@example.com" does not hold (email = "ada@example.com")',
      'allow.and does not match',
      'denied: no allow rule matched',
    ]);
  });
});

describe('documents Pomerium refuses to load (the parser and generator return errors)', () => {
  test.each([
    [['not a rule'], 'policy rule 1 is not an object'],
    [{ permit: { or: [] } }, 'unsupported policy action: permit'],
    [{ allow: [] }, 'allow: expected an object with and/or/not/nor'],
    [{ allow: 'yes' }, 'allow: expected an object with and/or/not/nor'],
    [{ allow: { or: { domain: 'example.com' } } }, 'allow.or: expected a list of criteria'],
    [[{ allow: { or: [] } }, { deny: { xor: [] } }], 'deny (rule 2): unsupported conditional: xor'],
    [{ allow: { or: [{ domain: 'example.com', email: 'ada@example.com' }] } }, 'a criterion must be an object with exactly one key'],
    [{ allow: { or: [{}] } }, 'a criterion must be an object with exactly one key'],
    [{ allow: { or: ['domain'] } }, 'a criterion must be an object with exactly one key'],
    [{ allow: { or: ['x'] } }, 'a criterion must be an object with exactly one key'],
    [{ allow: { or: [null] } }, 'a criterion must be an object with exactly one key'],
    [{ allow: { or: [{ claim: 'x' }] } }, 'claim criterion needs a claim name: claim/<name>'],
    [{ allow: { or: [{ '/x': 'y' }] } }, /^unknown policy criterion: $/],
    [{ allow: { or: [{ 'claim/': 'x' }] } }, 'claim criterion needs a claim name: claim/<name>'],
    [{ allow: { or: [{ http_path: { is: '/' } }] } }, 'criterion http_path depends on the request'],
    [{ allow: { or: [{ source_ip: '10.0.0.0/8' }] } }, 'criterion source_ip depends on the request'],
    [{ allow: { or: [{ email: { in: 'ada@example.com' } }] } }, 'in matcher requires an array of strings'],
    [{ allow: { or: [{ email: { not_in: 'bob@other.org' } }] } }, 'not_in matcher requires an array of strings'],
    [{ allow: { or: [{ 'claim/groups': { has_any: ['sre'] } }] } }, 'unknown string list matcher operator: has_any'],
  ])('%j is refused: %s', (policy, message) => {
    expect(() => evaluatePolicy(policy, ada)).toThrow(PolicyError);
    expect(() => evaluatePolicy(policy, ada)).toThrow(message);
  });
});

describe('string matchers for email, domain and user (matchers.go matchString)', () => {
  test('is, bare value, not', () => {
    expect(one({ email: { is: 'ada@example.com' } })).toBe(true);
    expect(one({ email: { is: 'bob@other.org' } })).toBe(false);
    expect(one({ email: { not: 'bob@other.org' } })).toBe(true);
    expect(one({ email: { not: 'ada@example.com' } })).toBe(false);
  });

  test('contains, starts_with, ends_with compare strings; a non-string operand is a Rego type error: no match', () => {
    expect(one({ email: { contains: '@example' } })).toBe(true);
    expect(one({ email: { contains: '@other' } })).toBe(false);
    expect(one({ email: { starts_with: 'ada@' } })).toBe(true);
    expect(one({ email: { starts_with: 'example' } })).toBe(false);
    expect(one({ email: { ends_with: '.com' } })).toBe(true);
    expect(one({ email: { ends_with: 'ada' } })).toBe(false);
    // JavaScript would coerce ['ada'] to 'ada' and match; Rego's contains/startswith/endswith do not.
    expect(one({ email: { contains: ['ada'] } })).toBe(false);
    expect(one({ email: { starts_with: ['ada'] } })).toBe(false);
    expect(one({ email: { ends_with: ['example.com'] } })).toBe(false);
  });

  test('in and not_in take an array', () => {
    expect(one({ email: { in: ['bob@other.org', 'ada@example.com'] } })).toBe(true);
    expect(one({ email: { in: ['bob@other.org'] } })).toBe(false);
    expect(one({ email: { not_in: ['bob@other.org'] } })).toBe(true);
    expect(one({ email: { not_in: ['bob@other.org', 'ada@example.com'] } })).toBe(false);
  });

  test('several operators in one matcher must all hold', () => {
    expect(one({ email: { starts_with: 'ada', ends_with: '.com' } })).toBe(true);
    expect(one({ email: { starts_with: 'ada', ends_with: '.org' } })).toBe(false);
    expect(one({ email: { starts_with: 'bob', ends_with: '.com' } })).toBe(false);
    expect(one({ email: { is: 'ada@example.com', not: 'ada@example.com' } })).toBe(false);
  });

  // criteria/domain.go splits the email at '@' and takes element 1: without '@' the Rego body is undefined.
  test('domain is the part after @; an address without @ has no domain', () => {
    expect(one({ domain: { is: 'other.org' } }, bob)).toBe(true);
    expect(one({ domain: { ends_with: 'example.com' } }, bob)).toBe(false);
    expect(one({ domain: { is: 'ada' } }, { claims: { email: 'ada' } })).toBe(false);
    expect(one({ domain: { not: 'x' } }, { claims: { email: 'ada' } })).toBe(false);
    for (const op of ['contains', 'starts_with', 'ends_with', 'in', 'not_in']) {
      expect(one({ domain: { [op]: op.endsWith('in') ? ['ada'] : 'a' } }, { claims: { email: 'ada' } })).toBe(false);
    }
  });
});

describe('list matchers for claim/<name> and groups (matchers.go matchStringList)', () => {
  test('has (and a bare value), is, exclude', () => {
    expect(one({ 'claim/groups': { has: 'dev' } })).toBe(true);
    expect(one({ 'claim/groups': { has: 'ops' } })).toBe(false);
    expect(one({ 'claim/groups': 'ops' }, bob)).toBe(true);
    expect(one({ 'claim/groups': { is: 'ops' } }, bob)).toBe(true);
    expect(one({ 'claim/groups': { is: 'sre' } }, bob)).toBe(false);
    expect(one({ 'claim/groups': { exclude: 'sre' } })).toBe(false);
    expect(one({ 'claim/groups': { exclude: 'ops' } })).toBe(true);
    expect(one({ 'claim/groups': { has: 'sre', exclude: 'dev' } })).toBe(false);
  });

  test('a missing claim is an empty list: has fails, exclude holds', () => {
    expect(one({ 'claim/department': 'platform' }, bob)).toBe(false);
    expect(one({ 'claim/department': { exclude: 'platform' } }, bob)).toBe(true);
  });

  test('claims are flattened with dots and scalars become one-element lists', () => {
    expect(flattenClaims({ a: { b: { c: 1 } }, d: ['x', 'y'], e: 'z' })).toEqual({ 'a.b.c': [1], 'd': ['x', 'y'], 'e': ['z'] });
  });

  test('groups on Enterprise: directory groups with the list operators; none known means an empty list', () => {
    const enterprise = { ...ada, edition: 'enterprise', directoryGroups: ['g1', 'g2'] };
    expect(evaluatePolicy({ allow: { or: [{ groups: { has: 'g2' } }] } }, enterprise).allowed).toBe(true);
    expect(evaluatePolicy({ allow: { or: [{ groups: { exclude: 'g1' } }] } }, enterprise).allowed).toBe(false);
    expect(evaluatePolicy({ allow: { or: [{ groups: { has: 'sre' } }] } }, { ...ada, edition: 'enterprise' }).allowed).toBe(false);
  });
});

describe('legacy route keys become one allow rule (config/policy_ppl.go ToPPL)', () => {
  test('allowed_users admits the listed user id or email, and nobody else', () => {
    expect(evaluateRoutePolicy({ allowed_users: ['u-ada'] }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_users: ['ada@example.com'] }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_users: ['u-ada', 'ada@example.com'] }, bob).allowed).toBe(false);
    expect(evaluateRoutePolicy({ allowed_users: 'u-bob' }, bob).allowed).toBe(true);
  });

  test('allowed_domains and allowed_idp_claims (a scalar is a one-element list)', () => {
    expect(evaluateRoutePolicy({ allowed_domains: 'other.org' }, bob).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_domains: ['other.org'] }, ada).allowed).toBe(false);
    expect(evaluateRoutePolicy({ allowed_idp_claims: { department: 'platform' } }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allowed_idp_claims: { department: ['platform'] } }, bob).allowed).toBe(false);
    expect(evaluateRoutePolicy({ allowed_idp_claims: ['department'] }, ada).allowed).toBe(false);
  });

  test('allow_any_authenticated_user admits a signed-in user only when true', () => {
    expect(evaluateRoutePolicy({ allow_any_authenticated_user: true }, bob).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allow_any_authenticated_user: 'true' }, bob).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allow_any_authenticated_user: false }, bob).allowed).toBe(false);
    expect(evaluateRoutePolicy({ allow_any_authenticated_user: 'false' }, bob).allowed).toBe(false);
  });

  test('allow_public_unauthenticated_access accepts everyone only when true', () => {
    expect(evaluateRoutePolicy({ allow_public_unauthenticated_access: true }, bob).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allow_public_unauthenticated_access: 'true' }, bob).allowed).toBe(true);
    expect(evaluateRoutePolicy({ allow_public_unauthenticated_access: false }, bob).allowed).toBe(false);
    expect(evaluateRoutePolicy({ allow_public_unauthenticated_access: 'yes' }, bob).allowed).toBe(false);
  });

  test('the legacy rule is or-ed with the route policy, in its single or array form', () => {
    const policy = { allow: { or: [{ domain: 'example.com' }] } };
    expect(evaluateRoutePolicy({ policy, allowed_users: ['u-bob'] }, bob).allowed).toBe(true);
    expect(evaluateRoutePolicy({ policy, allowed_users: ['u-bob'] }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ policy: [policy] }, ada).allowed).toBe(true);
    expect(evaluateRoutePolicy({ policy: [policy] }, bob).allowed).toBe(false);
    expect(evaluateRoutePolicy({ policy: null, allowed_domains: [] }, ada).allowed).toBe(false);
    expect(evaluateRoutePolicy({ policy: { deny: { or: [{ domain: 'other.org' }] } }, allow_any_authenticated_user: true }, bob).allowed).toBe(false);
  });
});
