/**
 * How the simulator decides Grafana's side of a login, pinned to Grafana's source:
 * pkg/services/authn/clients/jwt.go (JWT), proxy.go (auth proxy),
 * pkg/login/social/connectors/generic_oauth.go and social_base.go (generic OAuth, roles),
 * org_role_mapper.go (org_mapping), pkg/util/json.go (JMESPath searches), and go-ini's
 * boolean parsing for ini values. Only rules that hold whatever the org and anonymous-access
 * modelling does are pinned here.
 */
import { DEFAULT_ORG, iniBool, jwtUser, oauthUser, proxyUser, searchString, searchStringSlice } from '../../src/simulate/grafana-user';

type Sections = Record<string, Record<string, string>>;
const ada = { sub: 'u-ada', email: 'ada@example.com', login: 'ada', groups: ['sre'] };

describe('ini booleans (go-ini key.go parseBool, through MustBool: these spellings only)', () => {
  test.each(['1', 't', 'T', 'true', 'TRUE', 'True', 'y', 'yes', 'YES', 'Yes', 'on', 'On', 'ON', ' true '])('%j is true', (v) => {
    expect(iniBool(v, false)).toBe(true);
  });
  test.each(['0', 'f', 'F', 'false', 'FALSE', 'False', 'n', 'no', 'No', 'NO', 'off', 'OFF', 'Off', ' false '])('%j is false', (v) => {
    expect(iniBool(v, true)).toBe(false);
  });
  test.each(['Y', 'N', 'tRUE', 'yES', 'oN', 'fALSE', 'nO', 'oFF'])('%j is no spelling go-ini knows: the default', (v) => {
    expect(iniBool(v, true)).toBe(true);
    expect(iniBool(v, false)).toBe(false);
  });
  test('unset, empty or unparsable: the default', () => {
    for (const fallback of [true, false]) {
      expect(iniBool(undefined, fallback)).toBe(fallback);
      expect(iniBool('', fallback)).toBe(fallback);
      expect(iniBool('maybe', fallback)).toBe(fallback);
      expect(iniBool('truely', fallback)).toBe(fallback);
      expect(iniBool('xtrue', fallback)).toBe(fallback);
      expect(iniBool('offset', fallback)).toBe(fallback);
      expect(iniBool('xoff', fallback)).toBe(fallback);
      expect(iniBool('ton', fallback)).toBe(fallback);
    }
  });
});

describe('JMESPath searches (pkg/util/json.go)', () => {
  test('SearchJSONForStringAttr: a string result, else ""; an error is ""', () => {
    expect(searchString('a.b', { a: { b: 'x' } })).toBe('x');
    expect(searchString('a', { a: 5 })).toBe('');
    expect(searchString('a', { a: ['x'] })).toBe('');
    expect(searchString('a[', { a: 'x' })).toBe('');
    expect(searchString('abs(a)', { a: 'x' })).toBe('');
  });
  test('SearchJSONForStringSliceAttr: strings of a list, one string as a list, else []', () => {
    expect(searchStringSlice('g', { g: ['a', 1, 'b', null] })).toEqual(['a', 'b']);
    expect(searchStringSlice('g', { g: 'a' })).toEqual(['a']);
    expect(searchStringSlice('g', { g: { a: 1 } })).toEqual([]);
    expect(searchStringSlice('g', {})).toEqual([]);
    expect(searchStringSlice('g[', { g: ['a'] })).toEqual([]);
  });
});

