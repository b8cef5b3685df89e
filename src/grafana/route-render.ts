import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GrafanaConfigModel } from './config';
import { renderManagedGrafana } from './managed-grafana';
import { CheckedGrafanaRoute } from './route-checks';
import { GrafanaIsolationModel } from './route-model';
import { ManagedGrafanaOptions, ResolvedGrafanaTarget } from './target';
import { AuthorizationPolicy, PeerAuthentication } from '../imports/istio-security-security.istio.io';
import { renderOnlyPrincipalsPolicy, renderStrictPeerAuthentication } from '../istio/security';
import { renderNetworkPolicy } from '../kubernetes/network-policy';
import { PomeriumRouteModel } from '../pomerium/model';
import { CheckedPomeriumOutputs } from '../pomerium/outputs';
import { renderPomeriumIngressAnnotations } from '../pomerium/render';

type IngressControllerOutput = NonNullable<CheckedPomeriumOutputs['ingressController']>;

/**
 * Adds the route's Kubernetes objects under `scope`, in the order (and with the ids) the
 * synthesized manifests list them: the key file, the isolation objects, the per-route Ingress.
 */
export function addGrafanaRouteObjects(
  scope: Construct, route: CheckedGrafanaRoute, pomeriumRoute: PomeriumRouteModel, isolation: GrafanaIsolationModel,
): void {
  const keyFile = route.flow.keys?.file;
  if (route.keysConfigMap && keyFile) {
    new k8s.KubeConfigMap(scope, 'PomeriumKeys', {
      metadata: { name: route.keysConfigMap, namespace: route.target.namespace },
      data: { [keyFile.fileName]: keyFile.content },
    });
  }
  if (isolation.networkPolicy) new k8s.KubeNetworkPolicy(scope, 'OnlyPomerium', renderNetworkPolicy(isolation.networkPolicy));
  const ingressController = route.release._outputs.ingressController;
  if (ingressController) new k8s.KubeIngress(scope, 'PomeriumIngress', renderRouteIngress(route, pomeriumRoute, ingressController));
  if (isolation.strictMtls) new PeerAuthentication(scope, 'StrictMtls', renderStrictPeerAuthentication(isolation.strictMtls));
  if (isolation.onlyPomeriumPrincipal) new AuthorizationPolicy(scope, 'OnlyPomeriumPrincipal', renderOnlyPrincipalsPolicy(isolation.onlyPomeriumPrincipal));
}

/** The Pomerium Ingress Controller form of one route: an Ingress whose annotations carry the route's options. */
function renderRouteIngress(
  route: CheckedGrafanaRoute, pomeriumRoute: PomeriumRouteModel, ingressController: IngressControllerOutput,
): k8s.KubeIngressProps {
  const { host, target } = route;
  return {
    metadata: { name: route.name, namespace: target.namespace, annotations: renderPomeriumIngressAnnotations(pomeriumRoute) },
    spec: {
      ingressClassName: ingressController.ingressClassName,
      rules: [{
        host: host.name,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: target.serviceName, port: { number: target.servicePort } } } }] },
      }],
      ...(ingressController.tlsSecretName ? { tls: [{ hosts: [host.name], secretName: ingressController.tlsSecretName }] } : {}),
    },
  };
}

/**
 * The Grafana chart values with the admin Secret the target names. grafana/helm-charts
 * charts/grafana/templates/secret.yaml: with admin.existingSecret the chart generates no admin password.
 */
export function withAdminSecret(helmValues: Record<string, unknown> | undefined, target: ResolvedGrafanaTarget): Record<string, unknown> | undefined {
  return helmValues && target.adminSecretName !== undefined
    ? { ...helmValues, admin: { existingSecret: target.adminSecretName } }
    : helmValues;
}

/** The Grafana the library runs itself (`GrafanaTarget.managed`): its Deployment, Service and storage. */
export function addManagedGrafana(scope: Construct, route: CheckedGrafanaRoute, model: GrafanaConfigModel): void {
  const objects = renderManagedGrafana(route.name, route.target.podLabels, route.grafana._options as ManagedGrafanaOptions, model);
  new k8s.KubeDeployment(scope, 'Deployment', objects.deployment);
  new k8s.KubeService(scope, 'Service', objects.service);
  new k8s.KubePersistentVolumeClaim(scope, 'Storage', objects.claim);
}
