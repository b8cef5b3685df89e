/**
 * Where the simulator used to disagree with Grafana or Pomerium, replayed from their own
 * test cases and sources (named in each test), with exact verdicts:
 * - grafana pkg/login/social/connectors/generic_oauth.go (UserInfo → extractRoleAndOrgs,
 *   postProcessUserInfo) and generic_oauth_test.go TestUserInfoSearchesForEmailAndOrgRoles;
 * - grafana pkg/services/authn/clients/oauth.go (errOAuthMissingRequiredEmail);
 * - grafana pkg/setting/setting.go DefaultOrgID and org_role_mapper.go getDefaultOrgMapping;
 * - pomerium pkg/policy/criteria/criteria.go NewCriterionSessionRule, rules/rules.go
 *   get_session / get_user_email, criteria/email.go, domain.go, user.go, groups.go, claim.go,
 *   authenticated_user.go, accept.go, reject.go, and email_test.go "no session".
 */
import { evaluateRoutePolicy } from '../../src/simulate/ppl';
import { SourceDocument } from '../../src/simulate/read-output';
import { SimulateLoginOptions, simulateDocuments } from '../../src/simulate/simulate';
import { pomeriumJwtSettings } from '../support/grafana-jwt-settings';

const HOST = 'grafana.example.com';

function grafanaValues(sections: Record<string, Record<string, unknown>>): SourceDocument {
  return { source: 'grafana-values.yaml', group: 'g', doc: { 'grafana.ini': { server: { root_url: `https://${HOST}/` }, ...sections } } };
}

function pomeriumValues(route: Record<string, unknown>, extraOpts: Record<string, unknown> = {}): SourceDocument {
  return {
    source: 'pomerium-values.yaml',
    group: 'p',
    doc: { config: { extraOpts, routes: [{ from: `https://${HOST}`, to: 'http://grafana', pass_identity_headers: true, ...route }] } },
  };
}

const run = (docs: SourceDocument[], options: Partial<SimulateLoginOptions>) => simulateDocuments(docs, { host: HOST, ...options });

describe('generic OAuth with role_attribute_strict: the org mapping decides before strict refuses', () => {
  // TestUserInfoSearchesForEmailAndOrgRoles: the ID token's payload and settings of the cases below.
  const johnDoe = { email: 'john.doe@example.com', info: { roles: ['dev', 'engineering'] } };
  const oauth = (extra: Record<string, unknown>) => [grafanaValues({
    'auth.generic_oauth': {
      enabled: true,
      role_attribute_strict: true,
      org_attribute_path: 'info.roles',
      org_mapping: 'dev:org_dev:Viewer engineering:org_engineering:Editor',
      ...extra,
    },
  })];

  test('"Should not fail when the evaluated role is invalid, role_attribute_strict is set to true and evaluated org roles are not empty"', async () => {
    const r = await run(oauth({ role_attribute_path: "'Invalid'" }), { claims: johnDoe });
    expect(r.grafana).toEqual({
      accepted: true, error: undefined, login: 'john.doe@example.com', email: 'john.doe@example.com', role: undefined, grafanaAdmin: false,
    });
    expect(r.details.orgRoles).toEqual({ org_dev: 'Viewer', org_engineering: 'Editor' });
    expect(r.details.notes).toContain('role_attribute_path returned "Invalid": IdP did not return a valid role attribute (logged; the org mapping decides)');
  });

  test('a valid direct role raises the mapped roles (org_role_mapper.go MapOrgRoles, getTopRole)', async () => {
    const r = await run(oauth({ role_attribute_path: "'Editor'" }), { claims: johnDoe });
    expect(r.grafana.accepted).toBe(true);
    expect(r.details.orgRoles).toEqual({ org_dev: 'Editor', org_engineering: 'Editor' });
  });

  test('no role_attribute_path under strict is only logged (extractRoleAndAdminOptional errRoleAttributePathNotSet) when the mapping gives roles', async () => {
    const r = await run(oauth({}), { claims: johnDoe });
    expect(r.grafana.accepted).toBe(true);
    expect(r.details.orgRoles).toEqual({ org_dev: 'Viewer', org_engineering: 'Editor' });
  });

  test('an invalid role and no mapped org: refused (postProcessUserInfo: strict and len(OrgRoles) == 0)', async () => {
    const r = await run(oauth({ role_attribute_path: "'Invalid'" }), { claims: { ...johnDoe, info: { roles: ['marketing'] } } });
    expect(r.grafana).toEqual({
      accepted: false,
      error: 'IdP did not return a role attribute, please contact your administrator: could not evaluate any valid roles using IdP provided data',
      // Refused before postProcessUserInfo defaults the login to the email.
      login: undefined,
      email: 'john.doe@example.com',
      role: undefined,
      grafanaAdmin: false,
    });
  });

  test('the JWT flow orders it the same way (jwt.go): an invalid role with a mapped org is accepted', async () => {
    const jwtDocs = [
      pomeriumValues({ policy: { allow: { or: [{ accept: true }] } } }),
      grafanaValues({
        'auth.jwt': {
          ...pomeriumJwtSettings(HOST),
          jwk_set_url: `https://${HOST}/.well-known/pomerium/jwks.json`,
          role_attribute_strict: true,
          role_attribute_path: "'Invalid'",
          org_attribute_path: 'groups',
          org_mapping: 'dev:org_dev:Viewer engineering:org_engineering:Editor',
        },
      }),
    ];
    const r = await run(jwtDocs, { claims: { sub: 'john', email: 'john.doe@example.com', groups: ['dev', 'engineering'] } });
    expect(r.grafana.accepted).toBe(true);
    expect(r.details.orgRoles).toEqual({ org_dev: 'Viewer', org_engineering: 'Editor' });
  });
});

