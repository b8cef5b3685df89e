import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PropContext } from './errors';
import { checkGrafanaFleetProps } from './fleet/fleet-checks';
import { addFleetTenant } from './fleet/tenant-render';
import { HelmDelivery } from './gitops/helm-delivery';
import { JwtKeySource } from './grafana/jwt-key-source';
import { GrafanaIsolation } from './grafana/outputs';
import { GrafanaBehindPomerium } from './grafana-behind-pomerium';
import { RealmRef } from './keycloak/options';
import { KeycloakGrafanaClient } from './keycloak-grafana-client';
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
    const fleet = checkGrafanaFleetProps(scope, ctx, props);
    const tenants = fleet.tenants.map((tenant) => addFleetTenant(scope, fleet, tenant));
    this.tenantNames = fleet.tenants.map((t) => t.name);
    this.namespaces = fleet.tenants.map((t) => t.namespace);
    this.hosts = fleet.tenants.map((t) => t.host);
    this.charts = tenants.map((t) => t.chart);
    this.groups = tenants.map((t) => t.groups);
    this.clients = tenants.flatMap((t) => t.client ? [t.client] : []);
    this.routes = tenants.map((t) => t.route);
  }
}
