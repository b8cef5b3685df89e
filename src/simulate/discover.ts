/**
 * Finds Pomerium routes and Grafana configurations in synthesized documents, in every
 * output form the library writes (and the common forms users write themselves).
 */
import * as path from 'node:path';
import * as YAML from 'yaml';
import { expandGitOps, isObject, SourceDocument } from './read-output';

/** A claim Pomerium copies into a header (`jwt_claims_headers`). */
export interface ClaimHeader {
  /** Header name, lower-case. */
  readonly header: string;
  readonly claim: string;
}

/** One Pomerium route with the release-wide options that apply to it. */
export interface FoundRoute {
  readonly host: string;
  readonly source: string;
  readonly form: 'helm-values' | 'config-secret' | 'ingress';
  /** Route keys as Pomerium reads them (policy parsed). */
  readonly route: Record<string, any>;
  readonly claimHeaders: ClaimHeader[];
  /** Route or global `jwt_issuer_format`. */
  readonly jwtIssuerFormat?: string;
  /** Route or global `pass_identity_headers`. */
  readonly passIdentityHeaders: boolean;
  /** Where Pomerium's signing key is named, when the output pins one; undefined: Pomerium uses a key of its own. */
  readonly signer?: string;
}

/** One Grafana configuration with the files mounted into its container. */
export interface FoundGrafana {
  readonly source: string;
  readonly form: 'helm-values' | 'env-configmap' | 'operator' | 'deployment';
  /** Host of `[server] root_url`, when it is https://<host>/. */
  readonly host?: string;
  /** grafana.ini as strings: section → key → value. */
  readonly sections: Record<string, Record<string, string>>;
  /** Files in the Grafana container: absolute path → content. */
  readonly files: Record<string, string>;
  /** What the simulator cannot see (settings from Secrets, files found by content). */
  readonly notes: string[];
}

export interface Discovered {
  readonly routes: FoundRoute[];
  readonly grafanas: FoundGrafana[];
}

interface ConfigMapLike {
  readonly name: string;
  readonly namespace?: string;
  readonly data: Record<string, string>;
  readonly source: string;
}

