import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropContext } from '../errors';
import { checkDnsLabel, checkDnsSubdomain, checkHttpsUrl } from '../host';
import { Pomerium } from '../imports/pomerium-ingress.pomerium.io';
import { PomeriumGlobalSettings, PomeriumOutput } from '../outputs';
import { GlobalSettingsInput, renderPomeriumConfigFile, renderPomeriumGlobalSpec, renderPomeriumIngressAnnotations } from './render';
import { PomeriumModel } from './route';

/** Where the Pomerium objects go and what the Ingress routes to. */
export interface PomeriumEmitTarget {
  /** Base name of the objects. */
  readonly name: string;
  readonly pomeriumNamespace: string;
  readonly host: string;
  readonly grafanaNamespace: string;
  readonly grafanaServiceName: string;
  readonly grafanaServicePort: number;
}

/** The chosen Pomerium outputs, validated. */
export interface CheckedPomeriumOutputs {
  /** Set when Helm values were chosen; the values themselves are rendered on demand. */
  readonly helmValues?: { readonly ingressEnabled: boolean };
  readonly configSecret: boolean;
  readonly ingressController?: {
    readonly ingressClassName: string;
    readonly tlsSecretName?: string;
    /** The Ingress Controller's global `Pomerium` resource, when needed. */
    readonly globalSettings?: { readonly name: string; readonly input: GlobalSettingsInput };
  };
}

/**
 * Validates the chosen Pomerium outputs. The global `Pomerium` resource is needed when
 * the flow forwards claim headers (global there) or the user configured it.
 */
export function checkPomeriumOutputs(ctx: PropContext, outputs: readonly PomeriumOutput[], forwardsClaimHeaders: boolean): CheckedPomeriumOutputs {
  if (!Array.isArray(outputs) || outputs.some((o) => !(o instanceof PomeriumOutput))) {
    return ctx.fail(outputs, 'a list of PomeriumOutput is required', 'use e.g. [PomeriumOutput.helmValues()]');
  }
  let checked: CheckedPomeriumOutputs = { configSecret: false };
  for (const output of outputs) {
    switch (output._kind) {
      case 'helmValues':
        checked = { ...checked, helmValues: { ingressEnabled: output._options.ingressEnabled ?? true } };
        break;
      case 'configSecret':
        checked = { ...checked, configSecret: true };
        break;
      case 'ingressController': {
        const settings = output._options.globalSettings;
        const globalCtx = ctx.prop('globalSettings');
        checked = {
          ...checked,
          ingressController: {
            ingressClassName: checkDnsLabel(ctx.prop('ingressClassName'), output._options.ingressClassName ?? 'pomerium', 'an IngressClass name'),
            tlsSecretName: output._options.tlsSecretName === undefined ? undefined : checkDnsSubdomain(ctx.prop('tlsSecretName'), output._options.tlsSecretName, 'a Secret name'),
            globalSettings: forwardsClaimHeaders || settings
              ? { name: checkDnsLabel(globalCtx.prop('name'), settings?.name ?? 'global', 'a Pomerium resource name'), input: globalSettingsInput(globalCtx, settings ?? {}) }
              : undefined,
          },
        };
        break;
      }
    }
  }
  return checked;
}

/**
 * Adds the Pomerium objects of the chosen outputs under `scope`. `model` is read at
 * synth, so a mesh that fronts Pomerium can still switch it to plain http.
 */
export function emitPomeriumOutputs(scope: Construct, target: PomeriumEmitTarget, model: () => PomeriumModel, outputs: CheckedPomeriumOutputs) {
  if (outputs.configSecret) {
    new k8s.KubeSecret(scope, 'PomeriumConfig', {
      metadata: { name: `${target.name}-pomerium-config`, namespace: target.pomeriumNamespace },
      stringData: { 'config.yaml': Lazy.any({ produce: () => renderPomeriumConfigFile(model()) }) },
    });
  }
  const ingress = outputs.ingressController;
  if (!ingress) return;
  new k8s.KubeIngress(scope, 'PomeriumIngress', {
    metadata: { name: target.name, namespace: target.grafanaNamespace, annotations: renderPomeriumIngressAnnotations(model()) },
    spec: {
      ingressClassName: ingress.ingressClassName,
      rules: [{
        host: target.host,
        http: {
          paths: [{
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: target.grafanaServiceName, port: { number: target.grafanaServicePort } } },
          }],
        },
      }],
      ...(ingress.tlsSecretName ? { tls: [{ hosts: [target.host], secretName: ingress.tlsSecretName }] } : {}),
    },
  });
  if (ingress.globalSettings) {
    new Pomerium(scope, 'PomeriumGlobalSettings', {
      metadata: { name: ingress.globalSettings.name },
      spec: renderPomeriumGlobalSpec(model(), ingress.globalSettings.input) as any,
    });
  }
}

const NAMESPACED_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function globalSettingsInput(ctx: PropContext, settings: PomeriumGlobalSettings): GlobalSettingsInput {
  const bootstrapSecret = settings.bootstrapSecret ?? 'pomerium/bootstrap';
  if (!NAMESPACED_NAME.test(bootstrapSecret)) {
    ctx.prop('bootstrapSecret').fail(bootstrapSecret, "the Ingress Controller reads the bootstrap Secret as 'namespace/name'", "write e.g. 'pomerium/bootstrap'");
  }
  const idp = settings.identityProvider;
  if (idp !== undefined) {
    if (typeof idp.provider !== 'string' || !/^[a-z0-9_-]+$/.test(idp.provider)) {
      ctx.prop('identityProvider').prop('provider').fail(idp.provider, 'a Pomerium provider short name is required', "write e.g. 'oidc'");
    }
    if (idp.url !== undefined) checkHttpsUrl(ctx.prop('identityProvider').prop('url'), idp.url, 'the identity provider URL');
    if (!NAMESPACED_NAME.test(idp.secret ?? '')) {
      ctx.prop('identityProvider').prop('secret').fail(idp.secret, "the IdP Secret is referenced as 'namespace/name'", "write e.g. 'pomerium/idp'");
    }
  }
  return { bootstrapSecret, identityProvider: idp && { provider: idp.provider, secret: idp.secret, ...(idp.url ? { url: idp.url } : {}) } };
}
