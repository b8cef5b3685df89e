/**
 * `cdk8s-grafana-pomerium explain` as a user runs it: a child process (the sources compiled
 * transpile-only once, test/support/compile-cli.ts), on hand-written output folders. Every hostile or broken input
 * ends with exit 2 and exactly one line on stderr, never a stack trace, and nothing written;
 * `--token-out` writes a token that the JWKS written beside it verifies.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { loadJose } from '../../src/cli/keygen';
import { hexThumbprint } from '../../src/simulate/mint';
import { compileCli } from '../support/compile-cli';
import { pomeriumJwtSettings } from '../support/grafana-jwt-settings';

jest.setTimeout(60_000);
const root = path.resolve(__dirname, '..', '..');
const cli = compileCli('cli/explain.ts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-cli-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  cli.dispose();
});

const HOST = 'grafana.example.com';

function write(rel: string, content: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli.entry, 'explain', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter((l) => l !== '') };
}

/** Exit 2, one line naming the problem, no stack frame, nothing on stdout. */
function expectRefused(r: ReturnType<typeof run>, message: RegExp) {
  expect(r.status).toBe(2);
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).toMatch(/^cdk8s-grafana-pomerium explain: /);
  expect(r.lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:|ReferenceError|TypeError/);
  expect(r.stdout).toBe('');
}

// A Pomerium that names its signing key (so Grafana's pinned JWKS can match it) in front of a
// Grafana that pins a public key in a ConfigMap: the case where --token-out used to write a
// JWKS no verifier could use.
const pinned = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pinnedPublic = pinned.publicKey.export({ format: 'jwk' }) as Record<string, string>;
const pomeriumValues = {
  config: {
    existingSigningKeySecret: 'pomerium-signing-key',
    routes: [{ from: `https://${HOST}`, to: 'http://grafana.monitoring', pass_identity_headers: true, policy: { allow: { or: [{ domain: { is: 'example.com' } }] } } }],
  },
};
const grafanaValues = {
  'grafana.ini': {
    'server': { root_url: `https://${HOST}/` },
    'auth.jwt': { ...pomeriumJwtSettings(HOST), jwk_set_file: '/etc/grafana/pomerium/jwks.json' },
  },
  'extraConfigmapMounts': [{ name: 'pomerium-jwks', configMap: 'pomerium-jwks', mountPath: '/etc/grafana/pomerium', readOnly: true }],
};
// Pomerium's kid is the hex thumbprint (pkg/cryptutil/jose.go); go-jose matches kids exactly.
let jwksConfigMap: Record<string, unknown>;
beforeAll(async () => {
  const pinnedJwk = { ...pinnedPublic, use: 'sig', alg: 'ES256', kid: await hexThumbprint(pinnedPublic) };
  jwksConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pomerium-jwks', namespace: 'monitoring' }, data: { 'jwks.json': JSON.stringify({ keys: [pinnedJwk] }) } };
  write('out/manifests/jwks.k8s.yaml', YAML.stringify(jwksConfigMap));
});
const out = path.join(tmp, 'out');
write('out/helm-values/pomerium.yaml', YAML.stringify(pomeriumValues));
write('out/helm-values/grafana.yaml', YAML.stringify(grafanaValues));
const manifests = path.join(out, 'manifests');
const ada = write('ada.json', JSON.stringify({ sub: 'u-ada', email: 'ada@example.com', name: 'Ada' }));

describe('explain on a good folder', () => {
  test('the pinned-key case is accepted, with the signature assumed', () => {
    const r = run(manifests, '--host', HOST, '--claims', ada, '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ flow: 'jwt', pomerium: { allowed: true }, grafana: { accepted: true, login: 'ada@example.com', role: 'Viewer' } });
  });

  test('--token-out writes the public JWKS of the key that signed the token, under the kid the token names, and it verifies the token', async () => {
    const tokenOut = path.join(tmp, 'tokens', 'ada.jwt');
    fs.mkdirSync(path.dirname(tokenOut), { recursive: true });
    const r = run(manifests, '--host', HOST, '--claims', ada, '--token-out', tokenOut);
    expect(r.status).toBe(0);
    const jose = await loadJose();
    const token = fs.readFileSync(tokenOut, 'utf8').trim();
    const jwks = JSON.parse(fs.readFileSync(`${tokenOut}.jwks.json`, 'utf8'));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0].kid).toBe(jose.decodeProtectedHeader(token).kid);
    expect(jwks.keys[0].d).toBeUndefined();
    const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { issuer: HOST, audience: HOST });
    expect(payload).toMatchObject({ sub: 'u-ada', email: 'ada@example.com' });
  });

  test('--token-out with --signing-key: the JWKS is that key\'s public half', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = write('keys/signing-key.pem', key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const tokenOut = path.join(tmp, 'tokens', 'ada-signed.jwt');
    const r = run(manifests, '--host', HOST, '--claims', ada, '--signing-key', keyFile, '--token-out', tokenOut);
    // Grafana pins another key: refused, but the token is minted and its JWKS verifies it.
    expect(r.status).toBe(1);
    const jose = await loadJose();
    const jwks = JSON.parse(fs.readFileSync(`${tokenOut}.jwks.json`, 'utf8'));
    expect(jwks.keys[0].x).toBe((key.publicKey.export({ format: 'jwk' }) as { x: string }).x);
    await expect(jose.jwtVerify(fs.readFileSync(tokenOut, 'utf8').trim(), jose.createLocalJWKSet(jwks))).resolves.toBeDefined();
  });

  test('--anonymous: a request without a session is denied by a domain policy, and needs no claims', () => {
    const r = run(manifests, '--host', HOST, '--anonymous', '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ pomerium: { allowed: false }, grafana: { accepted: false, error: 'not reached: Pomerium denied the request' } });
  });
});

