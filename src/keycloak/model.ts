import { IniValue } from '../grafana/config';
import { GrafanaRole, GroupRoleRule } from '../grafana/role-mapping';

/*
 * What Keycloak, Grafana and Pomerium must be told about one per-instance client, as
 * plain data (no cdk8s). The construct validates props and feeds these to the L1 classes.
 */

/** `spec.realmRef` of every CR. */
export interface RealmRefModel {
  readonly name: string;
  readonly kind: string;
}

/** The per-instance names: `<namespace>-<release>` and what hangs off it. */
export interface InstanceNames {
  readonly clientId: string;
  readonly audienceScopeName: string;
  readonly defaultGroups: { readonly admin: string; readonly editor: string; readonly viewer: string };
  readonly defaultSecretName: string;
}

export function instanceNames(namespace: string, release: string): InstanceNames {
  const clientId = `${namespace}-${release}`;
  return {
    clientId,
    audienceScopeName: `${clientId}-audience`,
    defaultGroups: { admin: `${clientId}-admin`, editor: `${clientId}-editor`, viewer: `${clientId}-viewer` },
    defaultSecretName: `${release}-oidc-client`,
  };
}

/** The realm's OpenID Connect endpoints (Keycloak's fixed layout under the issuer). */
export interface KeycloakEndpoints {
  readonly auth: string;
  readonly token: string;
  readonly userinfo: string;
  readonly endSession: string;
  readonly certs: string;
}

export function keycloakEndpoints(issuerUrl: string): KeycloakEndpoints {
  const base = `${issuerUrl}/protocol/openid-connect`;
  return { auth: `${base}/auth`, token: `${base}/token`, userinfo: `${base}/userinfo`, endSession: `${base}/logout`, certs: `${base}/certs` };
}

/** What the KeycloakClient must say. */
export interface KeycloakClientModel {
  readonly realmRef: RealmRefModel;
  readonly clientId: string;
  /** The home URL of the client (Grafana, or Pomerium's authenticate service). */
  readonly webUrl: string;
  /** The one exact redirect URI. */
  readonly redirectUri: string;
  /** Where Keycloak may send users after sign-out (exact). */
  readonly postLogoutRedirectUri?: string;
  readonly secretName: string;
  readonly secretKey: string;
  readonly groupsScopeName: string;
  readonly audienceScopeName: string;
  /** Require PKCE (S256) on the Keycloak side: only when the relying party sends it. */
  readonly requirePkce: boolean;
}

