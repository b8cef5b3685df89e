/**
 * Grafana's side of a simulated login, on hand-written output documents. Rules and
 * wording from grafana/grafana pkg/services/authn/clients/jwt.go, proxy.go,
 * pkg/services/auth/jwt/auth.go, pkg/login/social/connectors/org_role_mapper.go,
 * social_base.go, generic_oauth.go, pkg/services/authn/authnimpl/sync/user_sync.go.
 */
import { generateKeyPairSync } from 'node:crypto';
import { jwtUser } from '../../src/simulate/grafana-user';
import { kidOfPublicKey } from '../../src/simulate/mint';
import { SourceDocument } from '../../src/simulate/read-output';
import { SimulateLoginOptions, simulateDocuments } from '../../src/simulate/simulate';

const HOST = 'grafana.example.com';

function pomeriumValues(config: Record<string, unknown> = {}, route: Record<string, unknown> = {}): SourceDocument {
  return {
    source: 'pomerium-values.yaml',
    group: 'p',
    doc: { config: { routes: [{ from: `https://${HOST}`, to: 'http://grafana', policy: { allow: { or: [{ domain: { is: 'example.com' } }] } }, pass_identity_headers: true, ...route }], ...config } },
  };
}

function grafanaValues(sections: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}, host = HOST): SourceDocument {
  return { source: 'grafana-values.yaml', group: 'g', doc: { 'grafana.ini': { server: { root_url: `https://${host}/` }, ...sections }, ...extra } };
}

const JWT = {
  enabled: true,
  header_name: 'X-Pomerium-Jwt-Assertion',
  email_claim: 'email',
  username_claim: 'email',
  jwk_set_url: `https://${HOST}/.well-known/pomerium/jwks.json`,
  expect_claims: JSON.stringify({ aud: HOST, iss: HOST }),
  auto_sign_up: true,
};

const ada = { sub: 'u-ada', email: 'ada@example.com', name: 'Ada' };
const run = (docs: SourceDocument[], claims: Record<string, unknown>, more: Partial<SimulateLoginOptions> = {}) =>
  simulateDocuments(docs, { host: HOST, claims, ...more });
const jwt = (extra: Record<string, unknown>) => [pomeriumValues(), grafanaValues({ 'auth.jwt': { ...JWT, ...extra } })];

describe('seed 002: Grafana JWT role mapping examples', () => {
  test('basic: role_attribute_path = role gives the role claim', async () => {
    const r = await run(jwt({ role_attribute_path: 'role' }), { ...ada, role: 'Editor' }, { });
    // Pomerium forwards only its own claims plus jwt_claims_headers: `role` must be one of them.
    expect(r.grafana.role).toBe('Viewer');
    const forwarded = [pomeriumValues({ extraOpts: { jwt_claims_headers: ['role'] } }), grafanaValues({ 'auth.jwt': { ...JWT, role_attribute_path: 'role' } })];
    await expect(run(forwarded, { ...ada, role: 'Editor' })).resolves.toMatchObject({ pomerium: { allowed: true }, grafana: { accepted: true, role: 'Editor' } });
  });

  test('advanced: admin → Admin, editor → Editor, else Viewer', async () => {
    const path = "contains(info.roles[*], 'admin') && 'Admin' || contains(info.roles[*], 'editor') && 'Editor' || 'Viewer'";
    // `info` is nested: Pomerium forwards it only as a comma-joined string, so evaluate the
    // seed's payload through the mapping directly, as Grafana would on such a token.
    const sections = { 'auth.jwt': { ...stringify(JWT), role_attribute_path: path } };
    expect(jwtUser(sections, { sub: 's', email: 'a@x', info: { roles: ['engineer', 'admin'] } }, {}).role).toBe('Admin');
    expect(jwtUser(sections, { sub: 's', email: 'a@x', info: { roles: ['editor'] } }, {}).role).toBe('Editor');
    expect(jwtUser(sections, { sub: 's', email: 'a@x', info: { roles: ['engineer'] } }, {}).role).toBe('Viewer');
  });

  test('org mapping: engineer → org_foo Viewer, admin → org_bar Editor, * → org_baz Editor', async () => {
    const sections = { 'auth.jwt': { ...stringify(JWT), org_attribute_path: 'info.orgs', org_mapping: 'engineer:org_foo:Viewer admin:org_bar:Editor *:org_baz:Editor' } };
    const user = jwtUser(sections, { sub: 's', email: 'a@x', info: { orgs: ['engineer', 'admin'] } }, {});
    expect(user.accepted).toBe(true);
    expect(user.orgRoles).toEqual({ org_foo: 'Viewer', org_bar: 'Editor', org_baz: 'Editor' });
  });

  test('GrafanaAdmin gives server admin only with allow_assign_grafana_admin', async () => {
    const claims = { ...ada, groups: ['ops'] };
    const path = "contains(groups, 'ops') && 'GrafanaAdmin' || 'Viewer'";
    await expect(run(jwt({ role_attribute_path: path }), claims)).resolves.toMatchObject({ grafana: { role: 'Admin', grafanaAdmin: false } });
    await expect(run(jwt({ role_attribute_path: path, allow_assign_grafana_admin: true }), claims)).resolves.toMatchObject({ grafana: { role: 'Admin', grafanaAdmin: true } });
  });

  test('JWT roles are used as returned: lower-case "admin" is not a role', async () => {
    const r = await run(jwt({ role_attribute_path: "'admin'", role_attribute_strict: true }), ada);
    expect(r.grafana).toMatchObject({ accepted: false, error: 'Invalid Role in claim: could not evaluate any valid roles using IdP provided data' });
  });
});

