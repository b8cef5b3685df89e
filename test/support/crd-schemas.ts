import * as fs from 'fs';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { readReference, referencePath } from './reference';

/** CRD files (relative to ../shared/reference) that custom resources are checked against: every crds/*.yaml plus Pomerium's. */
export function crdFiles(): string[] {
  const bundled = fs.readdirSync(referencePath('crds')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `crds/${f}`);
  return [...bundled, 'pomerium/ingress.pomerium.io_pomerium.yaml'];
}

type JsonSchema = Record<string, any>;

interface CrdVersion {
  readonly served: boolean;
  readonly schema?: JsonSchema;
}

/** What the reference CRDs say about an apiVersion + kind. */
export type CrdLookup =
  | { readonly status: 'not-a-crd-group' }
  | { readonly status: 'unknown-kind'; readonly group: string; readonly kinds: string[] }
  | { readonly status: 'unserved'; readonly served: string[] }
  | { readonly status: 'ok'; readonly validate: (object: unknown) => string[] };

// group -> kind -> version name -> version
const crdsByGroup = new Map<string, Map<string, Map<string, CrdVersion>>>();
const parsedFiles = new Set<string>();
const validators = new Map<string, ValidateFunction>();
let filesByGroup: Map<string, string[]> | undefined;
let ajv: Ajv | undefined;

/**
 * Maps each API group to the files that may define it, with a regex instead of a
 * YAML parse: parsing all five files costs about a second (istio alone is 870 KB),
 * and most tests need one group. A false positive only costs an extra parse.
 */
function groupFiles(): Map<string, string[]> {
  if (filesByGroup) return filesByGroup;
  filesByGroup = new Map();
  for (const file of crdFiles()) {
    for (const match of readReference(file).matchAll(/^\s+group:\s*['"]?([a-z0-9.-]+)['"]?\s*$/gm)) {
      const files = filesByGroup.get(match[1]) ?? [];
      if (!files.includes(file)) files.push(file);
      filesByGroup.set(match[1], files);
    }
  }
  return filesByGroup;
}

function indexCrdFile(file: string): void {
  if (parsedFiles.has(file)) return;
  parsedFiles.add(file);
  for (const doc of parseAllDocuments(readReference(file))) {
    const crd = doc.toJS({ maxAliasCount: -1 });
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const kinds = crdsByGroup.get(crd.spec.group) ?? new Map<string, Map<string, CrdVersion>>();
    const versions = new Map<string, CrdVersion>();
    for (const v of crd.spec.versions ?? []) {
      versions.set(v.name, { served: v.served === true, schema: v.schema?.openAPIV3Schema });
    }
    kinds.set(crd.spec.names.kind, versions);
    crdsByGroup.set(crd.spec.group, kinds);
  }
}

/** Looks up an apiVersion + kind in the reference CRDs; throws when ../shared/reference is absent. */
export function lookupCrd(apiVersion: string, kind: string): CrdLookup {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { status: 'not-a-crd-group' };
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const files = groupFiles().get(group);
  if (!files) return { status: 'not-a-crd-group' };
  files.forEach(indexCrdFile);
  const kinds = crdsByGroup.get(group);
  if (!kinds) return { status: 'not-a-crd-group' };
  const versions = kinds.get(kind);
  if (!versions) return { status: 'unknown-kind', group, kinds: [...kinds.keys()].sort() };
  const entry = versions.get(version);
  if (!entry?.served) {
    return { status: 'unserved', served: [...versions].filter(([, v]) => v.served).map(([name]) => name) };
  }
  const key = `${apiVersion}/${kind}`;
  return { status: 'ok', validate: (object) => runValidator(key, entry.schema, object) };
}

/** CRD files parsed so far in this test file; lets tests prove the parsing stays lazy. */
export function parsedCrdFiles(): string[] {
  return [...parsedFiles];
}

function runValidator(key: string, schema: JsonSchema | undefined, object: unknown): string[] {
  // A served version without a schema accepts anything, as the API server would.
  if (!schema) return [];
  let validate = validators.get(key);
  if (!validate) {
    validate = getAjv().compile(toStrictSchema(schema));
    validators.set(key, validate);
  }
  return validate(object) ? [] : (validate.errors ?? []).map(formatAjvError);
}

// Formats the API server checks on custom resources (kube-openapi strfmt). Any other
// format (int32, int64, double, namespace/name, ...) is ignored by the API server,
// so the harness registers it as a no-op instead of letting ajv warn or throw.
const CHECKED_FORMATS = new Set(['date', 'date-time', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uri', 'uuid', 'byte']);

// strfmt's duration: Go's time.ParseDuration syntax, plus whole days and weeks.
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const DAY_WEEK_DURATION = /^(?:\d+\s*(?:ns|us|µs|μs|ms|s|m|h|d|w))+$/;

function getAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv, ['date', 'date-time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri', 'uuid', 'byte']);
  ajv.addFormat('duration', (s: string) => GO_DURATION.test(s) || DAY_WEEK_DURATION.test(s));
  return ajv;
}

function registerIgnoredFormat(format: string): void {
  const instance = getAjv();
  if (CHECKED_FORMATS.has(format) || instance.formats[format]) return;
  instance.addFormat(format, true);
}

/**
 * Copies a CRD schema and makes unknown fields an error wherever the API server
 * would reject or prune them: every object with declared `properties` and no
 * `additionalProperties` or `x-kubernetes-preserve-unknown-fields`. kubectl's
 * default (--validate=strict) refuses such fields, and a silently pruned field
 * is the bug these tests exist to catch. apiVersion, kind and metadata are
 * added to the root because many CRDs (istio) do not declare them.
 */
export function toStrictSchema(schema: JsonSchema): JsonSchema {
  const root = structuredClone(schema);
  if (root.properties) {
    root.properties.apiVersion ??= { type: 'string' };
    root.properties.kind ??= { type: 'string' };
    root.properties.metadata ??= { type: 'object' };
  }
  tighten(root);
  return root;
}

function tighten(node: unknown): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as JsonSchema;
  if (typeof schema.format === 'string') registerIgnoredFormat(schema.format);
  // Only structural positions: anyOf/oneOf/allOf/not in a structural schema carry
  // value checks, and closing them would reject fields the parent allows.
  const preserves = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema.properties && schema.additionalProperties === undefined && !preserves) {
    schema.additionalProperties = false;
  }
  Object.values(schema.properties ?? {}).forEach(tighten);
  (Array.isArray(schema.items) ? schema.items : [schema.items]).forEach(tighten);
  tighten(schema.additionalProperties);
  for (const combinator of ['allOf', 'anyOf', 'oneOf']) {
    (schema[combinator] ?? []).forEach(registerFormats);
  }
  registerFormats(schema.not);
}

function registerFormats(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as JsonSchema;
  if (typeof schema.format === 'string') registerIgnoredFormat(schema.format);
  Object.values(schema).forEach(registerFormats);
}

function formatAjvError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${where} unknown field "${e.params.additionalProperty}"`;
  if (e.keyword === 'enum') return `${where} ${e.message}: ${JSON.stringify(e.params.allowedValues)}`;
  return `${where} ${e.message}`;
}
