import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropContext } from './errors';
import { GrafanaConfigBuilder, GrafanaConfigModel, IniValue } from './grafana/config';
import { emitGrafanaOutputs } from './grafana/emit';
import { checkGrafanaOutputList, GrafanaOutput } from './grafana/outputs';
import { GrafanaRole, RoleMapping } from './grafana/role-mapping';
import { HelmValuesFile } from './helm-values';
import { checkBoolean, checkDnsLabel, checkDnsName, checkDnsSubdomain, checkHttpsOrigin, checkHttpsUrl, checkVariant } from './host';
import {
  KeycloakClient,
  KeycloakClientScope,
  KeycloakClientScopeSpecRealmRefKind,
  KeycloakClientSpecRealmRefKind,
  KeycloakRealmGroup,
  KeycloakRealmGroupSpecRealmRefKind,
} from './imports/keycloak-v1.edp.epam.com';
import { checkSecretKey, checkText } from './keycloak/checks';
import {
  CUSTOM_CONFIG_DEFAULTS,
  GENERIC_OAUTH_KEYS,
  grafanaLoginUrl,
  grafanaRedirectUri,
  instanceNames,
  PomeriumIdpModel,
  pomeriumCallbackUri,
  RealmRefModel,
  renderAudienceScopeSpec,
  renderKeycloakClientSpec,
  renderPomeriumIdpOptions,
  renderRealmGroupSpec,
  RoleGroupModel,
  roleGroupRules,
  systemGrafanaSettings,
} from './keycloak/model';
import { ClientSecret, CustomOidcConfigOptions, OidcMode, RealmRef, RoleGroups, SystemOidcOptions } from './keycloak/options';
import { IdentityProviderModel } from './pomerium/model';
import { claimInApp } from './registry';
import { registerUniqueObjectNames } from './rules/unique-object-names';
import { checkIniValue, TemplateConsumer } from './strings';

/** Props of `KeycloakGrafanaClient`. */
export interface KeycloakGrafanaClientProps {
  /** The instance's namespace (a DNS label): the Keycloak CRs, the client Secret and Grafana live here. */
  readonly namespace: string;
  /** The instance's release name (a DNS label). The clientId is `<namespace>-<release>`. */
  readonly release: string;
  /**
   * Grafana's public host, e.g. 'grafana.acme.example.com' (no scheme, port or path), where
   * Grafana itself signs users in through Keycloak. Not used when the client serves Pomerium
   * (`pomeriumIdp`): Keycloak then redirects to Pomerium's authenticate host, and the Grafana
   * behind Pomerium is a `GrafanaBehindPomerium` on the release this client feeds.
   * @default - required, except with `pomeriumIdp`
   */
  readonly grafanaHost?: string;
  /** The identity source: `OidcMode.none()`, `OidcMode.system({...})` or `OidcMode.customConfig({...})`. */
  readonly mode: OidcMode;
  /**
   * The forms of the Grafana configuration to emit.
   * @default [GrafanaOutput.helmValues()] in System and CustomConfig modes; none in None mode or when the client serves Pomerium
   */
  readonly grafanaOutputs?: GrafanaOutput[];
}

/**
 * A Grafana instance's OIDC login through Keycloak, after Cozystack's per-instance design
 * (seed 004) with its maintainers' fixes: a confidential client per instance whose audience
 * no other instance accepts, role groups, and Grafana's [auth.generic_oauth] in every
 * chosen output form, deny-by-default.
 */
