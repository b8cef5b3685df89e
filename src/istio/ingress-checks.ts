import { AcmeChallenge, CertificateIssuer } from '../cert-manager/issuer';
import { PropContext } from '../errors';
import { checkBoolean, checkDnsLabel, checkDnsName, checkLabels, checkObjectName } from '../host';
import { IstioDataplane } from '../istio-ingress-for-pomerium';
import type { IstioIngressForPomeriumProps } from '../istio-ingress-for-pomerium';
import { checkGatewayDomain, wildcardOf } from './hosts';

/** The issuer of the gateway's certificate, checked. */
export interface ResolvedIssuer {
  readonly kind: 'Issuer' | 'ClusterIssuer';
  readonly name: string;
  /** True when the construct creates the issuer (self-signed). */
  readonly create: boolean;
}

/** The props of an `IstioIngressForPomerium`, checked once. */
export interface CheckedIstioIngress {
  readonly domain: string;
  /** The hosts the Gateway and its certificate serve (the domain's wildcard). */
  readonly gatewayHosts: string[];
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  readonly selector: Record<string, string>;
  readonly credentialName: string;
  readonly httpsRedirect: boolean;
  readonly issuer: ResolvedIssuer;
  readonly trustDomain: string;
  readonly pomeriumNamespace: string;
  readonly dataplane: IstioDataplane;
  readonly strictMtls: boolean;
}

/** Checks every prop of an `IstioIngressForPomerium`, in the order its error messages are tested. */
export function checkIstioIngressProps(ctx: PropContext, props: IstioIngressForPomeriumProps, id: string): CheckedIstioIngress {
  const nameCtx = ctx.prop('name');
  const name = checkDnsLabel(nameCtx, props.name ?? id, 'the base name (construct id or `name`)');
  const domain = checkGatewayDomain(ctx.prop('domain'), props.domain);
  const gatewayHosts = [wildcardOf(domain)];

  const gw = props.gateway ?? {};
  const gwCtx = ctx.prop('gateway');
  const gatewayName = checkObjectName(gwCtx.prop('name'), gw.name ?? `${name}-gateway`, gw.name === undefined ? nameCtx : undefined);
  const gatewayNamespace = checkDnsLabel(gwCtx.prop('namespace'), gw.namespace ?? 'istio-system', 'a namespace');
  const selector = checkLabels(gwCtx.prop('selector'), gw.selector ?? { istio: 'ingressgateway' });
  const credentialName = checkObjectName(gwCtx.prop('credentialName'), gw.credentialName ?? `${name}-cert`, gw.credentialName === undefined ? nameCtx : undefined);
  const httpsRedirect = checkBoolean(gwCtx.prop('httpsRedirect'), gw.httpsRedirect, true);
  const issuer = checkIssuer(ctx.prop('certificateIssuer'), props.certificateIssuer ?? CertificateIssuer.selfSigned(), name, nameCtx, gatewayHosts);
  const trustDomain = checkDnsName(ctx.prop('trustDomain'), props.trustDomain ?? 'cluster.local');
  const pomeriumNamespace = checkDnsLabel(ctx.prop('pomeriumNamespace'), props.pomeriumNamespace ?? 'pomerium', 'a namespace');
  const dataplane = props.dataplane ?? IstioDataplane.SIDECAR;
  if (!Object.values(IstioDataplane).includes(dataplane)) ctx.prop('dataplane').fail(dataplane, 'not an Istio dataplane mode', 'use IstioDataplane.SIDECAR or IstioDataplane.AMBIENT');
  const strictMtls = !checkBoolean(ctx.prop('plaintextWithoutStrictMtlsUnsafe'), props.plaintextWithoutStrictMtlsUnsafe, false);
  return {
    domain,
    gatewayHosts,
    gatewayName,
    gatewayNamespace,
    selector,
    credentialName,
    httpsRedirect,
    issuer,
    trustDomain,
    pomeriumNamespace,
    dataplane,
    strictMtls,
  };
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
