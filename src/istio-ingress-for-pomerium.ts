import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { renderCertificate, renderSelfSignedClusterIssuer } from './cert-manager/certificate';
import { AcmeChallenge, CertificateIssuer } from './cert-manager/issuer';
import { PropContext } from './errors';
import { GrafanaBehindPomerium } from './grafana-behind-pomerium';
import { checkBoolean, checkDnsLabel, checkDnsName, checkLabels, checkPort } from './host';
import { Certificate, ClusterIssuer } from './imports/cert-manager-cert-manager.io';
import { Gateway, ServiceEntry, VirtualService } from './imports/istio-networking-networking.istio.io';
import { AuthorizationPolicy, PeerAuthentication } from './imports/istio-security-security.istio.io';
import { gatewayReference, IngressGatewayModel, renderGateway } from './istio/gateway';
import { checkExternalHost, checkGatewayDomain, checkHostUnderDomain, firstLabel, wildcardOf } from './istio/hosts';
import { chartProxyServiceAccount, chartServiceName, INSECURE_SERVICE_PORT, serviceAccountPrincipal } from './istio/pomerium-chart';
import { renderOnlyPrincipalsPolicy, renderStrictPeerAuthentication } from './istio/security';
import { renderExternalServiceEntry } from './istio/service-entry';
import { renderVirtualService } from './istio/virtual-service';
import { registerUniqueObjectNames } from './rules/unique-object-names';
import { writeValuesFiles } from './values-file';

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

/**
 * Where the Pomerium services are. Names and ports follow the legacy Pomerium Helm chart
 * (`<release>-pomerium-proxy`, or `<release>-proxy` when the release name contains
 * 'pomerium'); give them explicitly for any other installation.
 */
export interface PomeriumMeshOptions {
  /**
   * The Helm release name of the Pomerium chart.
   * @default 'pomerium'
   */
  readonly helmReleaseName?: string;
  /**
   * The proxy Service, in Pomerium's namespace.
   * @default - the chart's name for the release ('pomerium-proxy' for release 'pomerium')
   */
  readonly proxyServiceName?: string;
  /**
   * The proxy Service's port.
   * @default 80 (the chart's port with `config.insecure: true`)
   */
  readonly proxyServicePort?: number;
  /**
   * The authenticate Service, in Pomerium's namespace.
   * @default - the chart's name for the release ('pomerium-authenticate' for release 'pomerium')
   */
  readonly authenticateServiceName?: string;
  /**
   * The authenticate Service's port.
   * @default 80 (the chart's port with `config.insecure: true`)
   */
  readonly authenticateServicePort?: number;
  /**
   * The ServiceAccount of the Pomerium proxy pods: the only principal Grafana admits.
   * @default - the chart's name for the release ('pomerium-proxy' for release 'pomerium')
   */
  readonly serviceAccountName?: string;
  /**
   * The mesh's trust domain, the first part of every principal.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

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

/** Props of `IstioIngressForPomerium`. */
export interface IstioIngressForPomeriumProps {
  /**
   * The domain the gateway serves, e.g. 'example.com': the Gateway and its certificate
   * serve '*.example.com', so every route host and the authenticate host must be exactly
   * one label under it.
   */
  readonly domain: string;
  /**
   * The protected Grafanas. Their route hosts, authenticate host and namespaces are read
   * from them (a host is written once); all must share one Pomerium (same authenticate
   * host and namespace).
   */
  readonly grafanas: GrafanaBehindPomerium[];
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
   * Where the Pomerium services are.
   * @default - the Pomerium Helm chart's names for release 'pomerium', port 80
   */
  readonly pomerium?: PomeriumMeshOptions;
  /**
   * External identity providers Pomerium calls (one ServiceEntry each).
   * @default - none
   */
  readonly identityProviders?: ExternalIdentityProvider[];
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
 * Puts Pomerium (and the Grafanas behind it) behind an Istio ingress gateway, as in the
 * Pomerium guide for Istio, with the unsafe parts fixed: a Gateway on '*.<domain>' with a
 * cert-manager certificate, a VirtualService per route host and one for the authenticate
 * host, ServiceEntries for the IdP, Pomerium switched to plain http only together with
 * STRICT mTLS, and an AuthorizationPolicy letting only Pomerium's proxy reach each Grafana.
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
  /** The route hosts of the protected Grafanas, in the order given. */
  public readonly routeHosts: string[];
  /** Pomerium's authenticate host. */
  public readonly authenticateHost: string;
  /** The mTLS principal of Pomerium's proxy, the only one admitted to Grafana. */
  public readonly pomeriumPrincipal: string;
  /** True when this construct enforces STRICT mTLS for Pomerium and Grafana. */
  public readonly strictMtls: boolean;
  private readonly grafanas: GrafanaBehindPomerium[];

