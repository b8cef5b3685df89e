import { PropContext } from './errors';
import { FileMount, GrafanaConfigModel, IniValue, SecretSetting } from './grafana/config';
import { JwtKeySource, RenderedKeySource } from './grafana/jwt-key-source';
import { checkExpression, GrafanaRole, RoleMapping } from './grafana/role-mapping';
import { checkDuration, checkVariant } from './host';
import type { KeycloakGrafanaClient } from './keycloak-grafana-client';
import { checkPlainText, TemplateConsumer } from './strings';

/** One org-mapping entry: users whose org claim has `claimValue` get `role` in `org`. */
export interface OrgRoleRule {
  /** A value of the org attribute, or '*' for every user. */
  readonly claimValue: string;
  /** The Grafana organization, by name or id. */
  readonly org: string;
  /** The role in that organization. */
  readonly role: GrafanaRole;
}

/** Maps users to Grafana organizations (`org_attribute_path` and `org_mapping`). */
export interface OrgMapping {
  /** JMESPath to an array of org values in the token, e.g. 'groups'. */
  readonly attributePath: string;
  /** The mapping rules. */
  readonly rules: OrgRoleRule[];
}

/** Options of the signed-JWT flow. */
export interface JwtFlowOptions {
  /**
   * Where Grafana gets Pomerium's public keys.
   * @default JwtKeySource.routeJwks()
   */
  readonly keySource?: JwtKeySource;
  /**
   * The claim that becomes the Grafana user's email (`email_claim`).
   * @default 'email'
   */
  readonly emailClaim?: string;
  /**
   * The claim that becomes the Grafana login (`username_claim`).
   * @default 'email'
   */
  readonly usernameClaim?: string;
  /**
   * JMESPath to the email instead of a plain claim (`email_attribute_path`); replaces `emailClaim`.
   * @default - emailClaim is used
   */
  readonly emailAttributePath?: string;
  /**
   * JMESPath to the login instead of a plain claim (`username_attribute_path`); replaces `usernameClaim`.
   * @default - usernameClaim is used
   */
  readonly usernameAttributePath?: string;
  /**
   * Create the Grafana user on first sign-in (`auto_sign_up`).
   * @default true
   */
  readonly autoSignUp?: boolean;
  /**
   * How long Grafana caches the keys (`cache_ttl`); Pomerium's JWKS answers with max-age=60,
   * which caps the effective cache at one minute.
   * @default '60m'
   */
  readonly cacheTtl?: string;
  /**
   * Claims the token must carry besides `aud` and `iss`, which are always bound to the
   * route host so that a token minted for another Pomerium route is refused.
   * @default - only aud and iss
   */
  readonly extraExpectedClaims?: { [claim: string]: string };
  /**
   * Derives each user's role from the token. When given, users the mapping gives no
   * role are denied (`role_attribute_strict = true`).
   * @default - every user gets `defaultRole`
   */
  readonly roleMapping?: RoleMapping;
  /**
   * The role of every user when no `roleMapping` is given (`[users] auto_assign_org_role`).
   * @default GrafanaRole.VIEWER
   */
  readonly defaultRole?: GrafanaRole;
  /**
   * Maps users to organizations (`org_attribute_path`, `org_mapping`).
   * @default - users join the default organization
   */
  readonly orgMapping?: OrgMapping;
  /**
   * JMESPath to the user's groups, for Grafana team sync (`groups_attribute_path`).
   * @default - not set
   */
  readonly groupsAttributePath?: string;
  /**
   * Leave roles to the Grafana UI instead of syncing them at each sign-in (`skip_org_role_sync`).
   * @default false
   */
  readonly skipOrgRoleSync?: boolean;
  /**
   * Let other sites embed Grafana in an iframe (`[security] allow_embedding`).
   * @default false
   */
  readonly allowEmbedding?: boolean;
  /**
   * UNSAFE: accept the token from the `?auth_token=` query parameter (`url_login`).
   * Tokens then leak into logs, browser history and shared links (CVE-2023-1387).
   * @default false
   */
  readonly urlLoginUnsafe?: boolean;
}

/** The claims Pomerium can forward as plain headers in the header flow. */
export enum ForwardedClaim {
  /** `x-pomerium-claim-email` */
  EMAIL = 'email',
  /** `x-pomerium-claim-name` */
  NAME = 'name',
  /** `x-pomerium-claim-groups` (comma-separated) */
  GROUPS = 'groups',
}