export class KeycloakGrafanaClient extends Construct {
  /** The mode: 'none', 'system' or 'customConfig'. */
  public readonly modeName: string;
  /** The Keycloak clientId (`<namespace>-<release>`), in System mode. */
  public readonly clientId?: string;
  /** The audience client scope's name (`<clientId>-audience`), in System mode. */
  public readonly audienceScopeName?: string;
  /** The exact redirect URI registered for the client, in System mode. */
  public readonly redirectUri?: string;
  /** The group whose members get Admin (GrafanaAdmin on the platform instance), in System mode. */
  public readonly adminGroup?: string;
  /** The group whose members get Editor, in System mode. */
  public readonly editorGroup?: string;
  /** The group whose members get Viewer, in System mode. */
  public readonly viewerGroup?: string;
  /** The group-to-role mapping, in System mode: pass it to `AuthFlow.jwt({ roleMapping })` when the client serves Pomerium. */
  public readonly roleMapping?: RoleMapping;
  /** The grafana.ini settings, section → key → value (empty in None mode and when the client serves Pomerium). */
  public readonly grafanaSettings: { [section: string]: { [key: string]: any } };
  /** Grafana Helm chart values, when `GrafanaOutput.helmValues()` is chosen. */
  public readonly grafanaHelmValues?: { [key: string]: any };
  /** GF_* variables ({ name, value } or { name, valueFrom }), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnv?: { [key: string]: any }[];
  /** `envFrom` sources for the Grafana container (CustomConfig from a Secret), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnvFrom?: { [key: string]: any }[];
  /** Pomerium options (idp_provider, idp_provider_url, idp_client_id, idp_client_secret_file), when the client serves Pomerium. */
  public readonly pomeriumIdpOptions?: { [key: string]: string };

  /** The client as Pomerium's identity provider, for the `PomeriumRelease` it feeds. @internal */
  public readonly _pomeriumIdp?: { readonly authenticateHost: string; readonly namespace: string; readonly model: IdentityProviderModel };
  private readonly release: string;

  /** @internal */
  public readonly _grafanaModel: GrafanaConfigModel;

  constructor(scope: Construct, id: string, props: KeycloakGrafanaClientProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'KeycloakGrafanaClient');
    registerUniqueObjectNames(this);

    // 1. Validate every prop before anything is added to the tree.
    const namespace = checkDnsLabel(ctx.prop('namespace'), props.namespace, 'a namespace');
    const release = checkDnsLabel(ctx.prop('release'), props.release, 'a release name');
    this.release = release;
    const mode = checkVariant(ctx.prop('mode'), props.mode, OidcMode, undefined, 'use OidcMode.none(), OidcMode.system({...}) or OidcMode.customConfig({...})');
    const servesPomerium = mode._kind === 'system' && mode._system?.pomeriumIdp !== undefined;
    if (servesPomerium && props.grafanaHost !== undefined) {
      ctx.prop('grafanaHost').fail(props.grafanaHost, 'the client serves Pomerium, so Keycloak redirects to the authenticate host, and Grafana\'s host belongs to its GrafanaBehindPomerium route', 'leave grafanaHost out');
    }
    const grafanaHost = servesPomerium || mode._kind === 'none' ? '' : checkDnsName(ctx.prop('grafanaHost'), props.grafanaHost);
    this.modeName = mode._kind;
    const names = instanceNames(namespace, release);
    const builder = new GrafanaConfigBuilder();
    let defaultOutputs: GrafanaOutput[] = [GrafanaOutput.helmValues()];
    let outputsRefusal: string | undefined;

