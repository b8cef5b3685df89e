import { Construct } from 'constructs';
import { CertificateIssuer } from './cert-manager/issuer';
import { PropContext } from './errors';
import { checkIstioIngressProps } from './istio/ingress-checks';
import { ingressGatewayModel, meshIngressModel } from './istio/ingress-model';
import { addIstioIngressObjects } from './istio/ingress-render';
import { MeshIngressModel } from './istio/mesh';
import { registerUniqueObjectNames } from './rules/unique-object-names';

/** The Istio ingress gateway the construct attaches a Gateway to. */
export interface IstioGatewayOptions {
  /**
   * Name of the Gateway object.
   * @default '<name>-gateway'
   */
  readonly name?: string;
  /**
   * Namespace of the ingress gateway pods; the Gateway and the certificate's Secret live there.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * Labels selecting the ingress gateway pods.
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: { [key: string]: string };
  /**
   * Add an HTTP server on port 80 that redirects every request to HTTPS.
   * @default true
   */
  readonly httpsRedirect?: boolean;
  /**
   * The TLS Secret (in the gateway's namespace) the Gateway reads and cert-manager writes.
   * @default '<name>-cert'
   */
  readonly credentialName?: string;
}

/** How workloads join the Istio mesh. */
export enum IstioDataplane {
  /** Envoy sidecars injected into each pod (`istio-injection=enabled`). */
  SIDECAR = 'sidecar',
  /** Ambient mode: ztunnel per node, HBONE tunnels on port 15008 (`istio.io/dataplane-mode=ambient`). */
  AMBIENT = 'ambient',
}

/** Props of `IstioIngressForPomerium`. */
export interface IstioIngressForPomeriumProps {
  /**
   * The domain the gateway serves, e.g. 'example.com': the Gateway and its certificate
   * serve '*.example.com', so every route host and the authenticate host must be exactly
   * one label under it.
   */
  readonly domain: string;
  /**
   * The ingress gateway.
   * @default - selector `istio: ingressgateway` in 'istio-system', with an HTTP→HTTPS redirect
   */
  readonly gateway?: IstioGatewayOptions;
  /**
   * Who signs the gateway's wildcard certificate.
   * @default CertificateIssuer.selfSigned()
   */
  readonly certificateIssuer?: CertificateIssuer;
  /**
   * Pomerium's namespace: the Gateway's hosts are bound to it (`<namespace>/*.<domain>`), so a
   * VirtualService in any other namespace cannot route a host around Pomerium. The release
   * given this ingress lives there.
   * @default 'pomerium'
   */
  readonly pomeriumNamespace?: string;
  /**
   * How workloads join the mesh. With sidecars, Grafana's NetworkPolicy (header flow) admits
   * Pomerium on Grafana's port; in ambient mode traffic arrives over HBONE on port 15008 from
   * ztunnel, which the NetworkPolicy admits instead. Either way the mesh policies act only in
   * namespaces that are in the mesh (`istio-injection=enabled` / `istio.io/rev`, or
   * `istio.io/dataplane-mode=ambient`).
   * @default IstioDataplane.SIDECAR
   */
  readonly dataplane?: IstioDataplane;
  /**
   * The mesh's trust domain, the first part of every principal.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * UNSAFE: run Pomerium without TLS (`config.insecure: true`) but do not create the STRICT
   * PeerAuthentications that make that safe. Only when STRICT mTLS is already enforced for
   * Pomerium's and Grafana's namespaces some other way (e.g. a mesh-wide PeerAuthentication
   * in the root namespace); otherwise anything in the cluster can talk plaintext to Pomerium.
   * @default false
   */
  readonly plaintextWithoutStrictMtlsUnsafe?: boolean;
  /**
   * Base name of the objects this construct creates (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * An Istio ingress for Pomerium, as in the Pomerium guide for Istio with the unsafe parts
 * fixed: a Gateway on '*.<domain>' with a cert-manager certificate. Give it to a
 * `PomeriumRelease` (`ingress`): the release then serves plain http only together with
 * STRICT mTLS and writes its authenticate VirtualService and one wildcard VirtualService
 * carrying every route host to its proxy, and each route on the release writes the
 * AuthorizationPolicy that lets only Pomerium's proxy reach its Grafana.
 */
export class IstioIngressForPomerium extends Construct {
  /** The domain, as validated. */
  public readonly domain: string;
  /** The hosts the Gateway and its certificate serve (the domain's wildcard). */
  public readonly gatewayHosts: string[];
  /** The Gateway's name. */
  public readonly gatewayName: string;
  /** The Gateway's namespace. */
  public readonly gatewayNamespace: string;
  /** The TLS Secret the Gateway reads and the certificate fills. */
  public readonly credentialName: string;
  /** True when the releases behind this ingress write STRICT mTLS for Pomerium and Grafana. */
  public readonly strictMtls: boolean;
  /** The mesh's trust domain. */
  public readonly trustDomain: string;
  /** Pomerium's namespace, the only one whose VirtualServices bind the Gateway's hosts. */
  public readonly pomeriumNamespace: string;
  /** What releases and routes behind this ingress need to know. @internal */
  public readonly _meshModel: MeshIngressModel;

  constructor(scope: Construct, id: string, props: IstioIngressForPomeriumProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'IstioIngressForPomerium');
    registerUniqueObjectNames(this);

    const ingress = checkIstioIngressProps(ctx, props, id);
    const gateway = ingressGatewayModel(ingress);
    addIstioIngressObjects(this, ingress, gateway);

    this.domain = ingress.domain;
    this.gatewayHosts = ingress.gatewayHosts;
    this.gatewayName = ingress.gatewayName;
    this.gatewayNamespace = ingress.gatewayNamespace;
    this.credentialName = ingress.credentialName;
    this.strictMtls = ingress.strictMtls;
    this.trustDomain = ingress.trustDomain;
    this.pomeriumNamespace = ingress.pomeriumNamespace;
    this._meshModel = meshIngressModel(ingress, gateway);
  }
}
