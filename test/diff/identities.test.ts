/** Who the diff asks: a member of every group either side names, near misses, the user's own. */
import { App, Chart } from 'cdk8s';
import { route } from './apps';
import { AccessDiff, AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaRole, RoleMapping } from '../../src';
import { topLevelAlternatives } from '../../src/simulate/diff/access-diff';
import { groupVariants, jmespathStrings } from '../../src/simulate/diff/identities';

function inMemory(props: ReturnType<typeof route>): App {
  const app = new App();
  new GrafanaBehindPomerium(new Chart(app, 'c'), 'grafana', props);
  return app;
}

// Groups named only by the policy, only by the role mapping, only by the org mapping, on one side or the other.
const BEFORE_GROUPS = { policy: ['ops', '/platform/sre'], mapping: ['grafana-admins'] };
const AFTER_GROUPS = { policy: ['contractors'], mapping: ['grafana-editors'], org: ['tenant-a'] };

const before = inMemory(route({
  policy: AccessPolicy.anyOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.groups(...BEFORE_GROUPS.policy)),
  authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups(BEFORE_GROUPS.mapping.map((group) => ({ group, role: GrafanaRole.ADMIN }))) }),
}));
const after = inMemory(route({
  policy: AccessPolicy.anyOf(AccessPolicy.emails('ada@example.org'), AccessPolicy.groups(...AFTER_GROUPS.policy)),
  authFlow: AuthFlow.jwt({
    roleMapping: RoleMapping.fromGroups(AFTER_GROUPS.mapping.map((group) => ({ group, role: GrafanaRole.EDITOR }))),
    orgMapping: { attributePath: 'groups', rules: AFTER_GROUPS.org.map((claimValue) => ({ claimValue, org: 'Tenant', role: GrafanaRole.VIEWER })) },
  }),
}));

test('the derived identities include a member of every group either side names, in both forms, and its sibling', async () => {
  const report = await AccessDiff.compareConstructs(before, after, { includeIdentities: true });
  const asked = report.hosts[0].identities!.map((v) => v.identity);
  const named = [...Object.values(BEFORE_GROUPS), ...Object.values(AFTER_GROUPS)].flat();
  for (const group of named) {
    // Keycloak sends 'name' or the full path '/name' (/parent/name for a subgroup).
    const forms = group.startsWith('/') ? [group, group.slice(group.lastIndexOf('/') + 1)] : [group, `/${group}`];
    for (const form of forms) {
      expect(asked).toContainEqual(expect.objectContaining({ origin: 'derived', claims: expect.objectContaining({ groups: [form] }) }));
    }
    expect(asked).toContainEqual(expect.objectContaining({ origin: 'near-miss', claims: expect.objectContaining({ groups: [`${group}-sibling`] }) }));
  }
  // Every email and domain named, and the near misses: another domain, look-alikes, no groups.
  const emails = asked.map((i) => i.claims.email);
  expect(emails).toEqual(expect.arrayContaining(['ada@example.org', 'someone@example.com', 'someone@example.org',
    'someone@another-domain.example', 'someone@sub.example.com', 'someone@notexample.com']));
  expect(asked).toContainEqual(expect.objectContaining({ claims: expect.objectContaining({ email: 'someone@example.com', groups: [] }) }));
  expect(report.identities.distinct).toBe(asked.length);
  expect(report.identities.origins.derived + report.identities.origins['near-miss']).toBe(asked.length);
});

test('identities given are asked on every host and counted as given', async () => {
  const given = [{ sub: 'u-1', email: 'carol@elsewhere.example', groups: ['grafana-admins'] }];
  const report = await AccessDiff.compareConstructs(before, after, { identities: given, identitiesSource: 'people.yaml', includeIdentities: true });
  expect(report.identities).toMatchObject({ given: 1, origins: { given: 1 } });
  const carol = report.hosts[0].identities!.find((v) => v.identity.origin === 'given')!;
  expect(carol.identity.label).toBe('carol@elsewhere.example (people.yaml #1)');
  // Outside the domain and in no policy group (grafana-admins is a mapping group): denied on both sides.
  expect([carol.before.allowed, carol.after.allowed]).toEqual([false, false]);
});

test('bad identities and editions are refused with one message', async () => {
  await expect(AccessDiff.compareConstructs(before, after, { identities: ['x' as any] })).rejects.toThrow('identity 1 of the given identities is not an object of claims');
  await expect(AccessDiff.compareConstructs(before, after, { edition: 'pro' })).rejects.toThrow('edition must be oss or enterprise, not "pro"');
});

test('the literals of a role_attribute_path and its top-level alternatives', () => {
  const path = "contains(groups || `[]`, 'a\\'b') && 'Admin' || contains(groups, `\"c\"`) && 'Viewer' || 'None'";
  expect(jmespathStrings(path)).toEqual(["a'b", 'Admin', 'c', 'Viewer', 'None']);
  expect(topLevelAlternatives(path)).toEqual(["contains(groups || `[]`, 'a\\'b') && 'Admin'", 'contains(groups, `"c"`) && \'Viewer\'', "'None'"]);
  expect(groupVariants('/platform/sre')).toEqual({ forms: ['/platform/sre', 'sre'], sibling: '/platform/sre-sibling' });
  expect(groupVariants('ops')).toEqual({ forms: ['ops', '/ops'], sibling: 'ops-sibling' });
});