/** How Grafana's auth proxy treats the identity header (`header_property`). */
export enum ProxyHeaderProperty {
  /** The header value is the Grafana login. */
  USERNAME = 'username',
  /** The header value is the Grafana email. */
  EMAIL = 'email',
}

/** Options of the claim-header (auth proxy) flow. */
export interface HeaderFlowOptions {
  /**
   * The claim whose header identifies the user (`header_name`).
   * @default ForwardedClaim.EMAIL
   */
  readonly identityClaim?: ForwardedClaim;
  /**
   * Whether the identity header is a login or an email (`header_property`).
   * @default ProxyHeaderProperty.USERNAME
   */
  readonly headerProperty?: ProxyHeaderProperty;
  /**
   * More claims to forward and map into Grafana (`headers`): Name and Groups.
   * @default - only the identity claim
   */
  readonly extraClaims?: ForwardedClaim[];
  /**
   * Create the Grafana user on first sign-in (`auto_sign_up`).
   * @default true
   */
  readonly autoSignUp?: boolean;
  /**
   * Minutes between re-syncs of the user from the headers (`sync_ttl`).
   * @default 60
   */
  readonly syncTtlMinutes?: number;
  /**
   * The role every new user gets (`[users] auto_assign_org_role`). The seed uses Editor;
   * Viewer is the least privilege.
   * @default GrafanaRole.VIEWER
   */
  readonly defaultRole?: GrafanaRole;
  /**
   * IPs or CIDRs of the direct peer Grafana accepts the header from (`whitelist`).
   * Behind an Istio sidecar every peer is 127.0.0.1, so this cannot tell Pomerium
   * apart there: isolation is still required.
   * @default - not set
   */
  readonly whitelist?: string[];
}

/** What a flow asks of Pomerium and Grafana, after validation. @internal */
export interface RenderedFlow {
  readonly grafana: Record<string, Record<string, IniValue>>;
  readonly keys?: RenderedKeySource;
  /** Global `jwt_claims_headers`, as a list of claims. */
  readonly jwtClaimsHeaders?: string[];
  /** True when Grafana trusts plain headers: then only Pomerium may reach it. */
  readonly trustsUnsignedHeaders: boolean;
  /** Files Grafana must see (a CA bundle for jwk_set_url). */
  readonly mounts?: readonly FileMount[];
  /** Settings read from Secrets (the OIDC client secret). */
  readonly secretSettings?: readonly SecretSetting[];
}

/** The part of a `KeycloakGrafanaClient` the OIDC flow reads (a type-only import: no import cycle). */
interface GrafanaOidcClient {
  readonly node: { readonly path: string };
  readonly modeName: string;
  readonly redirectUri?: string;
  readonly _pomeriumIdp?: unknown;
  readonly _grafanaModel: GrafanaConfigModel;
}

/**
 * How Pomerium tells Grafana who the user is.
 *
 * `AuthFlow.jwt()` (recommended): Grafana verifies the signed
 * `X-Pomerium-Jwt-Assertion`. `AuthFlow.headers()`: Grafana's auth proxy trusts
 * plain `X-Pomerium-Claim-*` headers, which is safe only when nothing but
 * Pomerium can reach Grafana.
 */
export abstract class AuthFlow {
  /** Grafana's `[auth.jwt]` verifies the assertion Pomerium signs. */
  public static jwt(options: JwtFlowOptions = {}): AuthFlow {
    return new JwtFlow(options);
  }

  /** Grafana's `[auth.proxy]` trusts the claim headers Pomerium adds. */
  public static headers(options: HeaderFlowOptions = {}): AuthFlow {
    return new HeaderFlow(options);
  }

  /**
   * Grafana signs users in with Keycloak itself (`[auth.generic_oauth]`) through the given
   * client, created with `OidcMode.system({...})` and `grafanaHost` = the route host; Pomerium
   * still admits only the route's policy in front of it. The client's Secret (its `clientSecret`,
   * by default `<release>-oidc-client` key `client-secret` in Grafana's namespace) is read by
   * both the keycloak-operator and Grafana, and must exist: the library never writes it.
   */
  public static grafanaOidc(client: KeycloakGrafanaClient): AuthFlow {
    return new GrafanaOidcFlow(client as unknown as GrafanaOidcClient);
  }

