/**
 * Properties of the pure checks and value objects, many cases each (they cost microseconds):
 * valid values pass unchanged, any single invalid change is refused with one message naming
 * the prop, and a suggested fix is itself accepted.
 */
import * as fc from 'fast-check';
import { claimName, dnsLabel, domain, email, goDuration, groupName, hostName, labelKey, labelValue } from './arbitraries';
import { check, RUNS } from './fc-settings';
import { ConfigurationError, PropContext } from '../../src/errors';
import { GrafanaRole, RoleMapping } from '../../src/grafana/role-mapping';
import { checkDnsLabel, checkDnsName, checkDnsSubdomain, checkDuration, checkLabels, checkPort, Host } from '../../src/host';
import { AccessPolicy } from '../../src/pomerium/access-policy';
import { evaluatePolicy } from '../../src/simulate/ppl';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jmespath: { search(data: unknown, expression: string): unknown } = require('@jmespath-community/jmespath');

const ctx = PropContext.detached('Prop').prop('host');

/** The one error a refused value gives: a ConfigurationError naming the owner and the prop. */
function refusedMessage(build: () => unknown, prop = 'host'): string | undefined {
  try {
    build();
  } catch (e) {
    if (!(e instanceof ConfigurationError)) throw e;
    if (!e.message.startsWith(`Prop: prop '${prop}' `) || !e.message.includes('. Fix: ')) throw new Error(`badly formed refusal: ${e.message}`);
    return e.message;
  }
  return undefined;
}

/** One change that makes a valid host invalid, by the rules of RFC 1123 and of a route host. */
const invalidHost: fc.Arbitrary<string> = fc.tuple(hostName, fc.nat(), fc.constantFrom(
  (h: string, i: number) => { const at = i % h.length; return /[a-z]/.test(h[at]) ? h.slice(0, at) + h[at].toUpperCase() + h.slice(at + 1) : `X${h}`; },
  (h: string) => `https://${h}`,
  (h: string, i: number) => `${h}:${(i % 65535) + 1}`,
  (h: string) => `${h}/`,
  (h: string) => `${h}?q`,
  (h: string) => `${h}.`,
  (h: string, i: number) => { const at = i % h.length; return `${h.slice(0, at)}_${h.slice(at)}`; },
  (h: string, i: number) => { const at = i % h.length; return `${h.slice(0, at)} ${h.slice(at)}`; },
  (h: string) => `-${h}`,
  (h: string) => h.replace(/\..*$/, '').replace(/-$/, '') || 'x',
  (h: string) => `${'a'.repeat(64)}.${h}`,
  (h: string) => `${'a.'.repeat(127)}${h}`,
  (h: string) => h.replace('.', '..'),
  (h: string) => `a*.${h}`,
)).map(([h, i, mutate]) => mutate(h, i));

describe('host names', () => {
  test('every valid host passes unchanged and gives one https origin', () => {
    check(fc.property(hostName, (h) => {
      expect(checkDnsName(ctx, h)).toBe(h);
      expect(Host.check(ctx, h).origin).toBe(`https://${h}`);
    }), RUNS.cheap);
  });

  test('any single invalid change of a valid host is refused with one message naming the prop', () => {
    check(fc.property(invalidHost, (h) => {
      expect(refusedMessage(() => checkDnsName(ctx, h))).toBeDefined();
    }), RUNS.cheap);
  });

  test('a wildcard leftmost label is a host where wildcards are allowed, and only there', () => {
    check(fc.property(hostName, (h) => {
      expect(checkDnsName(ctx, `*.${h}`, { allowWildcard: true })).toBe(`*.${h}`);
      expect(refusedMessage(() => checkDnsName(ctx, `*.${h}`))).toBeDefined();
    }), RUNS.medium);
  });
});

describe('Kubernetes names and labels', () => {
  test('a label and a subdomain pass unchanged; the fix suggested for any string is itself accepted', () => {
    check(fc.property(dnsLabel, fc.string({ maxLength: 80 }), (label, anything) => {
      expect(checkDnsLabel(ctx, label)).toBe(label);
      expect(checkDnsSubdomain(ctx, `${label}.${label}`, 'a name')).toBe(`${label}.${label}`);
      const message = refusedMessage(() => checkDnsLabel(ctx, anything));
      if (message === undefined) return;
      const suggestion = /Fix: use '([^']*)'$/.exec(message)?.[1];
      if (suggestion !== undefined) expect(checkDnsLabel(ctx, suggestion)).toBe(suggestion);
    }), RUNS.cheap);
  });

  test('label maps with valid keys and values pass; one bad key or value is refused', () => {
    const labels = fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 4 }).filter((m) => Object.keys(m).every((k) => k.length - k.indexOf('/') - 1 <= 63));
    check(fc.property(labels, fc.constantFrom('-bad', 'bad-', 'a b', 'x'.repeat(64), 'é'), fc.boolean(), (map, bad, inKey) => {
      expect(checkLabels(ctx, map)).toBe(map);
      const broken = inKey ? { ...map, [bad]: 'v' } : { ...map, [Object.keys(map)[0]]: bad };
      expect(refusedMessage(() => checkLabels(ctx, broken))).toBeDefined();
    }), RUNS.cheap);
  });

  test('ports 1..65535 pass; anything else is refused', () => {
    const notAPort = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ noInteger: true }), fc.string());
    check(fc.property(fc.integer({ min: 1, max: 65535 }), notAPort, (port, bad) => {
      expect(checkPort(ctx, port)).toBe(port);
      expect(refusedMessage(() => checkPort(ctx, bad))).toBeDefined();
    }), RUNS.medium);
  });

  test('Go durations pass unchanged', () => {
    check(fc.property(goDuration, (d) => {
      expect(checkDuration(ctx, d)).toBe(d);
      expect(refusedMessage(() => checkDuration(ctx, `${d} `))).toBeDefined();
    }), RUNS.medium);
  });
});