/** Classifies every document (and values carried by GitOps objects) and extracts routes and Grafanas. */
export function discover(input: SourceDocument[]): Discovered {
  const documents = expandGitOps(input);
  const manifests = documents.filter((d) => typeof d.doc.apiVersion === 'string' && typeof d.doc.kind === 'string');
  const values = documents.filter((d) => !(typeof d.doc.apiVersion === 'string' && typeof d.doc.kind === 'string'));
  const configMaps = indexConfigMaps(manifests.filter((d) => d.doc.kind === 'ConfigMap' && isObject(d.doc.data)).map((d): ConfigMapLike => ({
    name: String(d.doc.metadata?.name ?? ''),
    namespace: d.doc.metadata?.namespace,
    data: stringMap(d.doc.data),
    source: d.source,
  })));

  const routes: FoundRoute[] = [];
  const grafanas: FoundGrafana[] = [];

  // Pomerium chart values (pomerium/pomerium-helm values.yaml: config.routes, config.extraOpts,
  // config.existingSigningKeySecret). Values files of one group form one release.
  const pomeriumValues = values.filter((d) => isObject(d.doc.config) && (Array.isArray(d.doc.config.routes) || isObject(d.doc.config.extraOpts)
    || d.doc.config.existingSigningKeySecret !== undefined || d.doc.config.signingKey !== undefined));
  for (const release of groupBy(pomeriumValues, (d) => d.group).values()) {
    const opts: Record<string, any> = Object.assign({}, ...release.map((d) => d.doc.config.extraOpts ?? {}));
    const cfg: Record<string, any> = Object.assign({}, ...release.map((d) => d.doc.config));
    const signer = cfg.existingSigningKeySecret ? `chart config.existingSigningKeySecret (Secret ${cfg.existingSigningKeySecret})`
      : cfg.signingKey ? 'chart config.signingKey'
        : opts.signing_key ? 'config.extraOpts.signing_key'
          : opts.signing_key_file ? `config.extraOpts.signing_key_file (${opts.signing_key_file})` : undefined;
    for (const d of release) {
      for (const route of Array.isArray(d.doc.config.routes) ? d.doc.config.routes : []) {
        if (isObject(route)) routes.push(makeRoute(route, d.source, 'helm-values', opts, signer));
      }
    }
  }

  // Pomerium core config.yaml in a Secret (or ConfigMap): routes and global options in one file.
  for (const d of manifests) {
    if (d.doc.kind !== 'Secret' && d.doc.kind !== 'ConfigMap') continue;
    const raw = d.doc.stringData?.['config.yaml'] ?? decode(d.doc.data?.['config.yaml'], d.doc.kind === 'Secret');
    if (typeof raw !== 'string') continue;
    let config: unknown;
    try {
      config = YAML.parse(raw);
    } catch {
      continue;
    }
    if (!isObject(config) || !Array.isArray(config.routes)) continue;
    const signer = config.signing_key ? `${d.doc.kind} ${d.doc.metadata?.name} config.yaml signing_key`
      : config.signing_key_file ? `${d.doc.kind} ${d.doc.metadata?.name} config.yaml signing_key_file (${config.signing_key_file})` : undefined;
    for (const route of config.routes) {
      if (isObject(route)) routes.push(makeRoute(route, `${d.source} ${d.doc.kind} ${d.doc.metadata?.name}`, 'config-secret', config, signer));
    }
  }

  // Pomerium Ingress Controller: route keys as `ingress.pomerium.io/<key>` annotations;
  // global options in the cluster-scoped `Pomerium` CR (ingress.pomerium.io/v1).
  const globalCr = manifests.find((d) => d.doc.kind === 'Pomerium' && String(d.doc.apiVersion).startsWith('ingress.pomerium.io/'));
  const crSpec: Record<string, any> = globalCr?.doc.spec ?? {};
  for (const d of manifests) {
    if (d.doc.kind !== 'Ingress') continue;
    const annotations = stringMap(d.doc.metadata?.annotations ?? {});
    const keys = Object.keys(annotations).filter((k) => k.startsWith('ingress.pomerium.io/'));
    if (keys.length === 0 && d.doc.spec?.ingressClassName !== 'pomerium') continue;
    const route: Record<string, any> = {};
    for (const k of keys) {
      try {
        route[k.slice('ingress.pomerium.io/'.length)] = YAML.parse(annotations[k]);
      } catch {
        route[k.slice('ingress.pomerium.io/'.length)] = annotations[k];
      }
    }
    const globals: Record<string, any> = {
      jwt_claims_headers: crSpec.jwtClaimHeaders,
      pass_identity_headers: crSpec.passIdentityHeaders,
      jwt_issuer_format: crSpec.jwtIssuerFormat,
    };
    // The bootstrap Secret named in spec.secrets carries signing_key (GUIDE, Ingress Controller).
    const signer = globalCr && crSpec.secrets ? `Pomerium CR ${globalCr.doc.metadata?.name} spec.secrets (${crSpec.secrets})` : undefined;
    for (const rule of Array.isArray(d.doc.spec?.rules) ? d.doc.spec.rules : []) {
      if (typeof rule?.host !== 'string') continue;
      routes.push(makeRoute({ ...route, from: `https://${rule.host}` }, `${d.source} Ingress ${d.doc.metadata?.namespace ?? ''}/${d.doc.metadata?.name}`, 'ingress', globals, signer));
    }
  }

  // Grafana chart values: `grafana.ini`, mounts from extraConfigmapMounts / extraSecretMounts.
  for (const d of values) {
    if (!isObject(d.doc['grafana.ini'])) continue;
    const notes: string[] = [];
    const files: Record<string, string> = {};
    for (const m of Array.isArray(d.doc.extraConfigmapMounts) ? d.doc.extraConfigmapMounts : []) {
      mountConfigMap(files, configMaps, m.configMap, undefined, m.mountPath, m.subPath);
    }
    if (Array.isArray(d.doc.envFromSecrets) && d.doc.envFromSecrets.length > 0) {
      notes.push(`settings may also come from Secret(s) ${d.doc.envFromSecrets.map((s: any) => s?.name ?? s).join(', ')} (envFromSecrets), which are not in the output`);
    }
    if (isObject(d.doc.envValueFrom)) notes.push(`${Object.keys(d.doc.envValueFrom).join(', ')} come from Secrets (not simulated)`);
    grafanas.push(makeGrafana(d.source, 'helm-values', iniSections(d.doc['grafana.ini']), files, notes, configMaps, undefined));
  }

  // GF_* variables in a ConfigMap (for envFrom) or Secret, as the envVars output writes them.
  const envFromConsumed = new Set<string>();
  for (const d of manifests) {
    if (d.doc.kind !== 'Deployment' && d.doc.kind !== 'StatefulSet') continue;
    const podSpec = d.doc.spec?.template?.spec ?? {};
    for (const container of Array.isArray(podSpec.containers) ? podSpec.containers : []) {
      const env: Record<string, string> = {};
      const notes: string[] = [];
      for (const from of Array.isArray(container.envFrom) ? container.envFrom : []) {
        if (from.configMapRef?.name) {
          const cm = findConfigMap(configMaps, from.configMapRef.name, d.doc.metadata?.namespace ?? null);
          if (cm) {
            Object.assign(env, cm.data);
            envFromConsumed.add(`${cm.namespace}/${cm.name}`);
          }
        }
        if (from.secretRef?.name) notes.push(`settings may also come from Secret ${from.secretRef.name} (envFrom), which is not in the output`);
      }
      for (const e of Array.isArray(container.env) ? container.env : []) {
        if (typeof e.value === 'string') env[e.name] = e.value;
        else if (e.valueFrom) notes.push(`${e.name} comes from ${e.valueFrom.secretKeyRef ? 'a Secret' : 'a reference'} (not simulated)`);
      }
      if (!Object.keys(env).some((k) => k.startsWith('GF_'))) continue;
      const files = podFiles(podSpec, container, configMaps, d.doc.metadata?.namespace);
      grafanas.push(makeGrafana(`${d.source} ${d.doc.kind} ${d.doc.metadata?.namespace ?? ''}/${d.doc.metadata?.name}`, 'deployment', envSections(env), files, notes, configMaps, d.doc.metadata?.namespace));
    }
  }
  for (const d of manifests) {
    if (d.doc.kind !== 'ConfigMap' && d.doc.kind !== 'Secret') continue;
    const data: Record<string, string> = d.doc.kind === 'ConfigMap' ? stringMap(d.doc.data ?? {})
      : { ...decodeMap(d.doc.data ?? {}), ...stringMap(d.doc.stringData ?? {}) };
    if (!Object.keys(data).some((k) => /^GF_(SERVER_ROOT_URL|AUTH_)/.test(k))) continue;
    if (envFromConsumed.has(`${d.doc.metadata?.namespace}/${d.doc.metadata?.name}`)) continue;
    grafanas.push(makeGrafana(`${d.source} ${d.doc.kind} ${d.doc.metadata?.namespace ?? ''}/${d.doc.metadata?.name}`, 'env-configmap', envSections(data), {}, [], configMaps, d.doc.metadata?.namespace));
  }

  // grafana-operator `Grafana` (grafana.integreatly.org): spec.config, files from spec.deployment's pod.
  for (const d of manifests) {
    if (d.doc.kind !== 'Grafana' || !String(d.doc.apiVersion).startsWith('grafana.integreatly.org/')) continue;
    const podSpec = d.doc.spec?.deployment?.spec?.template?.spec ?? {};
    const container = (Array.isArray(podSpec.containers) ? podSpec.containers : []).find((c: any) => c.name === 'grafana') ?? {};
    const notes: string[] = [];
    for (const from of Array.isArray(container.envFrom) ? container.envFrom : []) {
      if (from.secretRef?.name) notes.push(`settings may also come from Secret ${from.secretRef.name} (envFrom), which is not in the output`);
    }
    const env: Record<string, string> = {};
    for (const e of Array.isArray(container.env) ? container.env : []) if (typeof e.value === 'string') env[e.name] = e.value;
    const sections = iniSections(d.doc.spec?.config ?? {});
    // GF_* variables beat grafana.ini (pkg/setting: applyEnvVariableOverrides).
    for (const [section, keys] of Object.entries(envSections(env))) sections[section] = { ...sections[section], ...keys };
    grafanas.push(makeGrafana(`${d.source} Grafana ${d.doc.metadata?.namespace ?? ''}/${d.doc.metadata?.name}`, 'operator', sections,
      podFiles(podSpec, container, configMaps, d.doc.metadata?.namespace), notes, configMaps, d.doc.metadata?.namespace));
  }

  return { routes, grafanas };
}

