import { PropContext } from '../errors';
import { GrafanaConfigBuilder, GrafanaConfigModel, IniValue } from '../grafana/config';
import { GrafanaOutput } from '../grafana/outputs';
import { RoleMapping } from '../grafana/role-mapping';
import { checkDnsSubdomain } from '../host';
import { checkIniValue } from '../strings';
import { checkSecretKey } from './checks';
import { CheckedKeycloakClient } from './client-checks';
import {
  CUSTOM_CONFIG_DEFAULTS,
  GENERIC_OAUTH_KEYS,
  grafanaLoginUrl,
  grafanaRedirectUri,
  PomeriumIdpModel,
  pomeriumCallbackUri,
  renderKeycloakClientSpec,
  renderPomeriumIdpOptions,
  systemGrafanaSettings,
} from './model';
import { CustomOidcConfigOptions } from './options';

/** What the client tells Keycloak, Grafana and Pomerium, as plain data. */
export interface KeycloakClientModel {
  /** Grafana's configuration for this mode (empty for none, and when the client serves Pomerium). */
  readonly grafana: GrafanaConfigModel;
  /** The Grafana output forms when `grafanaOutputs` is left out. */
  readonly defaultOutputs: GrafanaOutput[];
  /** Why no Grafana output form may be asked for, when none can be. */
  readonly outputsRefusal?: string;
  /** System mode: where Keycloak sends the user back, and the KeycloakClient spec. */
  readonly redirectUri?: string;
  readonly clientSpec?: Record<string, any>;
  /** System mode serving Pomerium: Pomerium's identity provider settings. */
  readonly pomeriumIdp?: PomeriumIdpModel;
  readonly pomeriumIdpOptions?: { [key: string]: string };
}

/**
 * Builds the client's model for its mode. A custom configuration is checked as it is built
 * (its keys are only known here); System mode's Grafana settings come from the checked options.
 */
export function keycloakClientModel(ctx: PropContext, client: CheckedKeycloakClient): KeycloakClientModel {
  const builder = new GrafanaConfigBuilder();
  const { mode, system, names, grafanaHost } = client;
  if (mode._kind === 'none') {
    return { grafana: builder.build(), defaultOutputs: [], outputsRefusal: 'OidcMode.none() renders nothing, so there is no Grafana configuration to emit' };
  }
  if (mode._kind === 'customConfig' || !system) {
    addCustomConfigSettings(ctx.prop('mode'), mode._custom, grafanaHost, builder);
    return { grafana: builder.build(), defaultOutputs: [GrafanaOutput.helmValues()] };
  }
  const redirectUri = system.pomerium ? pomeriumCallbackUri(system.pomerium.authenticateHost) : grafanaRedirectUri(grafanaHost);
  const clientSpec = renderKeycloakClientSpec({
    realmRef: system.realmRef,
    clientId: names.clientId,
    webUrl: system.pomerium ? `https://${system.pomerium.authenticateHost}` : `https://${grafanaHost}`,
    redirectUri,
    postLogoutRedirectUri: system.pomerium ? undefined : grafanaLoginUrl(grafanaHost),
    secretName: system.secretName,
    secretKey: system.secretKey,
    groupsScopeName: system.groupsScopeName,
    audienceScopeName: names.audienceScopeName,
    requirePkce: !system.pomerium,
  });
  if (system.pomerium) {
    const pomeriumIdp: PomeriumIdpModel = {
      issuerUrl: system.issuerUrl,
      clientId: names.clientId,
      secretName: system.secretName,
      secretKey: system.secretKey,
      mountPath: system.pomerium.mountPath,
    };
    return {
      grafana: builder.build(),
      defaultOutputs: [],
      outputsRefusal: 'the client serves Pomerium (mode pomeriumIdp), and Grafana takes identities from Pomerium\'s JWT, not from Keycloak',
      redirectUri,
      clientSpec,
      pomeriumIdp,
      pomeriumIdpOptions: renderPomeriumIdpOptions(pomeriumIdp),
    };
  }
  builder.setAll(ctx.prop('mode'), systemGrafanaSettings({
    grafanaHost,
    issuerUrl: system.issuerUrl,
    clientId: names.clientId,
    displayName: system.displayName,
    groupsScopeName: system.groupsScopeName,
    audienceScopeName: names.audienceScopeName,
    roleAttributePath: client.mapping!.roleAttributePath,
    allowAssignGrafanaAdmin: client.mapping!.returnsGrafanaAdmin,
    signOutOfKeycloak: system.signOutOfKeycloak,
  }), 'OidcMode.system()');
  builder.setFromSecret({ section: 'auth.generic_oauth', key: 'client_secret', secretName: system.secretName, secretKey: system.secretKey });
  return { grafana: builder.build(), defaultOutputs: [GrafanaOutput.helmValues()], redirectUri, clientSpec };
}

const INI_REFERENCE = /^\$__(env|file|vault)\{[^}]+\}$/;

