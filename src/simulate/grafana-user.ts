/**
 * How Grafana turns verified claims (or proxy headers, or an ID token) into a user, an org
 * role and the server-admin flag. Modelled on grafana/grafana:
 * pkg/services/authn/clients/jwt.go, proxy.go, pkg/login/social/connectors/social_base.go,
 * generic_oauth.go, org_role_mapper.go, pkg/services/authn/authnimpl/sync/user_sync.go,
 * and the defaults in conf/defaults.ini. Errors carry Grafana's public message first,
 * then the detail Grafana logs.
 */
// The package ships CommonJS under `exports.require` but ESM-only typings (see role-mapping.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jmespath: { search(data: unknown, expression: string): unknown } = require('@jmespath-community/jmespath');

/** Grafana's verdict, with Grafana's own wording in `error`. */
export interface GrafanaVerdict {
  readonly accepted: boolean;
  readonly error?: string;
  readonly login?: string;
  readonly email?: string;
  /** Org role in the organization users sign in to: [users] auto_assign_org_id (with auto_assign_org, the default), else Main Org. */
  readonly role?: string;
  readonly grafanaAdmin: boolean;
}

/** What Grafana decided: the public verdict, plus the roles per organization and notes. */
export interface GrafanaOutcome extends GrafanaVerdict {
  /** Organization → role, as the org mapping decided ("*": every organization). */
  readonly orgRoles: Record<string, string>;
  readonly notes: string[];
}

/** Who already exists in Grafana, by login or email; everyone else is a new user. */
export interface UserDirectory {
  readonly knownUsers?: readonly string[];
}

export const DEFAULT_ORG = 'Main Org.';
const VALID_ROLES = ['None', 'Viewer', 'Editor', 'Admin'];
const ROLE_RANK: Record<string, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/**
 * go-ini key.go MustBool(fallback), which every boolean Grafana reads from grafana.ini goes
 * through (setting.go, ssosettings/strategies/oauth_strategy.go): exactly these spellings,
 * no other mix of case ("Y", "tRUE" and "yES" are not booleans to go-ini); anything else is
 * the fallback. The surrounding spaces are dropped because go-ini's parser trims every value.
 */
const GO_INI_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True', 'YES', 'yes', 'Yes', 'y', 'ON', 'on', 'On']);
const GO_INI_FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False', 'NO', 'no', 'No', 'n', 'OFF', 'off', 'Off']);

/** go-ini's MustBool on a grafana.ini value (conf values are strings here). */
export function iniBool(value: string | undefined, fallback: boolean): boolean {
  // Stryker: equivalent mutant when '' becomes any other non-boolean text: both mean the fallback.
  const v = (value ?? '').trim();
  if (GO_INI_TRUE.has(v)) return true;
  if (GO_INI_FALSE.has(v)) return false;
  return fallback;
}

/**
 * pkg/util/json.go SearchJSONForStringAttr: the JMESPath result when it is a string, else
 * "" (an evaluation error also gives ""). Divergence: Grafana runs jmespath-community/go-jmespath,
 * this runs @jmespath-community/jmespath (same community spec); see docs/simulator.md.
 */
