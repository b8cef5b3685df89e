import { createHash } from 'node:crypto';
import { PropContext } from '../errors';
import { checkDnsLabel, checkObjectName, checkPort } from '../host';
import { checkExternalHost } from './hosts';

/** An external identity provider Pomerium talks to, declared to the mesh as a ServiceEntry. */
export interface ExternalIdentityProvider {
  /** The IdP's exact host, e.g. 'yourcompany.okta.com' (no wildcard, scheme or port). */
  readonly host: string;
  /**
   * The TLS port.
   * @default 443
   */
  readonly port?: number;
  /**
   * The port's name (Istio requires named ports).
   * @default 'https'
   */
  readonly portName?: string;
}

export function checkExternalIdentityProviders(ctx: PropContext, raw: unknown, baseName: string, nameCtx: PropContext, clusterDomain: string) {
  if (!Array.isArray(raw)) {
    return ctx.fail(raw, 'a list of identity providers is required', "write e.g. [{ host: 'yourcompany.okta.com' }]");
  }
  const seen = new Set<string>();
  return raw.map((idp: ExternalIdentityProvider, i) => {
    const itemCtx = ctx.prop(String(i));
    if (idp === null || typeof idp !== 'object') {
      return itemCtx.fail(idp, 'an identity provider is an object with a host', "write e.g. { host: 'yourcompany.okta.com' }");
    }
    const host = checkExternalHost(itemCtx.prop('host'), idp.host);
    if (host.endsWith('.svc') || host.endsWith(`.svc.${clusterDomain}`)) {
      // A ServiceEntry for an in-cluster Service name decorates that Service instead of
      // describing an external host (istio/api networking/v1alpha3/service_entry.proto).
      itemCtx.prop('host').fail(host, 'this is an in-cluster Service name, and a ServiceEntry for it would override how the mesh routes to that Service', 'leave in-cluster identity providers (an in-cluster Keycloak) out: the mesh already knows them');
    }
    if (seen.has(host)) itemCtx.prop('host').fail(host, 'this host is listed twice', 'list each identity provider host once');
    seen.add(host);
    const port = checkPort(itemCtx.prop('port'), idp.port ?? 443);
    const portName = checkPortName(itemCtx.prop('portName'), idp.portName === undefined ? 'https' : idp.portName);
    const label = host.replace(/\./g, '-');
    const candidate = `${baseName}-idp-${label}`;
    const name = candidate.length <= 63
      ? candidate
      : checkObjectName(itemCtx.prop('host'), `${baseName}-idp-${createHash('sha256').update(host).digest('hex').slice(0, 10)}`, nameCtx);
    return { name, host, port, portName };
  });
}

/** Istio port names: a DNS-1123 label (Istio reads the protocol from ServiceEntry's `protocol`). */
function checkPortName(ctx: PropContext, raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    return ctx.fail(raw, 'Istio requires every ServiceEntry port to be named', "name it, e.g. 'https' (or leave portName out for the default 'https')");
  }
  return checkDnsLabel(ctx, raw, 'a port name');
}