/** `spec` of the KeycloakClient: confidential, standard flow only, exact redirect, secret always set. */
export function renderKeycloakClientSpec(m: KeycloakClientModel): Record<string, any> {
  const attributes: Record<string, string> = {};
  // Always set: when the attribute (or webOrigins) is missing, the operator writes its default
  // ('+') into this spec itself (edp-keycloak-operator keycloakclient_controller.go applyDefaults),
  // and a GitOps tool would then fight it for ever.
  attributes['post.logout.redirect.uris'] = m.postLogoutRedirectUri ?? '+';
  if (m.requirePkce) attributes['pkce.code.challenge.method'] = 'S256';
  return {
    clientId: m.clientId,
    name: m.clientId,
    realmRef: { name: m.realmRef.name, kind: m.realmRef.kind },
    protocol: 'openid-connect',
    public: false,
    directAccess: false,
    standardFlowEnabled: true,
    implicitFlowEnabled: false,
    bearerOnly: false,
    // Always set: left empty, the operator generates a Secret and rewrites this spec, fighting GitOps.
    secret: `$${m.secretName}:${m.secretKey}`,
    webUrl: m.webUrl,
    // Exact: the operator's default is webUrl + "/*", which admits any path as a redirect target.
    redirectUris: [m.redirectUri],
    webOrigins: [m.webUrl],
    // The operator does not merge realm defaults: the groups scope must be listed.
    defaultClientScopes: [m.groupsScopeName, m.audienceScopeName],
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/** `spec` of the per-instance audience scope: `aud` pinned to the clientId in access and ID tokens. */
export function renderAudienceScopeSpec(realmRef: RealmRefModel, scopeName: string, clientId: string): Record<string, any> {
  return {
    name: scopeName,
    realmRef: { name: realmRef.name, kind: realmRef.kind },
    description: `Audience ${clientId}: tokens for this Grafana instance only`,
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'true' },
    protocolMappers: [
      {
        name: 'audience',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-audience-mapper',
        config: {
          'included.client.audience': clientId,
          'access.token.claim': 'true',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      },
    ],
  };
}

/** `spec` of an owned KeycloakRealmGroup. */
export function renderRealmGroupSpec(realmRef: RealmRefModel, name: string): Record<string, any> {
  return { name, realmRef: { name: realmRef.name, kind: realmRef.kind } };
}

/** The groups that carry roles; an undefined one is not mapped. */
export interface RoleGroupModel {
  readonly admin?: string;
  readonly editor?: string;
  readonly viewer?: string;
}

/**
 * Group → role rules, highest role first. `RoleMapping.fromGroups` matches each name also as its
 * full path ('/name'), so the rules hold whether the realm's group mapper emits full paths
 * (Keycloak's default) or names (Cozystack's `full.path: false`).
 */
export function roleGroupRules(groups: RoleGroupModel, grafanaAdmin: boolean): GroupRoleRule[] {
  const rules: GroupRoleRule[] = [];
  const add = (group: string | undefined, role: GrafanaRole) => {
    if (group === undefined) return;
    rules.push({ group, role });
  };
  add(groups.admin, grafanaAdmin ? GrafanaRole.GRAFANA_ADMIN : GrafanaRole.ADMIN);
  add(groups.editor, GrafanaRole.EDITOR);
  add(groups.viewer, GrafanaRole.VIEWER);
  return rules;
}

/** What Grafana's [auth.generic_oauth] must say in System mode. */
export interface SystemGrafanaModel {
  readonly grafanaHost: string;
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly displayName: string;
  readonly groupsScopeName: string;
  readonly audienceScopeName: string;
  readonly roleAttributePath: string;
  readonly allowAssignGrafanaAdmin: boolean;
  readonly signOutOfKeycloak: boolean;
}

/** The grafana.ini sections of System mode (the client secret comes separately, from its Secret). */
export function systemGrafanaSettings(m: SystemGrafanaModel): Record<string, Record<string, IniValue>> {
  const endpoints = keycloakEndpoints(m.issuerUrl);
  const oauth: Record<string, IniValue> = {
    enabled: true,
    name: m.displayName,
    client_id: m.clientId,
    // Only standard scopes are requested: a requested scope the client does not have yet fails the
    // login with invalid_scope (keycloak AuthorizationEndpointChecker.checkValidScope) until the
    // operator attaches it, while default client scopes (groups, audience) apply unrequested.
    scopes: 'openid email profile',
    auth_url: endpoints.auth,
    token_url: endpoints.token,
    api_url: endpoints.userinfo,
    use_pkce: true,
    email_attribute_path: 'email',
    login_attribute_path: 'preferred_username',
    groups_attribute_path: 'groups',
    role_attribute_path: m.roleAttributePath,
    // A user the path gives no role is refused, not handed [users] auto_assign_org_role.
    role_attribute_strict: true,
    allow_assign_grafana_admin: m.allowAssignGrafanaAdmin,
    auto_login: false,
  };
  if (m.signOutOfKeycloak) oauth.signout_redirect_url = keycloakSignoutUrl(m.issuerUrl, m.clientId, m.grafanaHost);
  return {
    // Grafana builds redirect_uri from root_url: it must be the exact URI registered in Keycloak.
    'server': { root_url: `https://${m.grafanaHost}/` },
    'auth.generic_oauth': oauth,
  };
}

/** Keycloak's end-session endpoint, returning to Grafana's login page (Keycloak 18+ needs client_id with the redirect). */
export function keycloakSignoutUrl(issuerUrl: string, clientId: string, grafanaHost: string): string {
  const back = encodeURIComponent(grafanaLoginUrl(grafanaHost));
  return `${keycloakEndpoints(issuerUrl).endSession}?client_id=${encodeURIComponent(clientId)}&post_logout_redirect_uri=${back}`;
}

export function grafanaLoginUrl(grafanaHost: string): string {
  return `https://${grafanaHost}/login`;
}

export function grafanaRedirectUri(grafanaHost: string): string {
  return `https://${grafanaHost}/login/generic_oauth`;
}

export function pomeriumCallbackUri(authenticateHost: string): string {
  return `https://${authenticateHost}/oauth2/callback`;
}

/** Safe settings under a tenant-supplied config; the tenant's own keys win. */
export const CUSTOM_CONFIG_DEFAULTS: Readonly<Record<string, IniValue>> = {
  enabled: true,
  use_pkce: true,
  role_attribute_strict: true,
};

/** Keys of [auth.generic_oauth] in Grafana 12.2's conf/defaults.ini. */
export const GENERIC_OAUTH_KEYS: readonly string[] = [
  'name', 'icon', 'enabled', 'allow_sign_up', 'auto_login', 'client_id', 'client_secret', 'scopes', 'empty_scopes',
  'email_attribute_name', 'email_attribute_path', 'login_attribute_path', 'name_attribute_path', 'role_attribute_path',
  'role_attribute_strict', 'org_attribute_path', 'org_mapping', 'groups_attribute_path', 'id_token_attribute_name',
  'team_ids_attribute_path', 'auth_url', 'token_url', 'api_url', 'signout_redirect_url', 'teams_url', 'allowed_domains',
  'allowed_groups', 'team_ids', 'allowed_organizations', 'tls_skip_verify_insecure', 'tls_client_cert', 'tls_client_key',
  'tls_client_ca', 'use_pkce', 'auth_style', 'allow_assign_grafana_admin', 'skip_org_role_sync', 'use_refresh_token',
  'validate_id_token', 'jwk_set_url',
];

/** What Pomerium must be told to use the client as its identity provider. */
export interface PomeriumIdpModel {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly secretName: string;
  readonly secretKey: string;
  readonly mountPath: string;
}

/** Pomerium options (config.yaml keys). The secret is read from a mounted file, never written. */
export function renderPomeriumIdpOptions(m: PomeriumIdpModel): Record<string, string> {
  return {
    idp_provider: 'oidc',
    idp_provider_url: m.issuerUrl,
    idp_client_id: m.clientId,
    idp_client_secret_file: `${m.mountPath}/${m.secretKey}`,
  };
}
