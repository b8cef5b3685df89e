import { PropContext } from '../errors';
import { checkDnsName } from '../host';
import { checkPlainText, TemplateConsumer } from '../strings';

/** One PPL criterion, e.g. `{ domain: { is: 'example.com' } }`. */
export type PplCriterion = Record<string, unknown>;

/** A PPL policy document as Pomerium reads it under a route's `policy` key. */
export interface PplPolicy {
  readonly allow: { readonly or?: PplCriterion[]; readonly and?: PplCriterion[] };
}

type Leaf =
  | { readonly kind: 'domain'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'group'; readonly value: string }
  | { readonly kind: 'directoryGroup'; readonly value: string }
  | { readonly kind: 'claim'; readonly claim: string; readonly value: string }
  | { readonly kind: 'anyAuthenticatedUser' };

/**
 * Who may pass the Pomerium route, written as a Pomerium Policy Language (PPL) `allow` rule.
 *
 * Build one with the static factories; combine with `anyOf` (any criterion
 * admits) or `allOf` (every criterion must hold). An empty policy is refused,
 * and "any authenticated user" exists only as the explicitly named
 * `anyAuthenticatedUserUnsafe()`, because with a public identity provider it
 * admits anyone with an account there.
 */
export class AccessPolicy {
  /** Users whose email address is in one of these domains (`domain: { is: ... }`). */
  public static emailDomains(...domains: string[]): AccessPolicy {
    return new AccessPolicy('or', domains.map((value) => ({ kind: 'domain', value })));
  }

  /**
   * These exact email addresses (`email: { is: ... }`), written in lower case.
   *
   * Pomerium compares the session's email with `is` exactly and case-sensitively
   * (pomerium pkg/policy/criteria/email.go, matchers.go), and identity providers such as
   * Keycloak store emails lower-cased (Keycloak `UserAdapter.setEmail` →
   * `KeycloakModelUtils.toLowerCaseSafe`), so an address with a capital letter would admit
   * nobody: it is refused with its lower-case form as the fix, as hosts with capitals are.
   * The domain part must be a DNS name (as in `emailDomains`). For an IdP that keeps the
   * case as typed, match the claim exactly instead: `AccessPolicy.claim('email', 'Alice@Example.com')`.
   */
  public static emails(...emails: string[]): AccessPolicy {
    return new AccessPolicy('or', emails.map((value) => ({ kind: 'email', value })));
  }

  /**
   * Members of one of these identity-provider groups, from the `groups` claim of the IdP's
   * token (`claim/groups`), which is what open-source Pomerium can match. Each group matches
   * as `name` and as `/name` (Keycloak's group mapper sends the full path when "full group
   * path" is on). Within `allOf()`, give the exact form with `AccessPolicy.claim('groups', ...)`.
   */
  public static groups(...groups: string[]): AccessPolicy {
    return new AccessPolicy('or', groups.map((value) => ({ kind: 'group', value })));
  }

  /**
   * Pomerium Enterprise only: members of these directory groups by id (`groups: { has: ... }`).
   * The `groups` criterion matches the group ids of a directory-user record that only
   * Enterprise directory sync writes (pomerium pkg/policy/criteria/groups.go): on open-source
   * Pomerium it denies everyone. Use `groups()` for groups from the IdP's token.
   */
  public static directoryGroupsEnterprise(...groupIds: string[]): AccessPolicy {
    return new AccessPolicy('or', groupIds.map((value) => ({ kind: 'directoryGroup', value })));
  }

  /** Users whose identity-provider claim `claim` has one of these values (`claim/<claim>: <value>`). */
  public static claim(claim: string, ...values: string[]): AccessPolicy {
    return new AccessPolicy('or', values.map((value) => ({ kind: 'claim', claim, value })));
  }

  /**
   * Every user the identity provider authenticates. UNSAFE with a public IdP
   * (any Google account, say): use only when the IdP itself admits only your people.
   */
  public static anyAuthenticatedUserUnsafe(): AccessPolicy {
    return new AccessPolicy('or', [{ kind: 'anyAuthenticatedUser' }]);
  }

  /** Admits a user who satisfies any one of the given policies. */
  public static anyOf(...policies: AccessPolicy[]): AccessPolicy {
    return new AccessPolicy('or', policies.flatMap((p) => p.orLeaves('anyOf')));
  }

  /** Admits a user only when every given policy holds; each must be a single criterion (PPL rules are flat). */
  public static allOf(...policies: AccessPolicy[]): AccessPolicy {
    return new AccessPolicy('and', policies.flatMap((p) => p.singleLeaf()));
  }

  private readonly nestingError?: string;

  private constructor(private readonly operator: 'or' | 'and', private readonly leaves: readonly (Leaf | string)[]) {
    this.nestingError = leaves.find((leaf): leaf is string => typeof leaf === 'string');
  }

