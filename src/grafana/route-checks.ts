import { Construct } from 'constructs';
import { AuthFlow, RenderedFlow } from '../auth-flow';
import { PropContext } from '../errors';
import { HelmDelivery } from '../gitops/helm-delivery';
import type { GrafanaBehindPomeriumProps } from '../grafana-behind-pomerium';
import { checkBoolean, checkDnsLabel, checkDuration, checkHttpsOrigin, checkLabels, checkObjectName, checkVariant, Host } from '../host';
import { checkHostUnderDomain } from '../istio/hosts';
import { AccessPolicy, PplPolicy } from '../pomerium/access-policy';
import { PomeriumRelease, ReleaseMesh } from '../pomerium-release';
import { claimInApp } from '../registry';
import { checkIniName, checkIniValue } from '../strings';
import { AdditionalGrafanaPeer, checkGrafanaOutputList, GrafanaIsolation, GrafanaOutput, IsolationOptions } from './outputs';
import { GrafanaTarget, ResolvedGrafanaTarget } from './target';

/** The props of a `GrafanaBehindPomerium`, checked once: nothing downstream re-checks them. */
export interface CheckedGrafanaRoute {
  /** Base name of the objects and files (a DNS-1123 label). */
  readonly name: string;
  readonly host: Host;
  readonly policy: PplPolicy;
  readonly timeout: string;
  readonly allowWebsockets: boolean;
  readonly grafana: GrafanaTarget;
  readonly target: ResolvedGrafanaTarget;
  readonly outputs: GrafanaOutput[];
  readonly flow: RenderedFlow;
  readonly isolation: string;
  readonly additionalPeers: AdditionalGrafanaPeer[];
  readonly release: PomeriumRelease;
  readonly mesh?: ReleaseMesh;
  /** The ConfigMap that publishes the route's key file to Grafana, when the key source is a file. */
  readonly keysConfigMap?: string;
  readonly extraSettings?: Record<string, Record<string, string>>;
  readonly extraSettingsHelmTemplatesUnsafe: boolean;
}

/**
 * Checks every prop of a `GrafanaBehindPomerium`, in the order its error messages are
 * documented and tested: the route's own props, then the release it joins, then the app-wide
 * claim on the host, then the Grafana settings. `scope` is the route: a quick-start release is
 * created under it.
 */
