import { parseAllDocuments } from 'yaml';
import { lookupCrd } from './crd-schemas';
import { validateCoreObjects } from './k8s-core';
import { SHARED_REFERENCE } from './reference';

/*
 * Validates rendered manifests the way an API server would, as far as static
 * schemas allow: custom resources against the reference CRDs (served versions
 * only, unknown fields rejected), built-in kinds with kubernetes-models, plus
 * the metadata rules every object must meet. Not covered: CEL rules
 * (x-kubernetes-validations), admission webhooks, and unknown fields in
 * built-in kinds (kubernetes-models schemas do not close objects).
 */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
// Built-in versions with alpha/beta are removed (extensions/v1beta1, policy/v1beta1, ...)
// or off by default in current clusters, though kubernetes-models still ships them.
const PRE_GA_VERSION = /^v\d+(alpha|beta)\d+$/;

type Obj = Record<string, any>;

/** Validates parsed manifests; returns human-readable errors, each prefixed `<kind>/<metadata.name>`. Empty means valid. */
export function validateManifests(objects: any[]): string[] {
  const perObject: string[][] = objects.map(() => []);
  const pendingCore: number[] = [];
  objects.forEach((object, i) => {
    const typeErrors = typeMetaErrors(object);
    if (typeErrors.length > 0) {
      perObject[i].push(...typeErrors);
      return;
    }
    perObject[i].push(...metadataErrors(object));
    if (!checkAsCustomResource(object, perObject[i])) pendingCore.push(i);
  });
  checkAsBuiltIn(pendingCore.map((i) => objects[i]), pendingCore.map((i) => perObject[i]));
  return objects.flatMap((object, i) => perObject[i].map((e) => `${labelOf(object)}: ${e}`));
}

/** Parses every YAML document (empty ones skipped) and validates them. */
export function validateYamlDocuments(yamlText: string): string[] {
  const errors: string[] = [];
  const objects: unknown[] = [];
  parseAllDocuments(yamlText).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      errors.push(...doc.errors.map((e) => `document ${i + 1}: YAML error: ${e.message}`));
      return;
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  });
  return [...errors, ...validateManifests(objects)];
}

function labelOf(object: unknown): string {
  const o = (object ?? {}) as Obj;
  const kind = typeof o.kind === 'string' ? o.kind : '<no kind>';
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '<no name>';
  return `${kind}/${name}`;
}

function typeMetaErrors(object: unknown): string[] {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return ['not an object'];
  const o = object as Obj;
  const errors: string[] = [];
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') errors.push('apiVersion missing');
  if (typeof o.kind !== 'string' || o.kind === '') errors.push('kind missing');
  return errors;
}

function metadataErrors(object: Obj): string[] {
  const meta = object.metadata;
  if (!meta || typeof meta !== 'object') return ['metadata missing'];
  return [
    ...nameErrors(object.kind, meta.name),
    ...namespaceErrors(meta.namespace),
    ...labelErrors(meta.labels),
    ...annotationErrors(meta.annotations),
  ];
}

function nameErrors(kind: string, name: unknown): string[] {
  if (typeof name !== 'string' || name === '') return ['metadata.name missing'];
  // Services and Namespaces become DNS labels, so the API server holds them to the stricter rule.
  if (kind === 'Service' && !(name.length <= 63 && DNS1035_LABEL.test(name))) {
    return [`metadata.name "${name}" is not a DNS-1035 label (a-z, 0-9, '-', starts with a letter, at most 63)`];
  }
  if (kind === 'Namespace' && !isDns1123Label(name)) {
    return [`metadata.name "${name}" is not a DNS-1123 label (a-z, 0-9, '-', at most 63)`];
  }
  if (!(name.length <= 253 && DNS1123_SUBDOMAIN.test(name))) {
    return [`metadata.name "${name}" is not a DNS-1123 subdomain (a-z, 0-9, '-', '.', at most 253)`];
  }
  return [];
}

function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

function namespaceErrors(namespace: unknown): string[] {
  if (namespace === undefined) return [];
  if (typeof namespace === 'string' && isDns1123Label(namespace)) return [];
  return [`metadata.namespace ${JSON.stringify(namespace)} is not a DNS-1123 label`];
}

/** Label/annotation key: optional DNS-subdomain prefix and '/', then a name of at most 63. */
function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function labelErrors(labels: unknown): string[] {
  if (labels === undefined) return [];
  if (!labels || typeof labels !== 'object') return ['metadata.labels is not a map'];
  return Object.entries(labels).flatMap(([key, value]) => {
    if (!isQualifiedName(key)) return [`label key "${key}" is invalid`];
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      return [`label ${key} value ${JSON.stringify(value)} is invalid (string, at most 63, alphanumeric with '-', '_', '.')`];
    }
    return [];
  });
}

function annotationErrors(annotations: unknown): string[] {
  if (annotations === undefined) return [];
  if (!annotations || typeof annotations !== 'object') return ['metadata.annotations is not a map'];
  return Object.entries(annotations).flatMap(([key, value]) => {
    if (!isQualifiedName(key)) return [`annotation key "${key}" is invalid`];
    if (typeof value !== 'string') return [`annotation ${key} value must be a string, got ${JSON.stringify(value)}`];
    return [];
  });
}

/** Returns true when the object belongs to a group the reference CRDs define (errors already recorded). */
function checkAsCustomResource(object: Obj, errors: string[]): boolean {
  if (!SHARED_REFERENCE) return false;
  const found = lookupCrd(object.apiVersion, object.kind);
  switch (found.status) {
    case 'not-a-crd-group':
      return false;
    case 'unknown-kind':
      errors.push(`no schema known: the reference CRDs for ${found.group} define ${found.kinds.join(', ')}, not ${object.kind}`);
      return true;
    case 'unserved':
      errors.push(`apiVersion ${object.apiVersion} is not served for ${object.kind} (served: ${found.served.join(', ') || 'none'})`);
      return true;
    case 'ok':
      errors.push(...found.validate(object));
      return true;
  }
}

function checkAsBuiltIn(objects: Obj[], errorLists: string[][]): void {
  const results = validateCoreObjects(objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, object: o })));
  results.forEach((result, i) => {
    const { apiVersion, kind } = objects[i];
    if (!result.known) {
      errorLists[i].push(`no schema known for apiVersion ${apiVersion} kind ${kind}${SHARED_REFERENCE ? '' : ' (custom resources cannot be checked: ../shared/reference is absent)'}`);
      return;
    }
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    if (PRE_GA_VERSION.test(version)) {
      errorLists[i].push(`apiVersion ${apiVersion} is a pre-GA built-in version, removed from or off by default in current Kubernetes`);
    }
    errorLists[i].push(...result.errors);
  });
}