  constructor(scope: Construct, id: string, props: IstioIngressForPomeriumProps) {
    super(scope, id);
    registerUniqueObjectNames(this);
    const ctx = PropContext.of(this, 'IstioIngressForPomerium');

    // 1. Validate everything before anything is added to the tree.
    const nameCtx = ctx.prop('name');
    const name = checkDnsLabel(nameCtx, props.name ?? id, 'the base name (construct id or `name`)');
    this.domain = checkGatewayDomain(ctx.prop('domain'), props.domain);
    this.gatewayHosts = [wildcardOf(this.domain)];
    const grafanas = checkGrafanas(ctx.prop('grafanas'), props.grafanas, this.domain);
    this.grafanas = grafanas;
    const first = grafanas[0];
    this.routeHosts = grafanas.map((g) => g.host);
    this.authenticateHost = first.authenticateHost;
    const pomeriumNamespace = first.pomeriumNamespace;

    const gw = props.gateway ?? {};
    const gwCtx = ctx.prop('gateway');
    this.gatewayName = derivedName(gwCtx.prop('name'), gw.name ?? `${name}-gateway`, gw.name === undefined ? nameCtx : undefined);
    this.gatewayNamespace = checkDnsLabel(gwCtx.prop('namespace'), gw.namespace ?? 'istio-system', 'a namespace');
    const selector = checkLabels(gwCtx.prop('selector'), gw.selector ?? { istio: 'ingressgateway' });
    this.credentialName = derivedName(gwCtx.prop('credentialName'), gw.credentialName ?? `${name}-cert`, gw.credentialName === undefined ? nameCtx : undefined);
    const httpsRedirect = checkBoolean(gwCtx.prop('httpsRedirect'), gw.httpsRedirect, true);

    const issuer = checkIssuer(ctx.prop('certificateIssuer'), props.certificateIssuer ?? CertificateIssuer.selfSigned(), name, nameCtx, this.gatewayHosts);

    const pom = props.pomerium ?? {};
    const pomCtx = ctx.prop('pomerium');
    const release = checkHelmRelease(pomCtx.prop('helmReleaseName'), pom.helmReleaseName ?? 'pomerium');
    const fromChart = (what: string, value: string) => `${what} '${value}' derived from helmReleaseName '${release}'`;
    const proxyService = pom.proxyServiceName === undefined
      ? checkChartName(pomCtx.prop('helmReleaseName'), release, chartServiceName(release, 'proxy'), fromChart('the proxy Service', chartServiceName(release, 'proxy')), 'proxyServiceName')
      : checkDnsLabel(pomCtx.prop('proxyServiceName'), pom.proxyServiceName, 'a Service name');
    const authenticateService = pom.authenticateServiceName === undefined
      ? checkChartName(pomCtx.prop('helmReleaseName'), release, chartServiceName(release, 'authenticate'), fromChart('the authenticate Service', chartServiceName(release, 'authenticate')), 'authenticateServiceName')
      : checkDnsLabel(pomCtx.prop('authenticateServiceName'), pom.authenticateServiceName, 'a Service name');
    const serviceAccount = pom.serviceAccountName === undefined
      ? checkChartName(pomCtx.prop('helmReleaseName'), release, chartProxyServiceAccount(release), fromChart('the proxy ServiceAccount', chartProxyServiceAccount(release)), 'serviceAccountName')
      : checkDnsLabel(pomCtx.prop('serviceAccountName'), pom.serviceAccountName, 'a ServiceAccount name');
    const proxyPort = checkPort(pomCtx.prop('proxyServicePort'), pom.proxyServicePort ?? INSECURE_SERVICE_PORT);
    const authenticatePort = checkPort(pomCtx.prop('authenticateServicePort'), pom.authenticateServicePort ?? INSECURE_SERVICE_PORT);
    const trustDomain = checkDnsName(pomCtx.prop('trustDomain'), pom.trustDomain ?? 'cluster.local');
    this.pomeriumPrincipal = serviceAccountPrincipal(trustDomain, pomeriumNamespace, serviceAccount);

    const idps = checkIdentityProviders(ctx.prop('identityProviders'), props.identityProviders ?? [], name, nameCtx);
    const unsafePlaintext = checkBoolean(ctx.prop('plaintextWithoutStrictMtlsUnsafe'), props.plaintextWithoutStrictMtlsUnsafe, false);
    this.strictMtls = !unsafePlaintext;

    const routeNames = grafanas.map((g) => derivedName(nameCtx, `${name}-${firstLabel(g.host)}`, nameCtx));
    const authName = derivedName(nameCtx, `${name}-${firstLabel(this.authenticateHost)}`, nameCtx);
    const grafanaObjectNames = grafanas.map((g, i) => ({
      strict: derivedName(nameCtx, `${routeNames[i]}-strict-mtls`, nameCtx),
      onlyPomerium: derivedName(nameCtx, `${routeNames[i]}-only-pomerium`, nameCtx),
      grafana: g,
    }));
    const pomeriumStrictName = derivedName(nameCtx, `${name}-strict-mtls`, nameCtx);

    // 2. Gateway and certificate.
    const gatewayModel: IngressGatewayModel = {
      name: this.gatewayName,
      namespace: this.gatewayNamespace,
      selector,
      hosts: this.gatewayHosts,
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

    // 3. Routes: each Grafana host to Pomerium's proxy, the authenticate host to authenticate.
    const gateway = gatewayReference(gatewayModel);
    grafanas.forEach((g, i) => {
      new VirtualService(this, `Route${i}`, renderVirtualService({
        name: routeNames[i],
        namespace: pomeriumNamespace,
        host: g.host,
        gateway,
        serviceName: proxyService,
        serviceNamespace: pomeriumNamespace,
        servicePort: proxyPort,
      }));
    });
    new VirtualService(this, 'Authenticate', renderVirtualService({
      name: authName,
      namespace: pomeriumNamespace,
      host: this.authenticateHost,
      gateway,
      serviceName: authenticateService,
      serviceNamespace: pomeriumNamespace,
      servicePort: authenticatePort,
    }));
    for (const idp of idps) {
      new ServiceEntry(this, `Idp-${idp.host}`, renderExternalServiceEntry({ ...idp, namespace: pomeriumNamespace }));
    }

    // 4. Pomerium serves plain http behind the sidecars: safe only with STRICT mTLS.
    for (const g of grafanas) g._attachToMesh({ insecureServer: true, chartIngress: false });
    if (this.strictMtls) {
      new PeerAuthentication(this, 'PomeriumStrictMtls', renderStrictPeerAuthentication({ name: pomeriumStrictName, namespace: pomeriumNamespace }));
      // Grafana's namespace often holds workloads outside the mesh (Prometheus, exporters):
      // STRICT is scoped to the Grafana pods there, which is all the Pomerium hop needs.
      for (const { strict, grafana } of grafanaObjectNames) {
        if (grafana.grafanaNamespace === pomeriumNamespace) continue;
        new PeerAuthentication(this, `GrafanaStrictMtls-${grafana.host}`, renderStrictPeerAuthentication({
          name: strict,
          namespace: grafana.grafanaNamespace,
          podLabels: grafana.grafanaPodLabels,
        }));
      }
    }

    // 5. Only Pomerium's proxy may reach each Grafana (the header flow's isolation in the mesh).
    for (const { onlyPomerium, grafana } of grafanaObjectNames) {
      if (grafana._isolation === 'none') continue; // the user chose an unisolated Grafana (JWT flow only)
      new AuthorizationPolicy(this, `OnlyPomerium-${grafana.host}`, renderOnlyPrincipalsPolicy({
        name: onlyPomerium,
        namespace: grafana.grafanaNamespace,
        podLabels: grafana.grafanaPodLabels,
        principals: [this.pomeriumPrincipal],
      }));
      grafana._markIstioIsolated();
    }
  }

  /**
   * Values for the one Pomerium release behind this gateway: every Grafana's route,
   * `config.insecure: true` and the chart's own Ingress off. Needs
   * `PomeriumOutput.helmValues()` on each Grafana.
   */
  public get pomeriumHelmValues(): any {
    return GrafanaBehindPomerium.combinedPomeriumHelmValues(this.grafanas);
  }

  /**
   * Writes `pomerium-values.yaml` for the Pomerium release (all routes) and, per Grafana,
   * `grafana-values.yaml` into a folder named after its host. Call after `app.synth()`.
   */
  public writeHelmValues(outdir: string): string[] {
    const written = writeValuesFiles(outdir, [['pomerium-values.yaml', this.pomeriumHelmValues]]);
    for (const grafana of this.grafanas) {
      written.push(...writeValuesFiles(path.join(outdir, grafana.host), [['grafana-values.yaml', grafana.grafanaHelmValues]]));
    }
    return written;
  }
}

function checkGrafanas(ctx: PropContext, raw: unknown, domain: string): GrafanaBehindPomerium[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    return ctx.fail(raw, 'at least one GrafanaBehindPomerium is required', 'pass the GrafanaBehindPomerium constructs this gateway fronts, e.g. grafanas: [grafana]');
  }
  const seen = new Map<string, number>();
  raw.forEach((item: unknown, i) => {
    const itemCtx: PropContext = ctx.prop(String(i));
    if (!(item instanceof GrafanaBehindPomerium)) {
      return itemCtx.fail(typeof item === 'object' && item !== null ? '[object]' : item, 'a GrafanaBehindPomerium construct is required', 'pass the construct itself, not its props');
    }
    const g = item;
    const where = `the route host of GrafanaBehindPomerium at '${g.node.path}'`;
    checkHostUnderDomain(itemCtx.prop('host'), g.host, domain, where);
    const earlier = seen.get(g.host);
    if (earlier !== undefined) {
      itemCtx.prop('host').fail(g.host, `the same route host as grafanas[${earlier}]: one host can route to one Grafana only`, 'give each GrafanaBehindPomerium its own host, and pass each construct once');
    }
    seen.set(g.host, i);
    const first = raw[0] as GrafanaBehindPomerium;
    if (i === 0) {
      checkHostUnderDomain(itemCtx.prop('authenticateHost'), g.authenticateHost, domain, `the authenticate host of GrafanaBehindPomerium at '${g.node.path}'`);
    } else if (g.authenticateHost !== first.authenticateHost) {
      itemCtx.prop('authenticateHost').fail(g.authenticateHost, `all Grafanas share one Pomerium, but grafanas[0] uses the authenticate host '${first.authenticateHost}'`, `give every GrafanaBehindPomerium authenticateServiceUrl 'https://${first.authenticateHost}'`);
    } else if (g.pomeriumNamespace !== first.pomeriumNamespace) {
      itemCtx.prop('pomeriumNamespace').fail(g.pomeriumNamespace, `all Grafanas share one Pomerium, but grafanas[0] has it in namespace '${first.pomeriumNamespace}'`, `give every GrafanaBehindPomerium pomerium.namespace '${first.pomeriumNamespace}'`);
    }
  });
  return raw as GrafanaBehindPomerium[];
}

interface ResolvedIssuer {
  readonly kind: 'Issuer' | 'ClusterIssuer';
  readonly name: string;
  /** Create the self-signed ClusterIssuer. */
  readonly create: boolean;
}

function checkIssuer(ctx: PropContext, issuer: unknown, baseName: string, nameCtx: PropContext, dnsNames: readonly string[]): ResolvedIssuer {
  if (!(issuer instanceof CertificateIssuer)) {
    return ctx.fail(issuer, 'a CertificateIssuer is required', "use CertificateIssuer.selfSigned() or CertificateIssuer.existingClusterIssuer('letsencrypt-dns')");
  }
  if (issuer._kind === 'selfSigned') {
    const name = issuer._name === undefined
      ? derivedName(ctx.prop('clusterIssuerName'), `${baseName}-self-signed`, nameCtx)
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

function checkIdentityProviders(ctx: PropContext, raw: unknown, baseName: string, nameCtx: PropContext) {
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
    if (seen.has(host)) itemCtx.prop('host').fail(host, 'this host is listed twice', 'list each identity provider host once');
    seen.add(host);
    const port = checkPort(itemCtx.prop('port'), idp.port ?? 443);
    const portName = checkPortName(itemCtx.prop('portName'), idp.portName === undefined ? 'https' : idp.portName);
    const label = host.replace(/\./g, '-');
    const candidate = `${baseName}-idp-${label}`;
    const name = candidate.length <= 63
      ? candidate
      : derivedName(itemCtx.prop('host'), `${baseName}-idp-${createHash('sha256').update(host).digest('hex').slice(0, 10)}`, nameCtx);
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

/** Helm release names are at most 53 characters and DNS-1123 labels (`helm install` refuses others). */
function checkHelmRelease(ctx: PropContext, raw: unknown): string {
  const release = checkDnsLabel(ctx, raw, 'a Helm release name');
  if (release.length > 53) return ctx.fail(raw, 'Helm release names are at most 53 characters', 'use a shorter release name');
  return release;
}

/** A name derived from the chart's naming rule; when it is not a valid name, ask for it explicitly. */
function checkChartName(ctx: PropContext, release: string, value: string, what: string, explicitProp: string): string {
  if (value.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    return ctx.fail(release, `${what} is not a valid Kubernetes name`, `use a shorter release name, or give pomerium.${explicitProp} explicitly`);
  }
  return value;
}

/**
 * A name the construct composes (`<name>-...`), or one the user gave. A composed name
 * that grows past 63 characters is blamed on the base name (`name`), which the user wrote.
 */
function derivedName(ctx: PropContext, value: string, composedFrom?: PropContext): string {
  if (composedFrom && value.length > 63) {
    return composedFrom.fail(value, `the object name composed from the base name is ${value.length} characters, over the 63 Kubernetes allows`, 'give a shorter `name` (or construct id)');
  }
  return checkDnsLabel(ctx, value, 'an object name');
}
