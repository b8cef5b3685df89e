import { GrafanaRole } from '../grafana/role-mapping';

/** The kind of realm a Keycloak CR points at (`spec.realmRef.kind`). */
export enum RealmKind {
  /** A namespaced `KeycloakRealm` (v1.edp.epam.com/v1). */
  KEYCLOAK_REALM = 'KeycloakRealm',
  /** A cluster-scoped `ClusterKeycloakRealm` (v1.edp.epam.com/v1alpha1), e.g. Cozystack's `keycloakrealm-cozy`. */
  CLUSTER_KEYCLOAK_REALM = 'ClusterKeycloakRealm',
}

/** The realm every Keycloak CR of the client refers to (`spec.realmRef`). */
export class RealmRef {
  /** A namespaced `KeycloakRealm` resource, by its metadata.name (in the CRs' namespace). */
  public static keycloakRealm(name: string): RealmRef {
    return new RealmRef(RealmKind.KEYCLOAK_REALM, name);
  }

  /** A cluster-scoped `ClusterKeycloakRealm` resource, by its metadata.name (Cozystack: 'keycloakrealm-cozy'). */
  public static clusterKeycloakRealm(name: string): RealmRef {
    return new RealmRef(RealmKind.CLUSTER_KEYCLOAK_REALM, name);
  }

  /** The realm resource's kind. */
  public readonly kind: RealmKind;
  /** The realm resource's metadata.name. */
  public readonly name: string;

  private constructor(kind: RealmKind, name: string) {
    this.kind = kind;
    this.name = name;
  }
}

/** A key of a Kubernetes Secret. */
export interface SecretKeyReference {
  /** The Secret's name (in the namespace of the objects that read it). */
  readonly secretName: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/** Options of `ClientSecret.createWithValue`. */
export interface ClientSecretValueOptions {
  /** Name of the Secret to create. */
  readonly secretName: string;
  /**
   * Key of the client secret in the Secret.
   * @default 'client-secret'
   */
  readonly key?: string;
  /** The client secret itself: it ends up in the synthesized manifests. */
  readonly value: string;
}

/**
 * Where the confidential client's secret lives. Keycloak (through the operator's
 * `$<secret>:<key>` reference) and Grafana (through a secretKeyRef) read the same key.
 * The library never invents a value: synth stays deterministic and secret-free.
 */
export class ClientSecret {
  /** A Secret that already exists in the client's namespace (created by you, sealed-secrets, ESO, ...). */
  public static fromExistingSecret(ref: SecretKeyReference): ClientSecret {
    return new ClientSecret('existing', ref.secretName, ref.key, undefined);
  }

  /**
   * Opt-in: the library writes a Secret holding the value you pass. The value lands in
   * the synthesized YAML (and in git, if you commit it): prefer `fromExistingSecret`.
   */
  public static createWithValue(options: ClientSecretValueOptions): ClientSecret {
    return new ClientSecret('value', options.secretName, options.key ?? 'client-secret', options.value);
  }

  /** @internal */
  public readonly _kind: 'existing' | 'value';
  /** @internal */
  public readonly _secretName: string;
  /** @internal */
  public readonly _key: string;
  /** @internal */
  public readonly _value?: string;

  private constructor(kind: 'existing' | 'value', secretName: string, key: string, value: string | undefined) {
    this._kind = kind;
    this._secretName = secretName;
    this._key = key;
    this._value = value;
  }
}

/** Names of the three role groups. */
export interface RoleGroupNames {
  /**
   * Members get Grafana Admin (GrafanaAdmin with `grafanaAdmin: true`).
   * @default '<namespace>-<release>-admin' for owned groups; none for existing groups
   */
  readonly admin?: string;
  /**
   * Members get Editor.
   * @default '<namespace>-<release>-editor' for owned groups; none for existing groups
   */
  readonly editor?: string;
  /**
   * Members get Viewer.
   * @default '<namespace>-<release>-viewer' for owned groups; none for existing groups
   */
  readonly viewer?: string;
}

/**
 * The realm groups that carry Grafana roles: created by the library, or existing ones
 * referenced by name.
 */
export class RoleGroups {
  /**
   * The library creates one KeycloakRealmGroup per role. Deleting them (removing the
   * construct, or the release) deletes their memberships in Keycloak.
   */
  public static owned(names: RoleGroupNames = {}): RoleGroups {
    return new RoleGroups('owned', names);
  }

  /**
   * Groups that already exist in the realm (managed elsewhere, so they and their
   * memberships outlive this client). Give at least one; an omitted role is not mapped.
   */
  public static existing(names: RoleGroupNames): RoleGroups {
    return new RoleGroups('existing', names);
  }

  /** @internal */
  public readonly _kind: 'owned' | 'existing';
  /** @internal */
  public readonly _names: RoleGroupNames;

