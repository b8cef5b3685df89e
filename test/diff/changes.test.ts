/**
 * Each kind of change the access diff reports, as a before/after pair of small apps
 * synthesized into temp folders (manifests + helm-values), with the exact expected lines.
 */
import { route, synthDir } from './apps';
import { AccessDiff, AccessDiffReport, AccessPolicy, AuthFlow, GrafanaIsolation, GrafanaRole, GrafanaTarget, RoleMapping } from '../../src';

/** Every change as [widens?, description, before, after], host by host. */
function lines(report: AccessDiffReport): Record<string, string[][]> {
  return Object.fromEntries(report.hosts.map((h) => [h.host, h.changes.map((c) => [c.widened ? 'WIDENS' : '', c.description, c.before, c.after])]));
}

const HOST = 'grafana.example.com';
const viewer = 'signed in as Viewer';
const denied = 'denied by Pomerium';
const jwt = (options: Parameters<typeof AuthFlow.jwt>[0]) => route({ authFlow: AuthFlow.jwt(options) });
const groupsMapping = (role: GrafanaRole) => RoleMapping.fromGroups([{ group: 'sre', role }]);

async function diff(before: ReturnType<typeof route>[], after: ReturnType<typeof route>[]): Promise<AccessDiffReport> {
  return AccessDiff.compare(synthDir(...before), synthDir(...after));
}

test('identical outputs report nothing and do not widen', async () => {
  const r = await diff([route()], [route()]);
  expect(r).toMatchObject({ widened: false, changeCount: 0, wideningCount: 0, hosts: [] });
  expect(r.hostCounts).toEqual({ before: 1, after: 1, added: 0, removed: 0, changed: 0, unchanged: 1 });
  expect(AccessDiff.renderText(r)).toMatch(/Result: no change in access/);
});

test('gaining Pomerium access: a group added to the policy lets in outsiders of the domain who are in it', async () => {
  const r = await diff([route()], [route({ policy: AccessPolicy.anyOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.groups('contractors')) })]);
  const gain = (who: string) => ['WIDENS', `someone at ${who}, in every group named: gains access as Viewer`, denied, viewer];
  expect(lines(r)).toEqual({ [HOST]: [gain('another-domain.example'), gain('sub.example.com'), gain('notexample.com')] });
  expect(r.widened).toBe(true);
  // The criterion that decided, from the simulator's reasons.
  const first = r.hosts[0].changes[0];
  expect(first.decidedBefore).toBe('Pomerium denied: no allow rule matched');
  expect(first.decidedAfter).toBe('Pomerium allows: claim/groups "contractors" (claim groups = ["/contractors","contractors"]); no role_attribute_path: [users] auto_assign_org_role Viewer');
});

test('losing Pomerium access is reported and narrows', async () => {
  const r = await diff([route({ policy: AccessPolicy.anyOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.groups('contractors')) })], [route()]);
  const loss = (who: string) => ['', `someone at ${who}, in every group named: loses access`, viewer, denied];
  expect(lines(r)).toEqual({ [HOST]: [loss('another-domain.example'), loss('sub.example.com'), loss('notexample.com')] });
  expect(r.widened).toBe(false);
});

test('Viewer → GrafanaAdmin through the role mapping, with the rule that decided', async () => {
  const r = await diff([jwt({ roleMapping: groupsMapping(GrafanaRole.VIEWER) })], [jwt({ roleMapping: groupsMapping(GrafanaRole.GRAFANA_ADMIN) })]);
  const gained = (who: string) => ['WIDENS', `${who}: GrafanaAdmin gained (Viewer → GrafanaAdmin)`, viewer, 'signed in as GrafanaAdmin'];
  expect(lines(r)).toEqual({
    [HOST]: [
      ['', '[auth.jwt] allow_assign_grafana_admin false → true', 'false', 'true'],
      gained('member of group "/sre"'), gained('member of group "sre"'), gained('member of every group named'),
    ],
  });
  expect(r.hosts[0].changes[2].decidedAfter).toBe('Pomerium allows: domain {"is":"example.com"} (email domain = "example.com"); '
    + 'role_attribute_path term contains(to_array(groups), \'sre\') && \'GrafanaAdmin\'; allow_assign_grafana_admin = true');
});

test('None → Viewer by the default role widens', async () => {
  const r = await diff([jwt({ defaultRole: GrafanaRole.NONE })], [route()]);
  expect(lines(r)).toEqual({
    [HOST]: [
      ['', '[users] auto_assign_org_role None → Viewer', 'None', 'Viewer'],
      ['WIDENS', 'someone at example.com, no groups: role raised None → Viewer', 'signed in as None', viewer],
    ],
  });
});

test('a strict mapping now refuses users without a mapped role, and raises the mapped group', async () => {
  const r = await diff([route()], [jwt({ roleMapping: groupsMapping(GrafanaRole.ADMIN) })]);
  const refused = 'refused by Grafana: Invalid Role in claim: could not evaluate any valid roles using IdP provided data';
  expect(lines(r)).toEqual({
    [HOST]: [
      ['', '[auth.jwt] role_attribute_strict false → true (strict mapping: users without a mapped role are refused)', 'false', 'true'],
      ['', 'someone at example.com, no groups: sign-in now refused', viewer, refused],
      ['WIDENS', 'member of group "/sre": role raised Viewer → Admin', viewer, 'signed in as Admin'],
      ['WIDENS', 'member of group "sre": role raised Viewer → Admin', viewer, 'signed in as Admin'],
      // Near misses: a sibling of the mapped group passes Pomerium (same domain) and is refused now.
      ['', 'member of sibling group "/sre-sibling": sign-in now refused', viewer, refused],
      ['', 'member of sibling group "sre-sibling": sign-in now refused', viewer, refused],
      ['WIDENS', 'member of every group named: role raised Viewer → Admin', viewer, 'signed in as Admin'],
    ],
  });
});