export function searchString(expression: string, data: unknown): string {
  try {
    const v = jmespath.search(data as any, expression);
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

/** pkg/util/json.go SearchJSONForStringSliceAttr: a list of strings (a single string becomes one), else []. */
export function searchStringSlice(expression: string, data: unknown): string[] {
  try {
    const v = jmespath.search(data as any, expression);
    if (typeof v === 'string') return [v];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function topRole(a: string | undefined, b: string): string {
  // Stryker: equivalent mutants here: `b` is always a valid role (a mapped one), which outranks a
  // missing or invalid `a` (-1) either way, and two valid roles of equal rank are the same role.
  if (!a) return b;
  return (ROLE_RANK[a] ?? -1) >= (ROLE_RANK[b] ?? -1) ? a : b;
}

/** util.SplitString: a JSON array, or values separated by spaces and/or commas. */
function splitSetting(raw: string | undefined): string[] {
  if (!raw) return [];
  const t = raw.trim();
  // Stryker: equivalent mutants in the JSON branch: text that does not start with '[' never parses
  // as a JSON list, and falls through to the same plain splitting.
  if (t.startsWith('[')) {
    try {
      const arr = JSON.parse(t);
      if (Array.isArray(arr)) return arr.map(String);
    } catch {
      // fall through to plain splitting
    }
  }
  // Stryker: equivalent mutant when `+` is dropped: the empty items it leaves are filtered out.
  return t.split(/[\s,]+/).filter(Boolean);
}

/** strconv.Atoi as go-ini's Int and org_role_mapper.go read ids: an optional sign and decimal digits. */
function atoi(raw: string): number | undefined {
  return /^[+-]?\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * An organization as org_role_mapper.go getOrgIDForInternalMapping resolves it: a number is an
 * org id ("01" is 1; -1 is its mapperMatchAllOrgID, the same as "*"), anything else a name; org 1
 * is shown by its default name.
 */
function orgName(org: string): string {
  const id = atoi(org);
  if (id === undefined) return org;
  if (id === -1) return '*';
  return id === 1 ? DEFAULT_ORG : String(id);
}

/**
 * org_role_mapper.go MapOrgRoles: without org_mapping, the direct role in the default org
 * (or auto_assign_org_role when the direct role is not valid; nothing under strict);
 * with it, the mapped roles (`*` matches every group, org `*` every organization),
 * each raised to the direct role when that is higher. Organizations are taken to exist by
 * the names written in org_mapping.
 *
 * Undefined is "no org role at all", which only role_attribute_strict can give; both jwt.go and
 * generic_oauth.go (postProcessUserInfo) then refuse the login, whatever role_attribute_path gave,
 * so strict is decided after the org mapping.
 */
export function mapOrgRoles(section: Record<string, string>, users: OrgSettings, externalOrgs: string[],
  directRole: string): Record<string, string> | undefined {
  const strict = iniBool(section.role_attribute_strict, false);
  // Maps, not objects: group and org names come from the files explain reads and from tokens,
  // and '__proto__' must stay a name.
  const mapping = new Map<string, Map<string, string>>();
  for (const entry of splitSetting(section.org_mapping)) {
    // splitOrgMapping: ':' separates, '\:' escapes.
    const kv = entry.replace(/\\:/g, '\u0000').split(':').map((s) => s.replace(/\u0000/g, ':'));
    if (kv.length < 2 || kv.length > 3 || kv[1] === '') {
      if (strict) return defaultMapping(strict, directRole, users);
      continue;
    }
    // A missing role is kv[2] === undefined, which is no valid role: Go's `len(kv) < 3` guards an index.
    if (strict && !VALID_ROLES.includes(kv[2])) return defaultMapping(strict, directRole, users);
    if (!mapping.has(kv[0])) mapping.set(kv[0], new Map());
    mapping.get(kv[0])!.set(orgName(kv[1]), VALID_ROLES.includes(kv[2]) ? kv[2] : 'Viewer');
  }
  // No mapping at all (MapOrgRoles' first check) gives no roles below, hence the same default.
  const roles = new Map(mapping.get('*') ?? []);
  for (const group of externalOrgs) {
    for (const [org, role] of mapping.get(group) ?? []) roles.set(org, topRole(roles.get(org), role));
  }
  if (roles.size === 0) return defaultMapping(strict, directRole, users);
  // Without a direct role (''), topRole keeps each mapped role.
  return Object.fromEntries([...roles].map(([org, role]) => [org, topRole(directRole, role)]));
}

/** org_role_mapper.go getDefaultOrgMapping: the direct role (else auto_assign_org_role) in cfg.DefaultOrgID(). */
function defaultMapping(strict: boolean, directRole: string, users: OrgSettings): Record<string, string> | undefined {
  if (strict && !VALID_ROLES.includes(directRole)) return undefined;
  return { [users.defaultOrg]: VALID_ROLES.includes(directRole) ? directRole : users.autoAssignOrgRole };
}

/** The role in the organization users sign in to (cfg.DefaultOrgID()); an org-`*` mapping reaches it too. */
function defaultOrgRole(orgRoles: Record<string, string>, users: OrgSettings): string | undefined {
  const direct = orgRoles[users.defaultOrg];
  const every = orgRoles['*'];
  // Stryker: equivalent mutants when this condition is loosened: topRole keeps whichever of the two is given.
  if (direct && every) return topRole(direct, every);
  return direct ?? every;
}

function rejected(error: string, notes: string[], partial: Partial<GrafanaOutcome> = {}): GrafanaOutcome {
  return { accepted: false, error, grafanaAdmin: false, orgRoles: {}, notes, ...partial };
}

function isKnown(directory: UserDirectory, login: string, email: string): boolean {
  // Stryker: equivalent mutant when the empty default gets Stryker's placeholder name: no test user is called that.
  const known = directory.knownUsers ?? [];
  return known.some((u) => (login !== '' && u === login) || (email !== '' && u === email));
}

/** [users] settings that decide where a user's roles land. */
export interface OrgSettings {
  readonly autoAssignOrgRole: string;
  /**
   * setting.go DefaultOrgID(): auto_assign_org_id when auto_assign_org is on (the default) and
   * the id is above 0, else org 1; named as org_mapping names it ("Main Org." for 1).
   */
  readonly defaultOrg: string;
}

/**
 * setting.go readUserSettings: auto_assign_org (MustBool(true)), auto_assign_org_id (MustInt(1):
 * go-ini's Int is strconv.Atoi, so an optional sign and decimal digits, anything else is 1) and
 * auto_assign_org_role (In("Viewer", [None Viewer Editor Admin]): anything else is Viewer).
 */
function usersSection(sections: Record<string, Record<string, string>>): OrgSettings {
  const users = sections.users ?? {};
  // Stryker: equivalent mutant when '' becomes other text: neither is a number, so org 1.
  const id = atoi((users.auto_assign_org_id ?? '').trim()) ?? 1;
  const defaultOrg = iniBool(users.auto_assign_org, true) && id > 0 ? orgName(String(id)) : DEFAULT_ORG;
  // Stryker: equivalent mutant when '' becomes other text: neither is a role, so Viewer.
  const role = (users.auto_assign_org_role ?? '').trim();
  return { autoAssignOrgRole: VALID_ROLES.includes(role) ? role : 'Viewer', defaultOrg };
}

/**
 * jwt.go Authenticate after the token is verified: login/email from the configured claim
 * or attribute path, role from role_attribute_path used as returned (no title-casing,
 * `GrafanaAdmin` exact), org mapping, strict, then user sync (auto_sign_up).
 */
export function jwtUser(sections: Record<string, Record<string, string>>, claims: Record<string, unknown>, directory: UserDirectory): GrafanaOutcome {
  const s = sections['auth.jwt'] ?? {};
  const notes: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const login = s.username_claim ? str(claims[s.username_claim]) : s.username_attribute_path ? searchString(s.username_attribute_path, claims) : '';
  const email = s.email_claim ? str(claims[s.email_claim]) : s.email_attribute_path ? searchString(s.email_attribute_path, claims) : '';
  const users = usersSection(sections);
  let orgRoles: Record<string, string> = {};
  let grafanaAdmin = false;
  const skipSync = iniBool(s.skip_org_role_sync, false);
  if (!skipSync) {
    // Stryker: equivalent mutants: without role_attribute_path the role stays '' (searchString of no
    // path is '' too), and '' and Stryker's placeholder text are both "no valid role" to the org mapping.
    let role = '';
    if (s.role_attribute_path) {
      role = searchString(s.role_attribute_path, claims);
      if (role === 'GrafanaAdmin') {
        role = 'Admin';
        if (iniBool(s.allow_assign_grafana_admin, false)) grafanaAdmin = true;
        else notes.push('role_attribute_path returned GrafanaAdmin, but allow_assign_grafana_admin is off: Admin only');
      } else if (role !== '' && !VALID_ROLES.includes(role)) {
        notes.push(`role_attribute_path returned ${JSON.stringify(role)}, which is not a Grafana role (JWT roles are used as returned, case-sensitive): ignored`);
      }
    }
    // Stryker: equivalent mutant when the empty list gets Stryker's placeholder group: no org_mapping names it.
    const orgs = s.org_attribute_path ? searchStringSlice(s.org_attribute_path, claims) : [];
    const synced = mapOrgRoles(s, users, orgs, role);
    if (synced === undefined) return rejected('Invalid Role in claim: could not evaluate any valid roles using IdP provided data', notes, { login, email });
    orgRoles = synced;
  }
  if (login === '' && email === '') return rejected('Missing mandatory claim in JWT: missing login and email claim in JWT', notes);
  if (!isKnown(directory, login, email) && !iniBool(s.auto_sign_up, false)) {
    return rejected('Sign up is disabled', [...notes, 'the user does not exist in Grafana yet and [auth.jwt] auto_sign_up is off'], { login, email });
  }
  if (skipSync) {
    notes.push('skip_org_role_sync: roles are managed in Grafana; a new user gets auto_assign_org_role');
    orgRoles = { [users.defaultOrg]: users.autoAssignOrgRole };
  }
  return { accepted: true, login, email, role: defaultOrgRole(orgRoles, users), grafanaAdmin, orgRoles, notes };
}

/**
 * setting.go readAuthProxySettings: `[auth.proxy] headers` is read with util.SplitString (spaces,
 * commas or a JSON list), each item "Field:Header" split at its first colon; an item without one
 * is skipped.
 */
function proxyHeaderMap(raw: string | undefined): Record<string, string> {
  // No prototype: a field named '__proto__' or 'constructor' in the file stays a plain (unread) field.
  const out: Record<string, string> = Object.create(null);
  for (const item of splitSetting(raw)) {
    const i = item.indexOf(':');
    // Stryker: equivalent mutant because `i > 0` only drops an item with an empty field name,
    // which no field (Name, Email, Login, Role, Groups) reads.
    if (i >= 0) out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/**
 * net/mail ParseAddress as far as a proxy header can carry it: `local@domain` or
 * `Name <local@domain>` gives the address, anything else "" (no email).
 */
function mailAddress(value: string): string {
  const m = /^(?:[^<>]*<([^\s<>@]+@[^\s<>@]+)>|([^\s<>@",;:]+@[^\s<>@",;:]+))$/.exec(value.trim());
  return m ? m[1] ?? m[2] : '';
}

/**
 * proxy.go: the user is whoever header_name says (as username or email per
 * header_property); `headers` may add Name/Email/Login/Role/Groups; a valid Role header
 * sets the default org role; a new user needs auto_sign_up (default true).
 */
export function proxyUser(sections: Record<string, Record<string, string>>, requestHeaders: Record<string, string>,
  directory: UserDirectory): GrafanaOutcome {
  const s = sections['auth.proxy'] ?? {};
  const notes: string[] = [];
  // Own headers only: a header_name such as 'constructor' in the file must not read Object's.
  const get = (header: string) => (Object.hasOwn(requestHeaders, header.toLowerCase()) ? requestHeaders[header.toLowerCase()] : '');
  const headerName = s.header_name || 'X-WEBAUTH-USER';
  const value = get(headerName);
  if (value === '') {
    return rejected(`auth proxy not used: Pomerium does not send ${headerName}, so Grafana falls through to its login page`, notes);
  }
  if (s.whitelist) {
    notes.push(`[auth.proxy] whitelist ${s.whitelist} is checked against the direct peer address, which the simulator cannot know; behind an Istio sidecar every peer is 127.0.0.1, so it cannot tell Pomerium apart`);
  }
  const property = s.header_property || 'username';
  if (property !== 'username' && property !== 'email') {
    return rejected(`Failed to authenticate: invalid header_property ${JSON.stringify(property)} (username or email only)`, notes);
  }
  // clients/grafana.go AuthenticateProxy: the header is the login either way; with header_property
  // email it is the email too, with username the email when it parses as an address. Login and
  // Email headers, when sent, win.
  const extra = proxyHeaderMap(s.headers);
  const login = (extra.Login && get(extra.Login)) || value;
  const email = (extra.Email && get(extra.Email)) || (property === 'email' ? value : mailAddress(value));
  const users = usersSection(sections);
  let orgRoles: Record<string, string> = { [users.defaultOrg]: users.autoAssignOrgRole };
  const headerRole = extra.Role ? get(extra.Role) : '';
  if (headerRole && VALID_ROLES.includes(headerRole)) orgRoles = { [users.defaultOrg]: headerRole };
  else if (headerRole) notes.push(`Role header value ${JSON.stringify(headerRole)} is not a Grafana role: ignored`);
  if (!headerRole) notes.push('no Role header: a new user gets [users] auto_assign_org_role; an existing user keeps the role set in Grafana');
  if (!isKnown(directory, login, email) && !iniBool(s.auto_sign_up, true)) {
    return rejected('Sign up is disabled', [...notes, 'the user does not exist in Grafana yet and [auth.proxy] auto_sign_up is off'], { login, email });
  }
  return { accepted: true, login, email: email || undefined, role: defaultOrgRole(orgRoles, users), grafanaAdmin: false, orgRoles, notes };
}

/** getRoleFromSearch: GrafanaAdmin case-insensitively, else title-cased. */
function oauthRole(found: string): { role: string; admin: boolean } {
  if (found.toLowerCase() === 'grafanaadmin') return { role: 'Admin', admin: true };
  return { role: found.charAt(0).toUpperCase() + found.slice(1).toLowerCase(), admin: false };
}

/**
 * generic_oauth.go UserInfo on the ID token's claims (the simulator has no userinfo
 * endpoint), then pkg/services/authn/clients/oauth.go: login, email, role (title-cased;
 * retried on {"groups": []}, as UserInfo passes no groups); a missing or invalid role is
 * only logged (extractRoleAndOrgs); the org mapping; strict refuses only when that gives no
 * org role at all (postProcessUserInfo); allowed_groups; an email is required; then sign-up.
 */
export function oauthUser(sections: Record<string, Record<string, string>>, claims: Record<string, unknown>,
  directory: UserDirectory): GrafanaOutcome {
  const s = sections['auth.generic_oauth'] ?? {};
  const notes: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  let login = str(claims.login) || (s.login_attribute_path ? searchString(s.login_attribute_path, claims) : '') || str(claims.username);
  const email = str(claims.email) || (s.email_attribute_path ? searchString(s.email_attribute_path, claims) : '');
  // Stryker: equivalent mutant when the empty list gets Stryker's placeholder group: no allowed_groups names it.
  const groups = s.groups_attribute_path ? searchStringSlice(s.groups_attribute_path, claims) : [];
  const users = usersSection(sections);
  const strict = iniBool(s.role_attribute_strict, false);
  let orgRoles: Record<string, string> = {};
  let grafanaAdmin = false;
  if (!iniBool(s.skip_org_role_sync, false)) {
    // Stryker: equivalent mutants: without role_attribute_path the role stays '' (searchString of no
    // path is '' too), and '' and Stryker's placeholder text are both "no valid role" to the org mapping.
    let role = '';
    if (s.role_attribute_path) {
      let found = searchString(s.role_attribute_path, claims);
      // social_base.go searchRole: the second search sees the groups UserInfo passes, always [].
      if (found === '') found = searchString(s.role_attribute_path, { groups: [] });
      if (found !== '') {
        const r = oauthRole(found);
        if (VALID_ROLES.includes(r.role)) {
          role = r.role;
          if (r.admin && iniBool(s.allow_assign_grafana_admin, false)) grafanaAdmin = true;
          else if (r.admin) notes.push('role_attribute_path returned GrafanaAdmin, but allow_assign_grafana_admin is off: Admin only');
        } else {
          notes.push(`role_attribute_path returned ${JSON.stringify(found)}: IdP did not return a valid role attribute (logged; the org mapping decides)`);
        }
      } else if (strict) {
        notes.push('role_attribute_path gave no role and role_attribute_strict is set (logged; the org mapping decides)');
      }
    } else if (strict) {
      notes.push('Instance role_attribute_path misconfigured (role_attribute_path not set and role_attribute_strict is set; logged, the org mapping decides)');
    }
    // Stryker: equivalent mutant when the empty list gets Stryker's placeholder group: no org_mapping names it.
    const orgs = s.org_attribute_path ? searchStringSlice(s.org_attribute_path, claims) : [];
    const synced = mapOrgRoles(s, users, orgs, role);
    if (synced === undefined) {
      return rejected('IdP did not return a role attribute, please contact your administrator: could not evaluate any valid roles using IdP provided data', notes, { login, email });
    }
    orgRoles = synced;
  } else {
    orgRoles = { [users.defaultOrg]: users.autoAssignOrgRole };
  }
  if (login === '') login = email;
  const allowed = splitSetting(s.allowed_groups);
  if (allowed.length > 0 && !groups.some((g) => allowed.includes(g))) {
    return rejected('user not a member of one of the required groups', notes, { login, email });
  }
  // oauth.go Authenticate: after UserInfo, before any user sync.
  if (email === '') {
    const apiNote = s.api_url ? ' (Grafana would also ask api_url and its /emails, which the simulator does not)' : '';
    return rejected(`Provider didn't return an email address: required attribute email was not provided${apiNote}`, notes, { login });
  }
  if (!isKnown(directory, login, email) && !iniBool(s.allow_sign_up, true)) {
    return rejected('Sign up is disabled', [...notes, 'the user does not exist in Grafana yet and [auth.generic_oauth] allow_sign_up is off'], { login, email });
  }
  return { accepted: true, login, email, role: defaultOrgRole(orgRoles, users), grafanaAdmin, orgRoles, notes };
}