describe('JWT (jwt.go)', () => {
  const base = { username_claim: 'email', email_claim: 'email', auto_sign_up: 'true' };
  const jwt = (extra: Record<string, string>, claims: Record<string, unknown> = ada, more: Sections = {}, known: string[] = []) =>
    jwtUser({ 'auth.jwt': { ...base, ...extra }, ...more }, claims, { knownUsers: known });

  test('login and email from the configured claims, or from attribute paths', () => {
    expect(jwt({})).toMatchObject({ accepted: true, login: 'ada@example.com', email: 'ada@example.com' });
    const paths = jwt({ username_claim: '', email_claim: '', username_attribute_path: 'profile.nick', email_attribute_path: 'profile.mail' }, { sub: 's', profile: { nick: 'n', mail: 'm@example.com' } });
    expect(paths).toMatchObject({ accepted: true, login: 'n', email: 'm@example.com' });
    const nonString = jwt({ username_claim: 'login', email_claim: 'mail' }, { sub: 's', login: 5, mail: 'm@example.com' });
    expect(nonString).toMatchObject({ accepted: true, login: '', email: 'm@example.com' });
  });

  test('no login and no email: refused', () => {
    const r = jwt({}, { sub: 's' });
    expect(r.accepted).toBe(false);
    expect(r.error).toMatch(/missing login and email/);
  });

  test('roles are used as returned: a valid role is the default-org role, a wrong case is ignored', () => {
    expect(jwt({ role_attribute_path: 'role' }, { ...ada, role: 'Editor' }).role).toBe('Editor');
    expect(jwt({ role_attribute_path: 'role' }, { ...ada, role: 'None' }).role).toBe('None');
    const lower = jwt({ role_attribute_path: 'role' }, { ...ada, role: 'editor' });
    expect(lower.role).toBe('Viewer');
    expect(lower.notes.join('\n')).toContain('"editor"');
  });

  test('without a valid role the user gets [users] auto_assign_org_role (default Viewer)', () => {
    expect(jwt({}).role).toBe('Viewer');
    expect(jwt({}, ada, { users: { auto_assign_org_role: 'Editor' } }).role).toBe('Editor');
    expect(jwt({ role_attribute_path: 'role' }, ada, { users: { auto_assign_org_role: 'Admin' } }).role).toBe('Admin');
  });

  test('GrafanaAdmin: Admin in the org, server admin only with allow_assign_grafana_admin', () => {
    const claims = { ...ada, role: 'GrafanaAdmin' };
    expect(jwt({ role_attribute_path: 'role', allow_assign_grafana_admin: 'true' }, claims)).toMatchObject({ role: 'Admin', grafanaAdmin: true });
    expect(jwt({ role_attribute_path: 'role' }, claims)).toMatchObject({ role: 'Admin', grafanaAdmin: false });
    expect(jwt({ role_attribute_path: 'role', allow_assign_grafana_admin: 'false' }, claims)).toMatchObject({ role: 'Admin', grafanaAdmin: false });
    expect(jwt({ role_attribute_path: 'role', allow_assign_grafana_admin: 'true' }, { ...ada, role: 'grafanaadmin' }).grafanaAdmin).toBe(false);
    expect(jwt({ role_attribute_path: 'role', allow_assign_grafana_admin: 'true' }, { ...ada, role: 'Admin' }).grafanaAdmin).toBe(false);
  });

  test('role_attribute_strict: no valid role refuses the login; a valid one passes', () => {
    const refused = jwt({ role_attribute_path: 'role', role_attribute_strict: 'true' }, { ...ada, role: 'boss' });
    expect(refused).toMatchObject({ accepted: false, login: 'ada@example.com' });
    expect(refused.error).toMatch(/could not evaluate any valid roles/);
    expect(jwt({ role_attribute_path: 'role', role_attribute_strict: 'true' }, { ...ada, role: 'Viewer' })).toMatchObject({ accepted: true, role: 'Viewer' });
  });

  test('org_mapping to org 1: the mapped role, raised to the direct role when that is higher', () => {
    const mapping = { org_attribute_path: 'orgs', org_mapping: 'eng:1:Editor ops:1:Admin' };
    expect(jwt(mapping, { ...ada, orgs: ['eng'] }).role).toBe('Editor');
    expect(jwt(mapping, { ...ada, orgs: ['eng', 'ops'] }).role).toBe('Admin');
    expect(jwt({ ...mapping, role_attribute_path: 'role' }, { ...ada, orgs: ['eng'], role: 'Admin' }).role).toBe('Admin');
    expect(jwt({ ...mapping, role_attribute_path: 'role' }, { ...ada, orgs: ['ops'], role: 'Viewer' }).role).toBe('Admin');
    expect(jwt({ org_attribute_path: 'orgs', org_mapping: '*:1:Editor' }, { ...ada, orgs: [] }).role).toBe('Editor');
    // A direct role that is not a Grafana role ('editor', JWT roles being case-sensitive) never outranks a mapped one.
    expect(jwt({ ...mapping, role_attribute_path: 'role' }, { ...ada, orgs: ['eng'], role: 'editor' }).role).toBe('Editor');
    expect(jwt({ org_attribute_path: 'orgs', org_mapping: 'eng:1:Viewer', role_attribute_path: 'role' }, { ...ada, orgs: ['eng'], role: 'admin' }).role).toBe('Viewer');
    expect(jwt({ org_attribute_path: 'orgs', org_mapping: 'eng:1' }, { ...ada, orgs: ['eng'] }).role).toBe('Viewer');
    expect(jwt({ org_attribute_path: 'orgs', org_mapping: '["eng:1:Editor"]' }, { ...ada, orgs: ['eng'] }).role).toBe('Editor');
    expect(jwt({ org_attribute_path: 'orgs', org_mapping: 'eng:Org\\:2:Editor' }, { ...ada, orgs: ['eng'] }).orgRoles).toEqual({ 'Org:2': 'Editor' });
    expect(jwt({ org_attribute_path: 'orgs', org_mapping: 'eng:Org2:Editor' }, { ...ada, orgs: ['eng'] }).orgRoles).toEqual({ Org2: 'Editor' });
  });

  test('skip_org_role_sync: roles stay with Grafana (a new user gets auto_assign_org_role), whatever the token says', () => {
    const r = jwt({ role_attribute_path: 'role', skip_org_role_sync: 'true', allow_assign_grafana_admin: 'true' }, { ...ada, role: 'GrafanaAdmin' });
    expect(r).toMatchObject({ accepted: true, role: 'Viewer', grafanaAdmin: false, orgRoles: { [DEFAULT_ORG]: 'Viewer' } });
  });

  test('sign-up: an unknown user needs auto_sign_up; a user known by login or by email passes', () => {
    expect(jwt({ auto_sign_up: 'false' })).toMatchObject({ accepted: false, error: 'Sign up is disabled' });
    expect(jwt({ auto_sign_up: '' })).toMatchObject({ accepted: false, error: 'Sign up is disabled' });
    expect(jwt({ auto_sign_up: 'false' }, ada, {}, ['ada@example.com']).accepted).toBe(true);
    expect(jwt({ auto_sign_up: 'false', username_claim: 'login' }, ada, {}, ['ada']).accepted).toBe(true);
    expect(jwt({ auto_sign_up: 'false' }, ada, {}, ['bob@example.com', '']).accepted).toBe(false);
    expect(jwt({ auto_sign_up: 'false', username_claim: 'nick', email_claim: 'mail' }, { sub: 's', nick: 'n' }, {}, ['']).accepted).toBe(false);
  });
});

