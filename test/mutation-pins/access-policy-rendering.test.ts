/**
 * AccessPolicy renders PPL that Pomerium reads (pomerium pkg/policy/parser, criteria/email.go,
 * domain.go, claim.go, groups.go, authenticated_user.go): each factory's document, how
 * anyOf/allOf combine, and what is refused before it reaches Pomerium.
 */
import { PropContext } from '../../src/errors';
import { AccessPolicy } from '../../src/pomerium/access-policy';
import { evaluatePolicy } from '../../src/simulate/ppl';
import { refusalOf } from '../support/refusal';

const ctx = PropContext.detached('test');
const render = (p: AccessPolicy) => p._render(ctx);

describe('each factory renders one criterion per value', () => {
  test('emails(): email is, for any address with one @ and no spaces', () => {
    expect(render(AccessPolicy.emails('alice@example.com', 'bob+grafana@sub.example.org'))).toEqual({
      allow: { or: [{ email: { is: 'alice@example.com' } }, { email: { is: 'bob+grafana@sub.example.org' } }] },
    });
    // Pomerium compares the session email literally (criteria/email.go matchString `is`).
    expect(evaluatePolicy(render(AccessPolicy.emails('alice@example.com')), { claims: { email: 'alice@example.com' } }).allowed).toBe(true);
  });

  test.each(['alice', 'alice@', '@example.com', 'a@b@example.com', 'alice @example.com', 'alice@example.com ', ' alice@example.com', 'alice@exa\tmple.com', ''])('emails(%j) is not an address', (address) => {
    refusalOf(() => render(AccessPolicy.emails(address)), { value: address });
  });

  test('emails() are lower case (Pomerium pkg/policy/criteria/email.go compares exactly; Keycloak lower-cases emails)', () => {
    const r = refusalOf(() => render(AccessPolicy.emails('Alice@Example.com')), { value: 'Alice@Example.com' });
    expect(r).toEqual(expect.objectContaining({
      problem: 'upper-case letters are not allowed: Pomerium compares emails exactly and identity providers such as Keycloak send them lower-cased',
      fix: 'write \'alice@example.com\', or match the IdP\'s exact spelling with AccessPolicy.claim(\'email\', "Alice@Example.com")',
    }));
  });

  test("a '{{' in a value is refused: pomerium-helm _helpers.tpl runs tpl over the routes", () => {
    const r = refusalOf(() => render(AccessPolicy.claim('groups', '{{ .Values.x }}')), { value: '{{ .Values.x }}' });
    expect(r.fix).toContain("remove '{{': no identity provider value needs it");
  });

  test('emailDomains() with a leading @: the fix is the domain without it', () => {
    for (const [raw, fixed] of [['@example.com', 'example.com'], ['@@example.com', 'example.com'], ['@a@example.com', 'a@example.com']]) {
      expect(refusalOf(() => render(AccessPolicy.emailDomains(raw)), { value: raw })).toEqual(expect.objectContaining({
        problem: "an email domain is the part after '@', without the '@'", fix: `write '${fixed}'`,
      }));
    }
    // Not a string: the one refusal format, not a TypeError.
    refusalOf(() => render(AccessPolicy.emailDomains(['example.com'] as any)), { value: ['example.com'] });
    // An '@' elsewhere is not a domain either, with the host-name rules' message.
    expect(refusalOf(() => render(AccessPolicy.emailDomains('example.com@')), { value: 'example.com@' }).problem).not.toContain("without the '@'");
  });

  test('emailDomains(): domain is, and the domain is a host name', () => {
    expect(render(AccessPolicy.emailDomains('example.com'))).toEqual({ allow: { or: [{ domain: { is: 'example.com' } }] } });
    for (const bad of ['Example.com', 'example', 'https://example.com', '']) refusalOf(() => render(AccessPolicy.emailDomains(bad)), { value: bad });
  });

  test('claim(): claim/<name> with the value; names are letters, digits and _ . : -', () => {
    expect(render(AccessPolicy.claim('department', 'platform', 'sre'))).toEqual({ allow: { or: [{ 'claim/department': 'platform' }, { 'claim/department': 'sre' }] } });
    expect(render(AccessPolicy.claim('realm_access.roles', 'x'))).toEqual({ allow: { or: [{ 'claim/realm_access.roles': 'x' }] } });
    expect(render(AccessPolicy.claim('urn:a-b_C9', 'x'))).toEqual({ allow: { or: [{ 'claim/urn:a-b_C9': 'x' }] } });
    for (const name of ['a b', '', 'a/b', 'a{b']) refusalOf(() => render(AccessPolicy.claim(name, 'x')), { value: name });
    refusalOf(() => render(AccessPolicy.claim('department', '')), { value: '' });
  });

  test('values that are not strings are refused, not turned into text', () => {
    refusalOf(() => render(AccessPolicy.emails(['a@example.com'] as any)), { value: ['a@example.com'] });
    refusalOf(() => render(AccessPolicy.claim(5 as any, 'x')), { value: 5 });
    refusalOf(() => render(AccessPolicy.claim('department', 5 as any)), { value: 5 });
    refusalOf(() => render(AccessPolicy.groups(5 as any)), { value: 5 });
  });

  test('anyAuthenticatedUserUnsafe(): authenticated_user', () => {
    expect(render(AccessPolicy.anyAuthenticatedUserUnsafe())).toEqual({ allow: { or: [{ authenticated_user: true }] } });
  });

  test('groups(): claim/groups as name and /name (Keycloak full path); a path as given. Directory groups: groups has', () => {
    expect(render(AccessPolicy.groups('sre', '/team/ops', 'dev/'))).toEqual({
      allow: { or: [{ 'claim/groups': 'sre' }, { 'claim/groups': '/sre' }, { 'claim/groups': '/team/ops' }, { 'claim/groups': 'dev/' }, { 'claim/groups': '/dev/' }] },
    });
    expect(render(AccessPolicy.directoryGroupsEnterprise('00g1'))).toEqual({ allow: { or: [{ groups: { has: '00g1' } }] } });
  });

  test('groups and directory groups: a name without surrounding spaces', () => {
    for (const bad of ['', ' sre', 'sre ', '\tsre']) {
      refusalOf(() => render(AccessPolicy.groups(bad)), { value: bad });
      refusalOf(() => render(AccessPolicy.directoryGroupsEnterprise(bad)), { value: bad });
    }
  });
});