describe('generic OAuth: a login without an email is refused (oauth.go errOAuthMissingRequiredEmail)', () => {
  const oauth = [grafanaValues({ 'auth.generic_oauth': { enabled: true, login_attribute_path: 'preferred_username' } })];

  test('login but no email: "Provider didn\'t return an email address"', async () => {
    const r = await run(oauth, { claims: { sub: 's', preferred_username: 'ada' } });
    expect(r.grafana).toEqual({
      accepted: false,
      error: 'Provider didn\'t return an email address: required attribute email was not provided',
      login: 'ada',
      email: undefined,
      role: undefined,
      grafanaAdmin: false,
    });
  });

  test('an email from email_attribute_path is enough', async () => {
    const r = await run([grafanaValues({ 'auth.generic_oauth': { enabled: true, email_attribute_path: 'mail' } })], { claims: { sub: 's', mail: 'ada@example.com' } });
    expect(r.grafana).toEqual({ accepted: true, error: undefined, login: 'ada@example.com', email: 'ada@example.com', role: 'Viewer', grafanaAdmin: false });
  });
});

describe('auto_assign_org_id: roles land in that org (setting.go DefaultOrgID, org_role_mapper.go getDefaultOrgMapping)', () => {
  const users = (extra: Record<string, unknown>) => ({ users: { auto_assign_org_id: 2, auto_assign_org_role: 'Editor', ...extra } });

  test('generic OAuth without org_mapping: the direct role in org 2, not in Main Org.', async () => {
    const r = await run([grafanaValues({ 'auth.generic_oauth': { enabled: true, role_attribute_path: "'Admin'" }, ...users({}) })], { claims: { sub: 's', email: 'a@example.com' } });
    expect(r.details.orgRoles).toEqual({ 2: 'Admin' });
    expect(r.grafana.role).toBe('Admin');
  });

  test('no role from the path: auto_assign_org_role in org 2', async () => {
    const r = await run([grafanaValues({ 'auth.generic_oauth': { enabled: true }, ...users({}) })], { claims: { sub: 's', email: 'a@example.com' } });
    expect(r.details.orgRoles).toEqual({ 2: 'Editor' });
  });

  test('auth proxy: new users join org 2 with auto_assign_org_role', async () => {
    const docs = [
      pomeriumValues({ policy: { allow: { or: [{ accept: true }] } } }, { jwt_claims_headers: ['email'] }),
      grafanaValues({ 'auth.proxy': { enabled: true, header_name: 'X-Pomerium-Claim-Email' }, ...users({}) }),
    ];
    const r = await run(docs, { claims: { sub: 's', email: 'a@example.com' } });
    expect(r.grafana).toMatchObject({ accepted: true, role: 'Editor' });
    expect(r.details.orgRoles).toEqual({ 2: 'Editor' });
  });

  test('auto_assign_org off or an id of 0: Main Org.', async () => {
    for (const extra of [{ auto_assign_org: false }, { auto_assign_org_id: 0 }]) {
      const r = await run([grafanaValues({ 'auth.generic_oauth': { enabled: true }, ...users(extra) })], { claims: { sub: 's', email: 'a@example.com' } });
      expect(r.details.orgRoles).toEqual({ 'Main Org.': 'Editor' });
    }
  });
});

