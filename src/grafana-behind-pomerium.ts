import { Construct } from 'constructs';
import { AuthFlow } from './auth-flow';
import { PropContext } from './errors';
import { HelmDelivery } from './gitops/helm-delivery';
import { GrafanaConfigModel } from './grafana/config';
import { emitGrafanaOutputs } from './grafana/emit';
import { GrafanaIsolation, GrafanaOutput } from './grafana/outputs';
import { checkGrafanaDelivery, checkGrafanaRouteProps } from './grafana/route-checks';
import { grafanaIsolationModel, grafanaRouteConfig, pomeriumRouteModel } from './grafana/route-model';
import { addGrafanaRouteObjects, addManagedGrafana, withAdminSecret } from './grafana/route-render';
import { GrafanaTarget } from './grafana/target';
import { HelmValuesFile } from './helm-values';
import { AccessPolicy } from './pomerium/access-policy';
import { PomeriumRelease } from './pomerium-release';
import { registerObjectSizeLimits } from './rules/object-size';
import { registerUniqueObjectNames } from './rules/unique-object-names';

/** Options of the Pomerium route. */
export interface RouteOptions {
  /**
   * Upstream timeout of the route; long dashboards queries may need more.
   * @default '30s'
   */
  readonly timeout?: string;
  /**
   * Proxy websockets (Grafana Live needs them).
   * @default true
   */
  readonly allowWebsockets?: boolean;
}

/** Props of `GrafanaBehindPomerium`. */
export interface GrafanaBehindPomeriumProps {
  /** The public host of the Grafana route, e.g. 'grafana.example.com' (no scheme, port or path). */
  readonly host: string;
  /**
   * The Pomerium release that serves this route. Several Grafanas share one release.
   * @default - a release of its own, built from `authenticateServiceUrl` with default settings
   */
  readonly pomerium?: PomeriumRelease;
  /**
   * Pomerium's authenticate service URL, for the one-construct quick start: the construct
   * then creates a `PomeriumRelease` of its own (child 'Pomerium', name '<name>-pomerium').
   * Give either this or `pomerium`.
   * @default - taken from `pomerium`
   */
  readonly authenticateServiceUrl?: string;
  /** Who may pass the route. */
  readonly policy: AccessPolicy;
  /** The Grafana to protect: `GrafanaTarget.existing({...})`, `GrafanaTarget.operator({...})` or `GrafanaTarget.managed({...})`. */
  readonly grafana: GrafanaTarget;
  /**
   * How Pomerium tells Grafana who the user is.
   * @default AuthFlow.jwt()
   */
  readonly authFlow?: AuthFlow;
  /**
   * The forms of the Grafana configuration to emit.
   * @default [GrafanaOutput.helmValues()] for an existing or Helm-chart Grafana, [GrafanaOutput.operator()] for an operator one, none for a managed one (it is configured directly)
   */
  readonly grafanaOutputs?: GrafanaOutput[];
  /**
   * How the Grafana chart's values reach the cluster: a values file for `helm -f`, or a Flux
   * `HelmRelease` / Argo CD `Application` carrying them. Needs `GrafanaOutput.helmValues()`.
   * With a `GrafanaTarget.helmChart()` target the release name is the target's.
   * @default HelmDelivery.valuesFile()
   */
  readonly grafanaDelivery?: HelmDelivery;
  /**
   * Route options.
   * @default - 30s timeout, websockets on
   */
  readonly route?: RouteOptions;
  /**
   * How nothing but Pomerium reaches Grafana.
   * @default GrafanaIsolation.networkPolicy()
   */
  readonly isolation?: GrafanaIsolation;
  /**
   * More grafana.ini settings, section → key → value. A key the library already sets to
   * another value is refused rather than silently overridden.
   * @default - none
   */
  readonly extraGrafanaSettings?: { [section: string]: { [key: string]: string } };
  /**
   * UNSAFE: let `extraGrafanaSettings` values carry `{{ ... }}`, which the Grafana chart
   * evaluates with Helm's `tpl` when it writes grafana.ini (`charts/grafana/templates/_config.tpl`):
   * a template can read any value of the release (`.Values.adminPassword`) into the file.
   * Other output forms (GF_* variables, grafana-operator) pass the text on literally.
   * Line breaks and other control characters stay refused.
   * @default false
   */
  readonly extraGrafanaSettingsHelmTemplatesUnsafe?: boolean;
  /**
   * Base name of the objects and files this construct creates (a DNS-1123 label); the
   * Grafana Helm values file is `<name>-values.yaml`.
   * @default - the construct id
   */
  readonly name?: string;
}

