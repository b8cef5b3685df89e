import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AuthFlow } from './auth-flow';
import { PropContext } from './errors';
import { checkTenantsUnique, TenantIdentity } from './fleet/checks';
import { HelmDelivery } from './gitops/helm-delivery';
import { JwtKeySource } from './grafana/jwt-key-source';
import { GrafanaIsolation } from './grafana/outputs';
import { RoleMapping } from './grafana/role-mapping';
import { GrafanaTarget } from './grafana/target';
import { GrafanaBehindPomerium } from './grafana-behind-pomerium';
import { checkBoolean, checkDnsLabel, checkDnsSubdomain, checkDnsName, checkHelmReleaseName, parentDomain } from './host';
import { KeycloakRealmGroup, KeycloakRealmGroupSpec } from './imports/keycloak-v1.edp.epam.com';
import { instanceNames, RealmRefModel, renderRealmGroupSpec, roleGroupRules } from './keycloak/model';
import { OidcMode, RealmRef } from './keycloak/options';
import { KeycloakGrafanaClient } from './keycloak-grafana-client';
import { AccessPolicy } from './pomerium/access-policy';
import { PomeriumRelease } from './pomerium-release';

/** How a tenant's users sign in to its Grafana. */
export enum FleetSignIn {
  /**
   * Grafana signs users in from Pomerium's signed assertion (`[auth.jwt]`). The tenant gets
   * its three role groups (KeycloakRealmGroup) and the role mapping, and no Keycloak client:
   * Pomerium's own client is the only one users sign in through.
   */
  POMERIUM_JWT = 'pomerium-jwt',
  /**
   * Grafana signs users in with Keycloak itself (`[auth.generic_oauth]`), behind Pomerium's
   * policy. The tenant also gets its confidential KeycloakClient `<namespace>-<release>` and
   * audience scope; their secret is read from the Secret `<release>-oidc-client` (key
   * `client-secret`) in the tenant namespace, which you create (sealed-secrets, External
   * Secrets, ...): the keycloak-operator and Grafana both read it, the library never writes it.
   */
  KEYCLOAK_OIDC = 'keycloak-oidc',
}

/** The role groups of one tenant. */
export interface FleetTenantGroups {
  /** Members get Admin. */
  readonly admin: string;
  /** Members get Editor. */
  readonly editor: string;
  /** Members get Viewer. */
  readonly viewer: string;
}

/** One tenant of a `GrafanaFleet`. */
export interface FleetTenant {
  /**
   * The tenant's name, a DNS-1123 label of at most 36 characters: its chart is
   * `tenant-<name>` (output file `tenant-<name>.k8s.yaml`), its route `<name>-grafana`.
   */
  readonly name: string;
  /**
   * The tenant's namespace: every namespaced object of the tenant's file lives there (its
   * Grafana, Keycloak objects, route and isolation policies). The fleet writes it
   * (`writeNamespaces`), labelled for the release's mesh dataplane.
   * @default - the tenant name
   */
  readonly namespace?: string;
  /**
   * The public host of the tenant's Grafana.
   * @default - `grafana-<name>.<parent domain of the release's authenticate host>`
   * (one label under the mesh domain when the release has an Istio ingress)
   */
  readonly host?: string;
  /**
   * The Helm release name of the tenant's Grafana chart (Service `<release>-grafana`). The
   * Keycloak clientId is `<namespace>-<grafanaReleaseName>`.
   * @default 'grafana'
   */
  readonly grafanaReleaseName?: string;
  /**
   * How the tenant's users sign in to Grafana.
   * @default FleetSignIn.POMERIUM_JWT
   */
  readonly signIn?: FleetSignIn;
}

/** The Keycloak realm every tenant's groups (and OIDC clients) are created in (EDP keycloak-operator, System mode). */
export interface FleetKeycloakOptions {
  /** The realm resource the clients, scopes and groups refer to. */
  readonly realm: RealmRef;
  /** The realm's issuer URL, e.g. 'https://keycloak.example.com/realms/cozy'. */
  readonly issuerUrl: string;
}