describe('auth proxy (proxy.go)', () => {
  const proxy = (section: Record<string, string>, headers: Record<string, string>, known: string[] = [], more: Sections = {}) =>
    proxyUser({ 'auth.proxy': section, ...more }, headers, { knownUsers: known });

  test('the user is header_name (default X-WEBAUTH-USER), as a username by default', () => {
    expect(proxy({}, { 'x-webauth-user': 'ada' })).toMatchObject({ accepted: true, login: 'ada', email: undefined, role: 'Viewer', grafanaAdmin: false });
    expect(proxy({ header_name: 'X-Pomerium-Claim-Email' }, { 'x-pomerium-claim-email': 'ada@example.com' }).login).toBe('ada@example.com');
    const missing = proxy({ header_name: 'X-Pomerium-Claim-Email' }, { 'x-webauth-user': 'ada' });
    expect(missing.accepted).toBe(false);
    expect(missing.error).toContain('X-Pomerium-Claim-Email');
  });

  test('header_property email: the value is login and email; anything but username/email is refused', () => {
    expect(proxy({ header_property: 'email' }, { 'x-webauth-user': 'ada@example.com' })).toMatchObject({ accepted: true, login: 'ada@example.com', email: 'ada@example.com' });
    expect(proxy({ header_property: 'username' }, { 'x-webauth-user': 'ada' })).toMatchObject({ accepted: true, login: 'ada' });
    expect(proxy({ header_property: 'uid' }, { 'x-webauth-user': 'ada' }).accepted).toBe(false);
  });

  test('headers: Login, Email and a valid Role override; an invalid Role is ignored', () => {
    const section = { headers: 'Email:X-Email  Login:X-Login Role:X-Role Bogus' };
    const r = proxy(section, { 'x-webauth-user': 'u', 'x-email': 'e@example.com', 'x-login': 'l', 'x-role': 'Editor' });
    expect(r).toMatchObject({ login: 'l', email: 'e@example.com', role: 'Editor' });
    expect(proxy(section, { 'x-webauth-user': 'u', 'x-role': 'boss' })).toMatchObject({ login: 'u', role: 'Viewer' });
    expect(proxy(section, { 'x-webauth-user': 'u', 'x-role': 'Admin' }, [], { users: { auto_assign_org_role: 'Editor' } }).role).toBe('Admin');
    expect(proxy(section, { 'x-webauth-user': 'u' }, [], { users: { auto_assign_org_role: 'Editor' } }).role).toBe('Editor');
    expect(proxy({ headers: ':X-Email' }, { 'x-webauth-user': 'u', 'x-email': 'e' }).email).toBeUndefined();
  });

  test('sign-up is on by default; off refuses an unknown user and admits a known one', () => {
    expect(proxy({ auto_sign_up: 'false' }, { 'x-webauth-user': 'ada' })).toMatchObject({ accepted: false, error: 'Sign up is disabled' });
    expect(proxy({ auto_sign_up: 'false' }, { 'x-webauth-user': 'ada' }, ['ada']).accepted).toBe(true);
    expect(proxy({ auto_sign_up: 'true' }, { 'x-webauth-user': 'ada' }).accepted).toBe(true);
  });
});

