import { VirtualServiceProps } from '../imports/istio-networking-networking.istio.io';

/** One host routed from the Gateway to one in-cluster Service. */
export interface GatewayRoute {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  /** `<namespace>/<name>` of the Gateway. */
  readonly gateway: string;
  readonly serviceName: string;
  readonly serviceNamespace: string;
  readonly servicePort: number;
  /** The cluster's DNS domain ('cluster.local'). */
  readonly clusterDomain: string;
}

/**
 * A networking.istio.io/v1 VirtualService bound to the Gateway only (not `mesh`):
 * the destination is the Service's full name, so it resolves from any namespace.
 */
export function renderVirtualService(route: GatewayRoute): VirtualServiceProps {
  return {
    metadata: { name: route.name, namespace: route.namespace },
    spec: {
      hosts: [route.host],
      gateways: [route.gateway],
      http: [{
        route: [{
          destination: {
            host: `${route.serviceName}.${route.serviceNamespace}.svc.${route.clusterDomain}`,
            port: { number: route.servicePort },
          },
        }],
      }],
    },
  };
}