describe('explain refuses hostile and broken input: exit 2, one line, no stack', () => {
  test('a billion-laughs file', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(',')}]`);
    const dir = path.dirname(write('laughs/values.yaml', levels.join('\n') + '\n'));
    expectRefused(run(dir, '--host', HOST, '--claims', ada), /laughs\/values\.yaml:1: more than 100 YAML aliases/);
  });

  test('150 benign aliases of one anchor (the limit counts aliases, not size)', () => {
    const text = ['anchor: &x 1', ...Array.from({ length: 150 }, (_, i) => `k${i}: *x`)].join('\n');
    const dir = path.dirname(write('benign/values.yaml', text));
    expectRefused(run(dir, '--host', HOST, '--claims', ada), /more than 100 YAML aliases/);
  });

  test('an alias bomb inside the second document of a manifest file names its line', () => {
    const text = `${YAML.stringify(jwksConfigMap)}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n  a: &x "1"\n${Array.from({ length: 120 }, (_, i) => `  k${i}: *x`).join('\n')}\n`;
    const dir = path.dirname(write('bomb2/all.yaml', text));
    expectRefused(run(dir, '--host', HOST, '--claims', ada), new RegExp(`bomb2/all\\.yaml:${YAML.stringify(jwksConfigMap).split('\n').length}: more than 100`));
  });

  test('invalid YAML, named by file and line', () => {
    const dir = path.dirname(write('invalid/values.yaml', 'a: 1\nb: "unterminated\n'));
    // The parser notices the missing quote at the end of the text: line 3.
    expectRefused(run(dir, '--host', HOST, '--claims', ada), /invalid\/values\.yaml:3: not valid YAML \(Missing closing "quote\)/);
  });

  test('nesting deep enough to overflow a recursive parser', () => {
    const dir = path.dirname(write('deep/values.yaml', '['.repeat(50_000)));
    expectRefused(run(dir, '--host', HOST, '--claims', ada), /deep\/values\.yaml:1: not valid YAML/);
  });

  test('a dangling symbolic link in the folder, and as the folder itself', () => {
    const dir = path.join(tmp, 'dangling');
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(tmp, 'nowhere.yaml'), path.join(dir, 'gone.yaml'));
    expectRefused(run(dir, '--host', HOST, '--claims', ada), /gone\.yaml is a dangling symbolic link \(to .*nowhere\.yaml/);
    fs.symlinkSync(path.join(tmp, 'no-folder'), path.join(tmp, 'dangling-root'));
    expectRefused(run(path.join(tmp, 'dangling-root'), '--host', HOST, '--claims', ada), /dangling-root is a dangling symbolic link/);
  });

  test('a symbolic link loop', () => {
    const dir = path.join(tmp, 'loop');
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(dir, 'b.yaml'), path.join(dir, 'a.yaml'));
    fs.symlinkSync(path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml'));
    expectRefused(run(dir, '--host', HOST, '--claims', ada), /a loop of symbolic links/);
  });

  test('a --signing-key file that is not a key (checked before simulating, whatever the flow)', () => {
    const notKey = write('keys/not-a-key.pem', 'hello\n');
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--signing-key', notKey), /--signing-key .*not-a-key\.pem is not a private key Pomerium can sign with/);
    const publicOnly = write('keys/public.pem', pinned.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--signing-key', publicOnly), /public\.pem is not a private key/);
    const ed = write('keys/ed25519.pem', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--signing-key', ed), /EC P-256 or RSA/);
  });

  test('a --token-out path in a missing folder is refused before anything is simulated or written', () => {
    const tokenOut = path.join(tmp, 'missing-folder', 'ada.jwt');
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--token-out', tokenOut), /--token-out folder .*missing-folder does not exist/);
    expect(fs.existsSync(path.dirname(tokenOut))).toBe(false);
    // Even when the simulation itself would refuse the host: the token path is checked first.
    expectRefused(run(manifests, '--host', 'other.example.com', '--claims', ada, '--token-out', tokenOut), /missing-folder does not exist/);
  });

  test('a --token-out path that is a folder', () => {
    const folder = path.join(tmp, 'tokens-folder');
    fs.mkdirSync(folder, { recursive: true });
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--token-out', folder), /tokens-folder is a folder/);
  });

  test('claims: missing, a folder, not JSON, not an object; --claims with --anonymous', () => {
    expectRefused(run(manifests, '--host', HOST, '--claims', path.join(tmp, 'nobody.json')), /the claims file .*nobody\.json does not exist/);
    expectRefused(run(manifests, '--host', HOST, '--claims', tmp), /it is a folder, not a file/);
    expectRefused(run(manifests, '--host', HOST, '--claims', write('bad.json', '{ "sub": ')), /is not valid JSON/);
    expectRefused(run(manifests, '--host', HOST, '--claims', write('list.json', '["a"]')), /must hold a JSON object/);
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--anonymous'), /--claims and --anonymous exclude each other/);
  });

  test('usage errors are one line too', () => {
    expectRefused(run(manifests, '--host', HOST), /--claims is required .*\(see --help\)/);
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--edition', 'gold'), /--edition is oss or enterprise/);
    expectRefused(run(manifests, '--host', HOST, '--claims', ada, '--bogus'), /unknown option '--bogus'/);
  });

  test('a missing folder, a missing --values folder, an unknown host', () => {
    expectRefused(run(path.join(tmp, 'no-such-output'), '--host', HOST, '--claims', ada), /no-such-output does not exist/);
    expectRefused(run(manifests, '--values', path.join(tmp, 'no-values'), '--host', HOST, '--claims', ada), /no-values does not exist/);
    expectRefused(run(manifests, '--host', 'nope.example.com', '--claims', ada), /hosts found: grafana\.example\.com/);
  });
});