    if (mode._kind === 'none') {
      defaultOutputs = [];
      outputsRefusal = 'OidcMode.none() renders nothing, so there is no Grafana configuration to emit';
    } else if (mode._kind === 'customConfig') {
      renderCustomConfig(ctx.prop('mode'), mode._custom, grafanaHost, builder);
    } else {
      const systemCtx = ctx.prop('mode');
      const system = checkSystem(systemCtx, mode._system, names.defaultSecretName, names.defaultGroups);
      claimInApp(this, ctx.prop('release'), 'Keycloak clientId', names.clientId,
        (other) => `the clientId and audience '${names.clientId}' (<namespace>-<release>) are already used by the KeycloakGrafanaClient at '${other}'; two instances sharing them would accept each other's tokens`,
        'give each instance its own namespace/release pair (note that "a" + "b-c" and "a-b" + "c" both give "a-b-c")');
      this.clientId = names.clientId;
      this.audienceScopeName = names.audienceScopeName;
      this.adminGroup = system.groups.admin;
      this.editorGroup = system.groups.editor;
      this.viewerGroup = system.groups.viewer;
      this.roleMapping = RoleMapping.fromGroups(roleGroupRules(system.groups, system.grafanaAdmin), { fallbackRole: system.fallbackRole });
      const mapping = this.roleMapping._render(systemCtx.prop('groups'));

      this.redirectUri = system.pomerium ? pomeriumCallbackUri(system.pomerium.authenticateHost) : grafanaRedirectUri(grafanaHost);
      const clientSpec = renderKeycloakClientSpec({
        realmRef: system.realmRef,
        clientId: names.clientId,
        webUrl: system.pomerium ? `https://${system.pomerium.authenticateHost}` : `https://${grafanaHost}`,
        redirectUri: this.redirectUri,
        postLogoutRedirectUri: system.pomerium ? undefined : grafanaLoginUrl(grafanaHost),
        secretName: system.secretName,
        secretKey: system.secretKey,
        groupsScopeName: system.groupsScopeName,
        audienceScopeName: names.audienceScopeName,
        requirePkce: !system.pomerium,
      });

      // 2. The objects.
      if (system.secretValue !== undefined) {
        new k8s.KubeSecret(this, 'ClientSecret', {
          metadata: { name: system.secretName, namespace },
          type: 'Opaque',
          stringData: { [system.secretKey]: system.secretValue },
        });
      }
      new KeycloakClientScope(this, 'AudienceScope', {
        metadata: { name: names.audienceScopeName, namespace },
        spec: withKind(
          renderAudienceScopeSpec(system.realmRef, names.audienceScopeName, names.clientId),
          system.realmRef.kind as KeycloakClientScopeSpecRealmRefKind,
        ),
      });
      new KeycloakClient(this, 'Client', {
        metadata: { name: names.clientId, namespace },
        spec: withKind(clientSpec, system.realmRef.kind as KeycloakClientSpecRealmRefKind),
      });
      if (system.ownGroups) {
        for (const [role, group] of Object.entries(system.groups)) {
          if (group === undefined) continue;
          new KeycloakRealmGroup(this, `${role[0].toUpperCase()}${role.slice(1)}Group`, {
            metadata: { name: group, namespace },
            spec: withKind(renderRealmGroupSpec(system.realmRef, group), system.realmRef.kind as KeycloakRealmGroupSpecRealmRefKind),
          });
        }
      }

      if (system.pomerium) {
        const idp: PomeriumIdpModel = {
          issuerUrl: system.issuerUrl,
          clientId: names.clientId,
          secretName: system.secretName,
          secretKey: system.secretKey,
          mountPath: system.pomerium.mountPath,
        };
        this.pomeriumIdpOptions = renderPomeriumIdpOptions(idp);
        this._pomeriumIdp = { authenticateHost: system.pomerium.authenticateHost, namespace, model: idp };
        defaultOutputs = [];
        outputsRefusal = 'the client serves Pomerium (mode pomeriumIdp), and Grafana takes identities from Pomerium\'s JWT, not from Keycloak';
      } else {
        builder.setAll(systemCtx, systemGrafanaSettings({
          grafanaHost,
          issuerUrl: system.issuerUrl,
          clientId: names.clientId,
          displayName: system.displayName,
          groupsScopeName: system.groupsScopeName,
          audienceScopeName: names.audienceScopeName,
          roleAttributePath: mapping.roleAttributePath,
          allowAssignGrafanaAdmin: mapping.returnsGrafanaAdmin,
          signOutOfKeycloak: system.signOutOfKeycloak,
        }), 'OidcMode.system()');
        builder.setFromSecret({ section: 'auth.generic_oauth', key: 'client_secret', secretName: system.secretName, secretKey: system.secretKey });
      }
    }

    this._grafanaModel = builder.build();
    this.grafanaSettings = this._grafanaModel.sections;
    if (Array.isArray(props.grafanaOutputs) && outputsRefusal !== undefined && props.grafanaOutputs.length > 0) {
      ctx.prop('grafanaOutputs').fail(
        props.grafanaOutputs.map((o) => o._kind),
        outputsRefusal,
        mode._kind === 'none'
          ? 'leave grafanaOutputs out, or choose OidcMode.system() or OidcMode.customConfig()'
          : 'leave grafanaOutputs out and configure Grafana with GrafanaBehindPomerium and AuthFlow.jwt({ roleMapping: client.roleMapping })',
      );
    }
    const outputs = checkGrafanaOutputList(ctx.prop('grafanaOutputs'), props.grafanaOutputs, defaultOutputs);
    const emitted = emitGrafanaOutputs(this, ctx, { name: release, namespace }, this._grafanaModel, outputs);
    this.grafanaHelmValues = emitted.helmValues;
    this.grafanaEnv = emitted.env;
    this.grafanaEnvFrom = emitted.envFrom;
  }

  /** The Helm values files this construct contributes (Grafana's, `<release>-values.yaml`). @internal */
  public _helmValuesFiles(): HelmValuesFile[] {
    return this.grafanaHelmValues ? [{ fileName: `${this.release}-values.yaml`, values: this.grafanaHelmValues }] : [];
  }
}