describe('generic OAuth (generic_oauth.go, social_base.go)', () => {
  const oauth = (section: Record<string, string>, claims: Record<string, unknown> = ada, known: string[] = [], more: Sections = {}) =>
    oauthUser({ 'auth.generic_oauth': section, ...more }, claims, { knownUsers: known });

  test('login: the login claim, else login_attribute_path, else username, else the email', () => {
    expect(oauth({}).login).toBe('ada');
    expect(oauth({ login_attribute_path: 'profile.nick' }, { email: 'a@example.com', profile: { nick: 'nick' } }).login).toBe('nick');
    expect(oauth({}, { email: 'a@example.com', username: 'user' }).login).toBe('user');
    expect(oauth({}, { email: 'a@example.com' }).login).toBe('a@example.com');
    expect(oauth({ email_attribute_path: 'mails[0]' }, { login: 'x', mails: ['m@example.com'] }).email).toBe('m@example.com');
  });

  test('roles are title-cased; GrafanaAdmin in any case, server admin only with allow_assign_grafana_admin', () => {
    expect(oauth({ role_attribute_path: 'role' }, { ...ada, role: 'editor' }).role).toBe('Editor');
    expect(oauth({ role_attribute_path: 'role' }, { ...ada, role: 'ADMIN' }).role).toBe('Admin');
    expect(oauth({ role_attribute_path: 'role', allow_assign_grafana_admin: 'true' }, { ...ada, role: 'grafanaadmin' })).toMatchObject({ role: 'Admin', grafanaAdmin: true });
    const off = oauth({ role_attribute_path: 'role' }, { ...ada, role: 'GrafanaAdmin' });
    expect(off).toMatchObject({ role: 'Admin', grafanaAdmin: false });
    expect(off.notes.join('\n')).toContain('allow_assign_grafana_admin is off');
  });

  test('an invalid role is ignored (auto_assign_org_role applies) when not strict', () => {
    const r = oauth({ role_attribute_path: 'role' }, { ...ada, role: 'boss' }, [], { users: { auto_assign_org_role: 'Editor' } });
    expect(r).toMatchObject({ accepted: true, role: 'Editor' });
  });

  test('the role path is retried on {"groups": []}, not on the groups groups_attribute_path reads', () => {
    // generic_oauth.go extractRoleAndOrgs calls extractRoleAndAdminOptional(data.rawJSON, []string{}):
    // the second search of social_base.go searchRole sees an empty list, whatever groups_attribute_path found.
    const section = { role_attribute_path: "contains(groups[*], 'admins') && 'Admin'", groups_attribute_path: 'realm.groups' };
    expect(oauth(section, { ...ada, groups: undefined, realm: { groups: ['admins'] } }).role).toBe('Viewer');
    expect(oauth(section, { ...ada, groups: undefined, realm: { groups: ['users'] } }).role).toBe('Viewer');
    // A groups claim in the token itself is what the first search reads.
    expect(oauth(section, { ...ada, groups: ['admins'] }).role).toBe('Admin');
  });

  test('strict without any role refuses the login (no org_mapping)', () => {
    expect(oauth({ role_attribute_path: 'role', role_attribute_strict: 'true' }, ada).accepted).toBe(false);
    expect(oauth({ role_attribute_strict: 'true' }, ada).accepted).toBe(false);
    expect(oauth({ role_attribute_path: 'role', role_attribute_strict: 'true' }, { ...ada, role: 'viewer' })).toMatchObject({ accepted: true, role: 'Viewer' });
  });

  test('allowed_groups: a member of one of them passes; others are refused (a list with spaces, commas or JSON)', () => {
    const groups = { groups_attribute_path: 'groups' };
    expect(oauth({ ...groups, allowed_groups: 'ops, sre' }).accepted).toBe(true);
    expect(oauth({ ...groups, allowed_groups: 'ops dev' })).toMatchObject({ accepted: false, error: 'user not a member of one of the required groups' });
    expect(oauth({ ...groups, allowed_groups: '["site reliability"]' }, { ...ada, groups: ['site reliability'] }).accepted).toBe(true);
    expect(oauth({ ...groups, allowed_groups: '["site reliability"]' }, { ...ada, groups: ['site'] }).accepted).toBe(false);
    expect(oauth({ allowed_groups: 'sre' }).accepted).toBe(false);
  });

  test('sign-up on by default; off refuses an unknown user and admits a known one', () => {
    expect(oauth({ allow_sign_up: 'false' })).toMatchObject({ accepted: false, error: 'Sign up is disabled' });
    expect(oauth({ allow_sign_up: 'false' }, ada, ['ada']).accepted).toBe(true);
    expect(oauth({}).accepted).toBe(true);
  });

  test('skip_org_role_sync: auto_assign_org_role, whatever the token says', () => {
    expect(oauth({ role_attribute_path: 'role', skip_org_role_sync: 'true' }, { ...ada, role: 'Admin' }).role).toBe('Viewer');
  });

  test('no login and no email: refused', () => {
    expect(oauth({}, { sub: 's' }).accepted).toBe(false);
  });
});

