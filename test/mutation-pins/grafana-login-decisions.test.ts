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

describe('ini booleans (go-ini Key.Bool: 1 t true y yes on / 0 f false n no off, any case)', () => {
  test.each(['1', 't', 'T', 'true', 'TRUE', 'True', 'y', 'yes', 'YES', 'on', 'On', ' true '])('%j is true', (v) => {
    expect(iniBool(v, false)).toBe(true);
  });
  test.each(['0', 'f', 'F', 'false', 'FALSE', 'n', 'no', 'No', 'off', 'OFF', ' false '])('%j is false', (v) => {
    expect(iniBool(v, true)).toBe(false);
  });
  test('unset, empty or unparsable: the default', () => {
    for (const fallback of [true, false]) {
      expect(iniBool(undefined, fallback)).toBe(fallback);
      expect(iniBool('', fallback)).toBe(fallback);
      expect(iniBool('maybe', fallback)).toBe(fallback);
      expect(iniBool('truely', fallback)).toBe(fallback);
      expect(iniBool('xtrue', fallback)).toBe(fallback);
      expect(iniBool('offset', fallback)).toBe(fallback);
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
