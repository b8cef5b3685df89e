/**
 * Mints an `X-Pomerium-Jwt-Assertion` the way Pomerium does (GUIDE.md, Pomerium
 * section; pkg/cryptutil/jose.go): signed with the first key of `signing_key`
 * (ES256 for EC P-256, RS256 for RSA), header `kid` = lowercase hex of the
 * RFC 7638 SHA-256 thumbprint, `typ: JWT`; claims `iss` = `aud` = route host
 * (aud a plain string), `sub`/`user`, `email`, `name`, `groups` (`[]` when
 * none), `sid`, `jti`, `iat` = now, `exp` = now + 5 min, no `nbf`.
 * Used by the login simulator (src/simulate/simulate.ts) and the tests.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { loadJose } from '../cli/keygen';

export interface AssertionOptions {
  /** PKCS#8 private key PEM (what `signing-key.pem` holds). */
  readonly privateKeyPem: string;
  readonly alg: string;
  /** Header kid; Pomerium's is the hex thumbprint. */
  readonly kid: string;
  /** The route host: Pomerium's iss and aud. */
  readonly routeHost: string;
  /** Seconds since the epoch. @default now */
  readonly now?: number;
  /** Claims to override or add (e.g. a different `exp`). */
  readonly claims?: Record<string, unknown>;
}

export async function mintPomeriumAssertion(o: AssertionOptions): Promise<string> {
  const jose = await loadJose();
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const key = await jose.importPKCS8(o.privateKeyPem, o.alg);
  const claims: Record<string, unknown> = {
    iss: o.routeHost,
    aud: o.routeHost,
    sub: 'idp-user-0042',
    user: 'idp-user-0042',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    groups: [],
    sid: randomUUID(),
    jti: randomUUID(),
    iat: now,
    exp: now + 5 * 60,
    ...o.claims,
  };
  return new jose.SignJWT(claims).setProtectedHeader({ alg: o.alg, kid: o.kid, typ: 'JWT' }).sign(key);
}

/** A key Pomerium could sign with, ready for jose. */
export interface SimSigningKey {
  readonly alg: string;
  /** Pomerium's kid: lowercase hex of the RFC 7638 SHA-256 thumbprint (pkg/cryptutil/jose.go). */
  readonly kid: string;
  readonly privateKeyPem: string;
  /** The public JWK as Pomerium publishes it (use, alg, kid set). */
  readonly publicJwk: Record<string, unknown>;
}

let testKey: Promise<SimSigningKey> | undefined;

/** A fresh EC P-256 key, generated once per process and never written anywhere. */
export function testSigningKey(): Promise<SimSigningKey> {
  testKey ??= (async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return signingKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  })();
  return testKey;
}

/**
 * The user's private key: a PEM (PKCS#8, SEC 1 or PKCS#1) or the base64 of one, which is
 * how Pomerium's `signing_key` holds it. EC P-256 signs ES256, RSA signs RS256.
 */
export async function signingKeyFromPem(input: string): Promise<SimSigningKey> {
  const pem = input.includes('-----BEGIN') ? input : Buffer.from(input.trim(), 'base64').toString('utf8');
  const key = createPrivateKey({ key: pem, format: 'pem' });
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as Record<string, string>;
  let alg: string;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') alg = 'ES256';
  else if (jwk.kty === 'RSA') alg = 'RS256';
  else throw new Error(`Pomerium signs with EC P-256 or RSA keys only, not ${jwk.kty} ${jwk.crv ?? ''}`.trim());
  const kid = await hexThumbprint(jwk);
  return {
    alg,
    kid,
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }) as string,
    publicJwk: { ...jwk, use: 'sig', alg, kid },
  };
}

/** RFC 7638 SHA-256 thumbprint in lowercase hex, as Pomerium prints it (not base64url). */
export async function hexThumbprint(jwk: Record<string, unknown>): Promise<string> {
  const jose = await loadJose();
  const b64 = await jose.calculateJwkThumbprint(jwk as any, 'sha256');
  return Buffer.from(b64, 'base64url').toString('hex');
}

