/**
 * Property: for generated policy and role-mapping pairs, the diff's verdicts are the login
 * simulator's own, run on each side for each identity; and a change is reported exactly when
 * what the identity can do differs. In-memory apps, seeded (FC_SEED overrides; the seed is printed).
 */
import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { route } from './apps';
import {
  AccessDiff, AccessPolicy, AccessVerdict, AuthFlow, GrafanaBehindPomerium, GrafanaRole, RoleMapping, simulateLogin, SimulationResult,
} from '../../src';

const SEED = Number(process.env.FC_SEED ?? 170017);
const RUNS = Number(process.env.FC_RUNS ?? 200);
const NOW = 1_760_000_000;
const HOST = 'grafana.example.com';

const GROUPS = ['sre', 'dev', '/ops', 'team-a'];
const DOMAINS = ['example.com', 'example.org'];
const EMAILS = ['ada@example.com', 'bob@example.org'];
const ROLES = [GrafanaRole.NONE, GrafanaRole.VIEWER, GrafanaRole.EDITOR, GrafanaRole.ADMIN, GrafanaRole.GRAFANA_ADMIN];

const sub = <T>(pool: T[]) => fc.subarray(pool, { minLength: 1 });
// A combination holds each kind of leaf once: the library refuses a criterion listed twice.
const leaf = fc.oneof(
  sub(DOMAINS).map((d) => ({ kind: 'domain', policy: AccessPolicy.emailDomains(...d) })),
  sub(EMAILS).map((e) => ({ kind: 'email', policy: AccessPolicy.emails(...e) })),
  sub(GROUPS).map((g) => ({ kind: 'group', policy: AccessPolicy.groups(...g) })),
  sub(['platform', 'data']).map((v) => ({ kind: 'claim', policy: AccessPolicy.claim('department', ...v) })),
);
// allOf() takes single criteria (PPL has no nested rules).
const single = fc.oneof(
  fc.constantFrom(...DOMAINS).map((d) => ({ kind: 'domain', policy: AccessPolicy.emailDomains(d) })),
  fc.constantFrom(...GROUPS).map((g) => ({ kind: 'group', policy: AccessPolicy.claim('groups', g) })),
  fc.constantFrom('platform', 'data').map((v) => ({ kind: 'claim', policy: AccessPolicy.claim('department', v) })),
);
const unique = (arb: typeof leaf, min: number, max: number) =>
  fc.uniqueArray(arb, { minLength: min, maxLength: max, selector: (l) => l.kind }).map((l) => l.map((x) => x.policy));
const policy = fc.oneof(
  leaf.map((l) => l.policy),
  unique(leaf, 2, 3).map((l) => AccessPolicy.anyOf(...l)),
  unique(single, 2, 2).map((l) => AccessPolicy.allOf(...l)),
);
const mapping = fc.option(fc.record({
  rules: fc.uniqueArray(fc.record({ group: fc.constantFrom(...GROUPS), role: fc.constantFrom(...ROLES) }),
    { minLength: 1, maxLength: 3, selector: (r) => r.group }),
  fallbackRole: fc.option(fc.constantFrom(...ROLES), { nil: undefined }),
}), { nil: undefined });
const side = fc.record({
  policy,
  mapping,
  defaultRole: fc.constantFrom(GrafanaRole.NONE, GrafanaRole.VIEWER, GrafanaRole.EDITOR),
  autoSignUp: fc.boolean(),
});
type Side = typeof side extends fc.Arbitrary<infer T> ? T : never;

function build(s: Side): App {
  const app = new App();
  new GrafanaBehindPomerium(new Chart(app, 'c'), 'grafana', route({
    policy: s.policy,
    authFlow: AuthFlow.jwt({
      autoSignUp: s.autoSignUp,
      ...(s.mapping
        ? { roleMapping: RoleMapping.fromGroups(s.mapping.rules, { fallbackRole: s.mapping.fallbackRole }) }
        : { defaultRole: s.defaultRole }),
    }),
  }));
  return app;
}

/** What the simulator says, in the diff's terms. */
function direct(r: SimulationResult): Pick<AccessVerdict, 'allowed' | 'signedIn' | 'role'> {
  const signedIn = r.pomerium.allowed && r.grafana.accepted;
  return { allowed: r.pomerium.allowed, signedIn, role: signedIn ? (r.grafana.grafanaAdmin ? 'GrafanaAdmin' : r.grafana.role ?? 'None') : undefined };
}

test(`the diff's verdicts are the simulator's on each side (fast-check seed ${SEED}, ${RUNS} runs)`, async () => {
  // eslint-disable-next-line no-console
  console.info(`fast-check seed ${SEED} (FC_SEED=${SEED} reproduces)`);
  await fc.assert(fc.asyncProperty(side, side, async (b, a) => {
    const before = build(b);
    const after = build(a);
    const report = await AccessDiff.compareConstructs(before, after, { includeIdentities: true, now: NOW });
    const host = report.hosts.find((h) => h.host === HOST)!;
    expect(host.identities!.length).toBe(host.identitiesAsked);
    for (const v of host.identities!) {
      const claims = v.identity.claims;
      const rb = direct(await simulateLogin(before, { host: HOST, claims, now: NOW }));
      const ra = direct(await simulateLogin(after, { host: HOST, claims, now: NOW }));
      expect({ allowed: v.before.allowed, signedIn: v.before.signedIn, role: v.before.role }).toEqual(rb);
      expect({ allowed: v.after.allowed, signedIn: v.after.signedIn, role: v.after.role }).toEqual(ra);
      // A change is reported for this identity exactly when what it can do differs (org roles aside: none mapped here).
      const differs = rb.allowed !== ra.allowed || (rb.allowed && rb.signedIn !== ra.signedIn) || (rb.signedIn && ra.signedIn && rb.role !== ra.role);
      const reported = host.changes.filter((c) => c.identity !== undefined && JSON.stringify(c.identity.claims) === JSON.stringify(claims));
      expect(host.identities!.filter((o) => o.identity.label === v.identity.label)).toHaveLength(1);
      expect(reported.length).toBe(differs ? 1 : 0);
      if (differs) {
        const order = ['None', 'Viewer', 'Editor', 'Admin', 'GrafanaAdmin'];
        const raised = rb.signedIn && ra.signedIn && order.indexOf(ra.role!) > order.indexOf(rb.role!);
        const widened = (!rb.allowed && ra.allowed) || (!rb.signedIn && ra.signedIn) || raised;
        expect(reported[0].widened).toBe(widened);
      }
    }
    expect(report.widened).toBe(report.hosts.some((h) => h.changes.some((c) => c.widened)));
  }), { seed: SEED, numRuns: RUNS });
}, 300_000);