describe('org_mapping (org_role_mapper.go ParseOrgMappingSettings, MapOrgRoles)', () => {
  const jwt = (extra: Record<string, string>, claims: Record<string, unknown>, more: Sections = {}) =>
    jwtUser({ 'auth.jwt': { username_claim: 'email', email_claim: 'email', auto_sign_up: 'true', org_attribute_path: 'orgs', ...extra }, ...more }, claims, {});
  const eng = { ...ada, orgs: ['eng'] };

  test('an item that is not group:org[:role] is skipped (isValidOrgMappingFormat; an empty org cannot be resolved)', () => {
    for (const item of ['eng', 'eng:1:Editor:extra', 'eng::Editor']) {
      expect(jwt({ org_mapping: item }, eng).orgRoles).toEqual({ [DEFAULT_ORG]: 'Viewer' });
      expect(jwt({ org_mapping: `${item} eng:2:Editor` }, eng).orgRoles).toEqual({ 2: 'Editor' });
    }
  });

  test('a role that is missing or not a Grafana role maps to Viewer (getRoleForInternalOrgMapping)', () => {
    expect(jwt({ org_mapping: 'eng:2' }, eng).orgRoles).toEqual({ 2: 'Viewer' });
    expect(jwt({ org_mapping: 'eng:2:boss' }, eng).orgRoles).toEqual({ 2: 'Viewer' });
    expect(jwt({ org_mapping: 'eng:2:editor' }, eng).orgRoles).toEqual({ 2: 'Viewer' });
  });

  test('under role_attribute_strict one bad item voids the whole mapping: the direct role in the default org, or refusal', () => {
    const strict = { role_attribute_strict: 'true', role_attribute_path: 'role' };
    for (const item of ['eng', 'eng:2', 'eng:2:boss', 'eng::Editor']) {
      const mapping = `eng:3:Admin ${item}`;
      expect(jwt({ ...strict, org_mapping: mapping }, { ...eng, role: 'Editor' }).orgRoles).toEqual({ [DEFAULT_ORG]: 'Editor' });
      const refused = jwt({ ...strict, org_mapping: mapping }, { ...eng, role: 'boss' });
      expect(refused).toMatchObject({ accepted: false, login: 'ada@example.com', email: 'ada@example.com', grafanaAdmin: false, orgRoles: {} });
    }
    // Every item valid: the mapping applies.
    expect(jwt({ ...strict, org_mapping: 'eng:3:Admin' }, { ...eng, role: 'Editor' }).orgRoles).toEqual({ 3: 'Admin' });
  });

  test('no item matches the user: the default mapping (the direct role, else auto_assign_org_role)', () => {
    expect(jwt({ org_mapping: 'ops:2:Admin' }, eng).orgRoles).toEqual({ [DEFAULT_ORG]: 'Viewer' });
    expect(jwt({ org_mapping: 'ops:2:Admin', role_attribute_path: 'role' }, { ...eng, role: 'Editor' }).orgRoles).toEqual({ [DEFAULT_ORG]: 'Editor' });
    expect(jwt({ org_mapping: 'ops:2:Admin', role_attribute_strict: 'true' }, eng).accepted).toBe(false);
  });

  test('org ids as strconv.Atoi reads them: "01" is org 1, -1 is every org like "*", a name stays a name', () => {
    expect(jwt({ org_mapping: 'eng:01:Editor' }, eng).orgRoles).toEqual({ [DEFAULT_ORG]: 'Editor' });
    expect(jwt({ org_mapping: 'eng:+2:Editor' }, eng).orgRoles).toEqual({ 2: 'Editor' });
    expect(jwt({ org_mapping: 'eng:-1:Editor' }, eng).orgRoles).toEqual({ '*': 'Editor' });
    expect(jwt({ org_mapping: 'eng:2x:Editor' }, eng).orgRoles).toEqual({ '2x': 'Editor' });
  });

  test('group and org names are names: "__proto__" and "constructor" map like any other, and change nothing else', () => {
    const r = jwt({ org_mapping: '__proto__:__proto__:Admin constructor:2:Editor' }, { ...ada, orgs: ['__proto__', 'constructor'] });
    expect(Object.entries(r.orgRoles)).toEqual([['2', 'Editor'], ['__proto__', 'Admin']]);
    expect(({} as Record<string, unknown>).__proto__).toBe(Object.prototype);
    expect(jwt({ org_mapping: 'eng:2:Editor' }, { ...ada, orgs: ['constructor', '__proto__', 'toString'] }).orgRoles).toEqual({ [DEFAULT_ORG]: 'Viewer' });
  });

  test('the role in the org users sign in to: the higher of that org\'s role and the every-org ("*") role', () => {
    expect(jwt({ org_mapping: 'eng:*:Editor' }, eng).role).toBe('Editor');
    expect(jwt({ org_mapping: 'eng:*:Editor eng:1:Admin' }, eng).role).toBe('Admin');
    expect(jwt({ org_mapping: 'eng:*:Admin eng:1:Viewer' }, eng).role).toBe('Admin');
    expect(jwt({ org_mapping: 'eng:2:Admin' }, eng).role).toBeUndefined();
  });
});

