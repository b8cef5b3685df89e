import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PropContext } from '../errors';
import { HelmDelivery } from '../gitops/helm-delivery';
import { JwtKeySource } from '../grafana/jwt-key-source';
import { GrafanaIsolation } from '../grafana/outputs';
import { FleetSignIn } from '../grafana-fleet';
import type { FleetTenant, GrafanaFleetProps } from '../grafana-fleet';
import { checkBoolean, checkDnsLabel, checkDnsName, checkDnsSubdomain, checkHelmReleaseName, parentDomain } from '../host';
import { instanceNames, RealmRefModel } from '../keycloak/model';
import { RealmRef } from '../keycloak/options';
import { PomeriumRelease } from '../pomerium-release';
import { checkTenantsUnique, TenantIdentity } from './checks';

/** The longest tenant name whose composed object names stay within 63 characters. */
const MAX_TENANT_NAME = 36;

/** One tenant, its names derived and checked. */
export interface CheckedTenant extends TenantIdentity {
  readonly releaseName: string;
  readonly signIn: FleetSignIn;
}

/** The props of a `GrafanaFleet`, checked once, with every tenant's names derived. */
export interface CheckedGrafanaFleet {
  readonly pomerium: PomeriumRelease;
  readonly realm: RealmRef;
  readonly realmRef: RealmRefModel;
  readonly issuerUrl: string;
  readonly writeNamespaces: boolean;
  readonly adminSecretName?: string;
  readonly keySource?: JwtKeySource;
  readonly grafanaDelivery?: HelmDelivery;
  readonly isolation?: GrafanaIsolation;
  readonly tenants: readonly CheckedTenant[];
}

/**
 * Checks every prop of a `GrafanaFleet` and derives every tenant's names before anything is
 * built, so two tenants that would collide are refused at once, naming both.
 */
export function checkGrafanaFleetProps(scope: Construct, ctx: PropContext, props: GrafanaFleetProps): CheckedGrafanaFleet {
  checkNotInChart(scope, ctx);
  const pomerium = props.pomerium;
  if (!(pomerium instanceof PomeriumRelease)) {
    ctx.prop('pomerium').fail(pomerium, 'a PomeriumRelease is required', "build the shared release in a chart of its own: new PomeriumRelease(platform, 'pomerium', {...})");
  }
  const keycloak = props.keycloak;
  if (keycloak === undefined || keycloak === null || !(keycloak.realm instanceof RealmRef)) {
    ctx.prop('keycloak').prop('realm').fail(keycloak?.realm, 'a RealmRef is required', "use RealmRef.clusterKeycloakRealm('keycloakrealm-cozy') or RealmRef.keycloakRealm('<name>')");
  }
  if (props.grafanaDelivery !== undefined && !(props.grafanaDelivery instanceof HelmDelivery)) {
    ctx.prop('grafanaDelivery').fail(props.grafanaDelivery, 'a HelmDelivery is required', 'use HelmDelivery.fluxHelmRelease({...}) or HelmDelivery.argoCdApplication({...})');
  }
  if (props.keySource !== undefined && !(props.keySource instanceof JwtKeySource)) {
    ctx.prop('keySource').fail(props.keySource, 'a JwtKeySource is required', 'use JwtKeySource.jwksFile({ publicKeysPem }) or JwtKeySource.routeJwks({ tlsClientCa })');
  }
  const realmRef: RealmRefModel = { name: checkDnsSubdomain(ctx.prop('keycloak').prop('realm').prop('name'), keycloak.realm.name, 'a realm resource name'), kind: keycloak.realm.kind };
  const writeNamespaces = checkBoolean(ctx.prop('writeNamespaces'), props.writeNamespaces, true);
  // Checked here, once, so a bad option names the fleet's prop, not the first tenant's route.
  props.grafanaDelivery?._check(ctx.prop('grafanaDelivery'));
  const adminSecretName = props.grafanaAdminSecretName === undefined
    ? undefined
    : checkDnsSubdomain(ctx.prop('grafanaAdminSecretName'), props.grafanaAdminSecretName, 'a Secret name');
  if (props.grafanaDelivery?._engine === 'argocd' && adminSecretName === undefined) {
    ctx.prop('grafanaAdminSecretName').fail(
      undefined,
      'grafanaDelivery renders each Grafana chart with `helm template` at every Argo CD sync, where the chart generates a new admin password (randAlphaNum) each time, and its checksum/secret annotation restarts Grafana at each self-heal',
      "create a Secret with keys admin-user and admin-password in each tenant's namespace and name it: grafanaAdminSecretName: 'grafana-admin' (chart value admin.existingSecret)",
    );
  }
  if (props.isolation !== undefined && !(props.isolation instanceof GrafanaIsolation)) {
    ctx.prop('isolation').fail(props.isolation, 'a GrafanaIsolation is required', 'use GrafanaIsolation.networkPolicy() or GrafanaIsolation.istioAuthorizationPolicy()');
  }
  const tenantsCtx = ctx.prop('tenants');
  if (!Array.isArray(props.tenants) || props.tenants.length === 0) {
    tenantsCtx.fail(props.tenants, 'a fleet needs at least one tenant', "give e.g. [{ name: 'acme' }]");
  }
  const domain = parentDomain(pomerium.authenticateHost);
  const tenants = props.tenants.map((tenant, index) => checkTenant(tenantsCtx.prop(String(index)), tenant, index, domain));
  checkTenantsUnique(tenantsCtx, tenants);
  return {
    pomerium,
    realm: keycloak.realm,
    realmRef,
    issuerUrl: keycloak.issuerUrl,
    writeNamespaces,
    adminSecretName,
    keySource: props.keySource,
    grafanaDelivery: props.grafanaDelivery,
    isolation: props.isolation,
    tenants,
  };
}

