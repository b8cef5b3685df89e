import { Construct } from 'constructs';
import { PropContext } from '../errors';
import { GrafanaOutput, checkGrafanaOutputList } from '../grafana/outputs';
import { GrafanaRole, RenderedRoleMapping, RoleMapping } from '../grafana/role-mapping';
import { checkBoolean, checkDnsLabel, checkDnsName, checkDnsSubdomain, checkHttpsOrigin, checkHttpsUrl, checkVariant } from '../host';
import type { KeycloakGrafanaClientProps } from '../keycloak-grafana-client';
import { claimInApp } from '../registry';
import { checkIniValue, TemplateConsumer } from '../strings';
import { checkSecretKey, checkText } from './checks';
import { instanceNames, RealmRefModel, RoleGroupModel, roleGroupRules } from './model';
import { ClientSecret, OidcMode, RealmRef, RoleGroups, SystemOidcOptions } from './options';

/** The props of a `KeycloakGrafanaClient`, checked once. */
export interface CheckedKeycloakClient {
  readonly namespace: string;
  readonly release: string;
  readonly mode: OidcMode;
  /** The Grafana host Keycloak redirects to; '' when the client serves Pomerium or renders nothing. */
  readonly grafanaHost: string;
  readonly names: ReturnType<typeof instanceNames>;
  /** System mode only: the checked options, the role mapping and its rendered JMESPath. */
  readonly system?: CheckedSystem;
  readonly roleMapping?: RoleMapping;
  readonly mapping?: RenderedRoleMapping;
}

/**
 * Checks every prop of a `KeycloakGrafanaClient` but `grafanaOutputs` (checked once the mode's
 * Grafana configuration is known), in the order its error messages are tested. In System mode
 * it claims the clientId app-wide; a custom configuration is checked as it is built.
 */
export function checkKeycloakClientProps(scope: Construct, ctx: PropContext, props: KeycloakGrafanaClientProps): CheckedKeycloakClient {
  const namespace = checkDnsLabel(ctx.prop('namespace'), props.namespace, 'a namespace');
  const release = checkDnsLabel(ctx.prop('release'), props.release, 'a release name');
  const mode = checkVariant(ctx.prop('mode'), props.mode, OidcMode, undefined, 'use OidcMode.none(), OidcMode.system({...}) or OidcMode.customConfig({...})');
  const servesPomerium = mode._kind === 'system' && mode._system?.pomeriumIdp !== undefined;
  if (servesPomerium && props.grafanaHost !== undefined) {
    ctx.prop('grafanaHost').fail(props.grafanaHost, 'the client serves Pomerium, so Keycloak redirects to the authenticate host, and Grafana\'s host belongs to its GrafanaBehindPomerium route', 'leave grafanaHost out');
  }
  const grafanaHost = servesPomerium || mode._kind === 'none' ? '' : checkDnsName(ctx.prop('grafanaHost'), props.grafanaHost);
  const names = instanceNames(namespace, release);
  if (mode._kind !== 'system') return { namespace, release, mode, grafanaHost, names };

  const systemCtx = ctx.prop('mode');
  const system = checkSystem(systemCtx, mode._system, names.defaultSecretName, names.defaultGroups);
  claimInApp(scope, ctx.prop('release'), 'Keycloak clientId', names.clientId,
    (other) => `the clientId and audience '${names.clientId}' (<namespace>-<release>) are already used by the KeycloakGrafanaClient at '${other}'; two instances sharing them would accept each other's tokens`,
    'give each instance its own namespace/release pair (note that "a" + "b-c" and "a-b" + "c" both give "a-b-c")');
  const roleMapping = RoleMapping.fromGroups(roleGroupRules(system.groups, system.grafanaAdmin), { fallbackRole: system.fallbackRole });
  const mapping = roleMapping._render(systemCtx.prop('groups'));
  return { namespace, release, mode, grafanaHost, names, system, roleMapping, mapping };
}

/**
 * The Grafana output forms: refused when the mode has no Grafana configuration to emit
 * (`outputsRefusal`), else the given list or the mode's default.
 */
export function checkClientGrafanaOutputs(
  ctx: PropContext, raw: GrafanaOutput[] | undefined, mode: OidcMode, defaultOutputs: GrafanaOutput[], outputsRefusal: string | undefined,
): GrafanaOutput[] {
  if (Array.isArray(raw) && outputsRefusal !== undefined && raw.length > 0) {
    ctx.prop('grafanaOutputs').fail(
      raw.map((o) => o._kind),
      outputsRefusal,
      mode._kind === 'none'
        ? 'leave grafanaOutputs out, or choose OidcMode.system() or OidcMode.customConfig()'
        : 'leave grafanaOutputs out and configure Grafana with GrafanaBehindPomerium and AuthFlow.jwt({ roleMapping: client.roleMapping })',
    );
  }
  return checkGrafanaOutputList(ctx.prop('grafanaOutputs'), raw, defaultOutputs);
}

export interface CheckedSystem {
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
