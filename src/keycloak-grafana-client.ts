import { Construct } from 'constructs';
import { PropContext } from './errors';
import { GrafanaConfigModel } from './grafana/config';
import { emitGrafanaOutputs } from './grafana/emit';
import { GrafanaOutput } from './grafana/outputs';
import { RoleMapping } from './grafana/role-mapping';
import { HelmValuesFile } from './helm-values';
import { checkClientGrafanaOutputs, checkKeycloakClientProps } from './keycloak/client-checks';
import { keycloakClientModel } from './keycloak/client-model';
import { addKeycloakClientObjects } from './keycloak/client-render';
import { OidcMode } from './keycloak/options';
import { IdentityProviderModel } from './pomerium/model';
import { registerUniqueObjectNames } from './rules/unique-object-names';

/** Props of `KeycloakGrafanaClient`. */
export interface KeycloakGrafanaClientProps {
  /** The instance's namespace (a DNS label): the Keycloak CRs, the client Secret and Grafana live here. */
  readonly namespace: string;
  /** The instance's release name (a DNS label). The clientId is `<namespace>-<release>`. */
  readonly release: string;
  /**
   * Grafana's public host, e.g. 'grafana.acme.example.com' (no scheme, port or path), where
   * Grafana itself signs users in through Keycloak. Not used when the client serves Pomerium
   * (`pomeriumIdp`): Keycloak then redirects to Pomerium's authenticate host, and the Grafana
   * behind Pomerium is a `GrafanaBehindPomerium` on the release this client feeds.
   * @default - required, except with `pomeriumIdp`
   */
  readonly grafanaHost?: string;
  /** The identity source: `OidcMode.none()`, `OidcMode.system({...})` or `OidcMode.customConfig({...})`. */
  readonly mode: OidcMode;
  /**
   * The forms of the Grafana configuration to emit.
   * @default [GrafanaOutput.helmValues()] in System and CustomConfig modes; none in None mode or when the client serves Pomerium
   */
  readonly grafanaOutputs?: GrafanaOutput[];
}

/**
 * A Grafana instance's OIDC login through Keycloak, after Cozystack's per-instance design
 * with its maintainers' fixes: a confidential client per instance whose audience
 * no other instance accepts, role groups, and Grafana's [auth.generic_oauth] in every
 * chosen output form, deny-by-default.
 */
export class KeycloakGrafanaClient extends Construct {
  /** The mode: 'none', 'system' or 'customConfig'. */
  public readonly modeName: string;
  /** The Keycloak clientId (`<namespace>-<release>`), in System mode. */
  public readonly clientId?: string;
  /** The audience client scope's name (`<clientId>-audience`), in System mode. */
  public readonly audienceScopeName?: string;
  /** The exact redirect URI registered for the client, in System mode. */
  public readonly redirectUri?: string;
  /** The group whose members get Admin (GrafanaAdmin on the platform instance), in System mode. */
  public readonly adminGroup?: string;
  /** The group whose members get Editor, in System mode. */
  public readonly editorGroup?: string;
  /** The group whose members get Viewer, in System mode. */
  public readonly viewerGroup?: string;
  /** The group-to-role mapping, in System mode: pass it to `AuthFlow.jwt({ roleMapping })` when the client serves Pomerium. */
  public readonly roleMapping?: RoleMapping;
  /** The grafana.ini settings, section → key → value (empty in None mode and when the client serves Pomerium). */
  public readonly grafanaSettings: { [section: string]: { [key: string]: any } };
  /** Grafana Helm chart values, when `GrafanaOutput.helmValues()` is chosen. */
  public readonly grafanaHelmValues?: { [key: string]: any };
  /** GF_* variables ({ name, value } or { name, valueFrom }), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnv?: { [key: string]: any }[];
  /** `envFrom` sources for the Grafana container (CustomConfig from a Secret), when `GrafanaOutput.envVars()` is chosen. */
  public readonly grafanaEnvFrom?: { [key: string]: any }[];
  /** Pomerium options (idp_provider, idp_provider_url, idp_client_id, idp_client_secret_file), when the client serves Pomerium. */
  public readonly pomeriumIdpOptions?: { [key: string]: string };

  /** The client as Pomerium's identity provider, for the `PomeriumRelease` it feeds. @internal */
  public readonly _pomeriumIdp?: { readonly authenticateHost: string; readonly namespace: string; readonly model: IdentityProviderModel };
  private readonly release: string;

  /** @internal */
  public readonly _grafanaModel: GrafanaConfigModel;

  constructor(scope: Construct, id: string, props: KeycloakGrafanaClientProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'KeycloakGrafanaClient');
    registerUniqueObjectNames(this);

    const client = checkKeycloakClientProps(this, ctx, props);
    const model = keycloakClientModel(ctx, client);
    const outputs = checkClientGrafanaOutputs(ctx, props.grafanaOutputs, client.mode, model.defaultOutputs, model.outputsRefusal);
    addKeycloakClientObjects(this, client, model);
    const emitted = emitGrafanaOutputs(this, ctx, { name: client.release, namespace: client.namespace }, model.grafana, outputs);

    this.release = client.release;
    this.modeName = client.mode._kind;
    const system = client.system;
    if (system) {
      this.clientId = client.names.clientId;
      this.audienceScopeName = client.names.audienceScopeName;
      this.adminGroup = system.groups.admin;
      this.editorGroup = system.groups.editor;
      this.viewerGroup = system.groups.viewer;
      this.roleMapping = client.roleMapping;
      this.redirectUri = model.redirectUri;
    }
    if (system?.pomerium && model.pomeriumIdp) {
      this.pomeriumIdpOptions = model.pomeriumIdpOptions;
      this._pomeriumIdp = { authenticateHost: system.pomerium.authenticateHost, namespace: client.namespace, model: model.pomeriumIdp };
    }
    this._grafanaModel = model.grafana;
    this.grafanaSettings = model.grafana.sections;
    this.grafanaHelmValues = emitted.helmValues;
    this.grafanaEnv = emitted.env;
    this.grafanaEnvFrom = emitted.envFrom;
  }


  /** The Helm values files this construct contributes (Grafana's, `<release>-values.yaml`). @internal */
  public _helmValuesFiles(): HelmValuesFile[] {
    return this.grafanaHelmValues ? [{ fileName: `${this.release}-values.yaml`, values: this.grafanaHelmValues }] : [];
  }
}

