import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AuthFlow } from '../auth-flow';
import { RoleMapping } from '../grafana/role-mapping';
import { GrafanaTarget } from '../grafana/target';
import { GrafanaBehindPomerium } from '../grafana-behind-pomerium';
import { FleetSignIn } from '../grafana-fleet';
import type { FleetTenantGroups } from '../grafana-fleet';
import { CheckedGrafanaFleet, CheckedTenant } from './fleet-checks';
import { KeycloakRealmGroup, KeycloakRealmGroupSpec } from '../imports/keycloak-v1.edp.epam.com';
import { instanceNames, renderRealmGroupSpec, roleGroupRules } from '../keycloak/model';
import { OidcMode } from '../keycloak/options';
import { KeycloakGrafanaClient } from '../keycloak-grafana-client';
import { AccessPolicy } from '../pomerium/access-policy';

/** What one tenant's chart holds, as the fleet exposes it. */
export interface FleetTenantParts {
  readonly chart: Chart;
  readonly groups: FleetTenantGroups;
  /** The tenant's Keycloak client, when Grafana signs in with Keycloak itself. */
  readonly client?: KeycloakGrafanaClient;
  readonly route: GrafanaBehindPomerium;
}

/** How a tenant's Grafana signs users in: its role groups and the auth flow that maps them. */
interface TenantSignIn {
  readonly groups: FleetTenantGroups;
  readonly authFlow: AuthFlow;
  readonly client?: KeycloakGrafanaClient;
}

/**
 * One chart per tenant, beside the fleet (a child of `scope`, the fleet's parent); every
 * namespaced object in it is in the tenant's namespace.
 */
export function addFleetTenant(scope: Construct, fleet: CheckedGrafanaFleet, tenant: CheckedTenant): FleetTenantParts {
  const chart = new Chart(scope, `tenant-${tenant.name}`, { namespace: tenant.namespace });
  if (fleet.writeNamespaces) addTenantNamespace(chart, tenant.namespace, dataplaneLabels(fleet.pomerium._mesh?.dataplane));
  const signIn = tenant.signIn === FleetSignIn.KEYCLOAK_OIDC ? addKeycloakSignIn(chart, fleet, tenant) : addPomeriumJwtSignIn(chart, fleet, tenant);
  const { groups } = signIn;
  const route = new GrafanaBehindPomerium(chart, 'grafana', {
    name: `${tenant.name}-grafana`,
    host: tenant.host,
    pomerium: fleet.pomerium,
    policy: AccessPolicy.groups(groups.admin, groups.editor, groups.viewer),
    grafana: GrafanaTarget.helmChart({ releaseName: tenant.releaseName, namespace: tenant.namespace, adminSecretName: fleet.adminSecretName }),
    authFlow: signIn.authFlow,
    grafanaDelivery: fleet.grafanaDelivery,
    isolation: fleet.isolation,
  });
  return { chart, groups, client: signIn.client, route };
}

function addTenantNamespace(chart: Chart, namespace: string, labels: Record<string, string>): void {
  const ns = new k8s.KubeNamespace(chart, 'Namespace', {
    metadata: { name: namespace, ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}) },
  });
  // A chart's namespace is stamped on every object in it; a Namespace is cluster-scoped.
  ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/** Grafana signs in with Keycloak itself: its client, audience scope and role groups. */
function addKeycloakSignIn(chart: Chart, fleet: CheckedGrafanaFleet, tenant: CheckedTenant): TenantSignIn {
  const client = new KeycloakGrafanaClient(chart, 'keycloak', {
    namespace: tenant.namespace,
    release: tenant.releaseName,
    grafanaHost: tenant.host,
    mode: OidcMode.system({ realm: fleet.realm, issuerUrl: fleet.issuerUrl, platformOidcEnabled: true }),
    // The route emits Grafana's configuration, the client's settings included.
    grafanaOutputs: [],
  });
  return {
    groups: { admin: client.adminGroup!, editor: client.editorGroup!, viewer: client.viewerGroup! },
    authFlow: AuthFlow.grafanaOidc(client),
    client,
  };
}

/**
 * Grafana signs users in from Pomerium's assertion: the groups and the mapping are all it
 * needs. A client and audience scope here would wait forever for a Secret nothing creates.
 */
function addPomeriumJwtSignIn(chart: Chart, fleet: CheckedGrafanaFleet, tenant: CheckedTenant): TenantSignIn {
  const names = instanceNames(tenant.namespace, tenant.releaseName).defaultGroups;
  const groups = { admin: names.admin, editor: names.editor, viewer: names.viewer };
  for (const [role, group] of Object.entries(groups)) {
    new KeycloakRealmGroup(chart, `${role}-group`, {
      metadata: { name: group, namespace: tenant.namespace },
      spec: renderRealmGroupSpec(fleet.realmRef, group) as KeycloakRealmGroupSpec,
    });
  }
  const roleMapping = RoleMapping.fromGroups(roleGroupRules(groups, false));
  return { groups, authFlow: AuthFlow.jwt({ roleMapping, keySource: fleet.keySource }) };
}

/** The labels that put a namespace's pods in the release's mesh dataplane (none without a mesh). */
function dataplaneLabels(dataplane: 'sidecar' | 'ambient' | undefined): Record<string, string> {
  // istio/api label.yaml: `istio-injection` (sidecar injector's namespace selector) and
  // `istio.io/dataplane-mode` (ambient's istio-cni); the mesh policies act only where one holds.
  if (dataplane === 'sidecar') return { 'istio-injection': 'enabled' };
  if (dataplane === 'ambient') return { 'istio.io/dataplane-mode': 'ambient' };
  return {};
}