function makeRoute(route: Record<string, any>, source: string, form: FoundRoute['form'], globals: Record<string, any>, signer: string | undefined): FoundRoute {
  let host = '';
  try {
    host = new URL(String(route.from)).hostname.toLowerCase();
  } catch {
    host = String(route.from ?? '');
  }
  const parsed = { ...route };
  if (typeof parsed.policy === 'string') parsed.policy = YAML.parse(parsed.policy);
  const pass = route.pass_identity_headers ?? globals.pass_identity_headers;
  return {
    host,
    source,
    form,
    route: parsed,
    claimHeaders: claimHeaders(globals.jwt_claims_headers),
    jwtIssuerFormat: route.jwt_issuer_format ?? globals.jwt_issuer_format,
    passIdentityHeaders: pass === true || pass === 'true',
    signer,
  };
}

/**
 * `jwt_claims_headers`: a map header → claim, a list or a comma string of claims; list
 * entries become `x-pomerium-claim-<claim>` (pomerium config/options.go, JWTClaimHeaders).
 */
export function claimHeaders(raw: unknown): ClaimHeader[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
  if (Array.isArray(list)) return list.map((claim) => ({ header: `x-pomerium-claim-${String(claim)}`.toLowerCase(), claim: String(claim) }));
  if (isObject(list)) return Object.entries(list).map(([header, claim]) => ({ header: header.toLowerCase(), claim: String(claim) }));
  return [];
}