describe('the organization users sign in to (setting.go readUserSettings, DefaultOrgID)', () => {
  const jwt = (users: Record<string, string>, extra: Record<string, string> = {}) =>
    jwtUser({ 'auth.jwt': { username_claim: 'email', email_claim: 'email', auto_sign_up: 'true', ...extra }, users }, { ...ada, orgs: ['eng'] }, {});

  test('auto_assign_org_id (MustInt: strconv.Atoi) when auto_assign_org is on and the id is above 0, else org 1', () => {
    expect(jwt({ auto_assign_org_id: '2' }).orgRoles).toEqual({ 2: 'Viewer' });
    expect(jwt({ auto_assign_org_id: '12' }).orgRoles).toEqual({ 12: 'Viewer' });
    expect(jwt({ auto_assign_org_id: ' 2 ' }).orgRoles).toEqual({ 2: 'Viewer' });
    expect(jwt({ auto_assign_org_id: '+2' }).orgRoles).toEqual({ 2: 'Viewer' });
    for (const notAnId of ['', 'x2', '2x', '2.5', '0x2', '2 2']) {
      expect(jwt({ auto_assign_org_id: notAnId }).orgRoles).toEqual({ [DEFAULT_ORG]: 'Viewer' });
    }
    for (const notAbove0 of ['0', '-3']) {
      expect(jwt({ auto_assign_org_id: notAbove0 }).orgRoles).toEqual({ [DEFAULT_ORG]: 'Viewer' });
    }
    expect(jwt({ auto_assign_org_id: '2', auto_assign_org: 'false' }).orgRoles).toEqual({ [DEFAULT_ORG]: 'Viewer' });
    expect(jwt({ auto_assign_org_id: '2', auto_assign_org: 'true' }).orgRoles).toEqual({ 2: 'Viewer' });
  });

  test('the verdict\'s role is the role in that org, also when org_mapping maps to it', () => {
    const mapped = jwt({ auto_assign_org_id: '2' }, { org_attribute_path: 'orgs', org_mapping: 'eng:2:Editor eng:1:Admin' });
    expect(mapped.role).toBe('Editor');
    expect(mapped.orgRoles).toEqual({ 2: 'Editor', [DEFAULT_ORG]: 'Admin' });
  });

  test('auto_assign_org_role is one of None, Viewer, Editor, Admin; anything else is Viewer (Key.In)', () => {
    expect(jwt({ auto_assign_org_role: 'None' }).role).toBe('None');
    expect(jwt({ auto_assign_org_role: 'Editor' }).role).toBe('Editor');
    expect(jwt({ auto_assign_org_role: 'editor' }).role).toBe('Viewer');
    expect(jwt({ auto_assign_org_role: 'GrafanaAdmin' }).role).toBe('Viewer');
    // go-ini trims every value it reads.
    expect(jwt({ auto_assign_org_role: ' Editor ' }).role).toBe('Editor');
  });
});

