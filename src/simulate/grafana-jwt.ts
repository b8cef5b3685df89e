/**
 * "Verify like Grafana": a test model of how Grafana's `[auth.jwt]` checks the
 * `X-Pomerium-Jwt-Assertion` token, written from grafana/grafana
 * pkg/services/auth/jwt (auth.go, key_sets.go, validation.go; go-jose v4).
 *
 * 1. Key set: exactly one of `key_file`, `jwk_set_file`, `jwk_set_url` (https only).
 *    `key_file` becomes a one-key set whose kid is `key_id` (empty when unset).
 * 2. The token's header `kid` selects keys by exact string match
 *    (go-jose JSONWebKeySet.Key). None: "no keys found".
 * 3. The signature must verify with one of the selected keys.
 * 4. Registered claims (go-jose Claims.ValidateWithLeeway, leeway 1 minute):
 *    `iss`/`sub` equal the expectation when one is set; `aud` must contain the
 *    expected value (the token's aud may be a string or an array); `exp`, `nbf`,
 *    `iat` checked against now ± 60 s. A token without `exp` is NOT refused.
 * 5. Every other key of `expect_claims` must be present and deep-equal.
 *
 * A model of Grafana used by the login simulator (src/simulate) and the tests; it
 * is not a verifier to put in front of anything.
 */
import { isDeepStrictEqual } from 'node:util';
import { importedOnce } from './mint';
import { loadJose } from '../cli/keygen';

/** What Grafana sees: its [auth.jwt] section, the files mounted in its container, and the network. */
export interface GrafanaJwtEnvironment {
  /** The `[auth.jwt]` section as emitted (values may be booleans or numbers, as in Helm values). */
  readonly settings: Record<string, unknown>;
  /** Files in the Grafana container: absolute path → content. */
  readonly files?: Record<string, string>;
  /** What an https URL serves (for `jwk_set_url`); undefined means unreachable. */
  readonly fetch?: (url: string) => string | undefined;
  /** Grafana's clock, in seconds since the epoch. @default now */
  readonly now?: number;
  /**
   * Skip the signature check (the kid lookup still runs): used when the simulator
   * cannot hold the private key Pomerium signs with and assumes it matches.
   */
  readonly assumeSignature?: boolean;
}

/** Grafana refused the token; `reason` is close to Grafana's own error text. */
export class GrafanaRejected extends Error {
  constructor(public readonly reason: string) {
    super(`Grafana rejects the token: ${reason}`);
    this.name = 'GrafanaRejected';
  }
}

/** What Grafana signs the user in as. */
export interface GrafanaSignIn {
  readonly claims: Record<string, unknown>;
  readonly login: unknown;
  readonly email: unknown;
}