function makeGrafana(source: string, form: FoundGrafana['form'], sections: Record<string, Record<string, string>>, files: Record<string, string>,
  notes: string[], configMaps: ConfigMapIndex, namespace: string | undefined): FoundGrafana {
  const jwt = sections['auth.jwt'] ?? {};
  // Files Grafana is pointed at but no mount explains: find a ConfigMap holding a file of that
  // name (same namespace first), as the GF_* ConfigMap output does not carry the pod's mounts.
  for (const p of [jwt.jwk_set_file, jwt.key_file].filter((x): x is string => typeof x === 'string' && x !== '')) {
    if (files[p] !== undefined) continue;
    const base = path.posix.basename(p);
    const candidates = configMaps.byFile.get(base) ?? [];
    const found = candidates.find((c) => c.namespace === namespace) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (found) {
      files[p] = found.data[base];
      notes.push(`${p} taken from ConfigMap ${found.namespace ?? ''}/${found.name} by its file name (the output does not say where it is mounted)`);
    }
  }
  let host: string | undefined;
  const rootUrl = sections.server?.root_url;
  if (rootUrl) {
    try {
      const u = new URL(rootUrl);
      if (u.protocol === 'https:') host = u.hostname.toLowerCase();
    } catch {
      host = undefined;
    }
  }
  return { source, form, host, sections, files, notes };
}

