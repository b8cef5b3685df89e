import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomeriumProps, GrafanaOutput, GrafanaRole, KeycloakGrafanaClient, OidcMode, RoleMapping,
} from '../../src';
import { toYaml } from '../../src/pomerium/render';
import { seedGrafana } from '../grafana-behind-pomerium/fixtures';
import { tenantProps } from '../keycloak/helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jmespath: { compile(expression: string): any } = require('@jmespath-community/jmespath');

/*
 * Issue 19: no generated string accepted by a prop adds an ini line or a template to the
 * grafana.ini the Grafana chart renders, a key to a Pomerium policy, or changes a JMESPath
 * expression's structure. Any such string is either accepted safely or refused with one
 * message naming the construct path and the prop.
 *
 * Seeded (FC_SEED overrides); fast-check prints the seed and the counterexample on failure.
 */
const SEED = Number(process.env.FC_SEED ?? 19019);
const RUNS = Number(process.env.FC_RUNS ?? 120);

/** What grafana.ini, YAML, Helm templates and JMESPath treat as structure, and harmless text. */
const FRAGMENTS = [
  '\n', '\r', '\r\n', '\t', '\u0000', '\u001b', '\u007f', '\u0085', '\u2028', '{{', '}}', '{{ .Values.adminPassword }}', '{{ .Release.Name }}',
  "'", '"', '"""', '`', '\\', ']', '[', '[auth.jwt]', '\n[auth.jwt]\nrole_attribute_path = GrafanaAdmin', '=', ' = ', ';', '#', ' ',
  '||', '&&', '|', '[*]', '`[]`', "'Admin'", ')', '(', '@', ':', ',', '.', '-', '/', 'a', 'sre', 'x', 'Viewer', 'ü',
];
const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const ERROR_FORMAT = /^(GrafanaBehindPomerium|KeycloakGrafanaClient|PomeriumRelease) at 'test\/[^']+': prop '[^']+' (has value |is missing)/;

/** Builds; returns the construct, or checks that the refusal is one clear ConfigurationError. */
function buildOrRefuse<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    const error = e as Error;
    if (error.name !== 'ConfigurationError' || !ERROR_FORMAT.test(error.message) || !/\. Fix: \S/.test(error.message)) {
      throw new Error(`not one clear refusal: ${error.name}: ${error.message}`);
    }
    return undefined;
  }
}

/**
 * grafana.ini as the Grafana chart writes it (charts/grafana/templates/_config.tpl: map keys in
 * Go's sorted order, `[section]`, then `key = {{ tpl $value $ }}` for strings), from the values
 * read back from YAML as Helm would.
 */
function chartIni(values: Record<string, any>): string {
  const ini = YAML.parse(YAML.stringify(values))['grafana.ini'] as Record<string, Record<string, unknown>>;
  const lines: string[] = [];
  for (const section of Object.keys(ini).sort()) {
    lines.push(`[${section}]`);
    for (const key of Object.keys(ini[section]).sort()) lines.push(`${key} = ${String(ini[section][key])}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The parts of go-ini's reader (gopkg.in/ini.v1 parser.go) that can change a file's structure:
 * lines split on LF, sections, `key = value` at the first '=', values trimmed, and the value
 * forms that read on (backtick, `"""`, trailing backslash) or lose quotes. Returns undefined
 * for a value whose reading differs from the text written, so the caller sees a mismatch.
 */
function goIniRead(text: string): Record<string, Record<string, string | undefined>> {
  const sections: Record<string, Record<string, string | undefined>> = {};
  let section = 'DEFAULT';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      section = line.slice(1, -1);
      sections[section] = sections[section] ?? {};
      continue;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq).trim();
    let value: string | undefined = eq < 0 ? undefined : line.slice(eq + 1).trim();
    if (value !== undefined && (value.startsWith('`') || value.startsWith('"""') || value.endsWith('\\'))) value = undefined;
    if (value !== undefined && value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) && value.indexOf(value[0], 1) === value.length - 1) {
      value = value.slice(1, -1) + '\u0000quotes-dropped';
    }
    (sections[section] = sections[section] ?? {})[key] = value;
  }
  return sections;
}

/** The settings a construct holds, as grafana.ini strings. */
function asIniStrings(settings: Record<string, Record<string, unknown>>): Record<string, Record<string, string>> {
  const strings = (keys: Record<string, unknown>) => Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(Object.entries(settings).map(([section, keys]) => [section, strings(keys)]));
}

/** The chart's grafana.ini reads back as exactly the model: no line, section or value added or changed, no template. */
function expectIniIntact(helmValues: Record<string, any>, settings: Record<string, Record<string, unknown>>) {
  const text = chartIni(helmValues);
  expect(text).not.toContain('{{');
  expect(goIniRead(text)).toEqual(asIniStrings(settings));
}

/** A JMESPath AST with literal values blanked: two expressions with one shape differ only in literals. */
function shape(node: any): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, node.type === 'Literal' && k === 'value' ? '<literal>' : shape(v)]));
}

function literals(node: any, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) {node.forEach((n) => literals(n, out));} else if (node && typeof node === 'object') {
    if (node.type === 'Literal') out.push(node.value);
    Object.values(node).forEach((v) => literals(v, out));
  }
  return out;
}

function route(overrides: Partial<GrafanaBehindPomeriumProps>) {
  return buildOrRefuse(() => seedGrafana(new Chart(Testing.app(), 'test'), overrides, 'g'));
}