export function checkGrafanaRouteProps(scope: Construct, ctx: PropContext, props: GrafanaBehindPomeriumProps, id: string): CheckedGrafanaRoute {
  const name = checkDnsLabel(ctx.prop('name'), props.name ?? id, 'the base name (construct id or `name`)');
  const host = Host.check(ctx.prop('host'), props.host);
  const policy = checkVariant(ctx.prop('policy'), props.policy, AccessPolicy, undefined, "build one, e.g. AccessPolicy.emailDomains('example.com')")._render(ctx.prop('policy'));
  if (props.route === null) ctx.prop('route').fail(null, 'null does not mean the default; route options are an object', 'leave route out for the defaults, or give e.g. { timeout: \'60s\' }');
  const route = props.route ?? {};
  const timeout = checkDuration(ctx.prop('route').prop('timeout'), route.timeout ?? '30s');
  // A non-boolean went into the route as written ('yes'); Pomerium reads allow_websockets as a bool.
  const allowWebsockets = checkBoolean(ctx.prop('route').prop('allowWebsockets'), route.allowWebsockets, true);

  const grafana = checkVariant(ctx.prop('grafana'), props.grafana, GrafanaTarget, undefined, "use GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }), GrafanaTarget.operator({...}) or GrafanaTarget.managed({...})");
  const target = grafana._resolve(ctx.prop('grafana'), name);
  const outputs = checkGrafanaOutputs(ctx.prop('grafanaOutputs'), props.grafanaOutputs, target);

  const flowCtx = ctx.prop('authFlow');
  const flow = checkVariant(flowCtx, props.authFlow, AuthFlow, AuthFlow.jwt(), 'use AuthFlow.jwt({...}) or AuthFlow.headers({...})')._render(flowCtx, host.name);
  const isolationVariant = checkVariant(ctx.prop('isolation'), props.isolation, GrafanaIsolation, GrafanaIsolation.networkPolicy(), 'use GrafanaIsolation.networkPolicy(), GrafanaIsolation.istioAuthorizationPolicy() or GrafanaIsolation.noneUnsafe()');
  const isolation = isolationVariant._kind;
  const additionalPeers = checkAdditionalPeers(ctx.prop('isolation'), isolationVariant._options ?? {}, flow.trustsUnsignedHeaders, isolation);
  if (flow.trustsUnsignedHeaders && isolation === 'none') {
    ctx.prop('isolation').fail(
      'GrafanaIsolation.noneUnsafe()',
      'the header flow trusts unsigned X-Pomerium-Claim-* headers, so anything that reaches Grafana directly can sign in as anyone',
      'keep GrafanaIsolation.networkPolicy() (the default) or, in an Istio mesh, GrafanaIsolation.istioAuthorizationPolicy()',
    );
  }

  const release = resolveRelease(scope, ctx, props, name);
  checkRouteOnRelease(ctx, host, isolation, release);
  claimInApp(scope, ctx.prop('host'), 'route host', host.name,
    (other) => `the GrafanaBehindPomerium at '${other}' already routes this host; Pomerium would send every request for it to one of the two`,
    'give each Grafana its own host');

  const keysConfigMap = flow.keys?.file ? checkObjectName(ctx.prop('name'), `${name}-pomerium-keys`, ctx.prop('name')) : undefined;
  const templatesUnsafe = checkBoolean(ctx.prop('extraGrafanaSettingsHelmTemplatesUnsafe'), props.extraGrafanaSettingsHelmTemplatesUnsafe, false);
  let extraSettings: Record<string, Record<string, string>> | undefined;
  if (props.extraGrafanaSettings !== undefined) {
    extraSettings = checkExtraSettings(ctx.prop('extraGrafanaSettings'), props.extraGrafanaSettings, templatesUnsafe);
  } else if (templatesUnsafe) {
    ctx.prop('extraGrafanaSettingsHelmTemplatesUnsafe').fail(true, 'it applies to extraGrafanaSettings, and none are given', 'leave it out');
  }

  return {
    name,
    host,
    policy,
    timeout,
    allowWebsockets,
    grafana,
    target,
    outputs,
    flow,
    isolation,
    additionalPeers,
    release,
    mesh: release._mesh,
    keysConfigMap,
    extraSettings,
    extraSettingsHelmTemplatesUnsafe: templatesUnsafe,
  };
}

/** The release the route joins: the one given, or a quick-start release of its own (child 'Pomerium'). */
function resolveRelease(scope: Construct, ctx: PropContext, props: GrafanaBehindPomeriumProps, name: string): PomeriumRelease {
  if (props.pomerium !== undefined) {
    checkVariant(ctx.prop('pomerium'), props.pomerium, PomeriumRelease, undefined, "create one: new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl, ... }) and pass it here");
    if (props.authenticateServiceUrl !== undefined) {
      ctx.prop('authenticateServiceUrl').fail(props.authenticateServiceUrl, `the PomeriumRelease at '${props.pomerium.node.path}' already sets the authenticate service`, 'leave authenticateServiceUrl out');
    }
    return props.pomerium;
  }
  if (props.authenticateServiceUrl === undefined) {
    return ctx.prop('pomerium').fail(undefined, 'the route needs a Pomerium release', "pass pomerium: <PomeriumRelease>, or authenticateServiceUrl: 'https://authenticate.example.com' for a release of its own");
  }
  // The user wrote the URL on this construct: refuse it here, in this construct's words.
  checkHttpsOrigin(ctx.prop('authenticateServiceUrl'), props.authenticateServiceUrl, 'the authenticate service URL');
  return new PomeriumRelease(scope, 'Pomerium', { authenticateServiceUrl: props.authenticateServiceUrl, name: `${name}-pomerium` });
}