  /** @internal */
  public abstract _render(ctx: PropContext, routeHost: string): RenderedFlow;
}

class GrafanaOidcFlow extends AuthFlow {
  constructor(private readonly client: GrafanaOidcClient) {
    super();
  }

  public _render(ctx: PropContext, routeHost: string): RenderedFlow {
    const client = this.client;
    if (client === null || typeof client !== 'object' || client._grafanaModel === undefined || client.modeName !== 'system' || client._pomeriumIdp !== undefined) {
      return ctx.fail(client?.node?.path ?? client, 'a KeycloakGrafanaClient in System mode that signs Grafana in (not Pomerium) is required',
        "create it with OidcMode.system({ realm, issuerUrl, platformOidcEnabled: true }) and grafanaHost: '<the route host>'");
    }
    const expected = `https://${routeHost}/login/generic_oauth`;
    if (client.redirectUri !== expected) {
      ctx.fail(client.node.path, `the client redirects to '${client.redirectUri}', and Grafana behind this route signs in at '${expected}', so Keycloak would refuse the login`,
        `give the KeycloakGrafanaClient grafanaHost: '${routeHost}'`);
    }
    const model = client._grafanaModel;
    // The client's settings carry root_url for the same host; the route sets it too.
    const { server: _server, ...sections } = model.sections;
    return { grafana: sections, trustsUnsignedHeaders: false, mounts: model.mounts, secretSettings: model.secretSettings };
  }
}

const CLAIM = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const HEADER_FIELD: Record<string, string> = { email: 'Email', name: 'Name', groups: 'Groups' };

class JwtFlow extends AuthFlow {
  constructor(private readonly options: JwtFlowOptions) {
    super();
  }

  public _render(ctx: PropContext, routeHost: string): RenderedFlow {
    const o = this.options;
    const keySource = checkVariant(ctx.prop('keySource'), o.keySource, JwtKeySource, JwtKeySource.routeJwks(), 'use JwtKeySource.routeJwks(), jwksUrl(...), jwksFile({...}) or keyFile({...})');
    const keys = keySource._render(ctx.prop('keySource'), routeHost);
    const roleMapping = o.roleMapping === undefined ? undefined
      : checkVariant(ctx.prop('roleMapping'), o.roleMapping, RoleMapping, undefined, "use RoleMapping.fromGroups([...]) or RoleMapping.fromExpression('...'), or leave roleMapping out");
    const jwt: Record<string, IniValue> = {
      enabled: true,
      header_name: 'X-Pomerium-Jwt-Assertion',
      ...identitySettings(ctx, o),
      ...keys.settings,
      cache_ttl: o.cacheTtl === undefined ? '60m' : checkDuration(ctx.prop('cacheTtl'), o.cacheTtl),
      expect_claims: JSON.stringify(expectedClaims(ctx.prop('extraExpectedClaims'), routeHost, o.extraExpectedClaims)),
      auto_sign_up: o.autoSignUp ?? true,
    };
    // No enable_login_token: defaults.ini lists it under [auth.jwt], but Grafana never reads
    // it for JWT (pkg/setting/setting_jwt.go), so writing it would only suggest a control.
    const grafana: Record<string, Record<string, IniValue>> = { 'auth.jwt': jwt };

    if (roleMapping) {
      const mapping = roleMapping._render(ctx.prop('roleMapping'));
      jwt.role_attribute_path = mapping.roleAttributePath;
      jwt.role_attribute_strict = true;
      // Grafana ignores 'GrafanaAdmin' unless this is on; a mapping that returns it means it.
      if (mapping.returnsGrafanaAdmin) jwt.allow_assign_grafana_admin = true;
      if (o.defaultRole !== undefined) {
        ctx.prop('defaultRole').fail(o.defaultRole, 'defaultRole applies only without a roleMapping', 'give the fallback inside the mapping, e.g. RoleMapping.fromGroups(rules, { fallbackRole })');
      }
    } else {
      grafana.users = { auto_assign_org_role: checkRoleForDefault(ctx.prop('defaultRole'), o.defaultRole ?? GrafanaRole.VIEWER) };
    }
    if (o.orgMapping !== undefined) Object.assign(jwt, orgMappingSettings(ctx.prop('orgMapping'), o.orgMapping));
    if (o.groupsAttributePath !== undefined) {
      checkExpression(ctx.prop('groupsAttributePath'), o.groupsAttributePath);
      jwt.groups_attribute_path = o.groupsAttributePath;
    }
    if (o.skipOrgRoleSync) {
      if (o.roleMapping) ctx.prop('skipOrgRoleSync').fail(true, 'roles cannot be both synced from the token and left to the UI', 'drop roleMapping or skipOrgRoleSync');
      jwt.skip_org_role_sync = true;
    }
    if (o.urlLoginUnsafe) jwt.url_login = true;
    if (o.allowEmbedding) grafana.security = { allow_embedding: true };
    return { grafana, keys, trustsUnsignedHeaders: false, mounts: keys.mounts };
  }
}

