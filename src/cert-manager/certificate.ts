import { CertificateProps, ClusterIssuerProps } from '../imports/cert-manager-cert-manager.io';

/** What the gateway's certificate must say, after validation. */
export interface GatewayCertificate {
  readonly name: string;
  readonly namespace: string;
  /** The Secret the Gateway reads through `credentialName`. */
  readonly secretName: string;
  /** Every host the Gateway serves (a wildcard covers one level). */
  readonly dnsNames: readonly string[];
  readonly issuer: { readonly kind: 'Issuer' | 'ClusterIssuer'; readonly name: string };
}

/** RFC 5280 caps the subject's CN at 64 characters; cert-manager warns past that. */
const MAX_COMMON_NAME = 64;

/**
 * A cert-manager.io/v1 Certificate. The commonName repeats the first DNS name (as seed 003
 * does) when it fits; clients read the SANs, so it is cosmetic.
 */
export function renderCertificate(cert: GatewayCertificate): CertificateProps {
  const first = cert.dnsNames[0];
  return {
    metadata: { name: cert.name, namespace: cert.namespace },
    spec: {
      secretName: cert.secretName,
      ...(first.length <= MAX_COMMON_NAME ? { commonName: first } : {}),
      dnsNames: [...cert.dnsNames],
      issuerRef: { group: 'cert-manager.io', kind: cert.issuer.kind, name: cert.issuer.name },
    },
  };
}

/** A cert-manager.io/v1 ClusterIssuer that self-signs (seed 003). */
export function renderSelfSignedClusterIssuer(name: string): ClusterIssuerProps {
  return { metadata: { name }, spec: { selfSigned: {} } };
}