describe('the JWT flow', () => {
  test('a token for another route host is rejected by expect_claims', async () => {
    const docs = [pomeriumValues({}, { from: 'https://other.example.com' }), grafanaValues({ 'auth.jwt': JWT }, {}, 'other.example.com')];
    const r = await simulateDocuments(docs, { host: 'other.example.com', claims: ada });
    expect(r.grafana.accepted).toBe(false);
    expect(r.grafana.error).toMatch(/invalid (issuer|audience) claim/);
  });

  test("a token of another tenant's instance (same Pomerium, other route) is rejected", async () => {
    // Grafana of tenant A expects its own host; Pomerium mints for tenant B's host.
    const docs = [pomeriumValues({}, { from: 'https://b.example.com' }), grafanaValues({ 'auth.jwt': { ...JWT, expect_claims: JSON.stringify({ aud: 'a.example.com', iss: 'a.example.com' }) } }, {}, 'b.example.com')];
    const r = await simulateDocuments(docs, { host: 'b.example.com', claims: ada });
    expect(r.grafana.error).toBe('Failed to verify JWT: go-jose/go-jose/jwt: validation failed, invalid issuer claim (iss)');
  });

  test('a pinned JWKS whose kid is not Pomerium\'s gives "no keys found"', async () => {
    const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const jwks = JSON.stringify({ keys: [{ ...publicKey, use: 'sig', alg: 'ES256', kid: 'base64url-not-hex' }] });
    const docs = [
      pomeriumValues({ existingSigningKeySecret: 'pomerium-signing-key' }),
      grafanaValues({ 'auth.jwt': { ...JWT, jwk_set_url: undefined, jwk_set_file: '/etc/keys/jwks.json' } }, { extraConfigmapMounts: [{ name: 'k', mountPath: '/etc/keys', configMap: 'keys' }] }),
      { source: 'm.yaml', group: 'm', doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { 'jwks.json': jwks } } },
    ];
    // drop the undefined key so the key source is unambiguous
    delete (docs[1].doc['grafana.ini'] as any)['auth.jwt'].jwk_set_url;
    const r = await run(docs, ada);
    expect(r.grafana).toMatchObject({ accepted: false, error: 'Failed to verify JWT: no keys found' });
    expect(r.details.notes.join('\n')).toMatch(/signature assumed, not checked/);
  });

  test('a pinned key with the right kid and the private key given is fully checked', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const kid = await kidOfPublicKey(pub);
    const docs = [
      pomeriumValues({ existingSigningKeySecret: 'pomerium-signing-key' }),
      grafanaValues({ 'auth.jwt': { ...JWT, key_file: '/etc/keys/signing-key.pub.pem', key_id: kid } }, { extraConfigmapMounts: [{ name: 'k', mountPath: '/etc/keys', configMap: 'keys' }] }),
      { source: 'm.yaml', group: 'm', doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { 'signing-key.pub.pem': pub } } },
    ];
    delete (docs[1].doc['grafana.ini'] as any)['auth.jwt'].jwk_set_url;
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await expect(run(docs, ada, { signingKeyPem: pem })).resolves.toMatchObject({ grafana: { accepted: true, login: 'ada@example.com' } });
    // Without a signing key named in the Pomerium output, Pomerium signs with its own key.
    const unpinned = [pomeriumValues(), docs[1], docs[2]];
    await expect(run(unpinned, ada, { signingKeyPem: pem })).resolves.toMatchObject({ grafana: { accepted: false, error: 'Failed to verify JWT: no keys found' } });
  });

  test('unknown user with auto sign-up off: "Sign up is disabled"; a known user passes', async () => {
    await expect(run(jwt({ auto_sign_up: false }), ada)).resolves.toMatchObject({ grafana: { accepted: false, error: 'Sign up is disabled' } });
    await expect(run(jwt({ auto_sign_up: false }), ada, { knownUsers: ['ada@example.com'] })).resolves.toMatchObject({ grafana: { accepted: true } });
  });

  test('strict mapping denies a user without a mapped group; the fallback role applies when not strict', async () => {
    const path = "contains(groups || `[]`, 'sre') && 'Admin'";
    await expect(run(jwt({ role_attribute_path: path, role_attribute_strict: true }), { ...ada, groups: ['dev'] }))
      .resolves.toMatchObject({ grafana: { accepted: false, error: expect.stringContaining('Invalid Role in claim') } });
    await expect(run(jwt({ role_attribute_path: path, role_attribute_strict: true }), { ...ada, groups: ['sre'] }))
      .resolves.toMatchObject({ grafana: { accepted: true, role: 'Admin' } });
    await expect(run(jwt({ role_attribute_path: path }), { ...ada, groups: ['dev'] })).resolves.toMatchObject({ grafana: { accepted: true, role: 'Viewer' } });
  });

  test('a user without sub goes to the next auth method; empty login and email is a 401', async () => {
    const r = await run(jwt({}), { email: 'ada@example.com' });
    expect(r.grafana.error).toMatch(/no sub claim/);
    const r2 = await run(jwt({ username_claim: 'preferred_username', email_claim: 'mail' }), ada);
    expect(r2.grafana.error).toBe('Missing mandatory claim in JWT: missing login and email claim in JWT');
  });

  test('jwt_issuer_format uri: iss/aud are https://host/ and a host-bound expect_claims rejects them', async () => {
    const r = await run([pomeriumValues({}, { jwt_issuer_format: 'uri' }), grafanaValues({ 'auth.jwt': JWT })], ada);
    expect(r.grafana.error).toMatch(/invalid issuer claim/);
  });

  test('pass_identity_headers off: Grafana never sees the assertion', async () => {
    const r = await run([pomeriumValues({}, { pass_identity_headers: false }), grafanaValues({ 'auth.jwt': JWT })], ada);
    expect(r.grafana.error).toMatch(/pass_identity_headers is off/);
  });

  test('a groups policy on open source denies; claim/groups admits', async () => {
    const groups = [pomeriumValues({}, { policy: { allow: { or: [{ groups: { has: 'sre' } }] } } }), grafanaValues({ 'auth.jwt': JWT })];
    await expect(run(groups, { ...ada, groups: ['sre'] })).resolves.toMatchObject({ pomerium: { allowed: false }, grafana: { accepted: false } });
    await expect(run(groups, { ...ada, groups: ['sre'] }, { edition: 'enterprise', directoryGroups: ['sre'] })).resolves.toMatchObject({ pomerium: { allowed: true } });
    const claim = [pomeriumValues({}, { policy: { allow: { or: [{ 'claim/groups': 'sre' }] } } }), grafanaValues({ 'auth.jwt': JWT })];
    await expect(run(claim, { ...ada, groups: ['sre'] })).resolves.toMatchObject({ pomerium: { allowed: true }, grafana: { accepted: true } });
  });
});

