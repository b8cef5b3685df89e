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

/** What Pomerium as a whole must be told for one protected Grafana. */
export interface PomeriumModel {
  readonly route: PomeriumRouteModel;
  readonly authenticateServiceUrl: string;
  /** Global `jwt_claims_headers` (the header flow), as claim names. */
  readonly jwtClaimsHeaders?: readonly string[];
  /** A Secret (key `signing-key`) with Pomerium's signing key, when Grafana holds its public key. */
  readonly signingKeySecretName?: string;
  /** Pomerium serves plain http: only inside a mesh that enforces mTLS. */
  readonly insecureServer: boolean;
}