/** What the release imposes on the route: its own host stays free, a mesh bounds the host and enables Istio isolation. */
function checkRouteOnRelease(ctx: PropContext, host: Host, isolation: string, release: PomeriumRelease): void {
  if (host.name === release.authenticateHost) {
    // Suggest a host the user does not already have: move the authenticate service, unless
    // it already sits on 'authenticate.<domain>', then move the route.
    const authenticateSuggestion = `authenticate.${host.parentDomain}`;
    const fix = authenticateSuggestion !== host.name
      ? `give Pomerium's authenticate service a host of its own, e.g. 'https://${authenticateSuggestion}'`
      : `give the route a host of its own, e.g. 'grafana.${host.parentDomain}'`;
    ctx.prop('host').fail(host.name, `the route host is the authenticate host of the PomeriumRelease at '${release.node.path}', and the authenticate service needs its own host`, fix);
  }
  const mesh = release._mesh;
  if (mesh) checkHostUnderDomain(ctx.prop('host'), host.name, mesh.domain, 'the route host');
  if (isolation === 'istio' && !mesh) {
    ctx.prop('isolation').fail(
      'GrafanaIsolation.istioAuthorizationPolicy()',
      `the PomeriumRelease at '${release.node.path}' has no Istio ingress, so no AuthorizationPolicy would be written`,
      'give the release ingress: <IstioIngressForPomerium>, or use GrafanaIsolation.networkPolicy()',
    );
  }
}

function checkGrafanaOutputs(ctx: PropContext, raw: GrafanaOutput[] | undefined, target: ResolvedGrafanaTarget): GrafanaOutput[] {
  const defaults = {
    existing: [GrafanaOutput.helmValues()],
    helmChart: [GrafanaOutput.helmValues()],
    operator: [GrafanaOutput.operator()],
    managed: [] as GrafanaOutput[],
  };
  const outputs = checkGrafanaOutputList(ctx, raw, defaults[target.kind]);
  for (const output of outputs) {
    if (output._kind === 'operator' && target.kind !== 'operator') {
      ctx.fail('GrafanaOutput.operator()', `grafana-operator names its Service '<cr>-service' and labels pods 'app: <cr>', so ${target.kind === 'managed' ? 'a managed' : 'this'} target's Service and pod labels would route to and isolate nothing`, "use GrafanaTarget.operator({ name: '<Grafana resource>', namespace }) so the route and the NetworkPolicy use the operator's names");
    }
    if (output._kind === 'operator' && output._options.grafanaName !== undefined && output._options.grafanaName !== target.operatorResourceName) {
      ctx.prop('grafanaName').fail(output._options.grafanaName, `the target is the Grafana resource '${target.operatorResourceName}'`, 'leave grafanaName out: GrafanaTarget.operator({ name }) names the resource');
    }
  }
  if (target.kind === 'operator' && !outputs.some((o) => o._kind === 'operator')) {
    ctx.fail(outputs.map((o) => o._kind), 'an operator-run Grafana takes its configuration from its Grafana resource, which would not be written',
      'add GrafanaOutput.operator() (or leave grafanaOutputs out)');
  }
  return outputs;
}

function checkAdditionalPeers(
  ctx: PropContext, options: IsolationOptions, trustsUnsignedHeaders: boolean, isolation: string,
): AdditionalGrafanaPeer[] {
  const peers = options.additionalPeers ?? [];
  if (peers.length > 0 && isolation === 'istio') {
    // An ALLOW AuthorizationPolicy admits mTLS principals, not pods: a pod selector cannot widen it.
    ctx.prop('additionalPeers').fail(peers.map((p) => p?.name), 'the Istio AuthorizationPolicy admits service-account principals, so pod-labelled peers would still be refused there',
      "add your own ALLOW AuthorizationPolicy for the peer's service account (ALLOW policies add up), or use GrafanaIsolation.networkPolicy({ additionalPeers })");
  }
  if (!Array.isArray(peers)) return ctx.prop('additionalPeers').fail(peers, 'a list of peers is required', "write e.g. [{ name: 'prometheus', namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }]");
  const unsafe = checkBoolean(ctx.prop('allowPeersInHeaderFlowUnsafe'), options.allowPeersInHeaderFlowUnsafe, false);
  if (peers.length > 0 && trustsUnsignedHeaders && !unsafe) {
    ctx.prop('additionalPeers').fail(peers.map((p) => p?.name), 'Grafana trusts unsigned X-Pomerium-Claim-* headers in the header flow, so every admitted peer could sign in as anyone',
      'use the JWT flow (AuthFlow.jwt()) for a Grafana other workloads must reach, or set allowPeersInHeaderFlowUnsafe: true if you trust them');
  }
  const names = new Set<string>();
  return peers.map((peer, i) => {
    const peerCtx = ctx.prop('additionalPeers').prop(String(i));
    const name = checkDnsLabel(peerCtx.prop('name'), peer?.name, 'a peer name');
    if (names.has(name)) peerCtx.prop('name').fail(name, 'two peers have this name', 'name each peer once');
    names.add(name);
    return { name, namespace: checkDnsLabel(peerCtx.prop('namespace'), peer.namespace, 'a namespace'), podLabels: checkLabels(peerCtx.prop('podLabels'), peer.podLabels) };
  });
}

