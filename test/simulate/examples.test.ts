/**
 * Every example, simulated from its synthesized output (as `npm run synth` writes it):
 * an admin, a viewer and an outsider each. Hosts are read from the output; what each
 * user should get is in EXPECTED, one row per example and unit, so a change to an
 * example is a change to one row. The CLI runs on one synthesized folder too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discover } from '../../src/simulate/discover';
import { loadSynthesized } from '../../src/simulate/read-output';
import { simulateDocuments, SimulationResult } from '../../src/simulate/simulate';
import { compileCli } from '../support/compile-cli';

const root = path.resolve(__dirname, '..', '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-examples-'));
// Exactly what `npm run synth` runs: the compiled examples (built once, under a lock, and shared
// with test/examples/cdk8s-cli.test.ts, which checks they write the same bytes as the sources).
execFileSync(process.execPath, [path.join(root, 'scripts', 'examples-build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
execFileSync(process.execPath, [path.join(root, '.examples-build', 'scripts', 'synth-examples.js')], {
  cwd: root, env: { ...process.env, EXAMPLES_OUT: out }, stdio: 'pipe',
});
const dist = path.join(out, 'dist');
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

type Expect = Partial<Record<'pomerium' | 'grafana' | 'flow', unknown>>;
interface Row {
  /** examples/<name>. */
  readonly example: string;
  /** Files or folders (relative to dist/<name>) that form one installation; default the whole folder. */
  readonly paths?: string[];
  /** Needed only when the unit serves several hosts. */
  readonly host?: string;
  readonly admin: [Record<string, unknown>, Expect];
  readonly viewer: [Record<string, unknown>, Expect];
  readonly outsider: [Record<string, unknown>, Expect];
}

const user = (email: string, groups: string[] = [], extra: Record<string, unknown> = {}) => ({ sub: `id-${email}`, email, name: email, groups, ...extra });
const ok = (role: string, flow?: string): Expect => ({ ...(flow ? { flow } : {}), pomerium: { allowed: true }, grafana: { accepted: true, role } });
const denied: Expect = { pomerium: { allowed: false }, grafana: { accepted: false } };
const rejected = (error: string | RegExp): Expect => ({ pomerium: { allowed: true }, grafana: { accepted: false, error: typeof error === 'string' ? error : expect.stringMatching(error) } });

// `AccessPolicy.groups()` renders `claim/groups` (name or /name), which open-source Pomerium
// matches; a Pomerium that signs with a key Grafana pinned is named in each form.
const EXPECTED: Row[] = [
  { example: 'grafana-auth-proxy', admin: [user('ada@yourcompany.com'), ok('Editor', 'headers')], viewer: [user('bob@yourcompany.com'), ok('Editor')], outsider: [user('eve@evil.com'), denied] },
  { example: 'grafana-jwt', admin: [user('ada@example.com'), ok('Viewer', 'jwt')], viewer: [user('bob@example.com'), ok('Viewer')], outsider: [user('eve@evil.com'), denied] },
  {
    example: 'grafana-jwt-local-jwks',
    host: 'grafana-a.example.com',
    admin: [user('ada@example.com', ['team-a-admins', 'team-a']), ok('Admin', 'jwt')],
    // Keycloak's full group path: Pomerium's claim/groups admits it and the role mapping maps it.
    viewer: [user('bob@example.com', ['/team-a']), ok('Editor')],
    outsider: [user('eve@evil.com', ['team-b']), denied],
  },
  {
    example: 'grafana-jwt-local-jwks',
    host: 'grafana-b.example.com',
    admin: [user('ada@example.com', ['/team-b']), ok('Viewer', 'jwt')],
    viewer: [user('bob@example.com', ['team-b']), ok('Viewer')],
    outsider: [user('eve@evil.com', ['team-a']), denied],
  },
  {
    // One tenant of the fleet: the shared Pomerium carries every tenant's route; another tenant's admin is denied.
    example: 'fleet',
    host: 'grafana-acme.example.com',
    admin: [user('ada@acme.example', ['/acme-grafana-admin']), ok('Admin', 'jwt')],
    viewer: [user('bob@acme.example', ['acme-grafana-viewer']), ok('Viewer')],
    outsider: [user('eve@globex.example', ['tenant-globex-grafana-admin']), denied],
  },
  {
    example: 'grafana-managed',
    admin: [user('ada@example.com', ['sre'], { department: 'platform' }), ok('Admin', 'jwt')],
    viewer: [user('bob@example.com', ['platform'], { department: 'platform' }), ok('Viewer')],
    // Pomerium admits by claim/department, Grafana maps roles by group: in the department but in
    // neither group passes Pomerium and is refused by Grafana's strict mapping.
    outsider: [user('eve@example.com', [], { department: 'platform' }), rejected(/^Invalid Role in claim/)],
  },
  { example: 'istio-auth-proxy', admin: [user('ada@yourcompany.com'), ok('Editor', 'headers')], viewer: [user('bob@yourcompany.com'), ok('Editor')], outsider: [user('eve@evil.com'), denied] },
  { example: 'istio-jwt', admin: [user('ada@yourcompany.com'), ok('Viewer', 'jwt')], viewer: [user('bob@yourcompany.com'), ok('Viewer')], outsider: [user('eve@evil.com'), denied] },
  {
    example: 'keycloak-oidc',
    host: 'grafana.acme.example.com',
    admin: [user('alice@acme.example', ['tenant-acme-monitoring-admin']), ok('Admin', 'oidc')],
    viewer: [user('bob@acme.example', ['/tenant-acme-monitoring-viewer']), ok('Viewer')],
    outsider: [user('eve@other.example', ['cozy-monitoring-monitoring-system-admin']), rejected('IdP did not return a role attribute, please contact your administrator: could not evaluate any valid roles using IdP provided data')],
  },
  {
    example: 'keycloak-oidc',
    host: 'grafana.example.com',
    admin: [user('ada@example.com', ['/pomerium-pomerium-admin']), ok('Admin', 'jwt')],
    viewer: [user('bob@example.com', ['pomerium-pomerium-viewer']), ok('Viewer')],
    outsider: [user('eve@evil.com', ['tenant-acme-monitoring-admin']), denied],
  },
];

