import { Construct } from 'constructs';
import { PropContext } from '../errors';
import { HelmDelivery } from '../gitops/helm-delivery';
import { checkDnsLabel, checkDnsName, checkDnsSubdomain, checkHelmReleaseName, checkHttpsOrigin, checkLabels, checkPort, checkVariant, Host } from '../host';
import { checkExternalIdentityProviders } from '../istio/external-hosts';
import { checkHostUnderDomain, wildcardOf } from '../istio/hosts';
import { MeshIngressModel } from '../istio/mesh';
import { IstioIngressForPomerium } from '../istio-ingress-for-pomerium';
import { KeycloakGrafanaClient } from '../keycloak-grafana-client';
import type { PomeriumReleaseProps, PomeriumServiceOptions } from '../pomerium-release';
import { claimInApp } from '../registry';
import { chartProxyServiceAccount, chartServiceName, checkChartName, INSECURE_SERVICE_PORT } from './chart-names';
import { IdentityProviderModel } from './model';
import { CheckedPomeriumOutputs, checkPomeriumOutputs, PomeriumOutput } from './outputs';

/** Where Pomerium's Services are, for the mesh ingress: names and ports checked or derived from the chart. */
export interface CheckedPomeriumServices {
  readonly proxyServiceName: string;
  readonly authenticateServiceName: string;
  readonly serviceAccountName: string;
  readonly proxyServicePort: number;
  readonly authenticateServicePort: number;
}

/** The props of a `PomeriumRelease`, checked once: nothing downstream re-checks them. */
export interface CheckedPomeriumRelease {
  readonly name: string;
  readonly authenticate: Host;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly helmReleaseName: string;
  readonly podLabels?: Record<string, string>;
  readonly signingKeySecretName?: string;
  readonly sharedSecretName?: string;
  readonly outputs: CheckedPomeriumOutputs;
  /** The Istio ingress in front of Pomerium, when there is one. */
  readonly meshModel?: MeshIngressModel;
  /** Present exactly when `meshModel` is. */
  readonly services?: CheckedPomeriumServices;
  readonly externalIdentityProviders: ReturnType<typeof checkExternalIdentityProviders>;
  readonly identityProvider?: IdentityProviderModel;
}

/**
 * Checks every prop of a `PomeriumRelease`, in the order its error messages are tested:
 * names and Secrets, output forms, then the ingress and what only a mesh uses, then the
 * identity provider, then the app-wide claim on the Gateway's wildcard.
 */
export function checkPomeriumReleaseProps(scope: Construct, ctx: PropContext, props: PomeriumReleaseProps, id: string): CheckedPomeriumRelease {
  const name = checkDnsLabel(ctx.prop('name'), props.name ?? id, 'the base name (construct id or `name`)');
  const authenticate = checkHttpsOrigin(ctx.prop('authenticateServiceUrl'), props.authenticateServiceUrl, 'the authenticate service URL');
  const meshNamespace = props.ingress instanceof IstioIngressForPomerium ? props.ingress.pomeriumNamespace : undefined;
  const namespace = checkDnsLabel(ctx.prop('namespace'), props.namespace ?? meshNamespace ?? 'pomerium', 'a namespace');
  if (meshNamespace !== undefined && namespace !== meshNamespace) {
    ctx.prop('namespace').fail(namespace, `the ingress at '${props.ingress!.node.path}' binds its hosts to VirtualServices in '${meshNamespace}' only, so this release's routes would never bind`, `leave namespace out (it follows the ingress), or give the ingress pomeriumNamespace: '${namespace}'`);
  }
  const clusterDomain = checkDnsName(ctx.prop('clusterDomain'), props.clusterDomain ?? 'cluster.local');
  const helmReleaseName = checkHelmReleaseName(ctx.prop('helmReleaseName'), props.helmReleaseName ?? 'pomerium');
  const podLabels = props.podLabels === undefined ? undefined : checkLabels(ctx.prop('podLabels'), props.podLabels);
  const signingKeySecretName = props.signingKeySecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('signingKeySecretName'), props.signingKeySecretName, 'a Secret name');
  const sharedSecretName = props.sharedSecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('sharedSecretName'), props.sharedSecretName, 'a Secret name');
  const outputs = checkPomeriumOutputs(ctx.prop('outputs'), props.outputs === undefined ? [PomeriumOutput.helmValues()] : props.outputs);

  const ingress = props.ingress;
  if (ingress !== undefined && !(ingress instanceof IstioIngressForPomerium)) {
    ctx.prop('ingress').fail(ingress, 'an IstioIngressForPomerium is required', 'create the ingress first and pass it here');
  }
  const meshModel = ingress?._meshModel;
  if (meshModel) {
    checkHostUnderDomain(ctx.prop('authenticateServiceUrl'), authenticate.name, meshModel.domain, 'the authenticate host');
    if (outputs.helmValues?.ingressEnabledGiven && outputs.helmValues.ingressEnabled) {
      ctx.prop('outputs').prop('ingressEnabled').fail(true, "the Istio gateway fronts Pomerium, so the chart's own Ingress would be a second, TLS-less entry", 'leave ingressEnabled out (it is false behind the mesh)');
    }
  } else {
    for (const prop of ['services', 'externalIdentityProviders'] as const) {
      if (props[prop] !== undefined) ctx.prop(prop).fail(props[prop], `${prop} describes Pomerium to an Istio mesh, and this release has no ingress`, `pass ingress: <IstioIngressForPomerium>, or leave ${prop} out`);
    }
  }
  // Service names matter only to the mesh ingress; without one the chart names are never used.
  const services = meshModel ? checkServices(ctx, helmReleaseName, props.services ?? {}) : undefined;
  const externalIdentityProviders = meshModel
    ? checkExternalIdentityProviders(ctx.prop('externalIdentityProviders'), props.externalIdentityProviders ?? [], name, ctx.prop('name'), clusterDomain)
    : [];
  const identityProvider = checkIdentityProvider(ctx.prop('identityProvider'), props.identityProvider, authenticate, namespace);
  if (meshModel) claimGatewayWildcard(scope, ctx, meshModel);
  return {
    name,
    authenticate,
    namespace,
    clusterDomain,
    helmReleaseName,
    podLabels,
    signingKeySecretName,
    sharedSecretName,
    outputs,
    meshModel,
    services,
    externalIdentityProviders,
    identityProvider,
  };
}