function checkExtraSettings(ctx: PropContext, settings: unknown, helmTemplatesUnsafe: boolean): Record<string, Record<string, string>> {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    return ctx.fail(settings, 'settings are a map of section to a map of key to value', "write e.g. { 'users': { 'default_theme': 'light' } }");
  }
  for (const [section, keys] of Object.entries(settings as Record<string, unknown>)) {
    if (!/^[a-z0-9_.-]+$/.test(section)) ctx.fail(section, 'not a grafana.ini section name', "write it as in grafana.ini, e.g. 'auth.jwt'");
    checkIniName(ctx, section, 'section');
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) ctx.fail(keys, `section '${section}' must map keys to values`, "write e.g. { 'default_theme': 'light' }");
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      if (!/^[a-z0-9_.-]+$/i.test(key)) ctx.fail(key, `not a grafana.ini key in [${section}]`, 'write the key as in grafana.ini');
      checkIniName(ctx, key, 'key');
      if (typeof value !== 'string') ctx.fail({ [`${section}.${key}`]: value }, 'values are strings, as in grafana.ini', `write ${JSON.stringify(String(value))}`);
      checkIniValue(ctx.prop(section).prop(key), value as string, {
        templatesUnsafe: helmTemplatesUnsafe,
        templateFix: "remove '{{', or set extraGrafanaSettingsHelmTemplatesUnsafe: true if the Grafana chart should evaluate it",
      });
    }
  }
  return settings as Record<string, Record<string, string>>;
}

/**
 * Checks the chart delivery. It runs after the Grafana outputs are emitted, because emitting
 * checks the operator resource name first and the error order is part of the contract.
 */
export function checkGrafanaDelivery(
  ctx: PropContext, delivery: HelmDelivery | undefined, route: CheckedGrafanaRoute, hasHelmValues: boolean,
): HelmDelivery | undefined {
  if (delivery === undefined) return undefined;
  const deliveryCtx = ctx.prop('grafanaDelivery');
  checkVariant(deliveryCtx, delivery, HelmDelivery, undefined, 'use HelmDelivery.fluxHelmRelease({...}) or HelmDelivery.argoCdApplication({...})');
  delivery._check(deliveryCtx);
  if (!hasHelmValues) deliveryCtx.fail('HelmDelivery', 'a chart delivery carries the chart values, and no Grafana Helm values are emitted', 'add GrafanaOutput.helmValues() to grafanaOutputs');
  const target = route.target;
  if (delivery._engine === 'argocd' && target.adminSecretName === undefined) {
    ctx.prop('grafana').prop('adminSecretName').fail(
      undefined,
      'grafanaDelivery renders the Grafana chart with `helm template` at every Argo CD sync, where the chart generates a new admin password (randAlphaNum) each time, and its checksum/secret annotation restarts Grafana at each self-heal',
      `create a Secret in '${target.namespace}' with keys admin-user and admin-password and name it: GrafanaTarget.${target.kind === 'helmChart' ? 'helmChart' : 'existing'}({ ..., adminSecretName: 'grafana-admin' }) (chart value admin.existingSecret)`,
    );
  }
  return delivery;
}
