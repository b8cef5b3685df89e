import { PropContext } from '../errors';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Checks a name that becomes a metadata.name (DNS-1123 subdomain: Secrets, Keycloak CRs). */
export function checkObjectName(ctx: PropContext, raw: unknown, what: string): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    return ctx.fail(raw, `${what} is required`, "give a lower-case name such as 'grafana-oidc-client'");
  }
  if (raw.length > 253 || !DNS1123_SUBDOMAIN.test(raw)) {
    const suggestion = raw.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 253);
    return ctx.fail(
      raw,
      `${what} must be a DNS-1123 subdomain (a-z, 0-9, '-' and '.', starting and ending with a letter or digit, at most 253 characters)`,
      suggestion ? `use '${suggestion}'` : "use a name such as 'grafana-oidc-client'",
    );
  }
  return raw;
}

/** Checks a key of a Secret's data. */
export function checkSecretKey(ctx: PropContext, raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 253 || !SECRET_KEY.test(raw) || raw === '.' || raw === '..') {
    return ctx.fail(raw, "a Secret key is 1-253 characters of letters, digits, '-', '_' and '.'", "use a key such as 'client-secret'");
  }
  return raw;
}

/** Checks a plain, non-empty string without surrounding white space. */
export function checkText(ctx: PropContext, raw: unknown, what: string, fix: string): string {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.trim() !== raw) {
    return ctx.fail(raw, `${what} must be a non-empty string without surrounding spaces`, fix);
  }
  return raw;
}

/** Checks an explicit boolean (undefined → the default). */
export function checkBoolean(ctx: PropContext, raw: unknown, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') return ctx.fail(raw, 'must be true or false', `write ${fallback ? 'false' : 'true'} or leave it out`);
  return raw;
}
