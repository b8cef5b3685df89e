import { parse } from 'yaml';
import { readReference } from './reference';

export type ChartName = 'pomerium' | 'grafana';

const VALUES_FILES: Record<ChartName, string> = {
  pomerium: 'pomerium/helm-values.yaml',
  grafana: 'grafana/helm-values.yaml',
};

/**
 * Keys whose content is the user's own map or a Kubernetes object passed through
 * to a template (toYaml), wherever they appear. A chart default can only show a few
 * of their fields, so anything beneath them is accepted.
 */
export const FREE_FORM_KEY_NAMES: ReadonlySet<string> = new Set([
  'annotations', 'labels', 'podAnnotations', 'podLabels', 'extraLabels', 'env', 'extraEnv', 'envValueFrom',
  'nodeSelector', 'affinity', 'tolerations', 'resources',
  'securityContext', 'containerSecurityContext', 'readinessProbe', 'livenessProbe', 'startupProbe', 'deploymentStrategy',
]);

/** Chart-specific free-form paths whose default is a non-empty map. */
export const FREE_FORM_PATHS: Record<ChartName, ReadonlySet<string>> = {
  grafana: new Set([
    'grafana.ini', // checked against defaults.ini by unknownGrafanaKeys instead
    'route', // keyed by route name ("main" is an example)
    'listenerSet', // keyed by listener-set name
  ]),
  pomerium: new Set([
    'config.extraOpts', // raw Pomerium options, checked against pomerium-option-keys.txt instead
    'config.routes',
    'redis', // values of the Bitnami redis subchart, not of this chart
  ]),
};

/**
 * Keys that values.yaml documents only in a comment but that the chart templates
 * read. Accepted deliberately, one by one: these are free-form metadata maps the
 * library may reasonably need (pod annotations for sidecars and config checksums).
 * Other commented-out keys (Grafana adminPassword, priorityClassName, command, args,
 * ingress.ingressClassName; Pomerium ingress.className) stay unknown: each has a
 * defined alternative or is not needed, and accepting one should be a visible decision.
 */
export const COMMENTED_BUT_ACCEPTED: Record<ChartName, ReadonlySet<string>> = {
  grafana: new Set(['podAnnotations', 'podLabels', 'annotations', 'configMapAnnotations', 'serviceAccount.annotations']),
  pomerium: new Set(),
};

const defaultsCache = new Map<ChartName, Record<string, unknown>>();

/** The chart's default values.yaml, parsed once per test file. */
export function chartDefaults(chart: ChartName): Record<string, unknown> {
  let values = defaultsCache.get(chart);
  if (!values) {
    values = parse(readReference(VALUES_FILES[chart])) as Record<string, unknown>;
    defaultsCache.set(chart, values);
  }
  return values;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A default that spells out its keys; `{}`, lists, scalars and null leave the shape open. */
function isClosedMap(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).length > 0;
}

/**
 * Dotted paths in `values` that the chart's values.yaml does not define.
 * Descends only while the chart default is a non-empty map and the key is not free-form.
 */
export function unknownHelmValuePaths(values: any, chart: ChartName): string[] {
  if (!isPlainObject(values)) return [];
  const unknown: string[] = [];
  collectUnknown(values, chartDefaults(chart), '', chart, unknown);
  return unknown;
}

function collectUnknown(values: Record<string, unknown>, defaults: Record<string, unknown>, prefix: string, chart: ChartName, out: string[]): void {
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in defaults)) {
      if (!COMMENTED_BUT_ACCEPTED[chart].has(path)) out.push(path);
      continue;
    }
    if (FREE_FORM_KEY_NAMES.has(key) || FREE_FORM_PATHS[chart].has(path)) continue;
    const fallback = defaults[key];
    if (isClosedMap(fallback) && isPlainObject(value)) collectUnknown(value, fallback, path, chart, out);
  }
}
