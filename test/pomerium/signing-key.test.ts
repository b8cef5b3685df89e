import { generateKeyPairSync } from 'node:crypto';
import { PropContext } from '../../src/errors';
import { publicJwkFromPem } from '../../src/pomerium/signing-key';

// A fleet pins the same key in every tenant, so readable keys are remembered by their PEM text:
// these tests pin that remembering changes no answer and hides no failure.
describe('publicJwkFromPem remembers readable keys only', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

  test('the same PEM gives the same JWK each time, and the shared JWK cannot be changed', () => {
    const first = publicJwkFromPem(PropContext.detached('tenant-1'), publicPem);
    const second = publicJwkFromPem(PropContext.detached('tenant-2'), publicPem);
    expect(second).toBe(first);
    expect(first).toEqual({ ...publicKey.export({ format: 'jwk' }), kty: 'EC', use: 'sig', alg: 'ES256', kid: first.kid });
    expect(Object.isFrozen(first)).toBe(true);
  });

  test('an unreadable PEM fails on every call, each time naming its own construct', () => {
    const broken = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n';
    expect(() => publicJwkFromPem(PropContext.detached('tenant-1'), broken)).toThrow(/tenant-1[\s\S]*not a readable public key/);
    expect(() => publicJwkFromPem(PropContext.detached('tenant-2'), broken)).toThrow(/tenant-2[\s\S]*not a readable public key/);
  });

  test('a private key is refused even after its public half was remembered', () => {
    publicJwkFromPem(PropContext.detached('tenant-1'), publicPem);
    expect(() => publicJwkFromPem(PropContext.detached('tenant-2'), privatePem)).toThrow(/tenant-2[\s\S]*private key/);
  });
});