/**
 * Two releases' wildcards on one Gateway would be merged by Istio, and the first would
 * take every host: one release per ingress (Pomerium serves any number of routes).
 */
function claimGatewayWildcard(scope: Construct, ctx: PropContext, meshModel: MeshIngressModel): void {
  claimInApp(scope, ctx.prop('ingress'), 'wildcard route of a Gateway', `${meshModel.gatewayReference} ${wildcardOf(meshModel.domain)}`,
    (other) => `the PomeriumRelease at '${other}' already carries '${wildcardOf(meshModel.domain)}' of the Gateway '${meshModel.gatewayReference}' to its proxy, so this release's routes would never be reached`,
    'put every route on one PomeriumRelease, or give this release an IstioIngressForPomerium of its own (its own Gateway and domain)');
}

/**
 * Helm knows a release by name and namespace: two values files for one identity means
 * `helm upgrade --install` of the second replaces the first's routes. Checked at synth,
 * beside the app-wide object-name rule, so an app's other mistakes are reported first.
 */
export function registerHelmReleaseClaim(scope: Construct, ctx: PropContext, release: CheckedPomeriumRelease): void {
  const { namespace, helmReleaseName } = release;
  scope.node.addValidation({
    validate: () => {
      try {
        claimInApp(scope, ctx.prop('helmReleaseName'), 'Pomerium Helm release', `${namespace}/${helmReleaseName}`,
          (other) => `the PomeriumRelease at '${other}' is already Helm release '${helmReleaseName}' in namespace '${namespace}', and installing both would leave only one's routes`,
          'add every route to one PomeriumRelease (pass it as `pomerium`), or give this one another helmReleaseName or namespace');
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    },
  });
}

function checkServices(releaseCtx: PropContext, release: string, s: PomeriumServiceOptions): CheckedPomeriumServices {
  const ctx = releaseCtx.prop('services');
  const fromChart = (component: string, value: string) => `the ${component} '${value}' derived from helmReleaseName '${release}'`;
  const derived = (prop: keyof PomeriumServiceOptions, value: string, component: string) =>
    checkChartName(releaseCtx.prop('helmReleaseName'), release, value, fromChart(component, value), prop);
  return {
    proxyServiceName: s.proxyServiceName === undefined
      ? derived('proxyServiceName', chartServiceName(release, 'proxy'), 'proxy Service')
      : checkDnsLabel(ctx.prop('proxyServiceName'), s.proxyServiceName, 'a Service name'),
    authenticateServiceName: s.authenticateServiceName === undefined
      ? derived('authenticateServiceName', chartServiceName(release, 'authenticate'), 'authenticate Service')
      : checkDnsLabel(ctx.prop('authenticateServiceName'), s.authenticateServiceName, 'a Service name'),
    serviceAccountName: s.serviceAccountName === undefined
      ? derived('serviceAccountName', chartProxyServiceAccount(release), 'proxy ServiceAccount')
      : checkDnsLabel(ctx.prop('serviceAccountName'), s.serviceAccountName, 'a ServiceAccount name'),
    proxyServicePort: checkPort(ctx.prop('proxyServicePort'), s.proxyServicePort ?? INSECURE_SERVICE_PORT),
    authenticateServicePort: checkPort(ctx.prop('authenticateServicePort'), s.authenticateServicePort ?? INSECURE_SERVICE_PORT),
  };
}

function checkIdentityProvider(
  ctx: PropContext, client: KeycloakGrafanaClient | undefined, authenticate: Host, namespace: string,
): IdentityProviderModel | undefined {
  if (client === undefined) return undefined;
  if (!(client instanceof KeycloakGrafanaClient)) return ctx.fail(client, 'a KeycloakGrafanaClient is required', 'create the client with OidcMode.system({ pomeriumIdp: {...} }) and pass it here');
  const idp = client._pomeriumIdp;
  if (!idp) {
    return ctx.fail(client.node.path, `the KeycloakGrafanaClient at '${client.node.path}' does not serve Pomerium`, 'create it with OidcMode.system({ ..., pomeriumIdp: { authenticateServiceUrl } })');
  }
  if (idp.authenticateHost !== authenticate.name) {
    ctx.fail(client.node.path, `the client's redirect URI is for authenticate host '${idp.authenticateHost}', but this release authenticates at '${authenticate.name}', so Keycloak would refuse the login`, `give the client pomeriumIdp.authenticateServiceUrl '${authenticate.origin}'`);
  }
  if (idp.namespace !== namespace) {
    ctx.fail(client.node.path, `the client's secret lives in namespace '${idp.namespace}', and Pomerium pods in '${namespace}' can mount only Secrets of their own namespace`, `create the client in namespace '${namespace}'`);
  }
  return idp.model;
}

/**
 * Checks the chart delivery of the release. It runs after the release's objects are planned,
 * whose name checks come first in the tested error order.
 */
export function checkReleaseDelivery(
  ctx: PropContext, delivery: HelmDelivery | undefined, release: CheckedPomeriumRelease,
): HelmDelivery | undefined {
  if (delivery === undefined) return undefined;
  checkVariant(ctx.prop('delivery'), delivery, HelmDelivery, undefined, 'use HelmDelivery.fluxHelmRelease({...}) or HelmDelivery.argoCdApplication({...})');
  delivery._check(ctx.prop('delivery'));
  if (!release.outputs.helmValues) ctx.prop('delivery').fail('HelmDelivery', 'a chart delivery carries the chart values, and this release emits none', 'add PomeriumOutput.helmValues() to outputs');
  if (delivery._engine === 'argocd') checkSecretsGivenForHelmTemplate(ctx, release);
  return delivery;
}

/**
 * Argo CD renders the chart with `helm template` (no `lookup`, `.Release.IsInstall` always
 * true), so what the Pomerium chart generates at install is generated again at every sync:
 * the shared and cookie secrets (`randAscii`, charts/pomerium/templates/_helpers.tpl and the
 * shared Secret) and the signing key (`genPrivateKey` in templates/signing-key-secret.yaml).
 */
function checkSecretsGivenForHelmTemplate(ctx: PropContext, release: CheckedPomeriumRelease): void {
  const why = 'HelmDelivery.argoCdApplication() renders the Pomerium chart with `helm template` at every sync, where the chart';
  if (release.sharedSecretName === undefined) {
    ctx.prop('sharedSecretName').fail(
      undefined,
      `${why} generates a new shared and cookie secret (randAscii) each time: every user would be signed out at each sync`,
      "create a Secret in Pomerium's namespace with keys SHARED_SECRET and COOKIE_SECRET (head -c32 /dev/urandom | base64, each) and name it in sharedSecretName (chart value config.existingSharedSecret)",
    );
  }
  if (release.signingKeySecretName === undefined) {
    ctx.prop('signingKeySecretName').fail(
      undefined,
      `${why} generates a new signing key (genPrivateKey) each time: Grafana's cached copy of Pomerium's public key would go stale at each sync`,
      "create a Secret with key 'signing-key' (`npx cdk8s-grafana-pomerium-keygen`) in Pomerium's namespace and name it in signingKeySecretName (chart value config.existingSigningKeySecret)",
    );
  }
}