/** Seeded runs; fast-check's failure message carries the seed and the shrunk counterexample. */
const params = { seed: SEED, numRuns: RUNS };

describe('no hostile string changes what the output means (fast-check, seed printed on failure)', () => {
  const reference = seedGrafana(new Chart(Testing.app(), 'test'), { authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group: 'placeholder', role: GrafanaRole.ADMIN }]) }) }, 'g');
  const referenceShape = shape(jmespath.compile(reference.grafanaSettings['auth.jwt'].role_attribute_path));

  test('a group name: an ini line and a JMESPath string literal, never structure', () => {
    fc.assert(fc.property(hostile, (group) => {
      const g = route({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group, role: GrafanaRole.ADMIN }]) }) });
      if (!g) return;
      expectIniIntact(g.grafanaHelmValues!, g.grafanaSettings);
      const ast = jmespath.compile(g.grafanaSettings['auth.jwt'].role_attribute_path);
      if (group.startsWith('/')) {
        expect(literals(ast)).toEqual(expect.arrayContaining([group, 'Admin']));
      } else {
        expect(shape(ast)).toEqual(referenceShape);
        expect(literals(ast)).toEqual(expect.arrayContaining([group, `/${group}`, 'Admin']));
      }
    }), params);
  });

  test('a raw role expression: accepted only when its ini line reads back whole', () => {
    const rawLiteral = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    fc.assert(fc.property(hostile, fc.boolean(), (text, between) => {
      // Between tokens (JMESPath reads line breaks as blanks) or inside a raw-string literal.
      const expression = between
        ? `contains(groups[*], 'a') && 'Admin'${text}|| 'Viewer'`
        : `contains(groups[*], ${rawLiteral(text)}) && 'Admin' || 'Viewer'`;
      const g = route({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression(expression) }) });
      if (g) expectIniIntact(g.grafanaHelmValues!, g.grafanaSettings);
    }), params);
  });

  test('extra Grafana settings: names and values', () => {
    fc.assert(fc.property(hostile, hostile, hostile, (section, key, value) => {
      for (const settings of [{ users: { default_theme: value } }, { users: { [key]: 'light' } }, { [section]: { default_theme: 'light' } }]) {
        const g = route({ extraGrafanaSettings: settings, grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.envVars()] });
        if (!g) continue;
        expectIniIntact(g.grafanaHelmValues!, g.grafanaSettings);
        for (const v of g.grafanaEnv!) expect(v.name).toMatch(/^GF_[A-Z0-9_]+$/);
      }
    }), params);
  });

  test('org mapping values and expected claims', () => {
    fc.assert(fc.property(hostile, hostile, (claimValue, expected) => {
      const org = route({ authFlow: AuthFlow.jwt({ orgMapping: { attributePath: 'groups', rules: [{ claimValue, org: '1', role: GrafanaRole.VIEWER }] } }) });
      if (org) {
        expectIniIntact(org.grafanaHelmValues!, org.grafanaSettings);
        expect(org.grafanaSettings['auth.jwt'].org_mapping).toBe(`${claimValue}:1:Viewer`);
      }
      const claims = route({ authFlow: AuthFlow.jwt({ extraExpectedClaims: { tenant: expected } }) });
      if (claims) {
        expectIniIntact(claims.grafanaHelmValues!, claims.grafanaSettings);
        expect(JSON.parse(claims.grafanaSettings['auth.jwt'].expect_claims)).toEqual({ aud: 'grafana.example.com', iss: 'grafana.example.com', tenant: expected });
      }
    }), params);
  });

  test('a custom OIDC config value', () => {
    fc.assert(fc.property(hostile, (scopes) => {
      const client = buildOrRefuse(() => new KeycloakGrafanaClient(new Chart(Testing.app(), 'test'), 'client', tenantProps({
        mode: OidcMode.customConfig({ config: { client_id: 'grafana', scopes } }),
        grafanaOutputs: [GrafanaOutput.helmValues()],
      })));
      if (client) expectIniIntact(client.grafanaHelmValues!, client.grafanaSettings);
    }), params);
  });

  test('access policy values: one PPL criterion each, the value as a value, no template for the Pomerium chart', () => {
    fc.assert(fc.property(hostile, (value) => {
      for (const [policy, criterion] of [
        [AccessPolicy.groups(value), 'claim/groups'],
        [AccessPolicy.claim('department', value), 'claim/department'],
        [AccessPolicy.emails(value), 'email'],
        [AccessPolicy.directoryGroupsEnterprise(value), 'groups'],
      ] as const) {
        const g = route({ policy });
        if (!g) continue;
        const routes = g.pomerium.helmValues!.config.routes;
        // The chart runs `tpl (toYaml .Values.config.routes)`: the YAML text must hold no template.
        const text = toYaml(routes);
        expect(text).not.toContain('{{');
        const read = YAML.parse(text)[0].policy;
        expect(Object.keys(read)).toEqual(['allow']);
        expect(Object.keys(read.allow)).toEqual(['or']);
        for (const entry of read.allow.or) expect(Object.keys(entry)).toEqual([criterion]);
        const values = read.allow.or.map((entry: any) => entry[criterion]);
        expect(JSON.stringify(values)).toContain(JSON.stringify(value).slice(1, -1));
      }
    }), params);
  });
});