describe('what a verdict carries besides accepted (what explain prints)', () => {
  const sections = (section: string, settings: Record<string, string>): Sections => ({ [section]: settings });

  test('JWT: the user is known by email when the login differs, never by an empty login', () => {
    const byEmail = jwtUser(sections('auth.jwt', { username_claim: 'login', email_claim: 'email' }), ada, { knownUsers: ['ada@example.com'] });
    expect(byEmail.accepted).toBe(true);
    const noLogin = jwtUser(sections('auth.jwt', { username_claim: 'nick', email_claim: 'email' }), ada, { knownUsers: [''] });
    expect(noLogin).toMatchObject({ accepted: false, error: 'Sign up is disabled', login: '', email: 'ada@example.com' });
    expect(jwtUser(sections('auth.jwt', { username_claim: 'login' }), ada, {})).toMatchObject({ accepted: false, error: 'Sign up is disabled' });
  });

  test('JWT: a claim or path left unset gives an empty login or email; a login alone is enough', () => {
    expect(jwtUser(sections('auth.jwt', { email_claim: 'email', auto_sign_up: 'true' }), ada, {})).toMatchObject({ accepted: true, login: '', email: 'ada@example.com' });
    expect(jwtUser(sections('auth.jwt', { username_claim: 'login', auto_sign_up: 'true' }), ada, {})).toMatchObject({ accepted: true, login: 'ada', email: '' });
  });

  test('JWT notes: none for a plain login; each ignored role and refused sign-up says why', () => {
    const jwt = (extra: Record<string, string>, claims: Record<string, unknown> = ada) =>
      jwtUser(sections('auth.jwt', { username_claim: 'email', email_claim: 'email', auto_sign_up: 'true', role_attribute_path: 'role', ...extra }), claims, {});
    expect(jwt({}, { ...ada, role: 'Editor' }).notes).toEqual([]);
    expect(jwt({}).notes).toEqual([]);
    expect(jwt({}, { ...ada, role: 'GrafanaAdmin' }).notes).toEqual(['role_attribute_path returned GrafanaAdmin, but allow_assign_grafana_admin is off: Admin only']);
    expect(jwt({}, { ...ada, role: 'boss' }).notes).toEqual(['role_attribute_path returned "boss", which is not a Grafana role (JWT roles are used as returned, case-sensitive): ignored']);
    const refused = jwt({ auto_sign_up: 'false' });
    expect(refused).toMatchObject({ accepted: false, login: 'ada@example.com', email: 'ada@example.com', grafanaAdmin: false, orgRoles: {} });
    expect(refused.notes).toEqual(['the user does not exist in Grafana yet and [auth.jwt] auto_sign_up is off']);
    expect(jwt({ skip_org_role_sync: 'true' }).notes).toEqual(['skip_org_role_sync: roles are managed in Grafana; a new user gets auto_assign_org_role']);
  });

  test('auth proxy notes: the Role header, the whitelist and a refused sign-up', () => {
    const proxy = (settings: Record<string, string>, headers: Record<string, string>) => proxyUser(sections('auth.proxy', settings), headers, {});
    const withRole = { headers: 'Role:X-Role' };
    expect(proxy(withRole, { 'x-webauth-user': 'ada', 'x-role': 'Editor' }).notes).toEqual([]);
    expect(proxy(withRole, { 'x-webauth-user': 'ada', 'x-role': 'boss' }).notes).toEqual(['Role header value "boss" is not a Grafana role: ignored']);
    expect(proxy({}, { 'x-webauth-user': 'ada' }).notes).toEqual(['no Role header: a new user gets [users] auto_assign_org_role; an existing user keeps the role set in Grafana']);
    const listed = proxy({ ...withRole, whitelist: '10.0.0.1' }, { 'x-webauth-user': 'ada', 'x-role': 'Editor' });
    expect(listed.notes).toHaveLength(1);
    expect(listed.notes[0]).toMatch(/^\[auth\.proxy\] whitelist 10\.0\.0\.1 is checked against the direct peer address/);
    const refused = proxy({ ...withRole, auto_sign_up: 'false' }, { 'x-webauth-user': 'ada@example.com', 'x-role': 'Editor' });
    expect(refused).toMatchObject({ accepted: false, login: 'ada@example.com', email: 'ada@example.com', grafanaAdmin: false, orgRoles: {} });
    expect(refused.notes).toEqual(['the user does not exist in Grafana yet and [auth.proxy] auto_sign_up is off']);
    expect(proxy({ header_property: 'uid' }, { 'x-webauth-user': 'ada' }).error).toBe('Failed to authenticate: invalid header_property "uid" (username or email only)');
  });

  test('auth proxy: a header name such as "constructor" is a header like any other, not a property of Object', () => {
    const r = proxyUser(sections('auth.proxy', { header_name: 'constructor', headers: 'Role:toString' }), {}, {});
    expect(r).toMatchObject({ accepted: false, error: 'auth proxy not used: Pomerium does not send constructor, so Grafana falls through to its login page' });
    const sent = proxyUser(sections('auth.proxy', { header_name: 'constructor', headers: 'Role:toString' }), { constructor: 'ada' } as Record<string, string>, {});
    expect(sent).toMatchObject({ accepted: true, login: 'ada', role: 'Viewer' });
  });

  test('auth proxy: headers as util.SplitString reads them (spaces, commas or JSON), each split at its first colon', () => {
    const proxy = (headersSetting: string, headers: Record<string, string>) => proxyUser(sections('auth.proxy', { headers: headersSetting }), { 'x-webauth-user': 'u', ...headers }, {});
    expect(proxy('Role:X-Role,Email:X-Email', { 'x-role': 'Editor', 'x-email': 'e@example.com' })).toMatchObject({ role: 'Editor', email: 'e@example.com' });
    expect(proxy('["Role:X-Role"]', { 'x-role': 'Editor' }).role).toBe('Editor');
    // An item without a colon names no field: "Rolex" is not "Role:x".
    expect(proxy('Rolex', { 'rolex': 'Admin', 'x-role': 'Admin' }).role).toBe('Viewer');
    expect(proxy('Role:X-Role:Extra', { 'x-role:extra': 'Admin' }).role).toBe('Admin');
  });

  test('auth proxy: with header_property username, the email is the header when it parses as an address (net/mail)', () => {
    const proxy = (user: string) => proxyUser(sections('auth.proxy', {}), { 'x-webauth-user': user }, {});
    expect(proxy('ada@example.com')).toMatchObject({ login: 'ada@example.com', email: 'ada@example.com' });
    expect(proxy('Ada <ada@example.com>')).toMatchObject({ login: 'Ada <ada@example.com>', email: 'ada@example.com' });
    expect(proxy('ada').email).toBeUndefined();
    expect(proxy('ada@ex ample.com').email).toBeUndefined();
    expect(proxy('ada bob@example.com').email).toBeUndefined();
    expect(proxy(' ada@example.com').email).toBe('ada@example.com');
    // header_property email: the header is the email whatever it looks like.
    expect(proxyUser(sections('auth.proxy', { header_property: 'email' }), { 'x-webauth-user': 'ada' }, {}).email).toBe('ada');
  });

  test('generic OAuth notes: none for a valid role; each ignored or missing role says why', () => {
    const oauth = (settings: Record<string, string>, claims: Record<string, unknown> = ada) => oauthUser(sections('auth.generic_oauth', settings), claims, {});
    expect(oauth({}).notes).toEqual([]);
    expect(oauth({ role_attribute_path: 'role' }).notes).toEqual([]);
    expect(oauth({ role_attribute_path: 'role' }, { ...ada, role: 'editor' }).notes).toEqual([]);
    expect(oauth({ role_attribute_path: 'role', allow_assign_grafana_admin: 'true' }, { ...ada, role: 'Admin' })).toMatchObject({ grafanaAdmin: false, notes: [] });
    expect(oauth({ role_attribute_path: 'role', allow_assign_grafana_admin: 'true' }, { ...ada, role: 'editor' })).toMatchObject({ role: 'Editor', grafanaAdmin: false });
    expect(oauth({ role_attribute_path: 'role' }, { ...ada, role: 'boss' }).notes).toEqual(['role_attribute_path returned "boss": IdP did not return a valid role attribute (logged; the org mapping decides)']);
    const strictNoRole = oauth({ role_attribute_path: 'role', role_attribute_strict: 'true' });
    expect(strictNoRole).toMatchObject({ accepted: false, login: 'ada', email: 'ada@example.com', error: 'IdP did not return a role attribute, please contact your administrator: could not evaluate any valid roles using IdP provided data' });
    expect(strictNoRole.notes).toEqual(['role_attribute_path gave no role and role_attribute_strict is set (logged; the org mapping decides)']);
    expect(oauth({ role_attribute_strict: 'true' }).notes).toEqual(['Instance role_attribute_path misconfigured (role_attribute_path not set and role_attribute_strict is set; logged, the org mapping decides)']);
  });

  test('generic OAuth: the role path is retried on an empty group list, so an expression for users without groups applies', () => {
    const path = "contains(groups, 'admins') && 'Admin' || (length(groups) == `0` && 'Editor') || 'Viewer'";
    // The token has no groups claim: contains(null, …) is an error, so the first search gives "".
    expect(oauthUser(sections('auth.generic_oauth', { role_attribute_path: path }), { login: 'ada', email: 'ada@example.com' }, {}).role).toBe('Editor');
  });

  test('generic OAuth refusals carry what Grafana knew: login and email, or the login when the email is missing', () => {
    const oauth = (settings: Record<string, string>, claims: Record<string, unknown> = ada) => oauthUser(sections('auth.generic_oauth', settings), claims, {});
    expect(oauth({ allowed_groups: 'ops' })).toMatchObject({ accepted: false, login: 'ada', email: 'ada@example.com', grafanaAdmin: false, orgRoles: {} });
    const noEmail = oauth({}, { login: 'ada' });
    expect(noEmail).toMatchObject({ accepted: false, login: 'ada', error: "Provider didn't return an email address: required attribute email was not provided" });
    expect(oauth({ api_url: 'https://idp.example.com/userinfo' }, { login: 'ada' }).error).toBe(
      "Provider didn't return an email address: required attribute email was not provided (Grafana would also ask api_url and its /emails, which the simulator does not)");
    const refused = oauth({ allow_sign_up: 'false' });
    expect(refused).toMatchObject({ accepted: false, login: 'ada', email: 'ada@example.com' });
    expect(refused.notes).toEqual(['the user does not exist in Grafana yet and [auth.generic_oauth] allow_sign_up is off']);
  });

  test('allowed_groups as util.SplitString reads it: trimmed first, empty items dropped', () => {
    const oauth = (allowed: string, groups: string[]) => oauthUser(sections('auth.generic_oauth', { groups_attribute_path: 'groups', allowed_groups: allowed }), { ...ada, groups }, {});
    expect(oauth(' ["site reliability"]', ['site reliability']).accepted).toBe(true);
    expect(oauth(' ["site reliability"]', ['site']).accepted).toBe(false);
    expect(oauth('ops,', ['']).accepted).toBe(false);
  });
});