/** Pomerium's kid for a public key given as PEM (key_file) or JWK; undefined when unreadable. */
export async function kidOfPublicKey(key: string | Record<string, unknown>): Promise<string | undefined> {
  try {
    if (typeof key === 'string') {
      return await hexThumbprint(createPublicKey({ key, format: 'pem' }).export({ format: 'jwk' }) as Record<string, unknown>);
    }
    const { kid: _kid, use: _use, alg: _alg, ...members } = key;
    return await hexThumbprint(members);
  } catch {
    return undefined;
  }
}

/** What Pomerium puts in the assertion for one user on one route. */
export interface AssertionInput {
  /** The IdP's claims. */
  readonly claims: Record<string, unknown>;
  readonly host: string;
  /** Route or global `jwt_issuer_format`: 'uri' gives `https://host/`. */
  readonly issuerFormat?: string;
  /** Claims named in `jwt_claims_headers`. */
  readonly extraClaims: readonly string[];
  /** Enterprise directory groups, when known; else the IdP's `groups` claim. */
  readonly directoryGroups?: readonly string[];
  readonly now: number;
}

const STANDARD_CLAIMS = ['iss', 'aud', 'sub', 'user', 'email', 'name', 'groups', 'sid', 'jti', 'iat', 'exp'];

/**
 * The assertion's payload (GUIDE.md, Pomerium; authorize/evaluator headers): iss/aud the
 * route host (or https://host/ with jwt_issuer_format uri), sub/user the IdP user id
 * (oid, else sub), email, name, groups (directory groups, else the IdP's groups claim,
 * [] when none), sid, jti, iat now, exp +5 min, no nbf; extra claims only those named in
 * jwt_claims_headers, as comma-joined strings.
 */
export function assertionClaims(input: AssertionInput): Record<string, unknown> {
  const c = input.claims;
  const issuer = input.issuerFormat === 'uri' ? `https://${input.host}/` : input.host;
  const userId = typeof c.oid === 'string' ? c.oid : typeof c.sub === 'string' ? c.sub : '';
  const idpGroups = Array.isArray(c.groups) ? c.groups.map(String) : typeof c.groups === 'string' ? [c.groups] : [];
  const payload: Record<string, unknown> = {
    iss: issuer,
    aud: issuer,
    sub: userId,
    user: userId,
    email: typeof c.email === 'string' ? c.email : '',
    name: typeof c.name === 'string' ? c.name : '',
    groups: input.directoryGroups ? [...input.directoryGroups] : idpGroups,
    sid: randomUUID(),
    jti: randomUUID(),
    iat: input.now,
    exp: input.now + 5 * 60,
  };
  for (const claim of input.extraClaims) {
    if (STANDARD_CLAIMS.includes(claim) || c[claim] === undefined) continue;
    payload[claim] = headerValue(c[claim]);
  }
  return payload;
}

/** A claim as a header or extra assertion claim: lists comma-joined, everything else as text. */
export function headerValue(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Signs `payload` with `key` (header kid may be overridden to model a key the simulator cannot hold). */
export async function signAssertion(payload: Record<string, unknown>, key: SimSigningKey, kid: string = key.kid): Promise<string> {
  const jose = await loadJose();
  const privateKey = await importedOnce(`${key.alg}\n${key.privateKeyPem}`, () => jose.importPKCS8(key.privateKeyPem, key.alg));
  return new jose.SignJWT(payload).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).sign(privateKey);
}

const imported = new Map<string, Promise<unknown>>();
/**
 * Importing a key costs more than signing with it (createPrivateKey parses the PEM): the access
 * diff signs thousands of assertions with the same few keys, so each key is imported once.
 */
export function importedOnce<T>(cacheKey: string, load: () => Promise<T>): Promise<T> {
  let p = imported.get(cacheKey) as Promise<T> | undefined;
  if (!p) {
    p = load();
    imported.set(cacheKey, p);
    // A key that fails to import is not kept: the next call reports the same error again.
    p.catch(() => imported.delete(cacheKey));
  }
  return p;
}
