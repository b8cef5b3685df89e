import { GatewayProps, GatewaySpecServers, GatewaySpecServersTlsMode } from '../imports/istio-networking-networking.istio.io';

/** What the ingress Gateway must say, after validation. */
export interface IngressGatewayModel {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  /** Hosts the Gateway serves, e.g. ['*.example.com']. */
  readonly hosts: readonly string[];
  /**
   * The only namespace whose VirtualServices may bind these hosts (Pomerium's): a host without
   * a namespace prefix lets a VirtualService in any namespace take it (istio/api
   * networking/v1/gateway.proto, `hosts`).
   */
  readonly routeNamespace: string;
  /** The TLS Secret in the gateway's namespace. */
  readonly credentialName: string;
  /** Add a plain-http server on 80 that answers 301 to https. */
  readonly httpsRedirect: boolean;
}

/**
 * A networking.istio.io/v1 Gateway: HTTPS on 443 with TLS `SIMPLE` and `credentialName`
 * alone. No `serverCertificate`/`privateKey: sds` (Istio 1.1 leftovers that istiod 1.27+
 * rejects together with `credentialName`).
 */
export function renderGateway(model: IngressGatewayModel): GatewayProps {
  const servers: GatewaySpecServers[] = [{
    port: { number: 443, name: 'https', protocol: 'HTTPS' },
    tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: model.credentialName },
    hosts: model.hosts.map((h) => `${model.routeNamespace}/${h}`),
  }];
  if (model.httpsRedirect) {
    servers.push({
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      tls: { httpsRedirect: true },
      hosts: model.hosts.map((h) => `${model.routeNamespace}/${h}`),
    });
  }
  return {
    metadata: { name: model.name, namespace: model.namespace },
    spec: { selector: { ...model.selector }, servers },
  };
}

/** How a VirtualService in another namespace names the Gateway. */
export function gatewayReference(model: Pick<IngressGatewayModel, 'name' | 'namespace'>): string {
  return `${model.namespace}/${model.name}`;
}
