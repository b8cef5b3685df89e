import { Construct } from 'constructs';
import { IngressGatewayModel, renderGateway } from './gateway';
import { CheckedIstioIngress } from './ingress-checks';
import { renderCertificate, renderSelfSignedClusterIssuer } from '../cert-manager/certificate';
import { Certificate, ClusterIssuer } from '../imports/cert-manager-cert-manager.io';
import { Gateway } from '../imports/istio-networking-networking.istio.io';

/** Adds the Gateway, the self-signed issuer when the ingress creates one, and the Gateway's certificate. */
export function addIstioIngressObjects(scope: Construct, ingress: CheckedIstioIngress, gateway: IngressGatewayModel): void {
  new Gateway(scope, 'Gateway', renderGateway(gateway));
  const issuer = ingress.issuer;
  if (issuer.create) {
    new ClusterIssuer(scope, 'SelfSignedIssuer', renderSelfSignedClusterIssuer(issuer.name));
  }
  new Certificate(scope, 'Certificate', renderCertificate({
    name: ingress.credentialName,
    namespace: ingress.gatewayNamespace,
    secretName: ingress.credentialName,
    dnsNames: ingress.gatewayHosts,
    issuer: { kind: issuer.kind, name: issuer.name },
  }));
}
