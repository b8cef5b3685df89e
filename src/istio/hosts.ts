import { PropContext } from '../errors';
import { checkDnsName } from '../host';

/**
 * Checks the gateway's domain: a bare DNS name ('example.com'), whose wildcard
 * ('*.example.com') the Gateway and its certificate serve.
 */
export function checkGatewayDomain(ctx: PropContext, raw: unknown): string {
  if (typeof raw === 'string' && raw.startsWith('*.')) {
    return ctx.fail(raw, 'the domain is written without the wildcard; the Gateway serves its wildcard itself', `write '${raw.slice(2)}'`);
  }
  return checkDnsName(ctx, raw);
}

/** The name the Gateway and its certificate serve for a domain. */
export function wildcardOf(domain: string): string {
  return `*.${domain}`;
}

/**
 * A host is served by the wildcard gateway only when it is exactly one label under the
 * domain: a wildcard certificate covers one level ('*.example.com' does not cover
 * 'a.b.example.com', nor 'example.com' itself).
 */
export function checkHostUnderDomain(ctx: PropContext, host: string, domain: string, what: string): string {
  const suffix = `.${domain}`;
  if (host === domain) {
    return ctx.fail(host, `${what} is the bare domain, which the wildcard '*.${domain}' does not cover`, `use a host one label under it, such as 'grafana.${domain}'`);
  }
  if (!host.endsWith(suffix)) {
    return ctx.fail(host, `${what} is outside the gateway's domain '${domain}', so neither the Gateway ('*.${domain}') nor its certificate serves it`, `use a host such as '${host.split('.')[0]}.${domain}', or set domain to the host's parent`);
  }
  const label = host.slice(0, -suffix.length);
  if (label.includes('.')) {
    return ctx.fail(host, `${what} is more than one label under '${domain}', and the wildcard certificate '*.${domain}' covers exactly one level`, `use '${label.replace(/\./g, '-')}.${domain}'`);
  }
  return host;
}

/** The leftmost label of a host, unique among hosts one label under the same domain. */
export function firstLabel(host: string): string {
  return host.split('.')[0];
}

/**
 * Checks an external host for a ServiceEntry: an exact DNS name. Istio refuses '*' and
 * wildcards cannot be resolved with `resolution: DNS`.
 */
export function checkExternalHost(ctx: PropContext, raw: unknown): string {
  if (raw === '*' || (typeof raw === 'string' && raw.includes('*'))) {
    return ctx.fail(raw, "a ServiceEntry with resolution DNS needs an exact host: '*' would claim all external traffic and wildcards cannot be resolved", "give the identity provider's host, e.g. 'yourcompany.okta.com'");
  }
  return checkDnsName(ctx, raw);
}