class HeaderFlow extends AuthFlow {
  constructor(private readonly options: HeaderFlowOptions) {
    super();
  }

  public _render(ctx: PropContext): RenderedFlow {
    const o = this.options;
    const identity = o.identityClaim ?? ForwardedClaim.EMAIL;
    checkForwardedClaim(ctx.prop('identityClaim'), identity);
    const extra = o.extraClaims ?? [];
    extra.forEach((c, i) => checkForwardedClaim(ctx.prop('extraClaims').prop(String(i)), c));
    const claims = [identity, ...extra.filter((c) => c !== identity)];
    if (new Set(claims).size !== claims.length) ctx.prop('extraClaims').fail(extra, 'a claim is listed twice', 'list each claim once');

    const headerProperty = o.headerProperty ?? ProxyHeaderProperty.USERNAME;
    if (!Object.values(ProxyHeaderProperty).includes(headerProperty)) {
      ctx.prop('headerProperty').fail(headerProperty, "Grafana's header_property is 'username' or 'email' only", 'use ProxyHeaderProperty.USERNAME or EMAIL');
    }
    const proxy: Record<string, IniValue> = {
      enabled: true,
      header_name: claimHeader(identity),
      header_property: headerProperty,
      auto_sign_up: o.autoSignUp ?? true,
      sync_ttl: checkSyncTtl(ctx.prop('syncTtlMinutes'), o.syncTtlMinutes ?? 60),
    };
    if (o.whitelist !== undefined) proxy.whitelist = checkWhitelist(ctx.prop('whitelist'), o.whitelist);
    if (extra.length > 0) {
      // The identity header already fills the email when header_property is 'email'.
      const mapped = claims.filter((c) => !(c === identity && headerProperty === ProxyHeaderProperty.EMAIL));
      proxy.headers = mapped.map((c) => `${HEADER_FIELD[c]}:${claimHeader(c)}`).join(' ');
    }
    proxy.enable_login_token = false;
    return {
      grafana: {
        'auth.proxy': proxy,
        'users': {
          allow_sign_up: false,
          auto_assign_org: true,
          auto_assign_org_role: checkRoleForDefault(ctx.prop('defaultRole'), o.defaultRole ?? GrafanaRole.VIEWER),
        },
      },
      jwtClaimsHeaders: claims,
      trustsUnsignedHeaders: true,
    };
  }
}

/** Pomerium names a forwarded claim's header `x-pomerium-claim-<claim>`; Grafana matches case-insensitively. */
export function claimHeader(claim: string): string {
  return 'X-Pomerium-Claim-' + claim.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('-');
}

function checkForwardedClaim(ctx: PropContext, claim: unknown) {
  if (typeof claim !== 'string' || !CLAIM.test(claim)) {
    // Underscores would make `x-pomerium-claim-given_name`: proxies (Envoy, nginx) drop such headers.
    ctx.fail(claim, 'the claim must give a header name of lower-case letters, digits and inner hyphens (no underscores: proxies drop such headers)', 'use ForwardedClaim.EMAIL, NAME or GROUPS');
  }
  if (!Object.values(ForwardedClaim).includes(claim as ForwardedClaim)) {
    ctx.fail(claim, 'Grafana can map only email, name and groups from headers', 'use ForwardedClaim.EMAIL, NAME or GROUPS');
  }
}

