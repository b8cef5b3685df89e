import { Construct } from 'constructs';
import { PropContext } from './errors';
import { checkDnsLabel, checkDnsSubdomain } from './host';
import { KeycloakRealmUser, KeycloakRealmUserSpecRealmRefKind } from './imports/keycloak-v1.edp.epam.com';
import { checkSecretKey, checkText } from './keycloak/checks';
import { RealmRef, SecretKeyReference } from './keycloak/options';
import { checkPlainText } from './strings';

/** Props of `KeycloakGrafanaUser`. */
export interface KeycloakGrafanaUserProps {
  /** The namespace of the KeycloakRealmUser resource (where the operator watches, and where the password Secret lives). */
  readonly namespace: string;
  /** The realm the user belongs to. */
  readonly realm: RealmRef;
  /** The Keycloak username, e.g. 'alice@acme.example'. */
  readonly username: string;
  /**
   * The user's email. Marked verified: Grafana matches users by email.
   * @default - none
   */
  readonly email?: string;
  /** The groups the user joins, e.g. `[client.adminGroup!]`. */
  readonly groups: string[];
  /**
   * The Secret key holding the user's initial password (never a literal password).
   * @default - no password: the user signs in through a required action or an identity provider
   */
  readonly passwordSecret?: SecretKeyReference;
  /**
   * Make the user change the Secret's password at first sign-in.
   * @default true
   */
  readonly temporaryPassword?: boolean;
  /**
   * First name.
   * @default - none
   */
  readonly firstName?: string;
  /**
   * Last name.
   * @default - none
   */
  readonly lastName?: string;
  /**
   * Name of the KeycloakRealmUser resource (a DNS label).
   * @default - the construct id
   */
  readonly name?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A realm user in Grafana's role groups, as an EDP `KeycloakRealmUser`: email verified,
 * password only from a Secret (the CR's plain `password` is deprecated and would sit in git).
 */
export class KeycloakGrafanaUser extends Construct {
  /** The Keycloak username. */
  public readonly username: string;

  constructor(scope: Construct, id: string, props: KeycloakGrafanaUserProps) {
    super(scope, id);
    const ctx = PropContext.of(this, 'KeycloakGrafanaUser');
    const namespace = checkDnsLabel(ctx.prop('namespace'), props.namespace, 'a namespace');
    const name = checkDnsLabel(ctx.prop('name'), props.name ?? id, 'the resource name (construct id or `name`)');
    if (!(props.realm instanceof RealmRef)) {
      ctx.prop('realm').fail(props.realm, 'a RealmRef is required', "use RealmRef.clusterKeycloakRealm('keycloakrealm-cozy') or RealmRef.keycloakRealm('<name>')");
    }
    const realmName = checkDnsSubdomain(ctx.prop('realm').prop('name'), props.realm.name, 'a realm resource name');
    this.username = checkText(ctx.prop('username'), props.username, 'a username', "write e.g. 'alice@acme.example'");
    if (props.email !== undefined && (typeof props.email !== 'string' || !EMAIL.test(props.email))) {
      ctx.prop('email').fail(props.email, 'not an email address', "write e.g. 'alice@acme.example'");
    }
    if (props.email !== undefined && props.email !== props.email.toLowerCase()) {
      // Keycloak stores emails lower-cased (UserAdapter.setEmail → KeycloakModelUtils.toLowerCaseSafe):
      // the same rule as AccessPolicy.emails(), so the address written is the address Pomerium sees.
      ctx.prop('email').fail(props.email, 'upper-case letters are not allowed: Keycloak stores emails lower-cased', `write '${props.email.toLowerCase()}'`);
    }
    if (props.email !== undefined) checkPlainText(ctx.prop('email'), props.email);
    if (!Array.isArray(props.groups) || props.groups.length === 0) {
      ctx.prop('groups').fail(props.groups, 'a Grafana user needs at least one role group (a user in none is denied)', 'pass e.g. [client.viewerGroup!]');
    }
    const groups = props.groups.map((g, i) => checkText(ctx.prop('groups').prop(String(i)), g, 'a group name', 'give the group exactly as Keycloak names it'));
    if (new Set(groups).size !== groups.length) ctx.prop('groups').fail(groups, 'a group is listed twice', 'list each group once');
    let passwordSecret: { name: string; key: string; temporary: boolean } | undefined;
    if (props.passwordSecret !== undefined) {
      const pctx = ctx.prop('passwordSecret');
      passwordSecret = {
        name: checkDnsSubdomain(pctx.prop('secretName'), props.passwordSecret.secretName, 'a Secret name'),
        key: checkSecretKey(pctx.prop('key'), props.passwordSecret.key),
        temporary: props.temporaryPassword ?? true,
      };
    } else if (props.temporaryPassword !== undefined) {
      ctx.prop('temporaryPassword').fail(props.temporaryPassword, 'applies only with passwordSecret', 'add passwordSecret or drop temporaryPassword');
    }
    for (const field of ['firstName', 'lastName'] as const) {
      if (props[field] !== undefined) checkText(ctx.prop(field), props[field], `the ${field}`, 'write the name or leave it out');
    }

    new KeycloakRealmUser(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        realmRef: { name: realmName, kind: props.realm.kind as string as KeycloakRealmUserSpecRealmRefKind },
        username: this.username,
        enabled: true,
        ...(props.email !== undefined ? { email: props.email } : {}),
        emailVerified: true,
        ...(props.firstName !== undefined ? { firstName: props.firstName } : {}),
        ...(props.lastName !== undefined ? { lastName: props.lastName } : {}),
        groups,
        ...(passwordSecret ? { passwordSecret } : {}),
        // The operator's default `full` strategy removes every realm role not listed, including
        // default-roles-<realm> (edp-keycloak-operator sync_user_roles.go): add, never strip.
        reconciliationStrategy: 'addOnly',
      },
    });
  }
}
