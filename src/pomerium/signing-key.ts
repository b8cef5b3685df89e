import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { PropContext } from '../errors';

/** A public JSON Web Key as Pomerium publishes it at /.well-known/pomerium/jwks.json. */
export interface PublicJwk {
  readonly kty: string;
  readonly use: 'sig';
  readonly alg: 'ES256' | 'RS256';
  readonly kid: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly n?: string;
  readonly e?: string;
}

/**
 * Turns the PEM public key of Pomerium's signing key into the JWK Pomerium
 * itself publishes, with Pomerium's key id.
 *
 * Pomerium's `kid` is the lowercase hex of the RFC 7638 SHA-256 thumbprint
 * (pkg/cryptutil/jose.go), not the base64url form most libraries use: Grafana
 * matches the token's kid against the JWKS, so the wrong form means "no keys found".
 * This is node:crypto work because constructs cannot await jose.
 */
export function publicJwkFromPem(ctx: PropContext, pem: unknown): PublicJwk {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) {
    return ctx.fail(pem === undefined ? undefined : '<not a PEM block>', 'a PEM-encoded public key is required', 'pass the output of `openssl ec -in signing-key.pem -pubout` (or `npx cdk8s-grafana-pomerium-keygen`)');
  }
  if (/PRIVATE KEY-----/.test(pem)) {
    return ctx.fail('<private key redacted>', 'this is a private key; it would end up in the synthesized manifests', 'pass only the public key: `openssl ec -in signing-key.pem -pubout`');
  }
  // A fleet pins the same key in every tenant: parse each distinct PEM once.
  // Only readable keys are remembered, so every failure still names its own construct path.
  const known = jwkByPem.get(pem);
  if (known !== undefined) return known;
  const jwk = readPublicJwk(ctx, pem);
  jwkByPem.set(pem, jwk);
  return jwk;
}

/** Successful conversions by PEM text; the values are frozen because callers share them. */
const jwkByPem = new Map<string, PublicJwk>();

function readPublicJwk(ctx: PropContext, pem: string): PublicJwk {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    return ctx.fail('<PEM block>', `the PEM block is not a readable public key (${(e as Error).message})`, 'pass a PEM "PUBLIC KEY" block');
  }
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    const kid = thumbprintHex({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    return Object.freeze({ kty: 'EC', use: 'sig', alg: 'ES256', kid, crv: jwk.crv, x: jwk.x, y: jwk.y });
  }
  if (jwk.kty === 'RSA') {
    const kid = thumbprintHex({ e: jwk.e, kty: jwk.kty, n: jwk.n });
    return Object.freeze({ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e });
  }
  return ctx.fail(`${jwk.kty} ${jwk.crv ?? ''}`.trim(), 'Pomerium signs with EC P-256 (ES256) or RSA (RS256) keys only', 'generate a P-256 key: `openssl ecparam -genkey -name prime256v1 -noout`');
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, no spaces; Pomerium prints it as hex. */
function thumbprintHex(requiredMembers: Record<string, string>): string {
  const canonical = JSON.stringify(requiredMembers, Object.keys(requiredMembers).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

/** The JWKS document for a set of public keys, as Grafana's `jwk_set_file` reads it. */
export function jwksDocument(keys: readonly PublicJwk[]): string {
  return JSON.stringify({ keys }, null, 2) + '\n';
}
