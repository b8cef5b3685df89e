import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSigningKey, KeygenError, KEYGEN_FILES, loadJose, main } from '../../src/cli/keygen';
import { PropContext } from '../../src/errors';
import { publicJwkFromPem } from '../../src/pomerium/signing-key';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keygen-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const read = (file: string) => fs.readFileSync(path.join(tmp, file), 'utf8');
const mode = (file: string) => fs.statSync(path.join(tmp, file)).mode % 0o1000;

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out: () => out.join(''), err: () => err.join('') };
}

describe('generateSigningKey', () => {
  test('writes the private key (0600), its base64 (0600), the public key and the JWKS', async () => {
    const key = await generateSigningKey({ outDir: tmp });
    expect(fs.readdirSync(tmp).sort()).toEqual(['jwks.json', 'signing-key.b64', 'signing-key.pem', 'signing-key.pub.pem']);
    expect(mode(KEYGEN_FILES.privateKey)).toBe(0o600);
    expect(mode(KEYGEN_FILES.signingKeyBase64)).toBe(0o600);
    expect(mode(KEYGEN_FILES.publicKey)).toBe(0o644);
    expect(mode(KEYGEN_FILES.jwks)).toBe(0o644);

    const privatePem = read(KEYGEN_FILES.privateKey);
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/); // PKCS#8
    const privateKey = createPrivateKey(privatePem);
    expect(privateKey.asymmetricKeyType).toBe('ec');
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // The public file is the private key's public half, as SPKI.
    expect(read(KEYGEN_FILES.publicKey)).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(privateKey).export({ format: 'pem', type: 'spki' })).toBe(read(KEYGEN_FILES.publicKey));
    expect(key.files.privateKey).toBe(path.join(tmp, KEYGEN_FILES.privateKey));
  });

  test("the kid is Pomerium's (lowercase hex SHA-256 thumbprint) and matches publicJwkFromPem", async () => {
    const key = await generateSigningKey({ outDir: tmp });
    expect(key.kid).toMatch(/^[0-9a-f]{64}$/);
    const fromLibrary = publicJwkFromPem(PropContext.detached('test'), read(KEYGEN_FILES.publicKey));
    expect(fromLibrary.kid).toBe(key.kid);
    // jose's own thumbprint is the same digest in base64url: the form Pomerium does NOT use.
    const jose = await loadJose();
    const b64url = await jose.calculateJwkThumbprint(await jose.exportJWK(createPublicKey(read(KEYGEN_FILES.publicKey))), 'sha256');
    expect(b64url).toBe(key.thumbprintBase64url);
    expect(b64url).not.toBe(key.kid);
    expect(Buffer.from(b64url, 'base64url').toString('hex')).toBe(key.kid);
  });

  test('jwks.json is the public JWKS as Pomerium publishes it, without private members', async () => {
    const key = await generateSigningKey({ outDir: tmp });
    const jwks = JSON.parse(read(KEYGEN_FILES.jwks));
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toEqual({ kty: 'EC', use: 'sig', alg: 'ES256', kid: key.kid, crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    expect(jwk).not.toHaveProperty('d');
    expect(read(KEYGEN_FILES.jwks)).toBe(key.jwks);
    // The JWK is the public key itself.
    expect(createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' })).toBe(read(KEYGEN_FILES.publicKey));
  });

  test("signing-key.b64 is base64 of the PEM, which Pomerium's signing_key decodes back to a PKCS#8 key", async () => {
    const key = await generateSigningKey({ outDir: tmp });
    const b64 = read(KEYGEN_FILES.signingKeyBase64);
    expect(b64).toMatch(/^[A-Za-z0-9+/]+=*$/); // one line, no trailing newline
    expect(b64).toBe(key.signingKeyBase64);
    // Pomerium: TrimSpace, base64.StdEncoding.DecodeString, then PEM blocks.
    const decoded = Buffer.from(b64.trim(), 'base64').toString('utf8');
    expect(decoded).toBe(read(KEYGEN_FILES.privateKey));
    expect(createPrivateKey(decoded).asymmetricKeyType).toBe('ec');
  });

  test('RS256 gives an RSA 2048 key with an RS256 JWK and the same kid rule', async () => {
    const key = await generateSigningKey({ outDir: tmp, alg: 'RS256' });
    expect(createPrivateKey(read(KEYGEN_FILES.privateKey)).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const [jwk] = JSON.parse(read(KEYGEN_FILES.jwks)).keys;
    expect(jwk).toEqual({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: key.kid, n: expect.any(String), e: 'AQAB' });
    expect(publicJwkFromPem(PropContext.detached('test'), read(KEYGEN_FILES.publicKey)).kid).toBe(key.kid);
  });

  test('refuses to overwrite: an existing file aborts before any key is written', async () => {
    fs.writeFileSync(path.join(tmp, KEYGEN_FILES.jwks), 'keep me');
    await expect(generateSigningKey({ outDir: tmp })).rejects.toThrow(KeygenError);
    await expect(generateSigningKey({ outDir: tmp })).rejects.toThrow(/refusing to overwrite existing file\(s\): .*jwks\.json/);
    expect(fs.readdirSync(tmp)).toEqual(['jwks.json']);
    expect(read(KEYGEN_FILES.jwks)).toBe('keep me');
  });

  test('refuses to overwrite an earlier key', async () => {
    const first = await generateSigningKey({ outDir: tmp });
    const before = read(KEYGEN_FILES.privateKey);
    await expect(generateSigningKey({ outDir: tmp })).rejects.toThrow(/refusing to overwrite/);
    expect(read(KEYGEN_FILES.privateKey)).toBe(before);
    expect(JSON.parse(read(KEYGEN_FILES.jwks)).keys[0].kid).toBe(first.kid);
  });

  test('creates a missing output directory, mode 0700', async () => {
    const dir = path.join(tmp, 'keys', 'pomerium');
    await generateSigningKey({ outDir: dir });
    expect(fs.statSync(dir).mode % 0o1000).toBe(0o700);
    expect(fs.readdirSync(dir)).toHaveLength(4);
  });

  test('refuses algorithms Pomerium does not sign with', async () => {
    await expect(generateSigningKey({ outDir: tmp, alg: 'ES384' })).rejects.toThrow(/ES256 \(EC P-256\) or RS256/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('main (the CLI)', () => {
  test('prints the kid and the kubectl command, never the private key', async () => {
    const c = captureIo();
    expect(await main(['--out', tmp], c.io)).toBe(0);
    const out = c.out();
    const kid = JSON.parse(read(KEYGEN_FILES.jwks)).keys[0].kid;
    expect(out).toContain(`kid: ${kid}`);
    const secretFile = path.relative(process.cwd(), path.join(tmp, KEYGEN_FILES.signingKeyBase64));
    expect(out).toContain(`kubectl create secret generic pomerium-signing-key -n pomerium --from-file=signing-key=${secretFile}\n`);
    expect(out).toContain('JwtKeySource.jwksFile');
    // Neither the PEM nor its base64 (which is the same secret) reaches stdout by default.
    expect(out).not.toContain('PRIVATE KEY');
    expect(out).not.toContain(read(KEYGEN_FILES.signingKeyBase64));
    expect(out).not.toContain(read(KEYGEN_FILES.privateKey).split('\n')[1]);
    expect(c.err()).toBe('');
  });

  // The hint names the release prop (a route's `pomerium` is a PomeriumRelease), in the Secret's namespace.
  test('the cdk8s hint names the signing key on a PomeriumRelease, in the namespace of the Secret', async () => {
    const c = captureIo();
    expect(await main(['--out', tmp, '--namespace', 'auth'], c.io)).toBe(0);
    expect(c.out()).toContain('new PomeriumRelease(');
    expect(c.out()).toContain("signingKeySecretName: 'pomerium-signing-key'");
    expect(c.out()).toContain("namespace: 'auth'");
    expect(c.out()).not.toContain('pomerium: { signingKeySecretName');
  });

  test('--print-signing-key prints the base64 value, which decodes to the PEM', async () => {
    const c = captureIo();
    expect(await main([`--out=${tmp}`, '--print-signing-key', '--namespace', 'auth', '--secret-name', 'grafana-signing-key'], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n');
    const printed = lines[lines.length - 1];
    expect(Buffer.from(printed, 'base64').toString('utf8')).toBe(read(KEYGEN_FILES.privateKey));
    expect(c.out()).toContain('kubectl create secret generic grafana-signing-key -n auth --from-file=signing-key=');
    expect(c.out()).not.toContain('PRIVATE KEY');
  });

  test('exit code 1 and a message when a file exists', async () => {
    fs.writeFileSync(path.join(tmp, KEYGEN_FILES.privateKey), 'old key');
    const c = captureIo();
    expect(await main(['--out', tmp], c.io)).toBe(1);
    expect(c.err()).toMatch(/refusing to overwrite existing file\(s\): .*signing-key\.pem/);
    expect(c.out()).toBe('');
    expect(read(KEYGEN_FILES.privateKey)).toBe('old key');
  });

  test.each([
    [['--alg', 'HS256'], /--alg 'HS256' is not supported/],
    [['--bogus'], /unknown argument '--bogus'/],
    [['--out'], /--out needs a value/],
    [['--namespace', 'Pomerium'], /not a Kubernetes name/],
  ])('exit code 2 on bad usage %j', async (argv, message) => {
    const c = captureIo();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err()).toMatch(message);
    expect(c.err()).toContain('Usage: cdk8s-grafana-pomerium-keygen');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('--help prints the usage', async () => {
    const c = captureIo();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: cdk8s-grafana-pomerium-keygen [--out DIR] [--alg ES256|RS256]');
  });
});