describe('access policies render PPL that admits exactly the named people', () => {
  test('emails(): each listed address is admitted; an address not listed is not', () => {
    check(fc.property(fc.uniqueArray(email, { minLength: 1, maxLength: 5 }), email, (emails, other) => {
      fc.pre(!emails.includes(other));
      const ppl = AccessPolicy.emails(...emails)._render(ctx);
      for (const e of emails) expect(evaluatePolicy(ppl, { claims: { email: e } }).allowed).toBe(true);
      expect(evaluatePolicy(ppl, { claims: { email: other } }).allowed).toBe(false);
    }), RUNS.cheap);
  });

  test('anyOf(domains, claim, groups): a user matching one alternative passes, one matching none is denied', () => {
    const args = fc.record({
      domains: fc.uniqueArray(domain, { minLength: 1, maxLength: 3 }),
      claim: claimName.filter((c) => c !== 'groups' && c !== 'email' && !c.includes('.')),
      values: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
      groups: fc.uniqueArray(groupName, { minLength: 1, maxLength: 3, selector: (g) => g.replace(/^\//, '') }),
    });
    check(fc.property(args, fc.nat(), ({ domains, claim, values, groups }, pick) => {
      const anyOf = AccessPolicy.anyOf(AccessPolicy.emailDomains(...domains), AccessPolicy.claim(claim, ...values), AccessPolicy.groups(...groups));
      const ppl = anyOf._render(ctx);
      const group = groups[pick % groups.length];
      expect(evaluatePolicy(ppl, { claims: { email: `u@${domains[pick % domains.length]}` } }).allowed).toBe(true);
      expect(evaluatePolicy(ppl, { claims: { email: 'u@nowhere.invalid', [claim]: values[pick % values.length] } }).allowed).toBe(true);
      expect(evaluatePolicy(ppl, { claims: { email: 'u@nowhere.invalid', groups: [group] } }).allowed).toBe(true);
      // Keycloak's full group path form of a plain name is admitted too.
      if (!group.startsWith('/')) expect(evaluatePolicy(ppl, { claims: { email: 'u@nowhere.invalid', groups: [`/${group}`] } }).allowed).toBe(true);
      expect(evaluatePolicy(ppl, { claims: { email: 'u@nowhere.invalid', groups: ['\u0000none'] } }).allowed).toBe(false);
    }), RUNS.medium);
  });
});

describe('group role mappings give the highest role of the groups a token lists', () => {
  const ROLES = [GrafanaRole.NONE, GrafanaRole.VIEWER, GrafanaRole.EDITOR, GrafanaRole.ADMIN, GrafanaRole.GRAFANA_ADMIN];
  test('for any rules and any subset of their groups in the token', () => {
    const rules = fc.uniqueArray(fc.record({ group: groupName, role: fc.constantFrom(...ROLES) }), { minLength: 1, maxLength: 5, selector: (r) => r.group.replace(/^\//, '') });
    const membership = fc.array(fc.boolean(), { minLength: 5, maxLength: 5 });
    check(fc.property(rules, membership, fc.option(fc.constantFrom(...ROLES), { nil: undefined }), (rs, member, fallback) => {
      const rendered = RoleMapping.fromGroups(rs, { fallbackRole: fallback })._render(ctx);
      const inGroups = rs.filter((_, i) => member[i]);
      const got = jmespath.search({ groups: inGroups.map((r) => r.group) }, rendered.roleAttributePath);
      const best = inGroups.map((r) => r.role).sort((a, b) => ROLES.indexOf(b) - ROLES.indexOf(a))[0] ?? fallback;
      // Grafana takes a string result as the role and anything else (false, null) as none.
      expect(typeof got === 'string' ? got : undefined).toBe(best);
      expect(rendered.returnsGrafanaAdmin).toBe(rs.some((r) => r.role === GrafanaRole.GRAFANA_ADMIN) || fallback === GrafanaRole.GRAFANA_ADMIN);
    }), RUNS.medium);
  });
});