/**
 * ConfigMaps by name and by the file names they hold: a fleet has thousands, and every
 * Grafana looks some up (a linear search each would make reading quadratic).
 */
interface ConfigMapIndex {
  readonly byName: Map<string, ConfigMapLike[]>;
  readonly byFile: Map<string, ConfigMapLike[]>;
}

function indexConfigMaps(configMaps: ConfigMapLike[]): ConfigMapIndex {
  const byFile = new Map<string, ConfigMapLike[]>();
  for (const c of configMaps) for (const key of Object.keys(c.data)) (byFile.get(key) ?? byFile.set(key, []).get(key)!).push(c);
  return { byName: groupBy(configMaps, (c) => c.name), byFile };
}

/** The first ConfigMap of that name; in that namespace unless `namespace` is undefined (chart values: the release's own). */
function findConfigMap(index: ConfigMapIndex, name: string, namespace: string | null | undefined): ConfigMapLike | undefined {
  const named = index.byName.get(name) ?? [];
  return namespace === undefined ? named[0] : named.find((c) => c.namespace === (namespace ?? undefined));
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) (groups.get(key(item)) ?? groups.set(key(item), []).get(key(item))!).push(item);
  return groups;
}

function mountConfigMap(files: Record<string, string>, configMaps: ConfigMapIndex, name: unknown, namespace: string | undefined,
  mountPath: unknown, subPath?: unknown) {
  if (typeof name !== 'string' || typeof mountPath !== 'string') return;
  const cm = findConfigMap(configMaps, name, namespace);
  if (!cm) return;
  if (typeof subPath === 'string' && cm.data[subPath] !== undefined) {
    files[mountPath] = cm.data[subPath];
    return;
  }
  for (const [key, value] of Object.entries(cm.data)) files[path.posix.join(mountPath, key)] = value;
}

function podFiles(podSpec: any, container: any, configMaps: ConfigMapIndex, namespace: string | undefined): Record<string, string> {
  const files: Record<string, string> = {};
  const volumes: any[] = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  for (const m of Array.isArray(container.volumeMounts) ? container.volumeMounts : []) {
    const volume = volumes.find((v) => v.name === m.name);
    if (volume?.configMap?.name) mountConfigMap(files, configMaps, volume.configMap.name, namespace, m.mountPath, m.subPath);
  }
  return files;
}

/** grafana.ini sections as strings (chart values may hold booleans and numbers). */
function iniSections(raw: Record<string, any>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [section, keys] of Object.entries(raw)) {
    if (!isObject(keys)) continue;
    out[section] = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return out;
}

/** Sections whose env names the simulator reads; longest first so AUTH_JWT wins over AUTH. */
const KNOWN_SECTIONS = ['auth.generic_oauth', 'auth.anonymous', 'auth.basic', 'auth.proxy', 'auth.jwt', 'auth', 'server', 'security', 'users', 'log', 'paths']
  .sort((a, b) => b.length - a.length);

/**
 * GF_<SECTION>_<KEY> back to section and key (pkg/setting/setting.go, envKey: upper-case,
 * `.` and `-` become `_`). Ambiguous in general, so only known sections are read.
 */
export function envSections(env: Record<string, string>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, value] of Object.entries(env)) {
    for (const section of KNOWN_SECTIONS) {
      const prefix = `GF_${section.toUpperCase().replace(/[.-]/g, '_')}_`;
      if (name.startsWith(prefix)) {
        (out[section] ??= {})[name.slice(prefix.length).toLowerCase()] = value;
        break;
      }
    }
  }
  return out;
}

function stringMap(raw: Record<string, any>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function decode(value: unknown, base64: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  return base64 ? Buffer.from(value, 'base64').toString('utf8') : value;
}

function decodeMap(raw: Record<string, any>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decode(v, true) ?? '']));
}