function addCustomConfigSettings(ctx: PropContext, raw: CustomOidcConfigOptions | undefined, grafanaHost: string, builder: GrafanaConfigBuilder) {
  const o = raw ?? ({} as CustomOidcConfigOptions);
  const hasInline = o.config !== undefined && o.config !== null && Object.keys(o.config).length > 0;
  const hasSecret = o.secretName !== undefined && o.secretName !== '';
  const shown = { config: hasInline ? Object.keys(o.config!) : undefined, secretName: o.secretName };
  if (hasInline && hasSecret) {
    ctx.prop('customConfig').fail(
      shown,
      'set exactly one of `config` (inline generic_oauth map) or `secretName` (Secret of GF_AUTH_GENERIC_OAUTH_* variables) — they are mutually exclusive',
      'keep one: `config` for settings written here, `secretName` for settings kept in a Secret',
    );
  }
  if (!hasInline && !hasSecret) {
    ctx.prop('customConfig').fail(
      shown,
      'OidcMode.customConfig() requires either `config` (inline generic_oauth map) or `secretName` (a Secret whose keys are GF_AUTH_GENERIC_OAUTH_* variables)',
      "pass e.g. { config: { client_id: 'grafana', auth_url: ..., token_url: ..., api_url: ... } } or { secretName: 'grafana-oidc' }",
    );
  }
  builder.set(ctx, 'server', 'root_url', `https://${grafanaHost}/`, 'OidcMode.customConfig() (grafanaHost)');

  if (hasSecret) {
    const secretName = checkDnsSubdomain(ctx.prop('customConfig').prop('secretName'), o.secretName, 'a Secret name');
    if (o.clientSecret !== undefined) {
      ctx.prop('customConfig').prop('clientSecret').fail(o.clientSecret, 'with `secretName` the Secret itself carries GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET', 'leave clientSecret out and put the key in the Secret');
    }
    // Deny-by-default and PKCE in grafana.ini; the Secret's GF_* variables take precedence.
    builder.set(ctx, 'auth.generic_oauth', 'use_pkce', true, 'OidcMode.customConfig() (defaults)');
    builder.set(ctx, 'auth.generic_oauth', 'role_attribute_strict', true, 'OidcMode.customConfig() (defaults)');
    builder.envFromSecret(secretName);
    return;
  }

  const configCtx = ctx.prop('customConfig').prop('config');
  const config = o.config!;
  if (typeof config !== 'object' || Array.isArray(config)) {
    configCtx.fail(config, 'the inline config maps [auth.generic_oauth] keys to string values', "write e.g. { client_id: 'grafana', scopes: 'openid email profile' }");
  }
  const merged: Record<string, IniValue> = { ...CUSTOM_CONFIG_DEFAULTS };
  for (const [key, value] of Object.entries(config)) {
    if (!GENERIC_OAUTH_KEYS.includes(key)) {
      configCtx.fail(key, 'not a key of [auth.generic_oauth] in Grafana\'s defaults.ini (Grafana ignores unknown keys)', `use one of ${GENERIC_OAUTH_KEYS.join(', ')}`);
    }
    if (typeof value !== 'string') {
      configCtx.fail({ [key]: value }, 'values are strings, as in grafana.ini', `write ${JSON.stringify(String(value))}`);
    }
    // A literal client_secret is refused below without echoing it; check the others here.
    merged[key] = key === 'client_secret' ? value : checkIniValue(configCtx.prop(key), value);
  }
  if (config.client_secret !== undefined && !INI_REFERENCE.test(config.client_secret)) {
    configCtx.fail(
      { client_secret: '<redacted>' },
      'a literal client_secret would sit in grafana.ini, Helm values and the Grafana resource (the Grafana chart refuses it)',
      "remove client_secret and pass clientSecret: { secretName: '<Secret>', key: '<key>' }, or write '$__file{/path}' / '$__env{VAR}'",
    );
  }
  if (o.clientSecret !== undefined && config.client_secret !== undefined) {
    ctx.prop('customConfig').prop('clientSecret').fail(o.clientSecret, 'config.client_secret is set too', 'keep one of them');
  }
  if (config.role_attribute_path !== undefined) {
    const mapping = RoleMapping.fromExpression(config.role_attribute_path)._render(configCtx.prop('role_attribute_path'));
    const allowAdmin = config.allow_assign_grafana_admin;
    if (mapping.returnsGrafanaAdmin && allowAdmin !== 'true') {
      configCtx.prop('allow_assign_grafana_admin').fail(allowAdmin, "role_attribute_path can return 'GrafanaAdmin', which Grafana ignores unless allow_assign_grafana_admin is 'true'", "set allow_assign_grafana_admin: 'true', or map the group to 'Admin'");
    }
    if (!mapping.returnsGrafanaAdmin && allowAdmin === 'true') {
      configCtx.prop('allow_assign_grafana_admin').fail(allowAdmin, "allow_assign_grafana_admin does nothing: role_attribute_path never returns 'GrafanaAdmin' (Cozystack's flaw)", "make the path return 'GrafanaAdmin' for the server-admin group, or drop allow_assign_grafana_admin");
    }
  } else if (config.allow_assign_grafana_admin === 'true') {
    configCtx.prop('allow_assign_grafana_admin').fail('true', "allow_assign_grafana_admin does nothing without a role_attribute_path that returns 'GrafanaAdmin'", 'add such a role_attribute_path, or drop allow_assign_grafana_admin');
  }
  builder.setAll(configCtx, { 'auth.generic_oauth': merged }, 'OidcMode.customConfig() config');
  if (o.clientSecret !== undefined) {
    const sctx = ctx.prop('customConfig').prop('clientSecret');
    builder.setFromSecret({
      section: 'auth.generic_oauth',
      key: 'client_secret',
      secretName: checkDnsSubdomain(sctx.prop('secretName'), o.clientSecret.secretName, 'a Secret name'),
      secretKey: checkSecretKey(sctx.prop('key'), o.clientSecret.key),
    });
  }
}
