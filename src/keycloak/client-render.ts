import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CheckedKeycloakClient } from './client-checks';
import { KeycloakClientModel } from './client-model';
import { renderAudienceScopeSpec, renderRealmGroupSpec } from './model';
import {
  KeycloakClient,
  KeycloakClientScope,
  KeycloakClientScopeSpecRealmRefKind,
  KeycloakClientSpecRealmRefKind,
  KeycloakRealmGroup,
  KeycloakRealmGroupSpecRealmRefKind,
} from '../imports/keycloak-v1.edp.epam.com';

/**
 * Adds the System mode's objects under `scope`: the client Secret when its value was given,
 * the audience scope, the client, and the role groups the client owns.
 */
export function addKeycloakClientObjects(scope: Construct, client: CheckedKeycloakClient, model: KeycloakClientModel): void {
  const { system, names, namespace } = client;
  if (!system || !model.clientSpec) return;
  if (system.secretValue !== undefined) {
    new k8s.KubeSecret(scope, 'ClientSecret', {
      metadata: { name: system.secretName, namespace },
      type: 'Opaque',
      stringData: { [system.secretKey]: system.secretValue },
    });
  }
  new KeycloakClientScope(scope, 'AudienceScope', {
    metadata: { name: names.audienceScopeName, namespace },
    spec: withKind(
      renderAudienceScopeSpec(system.realmRef, names.audienceScopeName, names.clientId),
      system.realmRef.kind as KeycloakClientScopeSpecRealmRefKind,
    ),
  });
  new KeycloakClient(scope, 'Client', {
    metadata: { name: names.clientId, namespace },
    spec: withKind(model.clientSpec, system.realmRef.kind as KeycloakClientSpecRealmRefKind),
  });
  if (system.ownGroups) {
    for (const [role, group] of Object.entries(system.groups)) {
      if (group === undefined) continue;
      new KeycloakRealmGroup(scope, `${role[0].toUpperCase()}${role.slice(1)}Group`, {
        metadata: { name: group, namespace },
        spec: withKind(renderRealmGroupSpec(system.realmRef, group), system.realmRef.kind as KeycloakRealmGroupSpecRealmRefKind),
      });
    }
  }
}

/** The operator's CRDs type realmRef.kind as their own enum; the model keeps it as a string. */
function withKind<T>(spec: Record<string, any>, kind: T): any {
  return { ...spec, realmRef: { ...spec.realmRef, kind } };
}
