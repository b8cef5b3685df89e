import { PropContext } from './errors';

/**
 * Consumer-aware checks of user strings: what each consumer of a string treats as structure,
 * refused where the string enters, so no prop can add a line, a template or a key downstream.
 * Every value object calls these; the Grafana configuration builder calls `checkIniValue` and
 * `checkIniName` again on everything it is given, so nothing reaches grafana.ini unchecked.
 *
 * Consumers and what they treat as structure:
 * - grafana.ini as the Grafana chart writes it, one `key = {{ tpl $value $ }}` line per key
 *   (grafana/helm-charts `charts/grafana/templates/_config.tpl`), then read by go-ini
 *   (gopkg.in/ini.v1 `parser.go` readValue): a line break starts a new line, `{{` runs as a
 *   Helm template, a leading backtick or `"""` opens a value that swallows the following
 *   lines, a trailing backslash continues the value on the next line, quotes around the
 *   whole value and surrounding spaces are dropped. The same model feeds GF_* variables and
 *   grafana-operator's `spec.config`, so one rule serves every form.
 * - Pomerium routes in the Pomerium chart (pomerium-helm 34.0.1 `templates/_helpers.tpl`:
 *   `tpl (toYaml .Values.config.routes) .`): `{{` in any PPL value runs as a Helm template.
 *   YAML quoting itself is the serializer's job (the `yaml` package cdk8s and the values
 *   writer use escapes quotes, `:` and line breaks), so only `{{` and control characters
 *   are refused there.
 * - JMESPath: group names become raw-string literals (`'...'`, with `\` and `'` escaped by
 *   `RoleMapping`), so only what the ini line around the expression cannot carry is refused.
 * - Other chart values the Grafana chart passes through `tpl` (`envValueFrom`,
 *   `envFromSecrets[].name`, `extraConfigmapMounts[].name/configMap/mountPath`: `_pod.tpl`)
 *   receive only DNS-1123 names and fixed paths from the library, which cannot hold `{{`.
 * - No user string becomes an HTTP header name: forwarded claims are `ForwardedClaim` values.
 */

/** C0 controls (CR, LF, TAB, ...), DEL, C1 controls (NEL) and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Where `{{` runs as a Helm template. */
export enum TemplateConsumer {
  /** The Grafana chart's grafana.ini (`_config.tpl`). */
  GRAFANA_CHART = 'GRAFANA_CHART',
  /** The Pomerium chart's `config.routes` (`_helpers.tpl`). */
  POMERIUM_CHART = 'POMERIUM_CHART',
}

const TEMPLATE_SOURCE: Record<TemplateConsumer, string> = {
  [TemplateConsumer.GRAFANA_CHART]: "the Grafana chart renders grafana.ini values through Helm's tpl (charts/grafana/templates/_config.tpl)",
  [TemplateConsumer.POMERIUM_CHART]: "the Pomerium chart renders its routes through Helm's tpl (pomerium-helm templates/_helpers.tpl)",
};

/** Options of the text checks. */
export interface TextCheckOptions {
  /** Where the text is evaluated as a Helm template; undefined: nowhere. */
  readonly templates?: TemplateConsumer;
  /** The user opted in, by a prop whose name ends in `Unsafe`, to Helm templates in this value. */
  readonly templatesUnsafe?: boolean;
  /** The fix offered for `{{`. */
  readonly templateFix?: string;
}

/** Describes the first control character of `value`, or undefined when it has none. */
export function firstControlCharacter(value: string): string | undefined {
  const match = CONTROL.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const names: Record<number, string> = { 0x0a: 'a line feed (LF)', 0x0d: 'a carriage return (CR)', 0x09: 'a tab' };
  return `${names[code] ?? 'a control character'} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${match.index}`;
}

/**
 * A string that is embedded in a larger one (a JMESPath literal, a PPL value, an org_mapping
 * entry, a Keycloak name): no control characters, and no `{{` where a chart runs `tpl`.
 */
export function checkPlainText(ctx: PropContext, value: string, options: TextCheckOptions = {}): string {
  const control = firstControlCharacter(value);
  if (control !== undefined) {
    ctx.fail(value, `the value contains ${control}; line breaks and other control characters change the structure of the file that carries it (grafana.ini, YAML, a JMESPath expression)`, 'remove the control characters');
  }
  if (options.templates !== undefined && !options.templatesUnsafe && value.includes('{{')) {
    ctx.fail(value, `the value contains '{{', and ${TEMPLATE_SOURCE[options.templates]}, so Helm would evaluate it as a template`, options.templateFix ?? "remove '{{'");
  }
  return value;
}

/**
 * A whole grafana.ini value (see the module comment): `checkPlainText` against the Grafana
 * chart, plus what go-ini reads as structure or drops.
 */
export function checkIniValue(ctx: PropContext, value: string, options: Omit<TextCheckOptions, 'templates'> = {}): string {
  checkPlainText(ctx, value, { ...options, templates: TemplateConsumer.GRAFANA_CHART });
  if (value !== value.trim()) {
    ctx.fail(value, "Grafana's ini parser (go-ini) drops spaces around a value", `write ${JSON.stringify(value.trim())}`);
  }
  if (value.startsWith('`') || value.startsWith('"""')) {
    ctx.fail(value, 'go-ini reads a value starting with a backtick or """ as a quoted value that may run over the following lines', 'do not start the value with a backtick or """');
  }
  if (value.endsWith('\\')) {
    ctx.fail(value, 'go-ini reads a trailing backslash as "continued on the next line", which would swallow the next setting', 'do not end the value with a backslash');
  }
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) && value.indexOf(value[0], 1) === value.length - 1) {
    ctx.fail(value, `go-ini drops the quotes around a value, so Grafana would read ${JSON.stringify(value.slice(1, -1))}`, 'write the value without the surrounding quotes');
  }
  return value;
}

const INI_NAME = /^[A-Za-z0-9_.-]+$/;

/** A grafana.ini section or key name: no '[', ']', '=', spaces or line breaks, and renderable by cdk8s. */
export function checkIniName(ctx: PropContext, name: string, what: string): string {
  if (!INI_NAME.test(name)) {
    ctx.fail(name, `not a grafana.ini ${what} name (letters, digits, '_', '.' and '-')`, `write the ${what} as in grafana.ini, e.g. 'auth.jwt'`);
  }
  return checkDataKey(ctx, name, `a grafana.ini ${what} name`);
}

/**
 * Keys cdk8s cannot render as an object key: its serializer refuses an object whose own
 * `constructor` is not a function ("can't render non-simple object", cdk8s lib/_util.js
 * sanitizeValue) and drops `__proto__`. Used for label, annotation and ini names.
 */
export function checkDataKey(ctx: PropContext, key: string, what: string): string {
  if (key === 'constructor' || key === '__proto__') {
    ctx.fail(key, `'${key}' cannot be ${what}: cdk8s cannot render an object with this key (it reads it as the object's prototype machinery)`, `use another name, e.g. a prefixed one such as 'example.com/${key.replace(/_/g, '')}'`);
  }
  return key;
}
