import { PropContext } from '../errors';
import { checkIniValue, checkPlainText, TemplateConsumer } from '../strings';

// The package ships CommonJS under `exports.require`, but its typings are ESM-only, which
// a CommonJS jsii build cannot import statically (TS1479).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jmespath: { compile(expression: string): any; getRegisteredFunctions(): string[] } = require('@jmespath-community/jmespath');

/** Grafana's roles, as `role_attribute_path` must return them. */
export enum GrafanaRole {
  /** No basic role in the organization. */
  NONE = 'None',
  /** Read-only access. */
  VIEWER = 'Viewer',
  /** Edits dashboards. */
  EDITOR = 'Editor',
  /** Administers the organization. */
  ADMIN = 'Admin',
  /** Server administrator; mapped only with `allow_assign_grafana_admin = true`, which the library then sets. */
  GRAFANA_ADMIN = 'GrafanaAdmin',
}

const ROLE_RANK: Record<string, number> = { GrafanaAdmin: 4, Admin: 3, Editor: 2, Viewer: 1, None: 0 };
const VALID_ROLES = Object.keys(ROLE_RANK);

/** One group and the Grafana role its members get. */
export interface GroupRoleRule {
  /**
   * The group as the token's groups claim lists it. A name ('sre') also matches its full path
   * ('/sre'), which Keycloak's group mapper sends when "full group path" is on, as
   * `AccessPolicy.groups()` does on the Pomerium side; a path ('/team/sre') matches only itself.
   */
  readonly group: string;
  /** The role members of the group get. */
  readonly role: GrafanaRole;
}

/** Options of `RoleMapping.fromGroups`. */
export interface GroupRoleMappingOptions {
  /**
   * The JMESPath of the claim holding the user's groups.
   * @default 'groups'
   */
  readonly groupsClaim?: string;
  /**
   * The role of a user in none of the groups. Without it such a user is denied
   * (`role_attribute_strict = true`) instead of being handed a role.
   * @default - denied
   */
  readonly fallbackRole?: GrafanaRole;
}

/** What a role mapping tells Grafana. */
export interface RenderedRoleMapping {
  readonly roleAttributePath: string;
  /** True when the path can return 'GrafanaAdmin', which Grafana honours only with allow_assign_grafana_admin. */
  readonly returnsGrafanaAdmin: boolean;
}

/**
 * How Grafana derives a user's role from the token's claims (`role_attribute_path`).
 *
 * Whenever a mapping is given the library also sets `role_attribute_strict = true`:
 * a user the mapping gives no valid role is denied, not handed the default role.
 */
export abstract class RoleMapping {
  /**
   * Maps groups to roles. When a user is in several groups the highest role wins,
   * whatever the order of the rules.
   */
  public static fromGroups(rules: GroupRoleRule[], options: GroupRoleMappingOptions = {}): RoleMapping {
    return new GroupRoleMapping(rules, options);
  }

  /**
   * A raw JMESPath expression, parsed at synth. Every literal it can return must be
   * one of None, Viewer, Editor, Admin or GrafanaAdmin.
   */
  public static fromExpression(expression: string): RoleMapping {
    return new ExpressionRoleMapping(expression);
  }

  /** @internal */
  public abstract _render(ctx: PropContext): RenderedRoleMapping;
}

class GroupRoleMapping extends RoleMapping {
  constructor(private readonly rules: GroupRoleRule[], private readonly options: GroupRoleMappingOptions) {
    super();
  }

  public _render(ctx: PropContext): RenderedRoleMapping {
    if (!Array.isArray(this.rules) || this.rules.length === 0) {
      return ctx.fail(this.rules, 'a group mapping needs at least one rule', "give rules such as [{ group: 'grafana-admins', role: GrafanaRole.ADMIN }]");
    }
    const claim = this.options.groupsClaim ?? 'groups';
    checkExpression(ctx.prop('groupsClaim'), claim);
    const seen = new Set<string>();
    for (const rule of this.rules) {
      checkRole(ctx, rule.role);
      if (typeof rule.group !== 'string' || rule.group === '' || rule.group.trim() !== rule.group) {
        ctx.fail(rule.group, 'a group is a non-empty name without surrounding spaces', 'give the group exactly as the token lists it');
      }
      // The group becomes a JMESPath raw string ('...' with \\ and ' escaped below), inside one
      // grafana.ini line that the Grafana chart passes through tpl.
      checkPlainText(ctx.prop('group'), rule.group, {
        templates: TemplateConsumer.GRAFANA_CHART,
        templateFix: 'rename the group: a name with \'{{\' cannot be written into grafana.ini safely',
      });
      if (seen.has(rule.group)) ctx.fail(rule.group, 'the group is mapped twice', 'map each group to one role');
      seen.add(rule.group);
    }
    if (this.options.fallbackRole !== undefined) checkRole(ctx.prop('fallbackRole'), this.options.fallbackRole);

    // Highest role first, so membership in several groups yields the strongest role.
    const ordered = [...this.rules].sort((a, b) => ROLE_RANK[b.role] - ROLE_RANK[a.role]);
    // A name matches as 'name' and '/name' (Keycloak full group paths), as the Pomerium policy does.
    const forms = (group: string) => (group.startsWith('/') ? [group] : [group, `/${group}`]);
    // `to_array` makes the claim a list: on a string claim ('platform-admins') JMESPath's
    // `contains` is a substring test, which would hand group 'platform' its role; on a missing
    // claim (null → [null]) it keeps `contains` from failing with a type error.
    const expression = (groupLiteral: (group: string) => string) => {
      const terms = ordered.flatMap((r) => forms(r.group).map((g) => `contains(to_array(${claim}), ${groupLiteral(g)}) && ${rawString(r.role)}`));
      if (this.options.fallbackRole !== undefined) terms.push(rawString(this.options.fallbackRole));
      return terms.join(' || ');
    };
    const roleAttributePath = expression(rawString);
    // Groups enter the expression only as raw string literals, one token whatever they hold: it parses,
    // and calls the same functions, exactly when the same expression with '' for every group does.
    // A fleet's tenants share that shape, so it is parsed once, not once per tenant.
    const shape = expression(() => "''");
    if (!CHECKED_SHAPES.has(shape)) {
      checkExpression(ctx, roleAttributePath); // a failure names the expression as written
      CHECKED_SHAPES.add(shape);
    }
    return {
      roleAttributePath,
      returnsGrafanaAdmin: ordered.some((r) => r.role === GrafanaRole.GRAFANA_ADMIN) || this.options.fallbackRole === GrafanaRole.GRAFANA_ADMIN,
    };
  }
}