function withKind<T>(spec: Record<string, any>, kind: T): any {
  return { ...spec, realmRef: { ...spec.realmRef, kind } };
}

interface CheckedSystem {
  readonly realmRef: RealmRefModel;
  readonly issuerUrl: string;
  readonly secretName: string;
  readonly secretKey: string;
  readonly secretValue?: string;
  readonly grafanaAdmin: boolean;
  readonly fallbackRole?: GrafanaRole;
  readonly groups: RoleGroupModel;
  readonly ownGroups: boolean;
  readonly groupsScopeName: string;
  readonly signOutOfKeycloak: boolean;
  readonly displayName: string;
  readonly pomerium?: { readonly authenticateHost: string; readonly mountPath: string };
}

function checkSystem(
  ctx: PropContext,
  raw: SystemOidcOptions | undefined,
  defaultSecretName: string,
  defaultGroups: Required<RoleGroupModel>,
): CheckedSystem {
  const o = raw ?? ({} as SystemOidcOptions);
  if (o.platformOidcEnabled !== true) {
    ctx.prop('platformOidcEnabled').fail(
      o.platformOidcEnabled,
      'OidcMode.system() requires the platform-level OIDC feature (Cozystack: authentication.oidc.enabled), which provisions the realm this client lives in',
      'enable the platform OIDC feature and pass platformOidcEnabled: true, or use OidcMode.customConfig() for a tenant-supplied issuer',
    );
  }
  if (!(o.realm instanceof RealmRef)) {
    ctx.prop('realm').fail(o.realm, 'a RealmRef is required', "use RealmRef.clusterKeycloakRealm('keycloakrealm-cozy') or RealmRef.keycloakRealm('<name>')");
  }
  const realmRef = { name: checkDnsSubdomain(ctx.prop('realm').prop('name'), o.realm.name, 'a realm resource name'), kind: o.realm.kind };
  const issuerUrl = checkIssuer(ctx.prop('issuerUrl'), o.issuerUrl);

  const secret = checkVariant(ctx.prop('clientSecret'), o.clientSecret, ClientSecret, ClientSecret.fromExistingSecret({ secretName: defaultSecretName, key: 'client-secret' }),
    "use ClientSecret.fromExistingSecret({ secretName: 'grafana-oidc-client', key: 'client-secret' })");
  const secretName = checkDnsSubdomain(ctx.prop('clientSecret').prop('secretName'), secret._secretName, 'a Secret name');
  const secretKey = checkSecretKey(ctx.prop('clientSecret').prop('key'), secret._key);
  if (secret._kind === 'value' && (typeof secret._value !== 'string' || secret._value.length < 16)) {
    ctx.prop('clientSecret').prop('value').fail(
      secret._value === undefined ? undefined : '<redacted>',
      'a client secret passed by value must be a string of at least 16 characters',
      'pass a long random value, or keep the secret out of the manifests with ClientSecret.fromExistingSecret()',
    );
  }

  const grafanaAdmin = checkBoolean(ctx.prop('grafanaAdmin'), o.grafanaAdmin, false);
  if (o.fallbackRole === GrafanaRole.GRAFANA_ADMIN) {
    ctx.prop('fallbackRole').fail(o.fallbackRole, 'a GrafanaAdmin fallback makes every user of the realm a Grafana server administrator', 'use GrafanaRole.VIEWER or NONE, or leave it out to deny users in none of the groups');
  }

  const groupsOption = checkVariant(ctx.prop('groups'), o.groups, RoleGroups, RoleGroups.owned(), 'use RoleGroups.owned() or RoleGroups.existing({ admin, editor, viewer })');
  const ownGroups = groupsOption._kind === 'owned';
  const groups: Record<string, string | undefined> = {};
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    const given = groupsOption._names?.[role];
    const groupCtx = ctx.prop('groups').prop(role);
    if (ownGroups) {
      // Owned groups become metadata.name too.
      groups[role] = checkDnsSubdomain(groupCtx, given ?? defaultGroups[role], 'an owned group name (it is also the KeycloakRealmGroup name)');
    } else if (given !== undefined) {
      groups[role] = checkText(groupCtx, given, 'a group name', 'give the group exactly as Keycloak names it', TemplateConsumer.GRAFANA_CHART);
      if (given.includes('/')) groupCtx.fail(given, "a group name has no '/' (that is a group path)", `give the name alone: '${given.split('/').pop()}'`);
    }
  }
  if (Object.values(groups).every((g) => g === undefined)) {
    ctx.prop('groups').fail(groupsOption._names, 'RoleGroups.existing() needs at least one of admin, editor and viewer', "give e.g. { admin: 'grafana-admins', viewer: 'grafana-viewers' }");
  }
  const seen = new Map<string, string>();
  for (const [role, group] of Object.entries(groups)) {
    if (group === undefined) continue;
    if (seen.has(group)) ctx.prop('groups').prop(role).fail(group, `the group is already the ${seen.get(group)} group`, 'give each role its own group');
    seen.set(group, role);
  }

  const groupsScopeName = checkText(ctx.prop('groupsScopeName'), o.groupsScopeName ?? 'groups', "the groups client scope's spec.name", "give the scope's spec.name, e.g. 'groups'");
  if (/\s/.test(groupsScopeName)) ctx.prop('groupsScopeName').fail(groupsScopeName, 'a scope name has no spaces (Grafana joins scopes with spaces)', 'give the scope\'s spec.name');
  const displayName = checkIniValue(ctx.prop('displayName'), checkText(ctx.prop('displayName'), o.displayName ?? 'Keycloak', 'the login button label', "write e.g. 'Keycloak'"));

  let pomerium: CheckedSystem['pomerium'];
  if (o.pomeriumIdp !== undefined) {
    const pctx = ctx.prop('pomeriumIdp');
    const authenticate = checkHttpsOrigin(pctx.prop('authenticateServiceUrl'), o.pomeriumIdp.authenticateServiceUrl, 'the authenticate service URL');
    const mountPath = o.pomeriumIdp.secretMountPath ?? '/etc/pomerium-idp';
    if (typeof mountPath !== 'string' || !/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(mountPath)) {
      pctx.prop('secretMountPath').fail(mountPath, 'a mount path is an absolute path without a trailing slash', "write e.g. '/etc/pomerium-idp'");
    }
    if (o.signOutOfKeycloak) {
      ctx.prop('signOutOfKeycloak').fail(true, "the client serves Pomerium, so Grafana's sign-out goes to Pomerium (GrafanaBehindPomerium sets it)", 'leave signOutOfKeycloak out');
    }
    pomerium = { authenticateHost: authenticate.name, mountPath };
  }

  return {
    realmRef,
    issuerUrl,
    secretName,
    secretKey,
    secretValue: secret._kind === 'value' ? secret._value : undefined,
    grafanaAdmin,
    fallbackRole: o.fallbackRole,
    groups,
    ownGroups,
    groupsScopeName,
    signOutOfKeycloak: checkBoolean(ctx.prop('signOutOfKeycloak'), o.signOutOfKeycloak, false),
    displayName,
    pomerium,
  };
}

function checkIssuer(ctx: PropContext, raw: unknown): string {
  const url = checkHttpsUrl(ctx, raw, 'the issuer URL');
  const text = String(raw);
  if (!/\/realms\/[^/]+\/?$/.test(url.pathname)) {
    ctx.fail(raw, "a Keycloak issuer ends with '/realms/<realm>'", `write e.g. 'https://${url.host}/realms/cozy'`);
  }
  if (text.endsWith('/')) ctx.fail(raw, 'the issuer has no trailing slash (token iss claims are compared exactly)', `write '${text.replace(/\/+$/, '')}'`);
  return text;
}

const INI_REFERENCE = /^\$__(env|file|vault)\{[^}]+\}$/;

function renderCustomConfig(ctx: PropContext, raw: CustomOidcConfigOptions | undefined, grafanaHost: string, builder: GrafanaConfigBuilder) {
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
