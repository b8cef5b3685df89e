/**
 * RoleMapping writes Grafana's role_attribute_path. Its promises are checked by evaluating
 * the rendered expression the way Grafana does (pkg/util/json.go SearchJSONForStringAttr on
 * the token's claims with jmespath-community's JMESPath: a string result is the role, anything
 * else is no role), and by what Grafana accepts as roles (None, Viewer, Editor, Admin,
 * GrafanaAdmin; GrafanaAdmin only with allow_assign_grafana_admin: social_base.go).
 */
import { PropContext } from '../../src/errors';
import { GrafanaRole, RoleMapping } from '../../src/grafana/role-mapping';
import { refusalOf } from '../support/refusal';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jmespath: { search(data: unknown, expression: string): unknown } = require('@jmespath-community/jmespath');

const ctx = PropContext.detached('test');
/** The role Grafana reads for these claims: the string result, else none. */
const roleFor = (path: string, claims: Record<string, unknown>) => {
  const v = jmespath.search(claims as any, path);
  return typeof v === 'string' ? v : undefined;
};

describe('fromGroups: the highest role of the groups the token lists', () => {
  // Rendered inside each test, so that mutation testing's per-test coverage sees the tests that use it.
  const render = () => RoleMapping.fromGroups([
    { group: 'viewers', role: GrafanaRole.VIEWER },
    { group: 'admins', role: GrafanaRole.ADMIN },
    { group: 'editors', role: GrafanaRole.EDITOR },
    { group: 'guests', role: GrafanaRole.NONE },
  ])._render(ctx);

  test.each([
    [['viewers'], 'Viewer'],
    [['editors', 'viewers'], 'Editor'],
    [['viewers', 'admins', 'editors'], 'Admin'],
    [['/admins'], 'Admin'],
    [['guests'], 'None'],
    [['guests', 'viewers'], 'Viewer'],
  ])('groups %j → %s, whatever the order of rules and groups', (groups, role) => {
    expect(roleFor(render().roleAttributePath, { groups })).toBe(role);
  });

  // A single-valued claim arrives as a string: JMESPath's contains() would then test substrings
  // ('admins-and-more' contains 'admins'); the library generated exactly that until these tests.
  test('a user in no mapped group, without the claim, or with a string claim that only contains a group name, gets no role', () => {
    const mapping = render();
    expect(roleFor(mapping.roleAttributePath, { groups: ['other', 'admins-x', 'Admins'] })).toBeUndefined();
    expect(roleFor(mapping.roleAttributePath, {})).toBeUndefined();
    expect(roleFor(mapping.roleAttributePath, { groups: 'admins-and-more' })).toBeUndefined();
    expect(roleFor(mapping.roleAttributePath, { groups: 'admins' })).toBe('Admin');
    expect(roleFor(mapping.roleAttributePath, { groups: null })).toBeUndefined();
    expect(mapping.returnsGrafanaAdmin).toBe(false);
  });

  test('a path matches only itself; a name also matches its full path (Keycloak "full group path")', () => {
    const path = RoleMapping.fromGroups([{ group: '/team/sre', role: GrafanaRole.EDITOR }])._render(ctx).roleAttributePath;
    expect(roleFor(path, { groups: ['/team/sre'] })).toBe('Editor');
    expect(roleFor(path, { groups: ['team/sre'] })).toBeUndefined();
    expect(roleFor(path, { groups: ['//team/sre'] })).toBeUndefined();
  });

  test('quotes and backslashes in a group name match literally', () => {
    const path = RoleMapping.fromGroups([{ group: "o'brien\\team", role: GrafanaRole.EDITOR }])._render(ctx).roleAttributePath;
    expect(roleFor(path, { groups: ["o'brien\\team"] })).toBe('Editor');
    expect(roleFor(path, { groups: ["/o'brien\\team"] })).toBe('Editor');
    expect(roleFor(path, { groups: ["o'brienteam"] })).toBeUndefined();
  });

  test('fallbackRole is the role of a user in none of the groups; a mapped group still wins', () => {
    const path = RoleMapping.fromGroups([{ group: 'admins', role: GrafanaRole.ADMIN }], { fallbackRole: GrafanaRole.VIEWER })._render(ctx).roleAttributePath;
    expect(roleFor(path, { groups: ['x'] })).toBe('Viewer');
    expect(roleFor(path, {})).toBe('Viewer');
    expect(roleFor(path, { groups: ['admins'] })).toBe('Admin');
  });

  test('groupsClaim: the groups are read where the claim says', () => {
    const path = RoleMapping.fromGroups([{ group: 'admin', role: GrafanaRole.ADMIN }], { groupsClaim: 'realm_access.roles' })._render(ctx).roleAttributePath;
    expect(roleFor(path, { realm_access: { roles: ['admin'] } })).toBe('Admin');
    expect(roleFor(path, { groups: ['admin'] })).toBeUndefined();
  });

  test('returnsGrafanaAdmin (which turns on allow_assign_grafana_admin): when any rule or the fallback gives GrafanaAdmin', () => {
    const rules = [{ group: 'viewers', role: GrafanaRole.VIEWER }, { group: 'root', role: GrafanaRole.GRAFANA_ADMIN }, { group: 'admins', role: GrafanaRole.ADMIN }];
    const several = RoleMapping.fromGroups(rules)._render(ctx);
    expect(several.returnsGrafanaAdmin).toBe(true);
    expect(roleFor(several.roleAttributePath, { groups: ['admins', 'root'] })).toBe('GrafanaAdmin');
    expect(RoleMapping.fromGroups([{ group: 'viewers', role: GrafanaRole.VIEWER }], { fallbackRole: GrafanaRole.GRAFANA_ADMIN })._render(ctx).returnsGrafanaAdmin).toBe(true);
    expect(RoleMapping.fromGroups([{ group: 'admins', role: GrafanaRole.ADMIN }], { fallbackRole: GrafanaRole.EDITOR })._render(ctx).returnsGrafanaAdmin).toBe(false);
  });
});