/** go-jose's DefaultLeeway. */
const LEEWAY_SECONDS = 60;
/** The algorithms Grafana 12 passes to jwt.ParseSigned ('none' is never among them). */
const GRAFANA_ALGORITHMS = ['EdDSA', 'HS256', 'HS384', 'HS512', 'RS256', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

interface KeyEntry {
  readonly kid: string;
  readonly jwk?: Record<string, unknown>;
  readonly spkiPem?: string;
}

/** Verifies `token` the way Grafana would with `env`; throws GrafanaRejected with the reason otherwise. */
export async function verifyLikeGrafana(token: string, env: GrafanaJwtEnvironment): Promise<GrafanaSignIn> {
  const claims = await verifyJwtClaims(token, env);
  const s = env.settings;
  const login = claims[String(s.username_claim ?? '')];
  const email = claims[String(s.email_claim ?? '')];
  if (!claims.sub) throw new GrafanaRejected('no sub claim: Grafana passes the request to the next auth method');
  if (!login && !email) throw new GrafanaRejected('empty login and email');
  return { claims, login, email };
}

/**
 * pkg/services/auth/jwt/auth.go Verify: parse, key lookup by kid, signature, claim
 * validation. Returns the verified claims; throws GrafanaRejected with Grafana's words.
 */
export async function verifyJwtClaims(token: string, env: GrafanaJwtEnvironment): Promise<Record<string, unknown>> {
  const jose = await loadJose();
  const s = env.settings;
  if (s.enabled !== true && s.enabled !== 'true') throw new GrafanaRejected('[auth.jwt] is not enabled');
  const { expectRegistered, expectOther } = claimExpectations(s.expect_claims);
  const keySet = loadKeySet(env);

  // ParseSigned with the allowed algorithms.
  let header: Record<string, unknown>;
  try {
    header = jose.decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (e) {
    throw new GrafanaRejected(`malformed token (${(e as Error).message})`);
  }
  const alg = String(header.alg);
  if (!GRAFANA_ALGORITHMS.includes(alg)) throw new GrafanaRejected(`unexpected signature algorithm "${alg}"`);

  // keySet.Key(kid): exact match on the kid; go-jose treats a missing kid as "".
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const keys = keySet.filter((k) => k.kid === kid);
  if (keys.length === 0) throw new GrafanaRejected('no keys found');

  let payload: Uint8Array | undefined;
  let lastError = '';
  if (env.assumeSignature) payload = jose.base64url.decode(token.split('.')[1]);
  for (const key of env.assumeSignature ? [] : keys) {
    try {
      const keyObject = key.jwk ? await importedOnce(`${alg}\n${JSON.stringify(key.jwk)}`, () => jose.importJWK(key.jwk as any, alg))
        : await importedOnce(`${alg}\n${key.spkiPem}`, () => jose.importSPKI(key.spkiPem!, alg));
      payload = (await jose.compactVerify(token, keyObject, { algorithms: [alg] })).payload;
      break;
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  if (!payload) throw new GrafanaRejected(`go-jose/go-jose: error in cryptographic primitive (${lastError})`);

  const claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
  validateClaims(claims, expectRegistered, expectOther, env.now ?? Math.floor(Date.now() / 1000));
  return claims;
}

interface RegisteredExpectations {
  iss?: string;
  sub?: string;
  aud?: string[];
}

/** initClaimExpectations: iss/sub/aud become registered expectations, the rest exact matches. */
function claimExpectations(raw: unknown): { expectRegistered: RegisteredExpectations; expectOther: Record<string, unknown> } {
  const expectOther: Record<string, unknown> = raw === undefined || raw === '' ? {} : JSON.parse(String(raw));
  if (expectOther === null || typeof expectOther !== 'object' || Array.isArray(expectOther)) {
    throw new GrafanaRejected('expect_claims is not a JSON object (Grafana refuses to start)');
  }
  const expectRegistered: RegisteredExpectations = {};
  for (const key of ['iss', 'sub'] as const) {
    if (key in expectOther) {
      if (typeof expectOther[key] !== 'string') throw new GrafanaRejected(`"${key}" expectation has invalid type, string expected`);
      expectRegistered[key] = expectOther[key] as string;
      delete expectOther[key];
    }
  }
  if ('aud' in expectOther) {
    const aud = expectOther.aud;
    if (typeof aud === 'string') expectRegistered.aud = [aud];
    else if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) expectRegistered.aud = aud as string[];
    else throw new GrafanaRejected('"aud" expectation has invalid type, array or string expected');
    delete expectOther.aud;
  }
  return { expectRegistered, expectOther };
}

function loadKeySet(env: GrafanaJwtEnvironment): KeyEntry[] {
  const s = env.settings;
  const sources = ['key_file', 'jwk_set_file', 'jwk_set_url'].filter((k) => s[k] !== undefined && s[k] !== '');
  if (sources.length === 0) throw new GrafanaRejected('key set for jwt verification is not configured');
  if (sources.length > 1) throw new GrafanaRejected('key set configuration is ambiguous: you should set either key_file, jwk_set_file or jwk_set_url');
  const readFile = (p: unknown): string => {
    const content = env.files?.[String(p)];
    if (content === undefined) throw new GrafanaRejected(`open ${String(p)}: no such file or directory`);
    return content;
  };
  if (s.key_file !== undefined) {
    const pem = readFile(s.key_file);
    const type = /-----BEGIN ([A-Z ]+)-----/.exec(pem)?.[1];
    if (type !== 'PUBLIC KEY') throw new GrafanaRejected(`pem block type ${JSON.stringify(type)} (this model reads PUBLIC KEY only)`);
    return [{ kid: s.key_id === undefined ? '' : String(s.key_id), spkiPem: pem }];
  }
  let document: string | undefined;
  if (s.jwk_set_file !== undefined) {
    document = readFile(s.jwk_set_file);
  } else {
    const url = String(s.jwk_set_url);
    if (!url.startsWith('https://')) throw new GrafanaRejected('jwt_set_url must have https scheme');
    document = env.fetch?.(url);
    if (document === undefined) throw new GrafanaRejected(`GET ${url}: unreachable`);
  }
  const jwks = JSON.parse(document) as { keys?: Array<Record<string, unknown>> };
  return (jwks.keys ?? []).map((jwk) => ({ kid: typeof jwk.kid === 'string' ? jwk.kid : '', jwk }));
}

/** validateClaims: types, then go-jose's registered-claim checks with leeway, then exact matches. */
function validateClaims(claims: Record<string, unknown>, expect: RegisteredExpectations, other: Record<string, unknown>, now: number): void {
  for (const key of ['iss', 'sub']) {
    if (key in claims && typeof claims[key] !== 'string') throw new GrafanaRejected(`"${key}" claim has invalid type, string expected`);
  }
  for (const key of ['exp', 'nbf', 'iat']) {
    if (claims[key] != null && typeof claims[key] !== 'number') throw new GrafanaRejected(`"${key}" claim has invalid type, number expected`);
  }
  let aud: string[] = [];
  if (typeof claims.aud === 'string') aud = [claims.aud];
  else if (Array.isArray(claims.aud) && claims.aud.every((a) => typeof a === 'string')) aud = claims.aud;
  else if (claims.aud !== undefined) throw new GrafanaRejected('"aud" claim has invalid type, array or string expected');

  if (expect.iss !== undefined && expect.iss !== claims.iss) throw new GrafanaRejected('go-jose/go-jose/jwt: validation failed, invalid issuer claim (iss)');
  if (expect.sub !== undefined && expect.sub !== claims.sub) throw new GrafanaRejected('go-jose/go-jose/jwt: validation failed, invalid subject claim (sub)');
  if (expect.aud !== undefined && !expect.aud.some((a) => aud.includes(a))) {
    throw new GrafanaRejected('go-jose/go-jose/jwt: validation failed, invalid audience claim (aud)');
  }
  const nbf = claims.nbf as number | undefined;
  const exp = claims.exp as number | undefined;
  const iat = claims.iat as number | undefined;
  if (nbf != null && now + LEEWAY_SECONDS < nbf) throw new GrafanaRejected('go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)');
  if (exp != null && now - LEEWAY_SECONDS > exp) throw new GrafanaRejected('go-jose/go-jose/jwt: validation failed, token is expired (exp)');
  if (iat != null && now + LEEWAY_SECONDS < iat) throw new GrafanaRejected('go-jose/go-jose/jwt: validation failed, token issued in the future (iat)');

  for (const [key, expected] of Object.entries(other)) {
    if (!(key in claims)) throw new GrafanaRejected(`"${key}" claim is missing`);
    if (!isDeepStrictEqual(expected, claims[key])) throw new GrafanaRejected(`"${key}" claim mismatch`);
  }
}