/** Tenant charts nested in a chart are written into numbered files that depend on it. */
function checkNotInChart(scope: Construct, ctx: PropContext): void {
  for (const s of [scope, ...scope.node.scopes]) {
    if (Chart.isChart(s)) {
      ctx.fail(scope.node.path, `the fleet is inside the chart '${s.node.path}', and tenant charts nested in a chart are written into numbered files that depend on it`,
        'create the fleet directly under the App (new GrafanaFleet(app, ...)) and the Pomerium release in a chart of its own');
    }
  }
}

/** One tenant's names: its own, or derived from its name and the release's domain. */
function checkTenant(tctx: PropContext, tenant: FleetTenant, index: number, domain: string): CheckedTenant {
  if (tenant === null || typeof tenant !== 'object') tctx.fail(tenant, 'a tenant is an object with at least a name', "write e.g. { name: 'acme' }");
  const name = checkDnsLabel(tctx.prop('name'), tenant.name, 'a tenant name');
  if (name.length > MAX_TENANT_NAME) {
    tctx.prop('name').fail(name, `a tenant name has at most ${MAX_TENANT_NAME} characters (its route objects are named '<name>-grafana-only-from-pomerium', at most 63)`, `use '${name.slice(0, MAX_TENANT_NAME).replace(/-+$/, '')}'`);
  }
  const namespace = checkDnsLabel(tctx.prop('namespace'), tenant.namespace ?? name, 'a namespace');
  const host = checkDnsName(tctx.prop('host'), tenant.host ?? `grafana-${name}.${domain}`);
  const releaseName = checkHelmReleaseName(tctx.prop('grafanaReleaseName'), tenant.grafanaReleaseName ?? 'grafana');
  const names = instanceNames(namespace, releaseName);
  const signIn = tenant.signIn ?? FleetSignIn.POMERIUM_JWT;
  if (!Object.values(FleetSignIn).includes(signIn)) tctx.prop('signIn').fail(signIn, 'not a FleetSignIn', 'use FleetSignIn.POMERIUM_JWT or FleetSignIn.KEYCLOAK_OIDC');
  return {
    index,
    signIn,
    name,
    namespace,
    host,
    releaseName,
    clientId: names.clientId,
    audienceScopeName: names.audienceScopeName,
    groups: [names.defaultGroups.admin, names.defaultGroups.editor, names.defaultGroups.viewer],
  };
}