function unitDocuments(row: Row) {
  const base = path.join(dist, row.example);
  return (row.paths ?? ['.']).flatMap((p) => loadSynthesized(path.join(base, p), path.join(base, p)).slice(0, undefined))
    .filter((d, i, all) => all.findIndex((o) => o.source === d.source && o.doc === d.doc) === i);
}

function hostOf(row: Row, documents: ReturnType<typeof unitDocuments>): string {
  if (row.host) return row.host;
  const found = discover(documents);
  const hosts = [...new Set([...found.routes.map((r) => r.host), ...found.grafanas.map((g) => g.host).filter((h): h is string => !!h)])];
  if (hosts.length !== 1) throw new Error(`${row.example}: the output serves ${hosts.join(', ')}; give the row a host`);
  return hosts[0];
}

test('every example has a row', () => {
  const examples = fs.readdirSync(path.join(root, 'examples')).filter((e) => fs.existsSync(path.join(root, 'examples', e, 'main.ts')));
  expect(examples.filter((e) => !EXPECTED.some((r) => r.example === e))).toEqual([]);
});

describe.each(EXPECTED.map((row) => [`${row.example}${row.paths ? ` [${row.paths.join(', ')}]` : ''}${row.host ? ` ${row.host}` : ''}`, row] as const))('%s', (_name, row) => {
  const documents = unitDocuments(row);
  const host = hostOf(row, documents);
  test.each(['admin', 'viewer', 'outsider'] as const)('%s', async (who) => {
    const [claims, expected] = row[who];
    const r: SimulationResult = await simulateDocuments(documents, { host, claims });
    expect(r).toMatchObject(expected);
  });
});

describe('the CLI on a synthesized folder', () => {
  // Compiled once for the file, run with plain node (a ts-node child costs seconds).
  const cli = compileCli('cli/explain.ts');
  afterAll(() => cli.dispose());
  const dir = path.join(dist, 'grafana-jwt');
  const claimsFile = (name: string, claims: unknown) => {
    const file = path.join(out, name);
    fs.writeFileSync(file, JSON.stringify(claims));
    return file;
  };
  const run = (...args: string[]) => spawnSync(process.execPath, [cli.entry, ...args], { cwd: root, encoding: 'utf8' });

  test('exit 0 and exactly the documented JSON keys for an allowed user; the token and its JWKS are written', () => {
    const tokenOut = path.join(out, 'token.jwt');
    const r = run('explain', dir, '--host', 'grafana.example.com', '--claims', claimsFile('ada.json', user('ada@example.com')), '--json', '--token-out', tokenOut);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['host', 'flow', 'pomerium', 'grafana']);
    expect(Object.keys(json.pomerium)).toEqual(['allowed', 'reasons']);
    expect(Object.keys(json.grafana)).toEqual(['accepted', 'error', 'login', 'email', 'role', 'grafanaAdmin']);
    expect(json).toMatchObject({ host: 'grafana.example.com', flow: 'jwt', grafana: { accepted: true, error: null, login: 'ada@example.com', role: 'Viewer', grafanaAdmin: false } });
    expect(fs.readFileSync(tokenOut, 'utf8').trim().split('.')).toHaveLength(3);
    expect(JSON.parse(fs.readFileSync(`${tokenOut}.jwks.json`, 'utf8')).keys[0].kid).toMatch(/^[0-9a-f]{64}$/);
  });

  test('exit 1 with a readable verdict for an outsider', () => {
    const r = run('explain', dir, '--host', 'grafana.example.com', '--claims', claimsFile('eve.json', user('eve@evil.com')));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Pomerium: DENIED/);
  });

  test('exit 2 with a clear message on bad input', () => {
    const unknownHost = run('explain', dir, '--host', 'nope.example.com', '--claims', claimsFile('ada2.json', user('ada@example.com')));
    expect(unknownHost.status).toBe(2);
    expect(unknownHost.stderr).toMatch(/hosts found: grafana\.example\.com/);
    const noClaims = run('explain', dir, '--host', 'grafana.example.com');
    expect(noClaims.status).toBe(2);
    expect(noClaims.stderr).toMatch(/--claims is required/);
  });
});
