import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PomeriumReleaseObjects } from './release-model';
import { ServiceEntry, VirtualService } from '../imports/istio-networking-networking.istio.io';
import { PeerAuthentication } from '../imports/istio-security-security.istio.io';
import { renderStrictPeerAuthentication } from '../istio/security';
import { renderExternalServiceEntry } from '../istio/service-entry';
import { renderVirtualService } from '../istio/virtual-service';
import { setOversizeFix } from '../rules/object-size';

/** Every route of a release is in its chart values and its config file: one object that grows with the routes. */
export const GROWS_WITH_ROUTES_FIX = 'use PomeriumOutput.ingressController(), where each route is its own Ingress (no object grows with the number of routes)';

/**
 * Adds the release's objects under `scope`, with the ids the synthesized manifests carry.
 * `configFile` renders `config.yaml` at synth, when every route has been added to the release.
 */
export function addPomeriumReleaseObjects(scope: Construct, objects: PomeriumReleaseObjects, namespace: string, configFile: () => string): void {
  if (objects.authenticateVirtualService) new VirtualService(scope, 'Authenticate', renderVirtualService(objects.authenticateVirtualService));
  if (objects.routesVirtualService) new VirtualService(scope, 'Routes', renderVirtualService(objects.routesVirtualService));
  if (objects.strictMtls) new PeerAuthentication(scope, 'StrictMtls', renderStrictPeerAuthentication(objects.strictMtls));
  for (const idp of objects.identityProviderEntries) {
    new ServiceEntry(scope, `Idp-${idp.host}`, renderExternalServiceEntry(idp));
  }
  if (objects.configSecretName) {
    const secret = new k8s.KubeSecret(scope, 'Config', {
      metadata: { name: objects.configSecretName, namespace },
      stringData: { 'config.yaml': Lazy.any({ produce: configFile }) },
    });
    setOversizeFix(secret, GROWS_WITH_ROUTES_FIX);
  }
}