describe('fromGroups refuses what Grafana could not honour', () => {
  test('no rules', () => {
    refusalOf(() => RoleMapping.fromGroups([])._render(ctx), { value: [] });
    refusalOf(() => RoleMapping.fromGroups(undefined as any)._render(ctx), { value: undefined });
  });

  test.each(['', ' sre', 'sre ', ' ', '\nsre'])('the group %j (empty or surrounded by spaces: no token lists it so)', (group) => {
    refusalOf(() => RoleMapping.fromGroups([{ group, role: GrafanaRole.VIEWER }])._render(ctx), { value: group });
  });

  test('a group that is not a string', () => {
    refusalOf(() => RoleMapping.fromGroups([{ group: 42 as any, role: GrafanaRole.VIEWER }])._render(ctx), { value: 42 });
  });

  test('a group mapped twice, even to the same role', () => {
    refusalOf(() => RoleMapping.fromGroups([{ group: 'sre', role: GrafanaRole.VIEWER }, { group: 'sre', role: GrafanaRole.ADMIN }])._render(ctx), { value: 'sre' });
    refusalOf(() => RoleMapping.fromGroups([{ group: 'a', role: GrafanaRole.VIEWER }, { group: 'b', role: GrafanaRole.VIEWER }, { group: 'a', role: GrafanaRole.VIEWER }])._render(ctx), { value: 'a' });
  });

  test('a role Grafana does not know, in a rule or as the fallback (named by its prop)', () => {
    const owner = refusalOf(() => RoleMapping.fromGroups([{ group: 'sre', role: 'Owner' as any }])._render(ctx), { value: 'Owner' });
    expect(owner.fix).toContain('(GrafanaAdmin, Admin, Editor, Viewer, None)');
    refusalOf(() => RoleMapping.fromGroups([{ group: 'sre', role: 'admin' as any }])._render(ctx), { value: 'admin' });
    refusalOf(() => RoleMapping.fromGroups([{ group: 'sre', role: GrafanaRole.ADMIN }], { fallbackRole: 'Owner' as any })._render(ctx), { prop: 'fallbackRole', value: 'Owner' });
  });

  test('a groups claim that is not a JMESPath expression (named by its prop)', () => {
    for (const claim of ['groups[', '', '  ']) {
      refusalOf(() => RoleMapping.fromGroups([{ group: 'sre', role: GrafanaRole.ADMIN }], { groupsClaim: claim })._render(ctx), { prop: 'groupsClaim', value: claim });
    }
  });
});

describe('fromExpression: parsed at synth, every literal it can return a Grafana role', () => {
  test.each([
    ["contains(groups[*], 'admins') && 'Admin' || 'Viewer'", false],
    ["contains(groups[*], 'root') && 'GrafanaAdmin' || contains(groups[*], 'admins') && 'Admin' || 'None'", true],
    ['role', false],
    ['info.role', false],
    ['groups | [0]', false],
    ["to_string(role) || 'Editor'", false],
    ["groups[?starts_with(@, 'ops-')] | [0] && 'Editor' || 'Viewer'", false],
    // A slice's missing step is null in the parsed expression.
    ["groups[0:1] | [0] && 'Editor'", false],
    // A literal's value is data, even when it looks like a function node.
    // (Not first in the expression: go-ini reads a value that starts with a backtick as quoted, src/strings.ts.)
    ['groups && `{"type": "Function", "name": "nope"}`.name', false],
  ])('%s is kept as written (returnsGrafanaAdmin %s)', (expression, admin) => {
    expect(RoleMapping.fromExpression(expression)._render(ctx)).toEqual({ roleAttributePath: expression, returnsGrafanaAdmin: admin });
  });

  test.each([
    "contains(groups[*], 'admins') && 'Owner' || 'Viewer'",
    "contains(groups[*], 'admins') && 'Admin' || 'viewer'",
    "contains(groups[*], 'admins') && 'Admin' || `5`",
    "'Root'",
  ])('%s can return something that is not a role', (expression) => {
    refusalOf(() => RoleMapping.fromExpression(expression)._render(ctx), { value: expression });
  });

  test.each([
    "contains(groups[*], 'admins' && 'Admin'",
    "grafana_role(groups) || 'Viewer'",
    'to_string(grafana_role(groups))',
    '[grafana_role(groups)] | [0]',
    // Until these tests, functions in a filter, a multi-select hash or a let binding were not checked.
    "groups[?grafana_role(@)] | [0] && 'Admin'",
    '{r: grafana_role(groups)}.r',
    'let $x = grafana_role(groups) in $x',
    '',
    '   ',
  ])('%j is refused: a syntax error, an unknown function or nothing', (expression) => {
    const r = refusalOf(() => RoleMapping.fromExpression(expression)._render(ctx), { value: expression });
    if (expression.trim() === '') expect(r.problem).toMatch(/required/);
  });

  test('an expression that is not a string is missing, not a syntax error', () => {
    expect(refusalOf(() => RoleMapping.fromExpression(5 as any)._render(ctx), { value: 5 }).problem).toMatch(/required/);
  });
});
