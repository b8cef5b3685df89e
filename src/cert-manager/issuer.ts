/** How an ACME issuer proves control of a name. */
export enum AcmeChallenge {
  /** HTTP-01: a token served on port 80 of the name. Cannot issue wildcard names. */
  HTTP_01 = 'HTTP-01',
  /** DNS-01: a TXT record under the name. The only ACME challenge that issues wildcard names. */
  DNS_01 = 'DNS-01',
}

/** Options of `CertificateIssuer.existingClusterIssuer` and `CertificateIssuer.existingIssuer`. */
export interface ExistingIssuerOptions {
  /**
   * The ACME challenge the issuer solves, when it is an ACME issuer. The gateway's
   * certificate is a wildcard, which HTTP-01 cannot issue: `HTTP_01` is refused.
   * @default - not an ACME issuer (CA, Vault, Venafi, ...)
   */
  readonly acmeChallenge?: AcmeChallenge;
}

/** Options of `CertificateIssuer.selfSigned`. */
export interface SelfSignedIssuerOptions {
  /**
   * Name of the self-signed ClusterIssuer to create (Pomerium's Istio guide calls it 'self-signed-issuer').
   * ClusterIssuers are cluster-scoped: two constructs must not create the same name.
   * @default '<name>-self-signed'
   */
  readonly clusterIssuerName?: string;
}

/**
 * Who signs the gateway's certificate (cert-manager.io/v1). Pick one.
 */
export class CertificateIssuer {
  /**
   * A self-signed ClusterIssuer created next to the certificate, as in Pomerium's Istio guide.
   * Browsers will warn: for tests and internal setups only.
   */
  public static selfSigned(options: SelfSignedIssuerOptions = {}): CertificateIssuer {
    return new CertificateIssuer('selfSigned', options.clusterIssuerName, undefined);
  }

  /** A ClusterIssuer that already exists (e.g. an ACME issuer with a DNS-01 solver). */
  public static existingClusterIssuer(name: string, options: ExistingIssuerOptions = {}): CertificateIssuer {
    return new CertificateIssuer('clusterIssuer', name, options.acmeChallenge);
  }

  /** An Issuer that already exists in the gateway's namespace (Issuers are namespaced). */
  public static existingIssuer(name: string, options: ExistingIssuerOptions = {}): CertificateIssuer {
    return new CertificateIssuer('issuer', name, options.acmeChallenge);
  }

  /** @internal */
  public readonly _kind: 'selfSigned' | 'clusterIssuer' | 'issuer';
  /** @internal */
  public readonly _name?: string;
  /** @internal */
  public readonly _acmeChallenge?: AcmeChallenge;

  private constructor(kind: 'selfSigned' | 'clusterIssuer' | 'issuer', name: string | undefined, acmeChallenge: AcmeChallenge | undefined) {
    this._kind = kind;
    this._name = name;
    this._acmeChallenge = acmeChallenge;
  }
}
