import { PplPolicy } from './access-policy';

/** One Pomerium route, with the keys Pomerium's config/policy.go reads. */
export interface PomeriumRouteModel {
  readonly from: string;
  readonly to: string;
  readonly policy: PplPolicy;
  /** Off by default since Pomerium v0.10: without it Grafana never sees the identity. */
  readonly pass_identity_headers: true;
  /** Grafana Live runs over websockets. */
  readonly allow_websockets: boolean;
  readonly timeout: string;
}

/** Pomerium's signing key, from a Secret the user owns (the library never holds the private key). */
export interface SigningKeyModel {
  /** The Secret in Pomerium's namespace; key `signing-key` for the chart and the config-file form. */
  readonly secretName: string;
  /** Where the config-file form expects the Secret's key mounted (`signing_key_file`). */
  readonly file: string;
}

/** Keycloak (or another OIDC provider) as Pomerium's identity provider. */
export interface IdentityProviderModel {
  readonly issuerUrl: string;
  readonly clientId: string;
  /** Secret in Pomerium's namespace holding the client secret. */
  readonly secretName: string;
  readonly secretKey: string;
  /** Where the Secret is mounted in the Pomerium pods (`idp_client_secret_file`). */
  readonly mountPath: string;
}

/**
 * What one Pomerium installation must be told: the release-wide settings and every route
 * on it. Each output form of a release is rendered from one of these.
 */
export interface PomeriumReleaseModel {
  readonly authenticateServiceUrl: string;
  /** The authenticate Service inside the cluster, so proxy and authorize never hairpin through the public URL. */
  readonly authenticateInternalServiceUrl?: string;
  readonly routes: readonly PomeriumRouteModel[];
  /** Global `jwt_claims_headers` (the union over the header-flow routes), as claim names. */
  readonly jwtClaimsHeaders: readonly string[];
  readonly signingKey?: SigningKeyModel;
  /** The Secret with SHARED_SECRET and COOKIE_SECRET the chart passes to Pomerium (chart form only). */
  readonly sharedSecretName?: string;
  readonly identityProvider?: IdentityProviderModel;
  /** Pomerium serves plain http: only inside a mesh that enforces mTLS. */
  readonly insecureServer: boolean;
}