/** Props of `GrafanaFleet`. */
export interface GrafanaFleetProps {
  /** The tenants, each with its own chart, namespace, Keycloak client and route. */
  readonly tenants: FleetTenant[];
  /**
   * The shared Pomerium release (built in a chart of its own, possibly with an
   * `IstioIngressForPomerium`); every tenant's route is added to it.
   */
  readonly pomerium: PomeriumRelease;
  /**
   * The Keycloak realm of the tenants' role groups. Giving it asserts the platform OIDC feature
   * is on (`OidcMode.system({ platformOidcEnabled: true })`). Each tenant gets three role groups
   * `<namespace>-<release>-admin|editor|viewer`; a `FleetSignIn.KEYCLOAK_OIDC` tenant also gets
   * its confidential client `<namespace>-<release>` and audience scope.
   */
  readonly keycloak: FleetKeycloakOptions;
  /**
   * Where each JWT-flow tenant's Grafana gets Pomerium's public keys. Pinned keys
   * (`JwtKeySource.jwksFile()`) need no TLS trust between Grafana and Pomerium; the route's
   * JWKS over https needs Grafana to trust the route's certificate (`tlsClientCa`).
   * @default JwtKeySource.routeJwks()
   */
  readonly keySource?: JwtKeySource;
  /**
   * Write each tenant's Namespace into its file, labelled for the release's dataplane:
   * `istio-injection: enabled` behind an Istio ingress with sidecars,
   * `istio.io/dataplane-mode: ambient` in ambient mode, no label without a mesh. Turn it off
   * when the namespaces are managed elsewhere (they must then exist, labelled alike).
   * @default true
   */
  readonly writeNamespaces?: boolean;
  /**
   * How each tenant's Grafana chart values reach the cluster (one object set per tenant, in
   * its namespace).
   * @default HelmDelivery.valuesFile() (one `<tenant>-grafana-values.yaml` per tenant)
   */
  readonly grafanaDelivery?: HelmDelivery;
  /**
   * The Secret, in each tenant's namespace, with the Grafana admin credentials (keys
   * `admin-user`, `admin-password`; chart value `admin.existingSecret`). Required with
   * `HelmDelivery.argoCdApplication()`: see `GrafanaTarget.helmChart({ adminSecretName })`.
   * @default - the chart generates each tenant's admin password
   */
  readonly grafanaAdminSecretName?: string;
  /**
   * How nothing but Pomerium reaches each Grafana. In a meshed release each route also writes
   * its AuthorizationPolicy admitting only Pomerium's proxy.
   * @default GrafanaIsolation.networkPolicy()
   */
  readonly isolation?: GrafanaIsolation;
}

/** The longest tenant name whose composed object names stay within 63 characters. */
const MAX_TENANT_NAME = 36;

/**
 * One Grafana per tenant behind one shared Pomerium release, each tenant in its own chart
 * (`tenant-<name>`, so one output file per tenant) and namespace: a Keycloak client with its
 * own clientId, audience scope and role groups, and a route on the release whose policy admits
 * only that tenant's groups and whose Grafana maps only those groups to roles
 * (`expect_claims` binds tokens to the tenant's host).
 *
 * The tenant charts are created beside the fleet (children of its scope), which must be the
 * App or a construct under it that is not in a chart. Use `FleetApp` for many tenants:
 * plain `App` synthesizes one chart per tenant in time quadratic in tenants.
 */
export class GrafanaFleet extends Construct {
  /** The tenants' names, in the order given. */
  public readonly tenantNames: string[];
  /** The tenants' namespaces, in the order given. */
  public readonly namespaces: string[];
  /** The tenants' Grafana hosts, in the order given. */
  public readonly hosts: string[];
  /** The tenants' charts (`tenant-<name>`), in the order given. */
  public readonly charts: Chart[];
  /** The tenants' role groups, in the order given. */
  public readonly groups: FleetTenantGroups[];
  /** The Keycloak clients of the `FleetSignIn.KEYCLOAK_OIDC` tenants, in the order given (JWT tenants have none). */
  public readonly clients: KeycloakGrafanaClient[];
  /** The tenants' routes on the shared release, in the order given. */
  public readonly routes: GrafanaBehindPomerium[];

  constructor(scope: Construct, id: string, props: GrafanaFleetProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'GrafanaFleet');