  /**
   * Validates the policy and renders its PPL document.
   * @internal
   */
  public _render(ctx: PropContext): PplPolicy {
    if (this.nestingError) {
      return ctx.fail(this.describe(), this.nestingError, 'combine single criteria in allOf(), or list alternatives in anyOf()');
    }
    if (this.leaves.length === 0) {
      return ctx.fail(
        this.describe(),
        'the access policy admits nobody (no criteria given)',
        "name who may pass, e.g. AccessPolicy.emailDomains('example.com') or AccessPolicy.groups('grafana-users')",
      );
    }
    const leaves = this.leaves as Leaf[];
    const group = leaves.find((l) => l.kind === 'group');
    if (this.operator === 'and' && group) {
      // PPL rules do not nest, and `claim/<name>` takes one value: 'name or /name' cannot sit inside an `and`.
      return ctx.fail(this.describe(), `groups('${group.value}') matches '${group.value}' or '/${group.value}', which an allOf() rule cannot hold`, `give the exact form the IdP sends: AccessPolicy.claim('groups', '/${group.value}') or AccessPolicy.claim('groups', '${group.value}')`);
    }
    const criteria = leaves.flatMap((leaf) => renderLeaf(ctx, leaf));
    const seen = new Set<string>();
    for (const criterion of criteria) {
      const key = JSON.stringify(criterion);
      if (seen.has(key)) ctx.fail(this.describe(), `criterion ${key} is listed twice`, 'list each criterion once');
      seen.add(key);
    }
    // Stryker: equivalent mutants when the `.some(...)` test is made always true or inverted: without an
    // authenticated_user criterion the filter below removes nothing, so the result is the plain `and`.
    if (this.operator === 'and' && (this.leaves as Leaf[]).some((l) => l.kind === 'anyAuthenticatedUser') && criteria.length > 1) {
      // "authenticated and X" is just X: keep the document minimal and obvious.
      return { allow: { and: criteria.filter((c) => !('authenticated_user' in c)) } };
    }
    return { allow: { [this.operator]: criteria } };
  }

  private orLeaves(combinator: string): (Leaf | string)[] {
    if (this.operator === 'and' && this.leaves.length > 1) {
      return [`${combinator}() cannot contain an allOf() of several criteria (PPL has no nested rules)`];
    }
    return [...this.leaves];
  }

  private singleLeaf(): (Leaf | string)[] {
    if (this.leaves.length > 1) {
      return ['allOf() takes single criteria, but one argument lists several alternatives (PPL has no nested rules)'];
    }
    return [...this.leaves];
  }

  private describe(): string {
    return `${this.operator}(${this.leaves.map((l) => (typeof l === 'string' ? '?' : JSON.stringify(l))).join(', ')})`;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const CLAIM_NAME = /^[A-Za-z0-9_.:-]+$/;

function renderLeaf(ctx: PropContext, leaf: Leaf): PplCriterion[] {
  if (leaf.kind === 'group') {
    const value = checkGroup(ctx, leaf.value);
    // pomerium pkg/policy/criteria/claims.go: `claim/groups: x` holds when the token's groups claim has x.
    return value.startsWith('/') ? [{ 'claim/groups': value }] : [{ 'claim/groups': value }, { 'claim/groups': `/${value}` }];
  }
  return [renderSingleLeaf(ctx, leaf)];
}

function checkGroup(ctx: PropContext, value: unknown): string {
  if (typeof value !== 'string' || value.trim() !== value || value === '') {
    return ctx.fail(value, 'a group is a non-empty id or name without surrounding spaces', 'give the group exactly as the identity provider reports it');
  }
  return checkPplValue(ctx, value);
}

/**
 * A PPL value: YAML quoting is the serializer's (the `yaml` package escapes quotes and line
 * breaks), but the Pomerium chart passes its routes through Helm's tpl (pomerium-helm
 * templates/_helpers.tpl), so `{{` and control characters are refused.
 */
function checkPplValue(ctx: PropContext, value: string): string {
  return checkPlainText(ctx, value, { templates: TemplateConsumer.POMERIUM_CHART, templateFix: "remove '{{': no identity provider value needs it" });
}

function checkEmail(ctx: PropContext, value: unknown): string {
  if (typeof value !== 'string' || !EMAIL.test(value)) {
    return ctx.fail(value, 'not an email address', "write an address such as 'alice@example.com'");
  }
  checkPplValue(ctx, value);
  if (value !== value.toLowerCase()) {
    return ctx.fail(value, 'upper-case letters are not allowed: Pomerium compares emails exactly and identity providers such as Keycloak send them lower-cased', `write '${value.toLowerCase()}', or match the IdP's exact spelling with AccessPolicy.claim('email', ${JSON.stringify(value)})`);
  }
  const domain = value.slice(value.lastIndexOf('@') + 1);
  checkDnsName(ctx, domain);
  return value;
}

function renderSingleLeaf(ctx: PropContext, leaf: Exclude<Leaf, { kind: 'group' }>): PplCriterion {
  switch (leaf.kind) {
    case 'domain':
      // Stryker: equivalent mutant when `^` is dropped from the fix's regex: the value starts with '@', so the
      // first run of '@' is the leading one.
      if (typeof leaf.value === 'string' && leaf.value.startsWith('@')) {
        return ctx.fail(leaf.value, "an email domain is the part after '@', without the '@'", `write '${leaf.value.replace(/^@+/, '')}'`);
      }
      checkDnsName(ctx, leaf.value);
      return { domain: { is: leaf.value } };
    case 'email':
      return { email: { is: checkEmail(ctx, leaf.value) } };
    case 'directoryGroup':
      return { groups: { has: checkGroup(ctx, leaf.value) } };
    case 'claim':
      if (typeof leaf.claim !== 'string' || !CLAIM_NAME.test(leaf.claim)) {
        return ctx.fail(leaf.claim, 'a claim name is letters, digits and _ . : -', "give the claim as the IdP names it, e.g. 'department'");
      }
      if (typeof leaf.value !== 'string' || leaf.value === '') {
        return ctx.fail(leaf.value, `claim '${leaf.claim}' needs a non-empty value`, 'give the value the claim must have');
      }
      return { [`claim/${leaf.claim}`]: checkPplValue(ctx, leaf.value) };
    case 'anyAuthenticatedUser':
      return { authenticated_user: true };
  }
}