/**
 * Grafana behind Pomerium with single sign-on: a route with its access policy on a
 * Pomerium release, Grafana's matching auth configuration, and the Kubernetes objects
 * that keep Grafana reachable only through Pomerium.
 */
export class GrafanaBehindPomerium extends Construct {
  /** The route host, as validated. */
  public readonly host: string;
  /** The Pomerium release that serves the route. */
  public readonly pomerium: PomeriumRelease;
  /** Grafana's namespace. */
  public readonly grafanaNamespace: string;
  /** Grafana's Service. */
  public readonly grafanaServiceName: string;
  /** Labels selecting the Grafana pods. */
  public readonly grafanaPodLabels: { [key: string]: string };
  /** The Pomerium route, with the keys Pomerium reads (`from`, `to`, `policy`, ...). */
  public readonly pomeriumRoute: { [key: string]: any };
  /** The grafana.ini settings, section → key → value, as every Grafana output form carries them. */
  public readonly grafanaSettings: { [section: string]: { [key: string]: any } };
  /** Grafana Helm chart values, when `GrafanaOutput.helmValues()` is chosen. */
  public readonly grafanaHelmValues?: { [key: string]: any };
  /** The configuration as GF_* variables ({ name, value } or { name, valueFrom }), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnv?: { [key: string]: any }[];
  /** True when Grafana trusts unsigned identity headers (the header flow). */
  public readonly trustsUnsignedHeaders: boolean;

  /** @internal */
  public readonly _grafanaModel: GrafanaConfigModel;
  private readonly name: string;
  private readonly grafanaValuesDelivered: boolean;

  constructor(scope: Construct, id: string, props: GrafanaBehindPomeriumProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'GrafanaBehindPomerium');
    registerUniqueObjectNames(this);
    registerObjectSizeLimits(this);
    const owner = `GrafanaBehindPomerium at '${this.node.path}'`;

    // Check every prop once, then build what Pomerium and Grafana must be told.
    const route = checkGrafanaRouteProps(this, ctx, props, id);
    const grafanaModel = grafanaRouteConfig(ctx, route);
    const pomeriumRoute = pomeriumRouteModel(route);
    const pinsPublicKeys = route.flow.keys?.userKeys !== undefined;
    route.release._addRoute({ owner, route: pomeriumRoute, jwtClaimsHeaders: route.flow.jwtClaimsHeaders ?? [] }, pinsPublicKeys);

    // Render: the route's own objects, then Grafana's configuration in every form asked for.
    addGrafanaRouteObjects(this, route, pomeriumRoute, grafanaIsolationModel(ctx, route, owner));
    const target = route.target;
    const grafanaTarget = { name: route.name, namespace: target.namespace, operatorResourceName: target.operatorResourceName };
    const emitted = emitGrafanaOutputs(this, ctx, grafanaTarget, grafanaModel, route.outputs);
    const helmValues = withAdminSecret(emitted.helmValues, target);
    const delivery = checkGrafanaDelivery(ctx, props.grafanaDelivery, route, emitted.helmValues !== undefined);
    // A GitOps object that carries the values replaces the values file.
    this.grafanaValuesDelivered = delivery !== undefined
      && delivery._addTo(this, { releaseName: target.helmReleaseName ?? route.name, namespace: target.namespace, values: helmValues! }, ctx.prop('grafanaDelivery')).length > 0;
    if (target.kind === 'managed') addManagedGrafana(this, route, grafanaModel);

    this.name = route.name;
    this.host = route.host.name;
    this.pomerium = route.release;
    this.grafanaNamespace = target.namespace;
    this.grafanaServiceName = target.serviceName;
    this.grafanaPodLabels = target.podLabels;
    this.trustsUnsignedHeaders = route.flow.trustsUnsignedHeaders;
    this._grafanaModel = grafanaModel;
    this.grafanaSettings = grafanaModel.sections;
    this.pomeriumRoute = pomeriumRoute;
    this.grafanaHelmValues = helmValues;
    this.grafanaEnv = emitted.env;
  }

  /** The Helm values files this construct contributes (Grafana's, unless a GitOps object carries them). @internal */
  public _helmValuesFiles(): HelmValuesFile[] {
    return this.grafanaHelmValues && !this.grafanaValuesDelivered ? [{ fileName: `${this.name}-values.yaml`, values: this.grafanaHelmValues }] : [];
  }
}