describe('combining', () => {
  test('anyOf() lists every alternative of every argument in one or', () => {
    expect(render(AccessPolicy.anyOf(AccessPolicy.emails('a@example.com'), AccessPolicy.emailDomains('example.org', 'example.net')))).toEqual({
      allow: { or: [{ email: { is: 'a@example.com' } }, { domain: { is: 'example.org' } }, { domain: { is: 'example.net' } }] },
    });
  });

  test('allOf() holds single criteria in one and; a one-criterion allOf() may sit in anyOf()', () => {
    const both = AccessPolicy.allOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.claim('groups', '/sre'));
    expect(render(both)).toEqual({ allow: { and: [{ domain: { is: 'example.com' } }, { 'claim/groups': '/sre' }] } });
    expect(render(AccessPolicy.anyOf(AccessPolicy.allOf(AccessPolicy.emails('a@example.com')), AccessPolicy.emails('b@example.com')))).toEqual({
      allow: { or: [{ email: { is: 'a@example.com' } }, { email: { is: 'b@example.com' } }] },
    });
  });

  test('"authenticated or X" keeps both: only an allOf() drops the redundant criterion', () => {
    expect(render(AccessPolicy.anyOf(AccessPolicy.anyAuthenticatedUserUnsafe(), AccessPolicy.emails('a@example.com')))).toEqual({
      allow: { or: [{ authenticated_user: true }, { email: { is: 'a@example.com' } }] },
    });
  });

  test('"authenticated and X" is X; authenticated alone stays', () => {
    expect(render(AccessPolicy.allOf(AccessPolicy.anyAuthenticatedUserUnsafe(), AccessPolicy.emails('a@example.com')))).toEqual({ allow: { and: [{ email: { is: 'a@example.com' } }] } });
    expect(render(AccessPolicy.allOf(AccessPolicy.anyAuthenticatedUserUnsafe()))).toEqual({ allow: { and: [{ authenticated_user: true }] } });
  });

  test('PPL rules are flat: nesting is refused with a fix, whatever the order of arguments', () => {
    const several = AccessPolicy.allOf(AccessPolicy.emails('a@example.com'), AccessPolicy.emailDomains('example.com'));
    const nested = refusalOf(() => render(AccessPolicy.anyOf(AccessPolicy.emails('b@example.com'), several)));
    expect(nested.fix).toMatch(/allOf\(\)|anyOf\(\)/);
    expect(nested.problem).toContain('anyOf()');
    refusalOf(() => render(AccessPolicy.anyOf(several)), { value: 'or(?)' });
    refusalOf(() => render(AccessPolicy.allOf(AccessPolicy.emails('a@example.com', 'b@example.com'))));
    refusalOf(() => render(AccessPolicy.allOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.emails('a@example.com', 'b@example.com'))));
  });

  test('groups() in allOf() is refused: name-or-/name needs an or; the fix names both exact forms', () => {
    const r = refusalOf(() => render(AccessPolicy.allOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.groups('sre'))));
    expect(r.problem).toContain("groups('sre')");
    expect(r.fix).toContain("AccessPolicy.claim('groups', '/sre')");
    expect(r.fix).toContain("AccessPolicy.claim('groups', 'sre')");
  });

  test('a policy that names nobody is refused', () => {
    refusalOf(() => render(AccessPolicy.emails()), { value: 'or()' });
    refusalOf(() => render(AccessPolicy.anyOf()));
    refusalOf(() => render(AccessPolicy.allOf()));
  });

  test('a criterion listed twice is refused, also when two factories produce it', () => {
    refusalOf(() => render(AccessPolicy.emails('a@example.com', 'a@example.com')), {
      value: 'or({"kind":"email","value":"a@example.com"}, {"kind":"email","value":"a@example.com"})',
    });
    refusalOf(() => render(AccessPolicy.anyOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.emailDomains('example.com'))));
    // groups('sre') already matches '/sre'.
    refusalOf(() => render(AccessPolicy.groups('sre', '/sre')));
    refusalOf(() => render(AccessPolicy.anyOf(AccessPolicy.groups('sre'), AccessPolicy.claim('groups', 'sre'))));
    // Different values of one kind are not duplicates.
    expect(render(AccessPolicy.emails('a@example.com', 'b@example.com')).allow.or).toHaveLength(2);
  });
});