test('sign-up now off refuses new users and narrows', async () => {
  const r = await diff([route()], [jwt({ autoSignUp: false })]);
  expect(lines(r)).toEqual({
    [HOST]: [
      ['', '[auth.jwt] auto_sign_up true → false (sign-up now off: new users are refused)', 'true', 'false'],
      ['', 'someone at example.com, no groups: sign-in now refused', viewer, 'refused by Grafana: Sign up is disabled'],
    ],
  });
  expect(r.widened).toBe(false);
});

test('an org role raised through org_mapping widens', async () => {
  const org = (role: GrafanaRole) => jwt({ orgMapping: { attributePath: 'groups', rules: [{ claimValue: 'sre', org: 'Ops', role }] } });
  const r = await diff([org(GrafanaRole.VIEWER)], [org(GrafanaRole.ADMIN)]);
  const line = (who: string) => ['WIDENS', `${who}: org roles widened`, 'signed in as None (orgs: Ops=Viewer)', 'signed in as None (orgs: Ops=Admin)'];
  expect(lines(r)).toEqual({ [HOST]: [line('member of group "sre"'), line('member of every group named')] });
  expect(r.hosts[0].changes[0].decidedAfter).toMatch(/org_mapping sre:Ops:Admin$/);
});

test('jwt → headers widens; headers → jwt does not', async () => {
  const widening = await diff([route()], [route({ authFlow: AuthFlow.headers() })]);
  expect(lines(widening)).toEqual({ [HOST]: [['WIDENS', 'flow jwt → headers (Grafana now trusts unsigned claim headers)', 'jwt', 'headers']] });
  expect(widening.hosts[0]).toMatchObject({ flowBefore: 'jwt', flowAfter: 'headers' });
  const narrowing = await diff([route({ authFlow: AuthFlow.headers() })], [route()]);
  expect(lines(narrowing)).toEqual({ [HOST]: [['', 'flow headers → jwt', 'headers', 'jwt']] });
  expect(narrowing.widened).toBe(false);
});

test('isolation removed widens, without asking identities (the login inputs did not change)', async () => {
  const r = await diff([route()], [route({ isolation: GrafanaIsolation.noneUnsafe() })]);
  expect(lines(r)).toEqual({ [HOST]: [['WIDENS', 'isolation removed: NetworkPolicy monitoring/grafana-only-from-pomerium', 'present', 'absent']] });
  expect(r.hosts[0].identitiesAsked).toBe(0);
  const back = await diff([route({ isolation: GrafanaIsolation.noneUnsafe() })], [route()]);
  expect(lines(back)).toEqual({ [HOST]: [['', 'isolation added: NetworkPolicy monitoring/grafana-only-from-pomerium', 'absent', 'present']] });
});

test('a host added: who gets in; the same host removed: who loses it', async () => {
  const second = route({ host: 'grafana-2.example.com', policy: AccessPolicy.emails('ada@example.com'), grafana: GrafanaTarget.existing({ serviceName: 'g2', namespace: 'other' }) });
  const added = await diff([route()], [route(), second]);
  expect(lines(added)).toEqual({
    'grafana-2.example.com': [
      ['', 'grafana-2.example.com added (jwt flow)', 'absent', 'present'],
      ['WIDENS', 'email ada@example.com: gains access as Viewer', 'no such host', viewer],
    ],
  });
  expect(added.hostCounts).toEqual({ before: 1, after: 2, added: 1, removed: 0, changed: 0, unchanged: 1 });
  const removed = await diff([route(), second], [route()]);
  expect(lines(removed)).toEqual({
    'grafana-2.example.com': [
      ['', 'grafana-2.example.com removed', 'present', 'absent'],
      ['', 'email ada@example.com: loses access', viewer, 'no such host'],
    ],
  });
});

test('the Markdown and the text name the identity, both verdicts and what decided', async () => {
  const r = await diff([jwt({ roleMapping: groupsMapping(GrafanaRole.VIEWER) })], [jwt({ roleMapping: groupsMapping(GrafanaRole.ADMIN) })]);
  const md = AccessDiff.renderMarkdown(r);
  expect(md).toContain('| **widens** | member of group "sre": role raised Viewer → Admin | signed in as Viewer | signed in as Admin | '
    + 'Pomerium allows: domain {"is":"example.com"} (email domain = "example.com"); role_attribute_path term contains(to_array(groups), \'sre\') && \'Viewer\' → ');
  const text = AccessDiff.renderText(r);
  expect(text).toContain('  WIDENS member of group "sre": role raised Viewer → Admin\n      before: signed in as Viewer  [Pomerium allows:');
  expect(text).toMatch(/^Identities: \d+ tried \(\d+ derived from policies and mappings, \d+ near misses, 0 given\)/m);
});
