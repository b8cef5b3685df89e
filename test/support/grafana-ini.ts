import { readReference } from './reference';

const DEFAULTS_INI = 'grafana/defaults.ini';

/** go-ini's name for keys above the first [section]; Grafana's env rule sees it too (GF_DEFAULT_APP_MODE). */
export const GRAFANA_DEFAULT_SECTION = 'DEFAULT';

/**
 * Sections whose keys are user-chosen names (headers, labels, toggles, plugin ids),
 * so defaults.ini can only show examples. Any key is accepted in them.
 */
export const GRAFANA_FREE_FORM_SECTIONS: ReadonlySet<string> = new Set([
  'server.custom_response_headers',
  'smtp.static_headers',
  'unified_alerting.state_history.external_labels',
  'unified_alerting.notification_history.external_labels',
  'recording_rules.custom_headers',
  'metrics.environment_info',
  'feature_toggles',
  'feature_toggles.openfeature.context',
  'navigation.app_sections',
  'navigation.app_standalone_pages',
  'plugins.restricted_apis_allowlist',
  'plugins.restricted_apis_blocklist',
]);

const SECTION_LINE = /^\[([^\]]+)\]\s*$/;
const KEY_LINE = /^([A-Za-z0-9_.-]+)\s*=/;
// Commented-out settings look like `;key = value`, `#key =` or `# key = value`.
const COMMENTED_KEY_LINE = /^[;#]\s*([A-Za-z0-9_.-]+)\s*=/;

interface ParsedIni {
  readonly real: Map<string, Set<string>>;
  readonly documented: Map<string, Set<string>>;
}

let parsed: ParsedIni | undefined;

function addKey(map: Map<string, Set<string>>, section: string, key: string): void {
  let keys = map.get(section);
  if (!keys) {
    keys = new Set();
    map.set(section, keys);
  }
  keys.add(key);
}

function parseDefaults(): ParsedIni {
  if (parsed) return parsed;
  const real = new Map<string, Set<string>>();
  const documented = new Map<string, Set<string>>();
  let section = GRAFANA_DEFAULT_SECTION;
  for (const raw of readReference(DEFAULTS_INI).split(/\r?\n/)) {
    const line = raw.trim();
    const header = SECTION_LINE.exec(line);
    if (header) {
      section = header[1];
      // Keep key-less sections visible: they exist even if every key is an example.
      real.set(section, real.get(section) ?? new Set());
      continue;
    }
    const key = KEY_LINE.exec(line);
    if (key) {
      addKey(real, section, key[1]);
      addKey(documented, section, key[1]);
      continue;
    }
    const commented = COMMENTED_KEY_LINE.exec(line);
    if (commented) addKey(documented, section, commented[1]);
  }
  parsed = { real, documented };
  return parsed;
}

/** Section -> keys actually set (uncommented) in Grafana's defaults.ini. Keys above the first section go under `DEFAULT`. */
export function grafanaDefaultKeys(): Map<string, Set<string>> {
  return parseDefaults().real;
}

/** Like grafanaDefaultKeys, plus keys that only appear commented out (mostly examples in free-form sections). */
export function grafanaDocumentedKeys(): Map<string, Set<string>> {
  return parseDefaults().documented;
}

/**
 * `section.key` entries of a grafana.ini-shaped object that defaults.ini does not define.
 * A top-level scalar is a key of the default section (how the Helm chart writes `app_mode`).
 */
export function unknownGrafanaKeys(config: Record<string, Record<string, unknown>>): string[] {
  const known = grafanaDefaultKeys();
  const unknown: string[] = [];
  for (const [section, value] of Object.entries(config as Record<string, unknown>)) {
    if (!isPlainObject(value)) {
      if (!known.get(GRAFANA_DEFAULT_SECTION)?.has(section)) unknown.push(section);
      continue;
    }
    if (GRAFANA_FREE_FORM_SECTIONS.has(section)) continue;
    for (const key of Object.keys(value)) {
      if (!known.get(section)?.has(key)) unknown.push(`${section}.${key}`);
    }
  }
  return unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Grafana's env override name (pkg/setting EnvKey): the section upper-cased with
 * '.' and '-' turned into '_', the key upper-cased with only '.' turned into '_'.
 * Grafana really leaves '-' in keys alone; defaults.ini has no such key today.
 */
function envVarName(section: string, key: string): string {
  const s = section.replace(/[.-]/g, '_').toUpperCase();
  const k = key.replace(/\./g, '_').toUpperCase();
  return `GF_${s}_${k}`;
}

let envVars: Set<string> | undefined;

/** Every GF_<SECTION>_<KEY> that names a real key of defaults.ini (free-form sections cannot be listed). */
export function grafanaEnvVarsFromDefaults(): Set<string> {
  if (envVars) return envVars;
  envVars = new Set<string>();
  for (const [section, keys] of grafanaDefaultKeys()) {
    for (const key of keys) envVars.add(envVarName(section, key));
  }
  return envVars;
}

/**
 * True when a GF_ variable overrides a real setting: a key of defaults.ini, any key
 * of a free-form section, or either with the `__FILE` suffix that the official
 * Grafana image's run.sh resolves from a file (used for secrets).
 */
export function isKnownGrafanaEnvVar(name: string): boolean {
  const base = name.endsWith('__FILE') ? name.slice(0, -'__FILE'.length) : name;
  if (grafanaEnvVarsFromDefaults().has(base)) return true;
  return [...GRAFANA_FREE_FORM_SECTIONS].some((section) => {
    const prefix = envVarName(section, '');
    return base.startsWith(prefix) && base.length > prefix.length;
  });
}