describe('the header flow ([auth.proxy])', () => {
  const proxy = (extra: Record<string, unknown> = {}) => [
    pomeriumValues({ extraOpts: { jwt_claims_headers: ['email', 'groups'] } }),
    grafanaValues({ 'auth.proxy': { enabled: true, header_name: 'X-Pomerium-Claim-Email', header_property: 'username', ...extra }, 'users': { auto_assign_org_role: 'Editor' } }),
  ];
  test('the user is the email header; new users get auto_assign_org_role', async () => {
    const r = await run(proxy(), { ...ada, groups: ['a', 'b'] });
    expect(r).toMatchObject({ flow: 'headers', grafana: { accepted: true, login: 'ada@example.com', role: 'Editor' } });
    expect(r.details.headers).toMatchObject({ 'x-pomerium-claim-email': 'ada@example.com', 'x-pomerium-claim-groups': 'a,b' });
  });
  test('a header Pomerium does not send: the auth proxy is not used', async () => {
    await expect(run(proxy({ header_name: 'X-WEBAUTH-USER' }), ada)).resolves.toMatchObject({ grafana: { accepted: false, error: expect.stringContaining('X-WEBAUTH-USER') } });
  });
  test('auto_sign_up off: "Sign up is disabled"; whitelist noted as unverifiable', async () => {
    const r = await run(proxy({ auto_sign_up: false, whitelist: '10.0.0.0/8' }), ada);
    expect(r.grafana.error).toBe('Sign up is disabled');
    expect(r.details.notes.join('\n')).toMatch(/cannot tell Pomerium apart/);
  });
});

