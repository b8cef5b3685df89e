import { PropContext } from './errors';
import { checkDataKey, firstControlCharacter } from './strings';

/**
 * Host, URL and Kubernetes name checks. Each either returns the value unchanged
 * or fails with a fix: nothing is lower-cased, trimmed or rewritten silently,
 * because a host is written once and must mean the same in every object.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a fully qualified DNS name; `allowWildcard` admits `*.` as the leftmost label only. */
export function checkDnsName(ctx: PropContext, raw: unknown, options: { allowWildcard?: boolean } = {}): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    return ctx.fail(raw, 'a DNS name is required', "give a host name such as 'grafana.example.com'");
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    // Stryker: equivalent mutant when `$` is dropped: the greedy `.*` runs to the end anyway.
    const bare = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/:].*$/, '');
    return ctx.fail(raw, 'a host name carries no scheme', `write the host alone: '${bare}'`);
  }
  if (/[/?#]/.test(raw)) {
    // Stryker: equivalent mutant when `$` is dropped from the fix's regex: the greedy `.*` runs to the end anyway.
    return ctx.fail(raw, 'a host name carries no path, query or fragment', `write the host alone: '${raw.replace(/[/?#].*$/, '')}'`);
  }
  if (raw.includes(':')) {
    // Stryker: equivalent mutant when `$` is dropped from the fix's regex: the greedy `.*` runs to the end anyway.
    return ctx.fail(raw, 'a host name carries no port', `write the host alone: '${raw.replace(/:.*$/, '')}'`);
  }
  if (raw.endsWith('.')) {
    return ctx.fail(raw, 'a trailing dot is not allowed (Pomerium, Grafana and Istio compare hosts literally)', `write '${raw.replace(/\.+$/, '')}'`);
  }
  if (raw !== raw.toLowerCase()) {
    return ctx.fail(raw, 'upper-case letters are not allowed (hosts are compared literally downstream)', `write '${raw.toLowerCase()}'`);
  }
  if (raw.length > 253) {
    return ctx.fail(raw, 'a DNS name is at most 253 characters', 'use a shorter name');
  }
  const labels = raw.split('.');
  if (labels.length < 2) {
    return ctx.fail(raw, 'a fully qualified name with at least two labels is required', "give a name such as 'grafana.example.com'");
  }
  labels.forEach((label, index) => {
    if (label === '*') {
      if (!options.allowWildcard) {
        return ctx.fail(raw, 'a wildcard is not allowed here', 'give the exact host name');
      }
      if (index !== 0) {
        return ctx.fail(raw, "a wildcard may only be the whole leftmost label ('*.example.com')", `write '*.${labels.slice(index + 1).join('.')}'`);
      }
      return;
    }
    if (label.includes('*')) {
      return ctx.fail(raw, "a wildcard may only be the whole leftmost label ('*.example.com')", 'remove the partial wildcard');
    }
    if (label.length > 63 || !DNS_LABEL.test(label)) {
      return ctx.fail(raw, `label '${label}' is not a DNS-1123 label (a-z, 0-9 and '-', not at either end, at most 63 characters)`, 'use only lower-case letters, digits and inner hyphens');
    }
  });
  return raw;
}

/** Checks an absolute https URL with no credentials, query or fragment; returns it as written. */
export function checkHttpsUrl(ctx: PropContext, raw: unknown, what: string): URL {
  const url = checkUrl(ctx, raw, what);
  if (url.protocol !== 'https:') {
    // Stryker: equivalent mutant when `^` is dropped: checkUrl accepted raw only if it starts with 'http(s)://'.
    return ctx.fail(raw, `${what} must use https`, `write '${String(raw).replace(/^[a-z]+:/i, 'https:')}'`);
  }
  return url;
}