class ExpressionRoleMapping extends RoleMapping {
  constructor(private readonly expression: string) {
    super();
  }

  public _render(ctx: PropContext): RenderedRoleMapping {
    const ast = checkExpression(ctx, this.expression);
    const outputs = literalOutputs(ast);
    for (const output of outputs) {
      // Stryker: equivalent mutant when the typeof test is dropped: includes() is false for any non-string.
      if (typeof output !== 'string' || !VALID_ROLES.includes(output)) {
        ctx.fail(this.expression, `the expression can return ${JSON.stringify(output)}, which is not a Grafana role`, `return one of ${VALID_ROLES.join(', ')}`);
      }
    }
    return { roleAttributePath: this.expression, returnsGrafanaAdmin: outputs.includes('GrafanaAdmin') };
  }
}

function checkRole(ctx: PropContext, role: unknown) {
  // Stryker: equivalent mutant when the typeof test is dropped: includes() is false for any non-string.
  if (typeof role !== 'string' || !VALID_ROLES.includes(role)) {
    ctx.fail(role, 'not a Grafana role', `use GrafanaRole.VIEWER, EDITOR, ADMIN, GRAFANA_ADMIN or NONE (${VALID_ROLES.join(', ')})`);
  }
}

/** A JMESPath raw string literal; single quotes and backslashes escaped. */
function rawString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Group-mapping expressions with '' for every group that parsed (GroupRoleMapping._render). */
const CHECKED_SHAPES = new Set<string>();
/** Expressions that passed `checkExpression`, with their syntax trees (only read, never changed). */
const CHECKED_EXPRESSIONS = new Map<string, any>();

/** Parses a JMESPath expression as Grafana will, refusing syntax errors and unknown functions. */
export function checkExpression(ctx: PropContext, expression: unknown): any {
  const checked = typeof expression === 'string' ? CHECKED_EXPRESSIONS.get(expression) : undefined;
  if (checked !== undefined) return checked;
  if (typeof expression !== 'string' || expression.trim() === '') {
    return ctx.fail(expression, 'a JMESPath expression is required', "write e.g. \"contains(groups[*], 'admins') && 'Admin'\"");
  }
  // Every expression is one grafana.ini value: a line break would end it and start a new setting.
  checkIniValue(ctx, expression);
  let ast: any;
  try {
    ast = jmespath.compile(expression);
  } catch (e) {
    return ctx.fail(expression, `not a valid JMESPath expression (${(e as Error).message})`, 'test the expression at jmespath.org against a sample token');
  }
  const known = new Set(jmespath.getRegisteredFunctions());
  walk(ast, (node) => {
    if (node.type === 'Function' && !known.has(node.name)) {
      ctx.fail(expression, `JMESPath has no function '${node.name}()' (Grafana registers no custom functions)`, 'use a standard JMESPath function');
    }
  });
  CHECKED_EXPRESSIONS.set(expression, ast);
  return ast;
}

/**
 * Visits every expression node. Functions also hide in a filter's `condition`, a multi-select
 * hash's values and `let` bindings, so every field is walked, except a literal's value (data).
 */
function walk(node: any, visit: (node: any) => void) {
  if (!node || typeof node !== 'object') return;
  // An array of children is visited too: it has no `type`, and Object.values gives its elements.
  visit(node);
  if (node.type === 'Literal') return;
  for (const child of Object.values(node)) walk(child, visit);
}

/** The literal values an expression can return: `a && 'X' || 'Y'` → X, Y. Non-literal results are not judged. */
// Stryker: equivalent mutants here: `node?.type` → `node.type` (every caller passes a parsed node), and emptying
// or renaming the Subexpression or Pipe case, which then falls through to the default's same `[]`.
function literalOutputs(node: any): unknown[] {
  switch (node?.type) {
    case 'OrExpression':
      return [...literalOutputs(node.left), ...literalOutputs(node.right)];
    case 'AndExpression':
      return literalOutputs(node.right);
    case 'Literal':
      return [node.value];
    case 'Subexpression':
    case 'Pipe':
      return [];
    default:
      return [];
  }
}