  private constructor(kind: 'owned' | 'existing', names: RoleGroupNames) {
    this._kind = kind;
    this._names = names;
  }
}

/** The client as Pomerium's identity provider (`SystemOidcOptions.pomeriumIdp`). */
export interface PomeriumIdpOptions {
  /** Pomerium's authenticate service URL, e.g. 'https://authenticate.example.com'. */
  readonly authenticateServiceUrl: string;
  /**
   * Where Pomerium's pods mount the client-secret Secret (which must also exist in Pomerium's namespace).
   * @default '/etc/pomerium-idp'
   */
  readonly secretMountPath?: string;
}

/** Options of `OidcMode.system`. */
export interface SystemOidcOptions {
  /** The platform realm the client lives in. */
  readonly realm: RealmRef;
  /**
   * Whether the platform-level OIDC feature (Cozystack: authentication.oidc.enabled) is on.
   * System mode refuses to synthesize without it, since the realm would not exist.
   */
  readonly platformOidcEnabled: boolean;
  /** The realm's issuer, e.g. 'https://keycloak.example.com/realms/cozy' (https, no trailing slash). */
  readonly issuerUrl: string;
  /**
   * The confidential client's secret.
   * @default ClientSecret.fromExistingSecret({ secretName: '<release>-oidc-client', key: 'client-secret' })
   */
  readonly clientSecret?: ClientSecret;
  /**
   * The platform instance: members of the admin group become Grafana server admins
   * (the role path returns 'GrafanaAdmin' and allow_assign_grafana_admin is on).
   * @default false
   */
  readonly grafanaAdmin?: boolean;
  /**
   * The role of a realm user in none of the groups. Without it such a user is denied
   * (role_attribute_strict = true).
   * @default - denied
   */
  readonly fallbackRole?: GrafanaRole;
  /**
   * The role groups.
   * @default RoleGroups.owned()
   */
  readonly groups?: RoleGroups;
  /**
   * `spec.name` of the realm's client scope that puts group names into the `groups` claim.
   * @default 'groups'
   */
  readonly groupsScopeName?: string;
  /**
   * Sign users out of Keycloak too: Grafana's signout_redirect_url goes to the realm's
   * end-session endpoint, which sends them back to Grafana's login page.
   * @default false
   */
  readonly signOutOfKeycloak?: boolean;
  /**
   * Label of the login button.
   * @default 'Keycloak'
   */
  readonly displayName?: string;
  /**
   * Use the client as Pomerium's identity provider instead of Grafana's: its redirect URI
   * becomes Pomerium's callback, no Grafana OAuth settings are emitted, and Grafana gets
   * identities from Pomerium's JWT (GrafanaBehindPomerium with AuthFlow.jwt and this
   * construct's `roleMapping`).
   * @default - the client serves Grafana's own OAuth login
   */
  readonly pomeriumIdp?: PomeriumIdpOptions;
}

/** Options of `OidcMode.customConfig`: exactly one of `config` and `secretName`. */
export interface CustomOidcConfigOptions {
  /**
   * An inline `[auth.generic_oauth]` map (grafana.ini keys → string values). Merged over
   * safe defaults (enabled, use_pkce, role_attribute_strict). `client_secret` may only be
   * a `$__env{}`/`$__file{}` reference: use `clientSecret` instead.
   * @default - none
   */
  readonly config?: { [key: string]: string };
  /**
   * A Secret in Grafana's namespace whose keys are `GF_AUTH_GENERIC_OAUTH_*` variables
   * (e.g. GF_AUTH_GENERIC_OAUTH_CLIENT_ID); Grafana gets them through `envFrom`.
   * @default - none
   */
  readonly secretName?: string;
  /**
   * With `config`: the Secret key holding the client secret (GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET from a secretKeyRef).
   * @default - no client secret from a Secret
   */
  readonly clientSecret?: SecretKeyReference;
}

/** Which identity source a Grafana instance trusts. */
export class OidcMode {
  /** No OIDC: nothing is rendered. */
  public static none(): OidcMode {
    return new OidcMode('none', undefined, undefined);
  }

  /** Trust the platform realm through a per-instance confidential client with its own audience. */
  public static system(options: SystemOidcOptions): OidcMode {
    return new OidcMode('system', options, undefined);
  }

  /** Trust a tenant-supplied issuer: an inline generic_oauth map, or a Secret of GF_AUTH_GENERIC_OAUTH_* variables. */
  public static customConfig(options: CustomOidcConfigOptions): OidcMode {
    return new OidcMode('customConfig', undefined, options);
  }

  /** @internal */
  public readonly _kind: 'none' | 'system' | 'customConfig';
  /** @internal */
  public readonly _system?: SystemOidcOptions;
  /** @internal */
  public readonly _custom?: CustomOidcConfigOptions;

  private constructor(kind: 'none' | 'system' | 'customConfig', system: SystemOidcOptions | undefined, custom: CustomOidcConfigOptions | undefined) {
    this._kind = kind;
    this._system = system;
    this._custom = custom;
  }
}