/** Checks an absolute http or https URL (an in-cluster upstream may be plain http). */
export function checkUrl(ctx: PropContext, raw: unknown, what: string): URL {
  if (typeof raw !== 'string' || raw.length === 0) {
    return ctx.fail(raw, `${what} is required`, "give an absolute URL such as 'https://authenticate.example.com'");
  }
  // The WHATWG URL parser silently strips surrounding spaces and controls and drops tabs and
  // line breaks anywhere: refuse them rather than write a URL other than the one given.
  const control = firstControlCharacter(raw);
  if (control !== undefined) return ctx.fail(raw, `${what} contains ${control}`, 'remove it');
  if (/\s/.test(raw)) {
    return ctx.fail(raw, `${what} contains spaces`, raw.trim() !== raw && !/\s/.test(raw.trim()) ? `write '${raw.trim()}'` : 'remove the spaces (percent-encode a space in a path as %20)');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return ctx.fail(raw, `${what} is not an absolute URL`, "give an absolute URL such as 'https://authenticate.example.com'");
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return ctx.fail(raw, `${what} must be an http(s) URL`, "use 'https://' (or 'http://' for an in-cluster upstream)");
  }
  // WHATWG URL reads 'https:kc.example.com/x' as https://kc.example.com/x, but Go's url.Parse
  // (Pomerium, Grafana) reads it as an opaque URL with no host: require the slashes as written.
  if (!/^https?:\/\//i.test(raw)) {
    return ctx.fail(raw, `${what} is not an absolute URL`, `write '${raw.replace(/^(https?):\/*/i, '$1://')}'`);
  }
  if (url.username || url.password) {
    return ctx.fail(raw, `${what} must not embed credentials`, 'remove the user:password@ part');
  }
  if (url.search || url.hash) {
    return ctx.fail(raw, `${what} must not carry a query or fragment`, 'remove everything from ? or #');
  }
  // URL() lower-cases and strips a trailing dot silently: check the host as written.
  // Stryker: equivalent mutants here: without `^` the leftmost `scheme://` is still the one at the start (checked
  // above), and without `$` the greedy `.*` still runs to the end.
  const writtenHost = raw.replace(/^[a-z]+:\/\//i, '').replace(/[/:?#].*$/, '');
  if (/^[\d.]+$/.test(writtenHost)) {
    return url;
  }
  checkDnsHostname(ctx, raw, writtenHost);
  return url;
}

function checkDnsHostname(ctx: PropContext, raw: unknown, host: string) {
  if (host !== host.toLowerCase()) {
    ctx.fail(raw, 'upper-case letters are not allowed in the host', `write '${String(raw).replace(host, host.toLowerCase())}'`);
  }
  if (host.endsWith('.')) {
    ctx.fail(raw, 'a trailing dot is not allowed in the host', `write '${String(raw).replace(host, host.replace(/\.+$/, ''))}'`);
  }
  for (const label of host.split('.')) {
    if (label.length > 63 || !DNS_LABEL.test(label)) {
      ctx.fail(raw, `host label '${label}' is not a DNS-1123 label`, 'use only lower-case letters, digits and inner hyphens');
    }
  }
}

/**
 * A name the construct composes (`<name>-...`), or one the user gave. A composed name
 * that grows past 63 characters is blamed on the base name (`name`), which the user wrote.
 */
export function checkObjectName(ctx: PropContext, value: string, composedFrom?: PropContext): string {
  if (composedFrom && value.length > 63) {
    return composedFrom.fail(value, `the object name composed from the base name is ${value.length} characters, over the 63 Kubernetes allows`, 'give a shorter `name` (or construct id)');
  }
  return checkDnsLabel(ctx, value, 'an object name');
}

/** Helm release names are at most 53 characters and DNS-1123 labels (`helm install` refuses others). */
export function checkHelmReleaseName(ctx: PropContext, raw: unknown): string {
  const release = checkDnsLabel(ctx, raw, 'a Helm release name');
  if (release.length > 53) return ctx.fail(raw, 'Helm release names are at most 53 characters', 'use a shorter release name');
  return release;
}

/** Checks a DNS-1123 label: the rule for namespaces, Services and most object names we create. */
export function checkDnsLabel(ctx: PropContext, raw: unknown, what = 'a Kubernetes name'): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    return ctx.fail(raw, `${what} is required`, "give a lower-case name such as 'grafana'");
  }
  if (raw.length > 63 || !DNS_LABEL.test(raw)) {
    const suggestion = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
    return ctx.fail(
      raw,
      `${what} must be a DNS-1123 label (a-z, 0-9 and '-', starting and ending with a letter or digit, at most 63 characters; '_' and '.' are not allowed)`,
      suggestion ? `use '${suggestion}'` : "use a name such as 'grafana'",
    );
  }
  return raw;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a DNS-1123 subdomain: the rule for Secret names and custom resources (dots allowed). */