describe('the oidc flow ([auth.generic_oauth])', () => {
  const oauth = (extra: Record<string, unknown> = {}) => [grafanaValues({
    'auth.generic_oauth': { enabled: true, groups_attribute_path: 'groups', login_attribute_path: 'preferred_username', role_attribute_strict: true, role_attribute_path: "contains(groups[*], 'admins') && 'grafanaadmin' || contains(groups[*], 'viewers') && 'viewer'", ...extra },
  })];
  test('roles are title-cased; GrafanaAdmin case-insensitive, only with allow_assign_grafana_admin', async () => {
    const r = await run(oauth(), { sub: 's', email: 'a@x', preferred_username: 'a', groups: ['viewers'] });
    expect(r).toMatchObject({ flow: 'oidc', pomerium: { allowed: true }, grafana: { accepted: true, login: 'a', role: 'Viewer' } });
    expect(r.pomerium.reasons[0]).toMatch(/Pomerium is not involved/);
    await expect(run(oauth({ allow_assign_grafana_admin: true }), { sub: 's', email: 'a@x', groups: ['admins'] })).resolves.toMatchObject({ grafana: { role: 'Admin', grafanaAdmin: true } });
  });
  // generic_oauth.go extractRoleAndOrgs calls extractRoleAndAdminOptional(data.rawJSON, []string{}):
  // the retry sees {"groups": []}, never the groups from groups_attribute_path.
  test('the role path is retried on {"groups": []}, not on the groups from groups_attribute_path', async () => {
    const retry = "length(groups) == `0` && 'Editor' || contains(groups, 'viewers') && 'Viewer'";
    const r = await run(oauth({ groups_attribute_path: 'realm.groups', role_attribute_path: retry }), { sub: 's', email: 'a@x', realm: { groups: ['viewers'] } });
    expect(r.grafana).toMatchObject({ accepted: true, role: 'Editor' });
  });
  test('strict without a role and allowed_groups refuse with Grafana\'s words', async () => {
    await expect(run(oauth(), { sub: 's', email: 'a@x', groups: [] })).resolves.toMatchObject({
      grafana: { error: 'IdP did not return a role attribute, please contact your administrator: could not evaluate any valid roles using IdP provided data' },
    });
    await expect(run(oauth({ role_attribute_strict: false, allowed_groups: 'team' }), { sub: 's', email: 'a@x', groups: ['viewers'] }))
      .resolves.toMatchObject({ grafana: { error: 'user not a member of one of the required groups' } });
  });
});

function stringify(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}
