import { Construct } from 'constructs';
import { renderCertificate, renderSelfSignedClusterIssuer } from './cert-manager/certificate';
import { AcmeChallenge, CertificateIssuer } from './cert-manager/issuer';
import { PropContext } from './errors';
import { checkBoolean, checkDnsLabel, checkDnsName, checkLabels, checkObjectName } from './host';
import { Certificate, ClusterIssuer } from './imports/cert-manager-cert-manager.io';
import { Gateway } from './imports/istio-networking-networking.istio.io';
import { gatewayReference, IngressGatewayModel, renderGateway } from './istio/gateway';
import { checkGatewayDomain, wildcardOf } from './istio/hosts';
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

    // 1. Validate everything before anything is added to the tree.
    const nameCtx = ctx.prop('name');
    const name = checkDnsLabel(nameCtx, props.name ?? id, 'the base name (construct id or `name`)');
    this.domain = checkGatewayDomain(ctx.prop('domain'), props.domain);
    this.gatewayHosts = [wildcardOf(this.domain)];

    const gw = props.gateway ?? {};
    const gwCtx = ctx.prop('gateway');
    this.gatewayName = checkObjectName(gwCtx.prop('name'), gw.name ?? `${name}-gateway`, gw.name === undefined ? nameCtx : undefined);
    this.gatewayNamespace = checkDnsLabel(gwCtx.prop('namespace'), gw.namespace ?? 'istio-system', 'a namespace');
    const selector = checkLabels(gwCtx.prop('selector'), gw.selector ?? { istio: 'ingressgateway' });
    this.credentialName = checkObjectName(gwCtx.prop('credentialName'), gw.credentialName ?? `${name}-cert`, gw.credentialName === undefined ? nameCtx : undefined);
    const httpsRedirect = checkBoolean(gwCtx.prop('httpsRedirect'), gw.httpsRedirect, true);
    const issuer = checkIssuer(ctx.prop('certificateIssuer'), props.certificateIssuer ?? CertificateIssuer.selfSigned(), name, nameCtx, this.gatewayHosts);
    this.trustDomain = checkDnsName(ctx.prop('trustDomain'), props.trustDomain ?? 'cluster.local');
    this.pomeriumNamespace = checkDnsLabel(ctx.prop('pomeriumNamespace'), props.pomeriumNamespace ?? 'pomerium', 'a namespace');
    const dataplane = props.dataplane ?? IstioDataplane.SIDECAR;
    if (!Object.values(IstioDataplane).includes(dataplane)) ctx.prop('dataplane').fail(dataplane, 'not an Istio dataplane mode', 'use IstioDataplane.SIDECAR or IstioDataplane.AMBIENT');
    this.strictMtls = !checkBoolean(ctx.prop('plaintextWithoutStrictMtlsUnsafe'), props.plaintextWithoutStrictMtlsUnsafe, false);

    // 2. Gateway and certificate.
    const gatewayModel: IngressGatewayModel = {
      name: this.gatewayName,
      namespace: this.gatewayNamespace,
      selector,
      hosts: this.gatewayHosts,
      routeNamespace: this.pomeriumNamespace,
      credentialName: this.credentialName,
      httpsRedirect,
    };
    new Gateway(this, 'Gateway', renderGateway(gatewayModel));
    if (issuer.create) {
      new ClusterIssuer(this, 'SelfSignedIssuer', renderSelfSignedClusterIssuer(issuer.name));
    }
    new Certificate(this, 'Certificate', renderCertificate({
      name: this.credentialName,
      namespace: this.gatewayNamespace,
      secretName: this.credentialName,
      dnsNames: this.gatewayHosts,
      issuer: { kind: issuer.kind, name: issuer.name },
    }));

    this._meshModel = {
      domain: this.domain,
      gatewayReference: gatewayReference(gatewayModel),
      trustDomain: this.trustDomain,
      strictMtls: this.strictMtls,
      pomeriumNamespace: this.pomeriumNamespace,
      dataplane,
    };
  }
}

interface ResolvedIssuer {
  readonly kind: 'Issuer' | 'ClusterIssuer';
  readonly name: string;
  /** True when the construct creates the issuer (self-signed). */
  readonly create: boolean;
}

function checkIssuer(ctx: PropContext, issuer: unknown, baseName: string, nameCtx: PropContext, dnsNames: readonly string[]): ResolvedIssuer {
  if (!(issuer instanceof CertificateIssuer)) {
    return ctx.fail(issuer, 'a CertificateIssuer is required', "use CertificateIssuer.selfSigned() or CertificateIssuer.existingClusterIssuer('letsencrypt-dns')");
  }
  if (issuer._kind === 'selfSigned') {
    const name = issuer._name === undefined
      ? checkObjectName(ctx.prop('clusterIssuerName'), `${baseName}-self-signed`, nameCtx)
      : checkDnsLabel(ctx.prop('clusterIssuerName'), issuer._name, 'a ClusterIssuer name');
    return { kind: 'ClusterIssuer', name, create: true };
  }
  const factory = issuer._kind === 'issuer' ? 'existingIssuer' : 'existingClusterIssuer';
  const name = checkDnsLabel(ctx.prop('name'), issuer._name, issuer._kind === 'issuer' ? 'an Issuer name' : 'a ClusterIssuer name');
  const challenge = issuer._acmeChallenge;
  if (challenge !== undefined && !Object.values(AcmeChallenge).includes(challenge)) {
    ctx.prop('acmeChallenge').fail(challenge, 'not an ACME challenge type', 'use AcmeChallenge.DNS_01 or AcmeChallenge.HTTP_01');
  }
  const wildcards = dnsNames.filter((n) => n.startsWith('*.'));
  if (challenge === AcmeChallenge.HTTP_01 && wildcards.length > 0) {
    ctx.prop('acmeChallenge').fail(
      `CertificateIssuer.${factory}('${name}', { acmeChallenge: AcmeChallenge.HTTP_01 })`,
      `the gateway's certificate covers ${wildcards.map((w) => `'${w}'`).join(', ')}, and ACME's HTTP-01 challenge cannot issue wildcard names`,
      `use an issuer with a DNS-01 solver: CertificateIssuer.${factory}('<dns01-issuer>', { acmeChallenge: AcmeChallenge.DNS_01 })`,
    );
  }
  return { kind: issuer._kind === 'issuer' ? 'Issuer' : 'ClusterIssuer', name, create: false };
}