function identitySettings(ctx: PropContext, o: JwtFlowOptions): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [claimProp, pathProp, claimKey, pathKey] of [
    ['emailClaim', 'emailAttributePath', 'email_claim', 'email_attribute_path'],
    ['usernameClaim', 'usernameAttributePath', 'username_claim', 'username_attribute_path'],
  ] as const) {
    const claim = o[claimProp];
    const path = o[pathProp];
    if (claim !== undefined && path !== undefined) {
      ctx.prop(pathProp).fail(path, `${claimProp} and ${pathProp} are alternatives`, `keep one of ${claimProp} and ${pathProp}`);
    }
    if (path !== undefined) {
      checkExpression(ctx.prop(pathProp), path);
      settings[pathKey] = path;
    } else {
      const value = claim ?? 'email';
      if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(value)) {
        ctx.prop(claimProp).fail(value, 'a claim name is letters, digits and _ . : -', "give the claim, e.g. 'email'");
      }
      settings[claimKey] = value;
    }
  }
  return settings;
}

function expectedClaims(ctx: PropContext, routeHost: string, extra: Record<string, string> | undefined): Record<string, string> {
  // Pomerium sets both aud and iss to the route host: binding them refuses tokens of other routes.
  const claims: Record<string, string> = { aud: routeHost, iss: routeHost };
  for (const [claim, value] of Object.entries(extra ?? {})) {
    if (claim === 'aud' || claim === 'iss') {
      ctx.fail({ [claim]: value }, `'${claim}' is always bound to the route host '${routeHost}'`, `remove '${claim}' from extraExpectedClaims`);
    }
    if (typeof value !== 'string') ctx.fail({ [claim]: value }, 'expected claim values are strings', 'give a string value');
    // JSON.stringify escapes quotes and control characters, but the JSON lands in grafana.ini,
    // which the Grafana chart passes through tpl: '{{' is refused in names and values alike.
    checkPlainText(ctx.prop(claim), claim, { templates: TemplateConsumer.GRAFANA_CHART });
    checkPlainText(ctx.prop(claim), value, { templates: TemplateConsumer.GRAFANA_CHART });
    claims[claim] = value;
  }
  return claims;
}

function orgMappingSettings(ctx: PropContext, mapping: OrgMapping): Record<string, string> {
  checkExpression(ctx.prop('attributePath'), mapping.attributePath);
  if (!Array.isArray(mapping.rules) || mapping.rules.length === 0) {
    ctx.prop('rules').fail(mapping.rules, 'an org mapping needs at least one rule', "give rules such as [{ claimValue: 'sre', org: 'Main Org.', role: GrafanaRole.EDITOR }]");
  }
  const entries = mapping.rules.map((rule, i) => {
    const ruleCtx = ctx.prop('rules').prop(String(i));
    for (const field of ['claimValue', 'org'] as const) {
      if (typeof rule[field] !== 'string' || rule[field] === '' || /[\s:]/.test(rule[field])) {
        ruleCtx.prop(field).fail(rule[field], "org_mapping entries are 'value:org:Role' separated by spaces, so no spaces or colons are allowed", 'use the org id or a name without spaces or colons');
      }
      checkPlainText(ruleCtx.prop(field), rule[field], { templates: TemplateConsumer.GRAFANA_CHART });
    }
    checkRoleForDefault(ruleCtx.prop('role'), rule.role);
    return `${rule.claimValue}:${rule.org}:${rule.role}`;
  });
  return { org_attribute_path: mapping.attributePath, org_mapping: entries.join(' ') };
}

function checkRoleForDefault(ctx: PropContext, role: unknown): string {
  const valid = ['None', 'Viewer', 'Editor', 'Admin'];
  if (typeof role !== 'string' || !valid.includes(role)) {
    return ctx.fail(role, `an organization role is one of ${valid.join(', ')} (GrafanaAdmin is a server role, only from a roleMapping)`, 'use GrafanaRole.VIEWER, EDITOR, ADMIN or NONE');
  }
  return role;
}

function checkSyncTtl(ctx: PropContext, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return ctx.fail(value, 'sync_ttl is a whole number of minutes', 'give e.g. 60');
  }
  return value;
}

function checkWhitelist(ctx: PropContext, entries: unknown): string {
  if (!Array.isArray(entries) || entries.length === 0) {
    return ctx.fail(entries, 'the whitelist needs at least one IP or CIDR', "give e.g. ['10.0.0.0/8']");
  }
  for (const entry of entries) {
    if (typeof entry !== 'string' || !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)) {
      ctx.fail(entry, 'not an IP address or CIDR', "write e.g. '10.0.0.0/8'");
    }
  }
  return entries.join(', ');
}
