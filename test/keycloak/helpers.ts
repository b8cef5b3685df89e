import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GrafanaOutput, KeycloakGrafanaClient, KeycloakGrafanaClientProps, OidcMode, RealmRef, SystemOidcOptions } from '../../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jmespath: { search(data: unknown, expression: string): unknown } = require('@jmespath-community/jmespath');

export const REALM = RealmRef.clusterKeycloakRealm('keycloakrealm-cozy');
export const ISSUER = 'https://keycloak.example.com/realms/cozy';

export function systemOptions(extra: Partial<SystemOidcOptions> = {}): SystemOidcOptions {
  return { realm: REALM, platformOidcEnabled: true, issuerUrl: ISSUER, ...extra };
}

export function tenantProps(extra: Partial<KeycloakGrafanaClientProps> = {}, system: Partial<SystemOidcOptions> = {}): KeycloakGrafanaClientProps {
  return {
    namespace: 'tenant-acme',
    release: 'monitoring',
    grafanaHost: 'grafana.acme.example.com',
    mode: OidcMode.system(systemOptions(system)),
    grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.envVars(), GrafanaOutput.operator({ grafanaName: 'grafana' })],
    ...extra,
  };
}

export interface Synth {
  readonly yaml: string;
  readonly objects: any[];
  readonly clients: KeycloakGrafanaClient[];
}

/** Synthesizes one chart with `app.synthYaml()` (validations run), one client per props. */
export function synthClients(...propsList: KeycloakGrafanaClientProps[]): Synth {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test');
  const clients = propsList.map((props, i) => new KeycloakGrafanaClient(chart, `client${i}`, props));
  const yaml = app.synthYaml();
  const objects = YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o);
  return { yaml, objects, clients };
}

export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

/** Grafana's decision for a claim set: the role, or 'denied' (no valid role with role_attribute_strict). */
export function grafanaRole(settings: Record<string, any>, claims: unknown): string {
  const oauth = settings['auth.generic_oauth'];
  const result = jmespath.search(claims, oauth.role_attribute_path);
  const valid = ['None', 'Viewer', 'Editor', 'Admin', 'GrafanaAdmin'];
  if (typeof result === 'string' && valid.includes(result)) {
    // Grafana downgrades GrafanaAdmin to Admin unless allow_assign_grafana_admin is on.
    if (result === 'GrafanaAdmin' && String(oauth.allow_assign_grafana_admin) !== 'true') return 'Admin';
    return result;
  }
  return String(oauth.role_attribute_strict) === 'true' ? 'denied' : 'Viewer (auto_assign_org_role)';
}
