/**
 * Mints an `X-Pomerium-Jwt-Assertion` the way Pomerium does (GUIDE.md, Pomerium
 * section; pkg/cryptutil/jose.go): signed with the first key of `signing_key`
 * (ES256 for EC P-256, RS256 for RSA), header `kid` = lowercase hex of the
 * RFC 7638 SHA-256 thumbprint, `typ: JWT`; claims `iss` = `aud` = route host
 * (aud a plain string), `sub`/`user`, `email`, `name`, `groups` (`[]` when
 * none), `sid`, `jti`, `iat` = now, `exp` = now + 5 min, no `nbf`.
 * Test code only.
 */
import { randomUUID } from 'node:crypto';
import { loadJose } from '../../src/cli/keygen';

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