export function checkDnsSubdomain(ctx: PropContext, raw: unknown, what: string): string {
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

/** Checks an explicit boolean; `undefined` gives `fallback`. */
export function checkBoolean(ctx: PropContext, raw: unknown, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') return ctx.fail(raw, 'must be true or false', `write ${fallback ? 'false' : 'true'} or leave it out`);
  return raw;
}

/**
 * Checks a variant-typed prop (a class built by static factories, such as `AuthFlow`):
 * `undefined` gives `fallback` (or fails when the prop is required); `null`, a string or a
 * plain object fail here with the fix, not as a TypeError later or silently as the default.
 */
export function checkVariant<T>(ctx: PropContext, raw: unknown, type: Function & { prototype: T }, fallback: T | undefined, fix: string): T {
  if (raw === undefined && fallback !== undefined) return fallback;
  const article = /^[AEIOU]/.test(type.name) ? 'an' : 'a';
  if (raw instanceof type) return raw as T;
  if (raw === null) {
    return ctx.fail(raw, `null does not mean the default; ${article} ${type.name} is required`, fallback === undefined ? fix : `leave the prop out for the default, or ${fix}`);
  }
  return ctx.fail(raw, `${article} ${type.name} is required${typeof raw === 'string' ? ' (not a string)' : ''}`, fix);
}

const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Checks a label selector map (keys and values as Kubernetes requires); an empty map is refused. */
export function checkLabels(ctx: PropContext, raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) {
    return ctx.fail(raw, 'at least one label is required (an empty selector matches every pod)', "give labels such as { 'app.kubernetes.io/name': 'grafana' }");
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // apimachinery pkg/util/validation/validation.go IsQualifiedName: the name part is at most 63
    // characters and the optional prefix a DNS-1123 subdomain, so at most 253.
    const slash = key.indexOf('/');
    if (!LABEL_NAME.test(key) || key.length - slash - 1 > 63 || slash > 253) {
      ctx.fail(raw, `label key '${key}' is not a valid Kubernetes label key`, "use a key such as 'app.kubernetes.io/name'");
    }
    checkDataKey(ctx, key, 'a label key');
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      ctx.fail(raw, `label value ${JSON.stringify(value)} of '${key}' is not a valid Kubernetes label value`, 'use at most 63 letters, digits, -, _ or .');
    }
  }
  return raw as Record<string, string>;
}

/** Checks a TCP port number. */
export function checkPort(ctx: PropContext, raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 65535) {
    return ctx.fail(raw, 'a port is a whole number from 1 to 65535', 'give the port number, e.g. 3000');
  }
  return raw;
}

/** Checks a Go duration as Pomerium and Grafana parse them ('30s', '5m', '1h30m'). */
export function checkDuration(ctx: PropContext, raw: unknown): string {
  if (typeof raw !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(raw)) {
    return ctx.fail(raw, 'a duration is a Go duration string', "write e.g. '30s', '5m' or '1h'");
  }
  return raw;
}

/** The parent domain of a host: 'authenticate.example.com' → 'example.com'. */
export function parentDomain(host: string): string {
  return host.split('.').slice(1).join('.');
}

/**
 * A validated public host. Every https URL the library writes for a host comes from
 * here, so a route's `from`, Grafana's `root_url`, the sign-out URL and the JWKS URL
 * cannot disagree on how the host is spelled.
 */
export class Host {
  /** Checks `raw` as a DNS name (see `checkDnsName`) and wraps it. */
  public static check(ctx: PropContext, raw: unknown): Host {
    return new Host(checkDnsName(ctx, raw));
  }

  private constructor(public readonly name: string) {}

  /** `https://<host>`, the form Pomerium's `from` and `authenticate_service_url` take. */
  public get origin(): string {
    return `https://${this.name}`;
  }

  /** `https://<host><path>`; `path` starts with '/'. */
  public url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** 'grafana.example.com' → 'example.com'. */
  public get parentDomain(): string {
    return parentDomain(this.name);
  }

  public toString(): string {
    return this.name;
  }
}

/**
 * Checks a bare https origin ('https://authenticate.example.com': no path, port or trailing
 * slash) and returns its host.
 */
export function checkHttpsOrigin(ctx: PropContext, raw: unknown, what: string): Host {
  const url = checkHttpsUrl(ctx, raw, what);
  if (url.pathname !== '/' || url.port || String(raw).endsWith('/')) {
    return ctx.fail(raw, `${what} is a bare https origin`, `write 'https://${url.hostname}'`);
  }
  return Host.check(ctx, url.hostname);
}