    // 1. Validate every prop and derive every tenant's names before anything is built.
    for (const s of [scope, ...scope.node.scopes]) {
      if (Chart.isChart(s)) {
        ctx.fail(scope.node.path, `the fleet is inside the chart '${s.node.path}', and tenant charts nested in a chart are written into numbered files that depend on it`,
          'create the fleet directly under the App (new GrafanaFleet(app, ...)) and the Pomerium release in a chart of its own');
      }
    }
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
    const identities = props.tenants.map((tenant, index): TenantIdentity & { releaseName: string; signIn: FleetSignIn } => {
      const tctx = tenantsCtx.prop(String(index));
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
    });
    checkTenantsUnique(tenantsCtx, identities);

    // 2. One chart per tenant, beside the fleet; every namespaced object in it is in the tenant's namespace.
    this.tenantNames = identities.map((t) => t.name);
    this.namespaces = identities.map((t) => t.namespace);
    this.hosts = identities.map((t) => t.host);
    this.charts = [];
    this.groups = [];
    this.clients = [];
    this.routes = [];
    const namespaceLabels = dataplaneLabels(pomerium._mesh?.dataplane);
    for (const tenant of identities) {
      const chart = new Chart(scope, `tenant-${tenant.name}`, { namespace: tenant.namespace });
      if (writeNamespaces) {
        const ns = new k8s.KubeNamespace(chart, 'Namespace', {
          metadata: { name: tenant.namespace, ...(Object.keys(namespaceLabels).length > 0 ? { labels: { ...namespaceLabels } } : {}) },
        });
        // A chart's namespace is stamped on every object in it; a Namespace is cluster-scoped.
        ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      let roleMapping: RoleMapping;
      let authFlow: AuthFlow;
      let groups: FleetTenantGroups;
      if (tenant.signIn === FleetSignIn.KEYCLOAK_OIDC) {
        // Grafana signs in with Keycloak itself: its client, audience scope and role groups.
        const client = new KeycloakGrafanaClient(chart, 'keycloak', {
          namespace: tenant.namespace,
          release: tenant.releaseName,
          grafanaHost: tenant.host,
          mode: OidcMode.system({ realm: keycloak.realm, issuerUrl: keycloak.issuerUrl, platformOidcEnabled: true }),
          // The route emits Grafana's configuration, the client's settings included.
          grafanaOutputs: [],
        });
        this.clients.push(client);
        groups = { admin: client.adminGroup!, editor: client.editorGroup!, viewer: client.viewerGroup! };
        roleMapping = client.roleMapping!;
        authFlow = AuthFlow.grafanaOidc(client);
      } else {
        // Grafana signs users in from Pomerium's assertion: the groups and the mapping are all it
        // needs. A client and audience scope here would wait forever for a Secret nothing creates.
        const names = instanceNames(tenant.namespace, tenant.releaseName).defaultGroups;
        groups = { admin: names.admin, editor: names.editor, viewer: names.viewer };
        for (const [role, group] of Object.entries(groups)) {
          new KeycloakRealmGroup(chart, `${role}-group`, {
            metadata: { name: group, namespace: tenant.namespace },
            spec: renderRealmGroupSpec(realmRef, group) as KeycloakRealmGroupSpec,
          });
        }
        roleMapping = RoleMapping.fromGroups(roleGroupRules(groups, false));
        authFlow = AuthFlow.jwt({ roleMapping, keySource: props.keySource });
      }
      const route = new GrafanaBehindPomerium(chart, 'grafana', {
        name: `${tenant.name}-grafana`,
        host: tenant.host,
        pomerium,
        policy: AccessPolicy.groups(groups.admin, groups.editor, groups.viewer),
        grafana: GrafanaTarget.helmChart({ releaseName: tenant.releaseName, namespace: tenant.namespace, adminSecretName }),
        authFlow,
        grafanaDelivery: props.grafanaDelivery,
        isolation: props.isolation,
      });
      this.charts.push(chart);
      this.groups.push(groups);
      this.routes.push(route);
    }
  }
}

/** The labels that put a namespace's pods in the release's mesh dataplane (none without a mesh). */
function dataplaneLabels(dataplane: 'sidecar' | 'ambient' | undefined): Record<string, string> {
  // istio/api label.yaml: `istio-injection` (sidecar injector's namespace selector) and
  // `istio.io/dataplane-mode` (ambient's istio-cni); the mesh policies act only where one holds.
  if (dataplane === 'sidecar') return { 'istio-injection': 'enabled' };
  if (dataplane === 'ambient') return { 'istio.io/dataplane-mode': 'ambient' };
  return {};
}
