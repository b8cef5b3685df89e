import { gatewayReference, IngressGatewayModel } from './gateway';
import { CheckedIstioIngress } from './ingress-checks';
import { MeshIngressModel } from './mesh';

/** The Gateway on the domain's wildcard, as Istio reads it. */
export function ingressGatewayModel(ingress: CheckedIstioIngress): IngressGatewayModel {
  return {
    name: ingress.gatewayName,
    namespace: ingress.gatewayNamespace,
    selector: ingress.selector,
    hosts: ingress.gatewayHosts,
    routeNamespace: ingress.pomeriumNamespace,
    credentialName: ingress.credentialName,
    httpsRedirect: ingress.httpsRedirect,
  };
}

/** What releases and routes behind the ingress need to know about it. */
export function meshIngressModel(ingress: CheckedIstioIngress, gateway: IngressGatewayModel): MeshIngressModel {
  return {
    domain: ingress.domain,
    gatewayReference: gatewayReference(gateway),
    trustDomain: ingress.trustDomain,
    strictMtls: ingress.strictMtls,
    pomeriumNamespace: ingress.pomeriumNamespace,
    dataplane: ingress.dataplane,
  };
}