describe('a request without a session (anonymous)', () => {
  const verdict = (policy: unknown, route: Record<string, unknown> = {}) =>
    evaluateRoutePolicy({ policy, ...route }, { claims: {}, anonymous: true }).allowed;

  test.each([
    // accept.go / reject.go: constant, session or not.
    ['accept', { allow: { or: [{ accept: true }] } }, true],
    ['reject', { allow: { or: [{ reject: true }] } }, false],
    // authenticated_user.go: session.user_id != "" is undefined without a session.
    ['authenticated_user', { allow: { or: [{ authenticated_user: true }] } }, false],
    // email_test.go "no session": `is` does not hold.
    ['email is', { allow: { and: [{ email: { is: 'test@example.com' } }] } }, false],
    // email.go + rules.go get_user_email: the email is "" and the body holds for a negated matcher.
    ['email not', { allow: { and: [{ email: { not: 'eve@example.com' } }] } }, true],
    ['email not_in', { allow: { and: [{ email: { not_in: ['eve@example.com'] } }] } }, true],
    // claim.go: values default to []: `exclude` holds, `has` does not.
    ['claim exclude', { allow: { and: [{ 'claim/groups': { exclude: 'banned' } }] } }, true],
    ['claim has', { allow: { and: [{ 'claim/groups': 'sre' }] } }, false],
    // domain.go: split("", "@")[1] is undefined; user.go: session.user_id is undefined; groups.go likewise.
    ['domain not', { allow: { and: [{ domain: { not: 'evil.com' } }] } }, false],
    ['user not', { allow: { and: [{ user: { not: 'u-eve' } }] } }, false],
    ['groups exclude', { allow: { and: [{ groups: { exclude: 'banned' } }] } }, false],
    // conditionals.go: `not` holds when none of its criteria do, and none does without a session.
    ['not conditional', { allow: { not: [{ email: { is: 'eve@example.com' } }] } }, true],
    ['nor conditional', { allow: { nor: [{ authenticated_user: true }] } }, true],
  ])('%s', (_name, policy, allowed) => {
    expect(verdict(policy)).toBe(allowed);
  });

  test('the older route keys: public access admits, any authenticated user does not (config/policy_ppl.go)', () => {
    expect(verdict(undefined, { allow_public_unauthenticated_access: true })).toBe(true);
    expect(verdict(undefined, { allow_any_authenticated_user: true })).toBe(false);
  });

  test('a signed-in user without an email claim also meets `not` (get_user_email gives "")', () => {
    expect(evaluateRoutePolicy({ policy: { allow: { and: [{ email: { not: 'eve@example.com' } }] } } }, { claims: { sub: 'u-1' } }).allowed).toBe(true);
  });

  test('end to end: a public route lets the request through; Grafana sees no user', async () => {
    const docs = [
      pomeriumValues({ allow_public_unauthenticated_access: true }),
      grafanaValues({ 'auth.jwt': { enabled: true, header_name: 'X-Pomerium-Jwt-Assertion', email_claim: 'email', jwk_set_url: `https://${HOST}/.well-known/pomerium/jwks.json` } }),
    ];
    const r = await run(docs, { anonymous: true });
    expect(r.pomerium.allowed).toBe(true);
    expect(r.grafana).toEqual({
      accepted: false,
      error: 'JWT auth not used: the token has no sub claim, so Grafana passes the request to the next auth method (its login page)',
      login: undefined,
      email: undefined,
      role: undefined,
      grafanaAdmin: false,
    });
    expect(r.details.notes).toContain('anonymous request: no Pomerium session, so no user claims');
  });

  test('claims with anonymous, or neither, is refused', async () => {
    const docs = [pomeriumValues({ allow_public_unauthenticated_access: true })];
    await expect(run(docs, { anonymous: true, claims: { sub: 'x' } })).rejects.toThrow(/an anonymous request has no claims/);
    await expect(run(docs, {})).rejects.toThrow(/claims must be a JSON object/);
  });
});
