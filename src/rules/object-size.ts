import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { ownerOf } from './unique-object-names';

/**
 * Objects that apply in a test cluster and fail in a large one: every object the app writes is
 * measured at synth against the limits the API server, etcd, `kubectl apply` and the GitOps
 * engines put on it, and one that would not fit is refused, naming the object, its size, the
 * limit and the fix.
 */

/**
 * A ConfigMap's or Secret's data, all keys together (kubernetes pkg/apis/core/validation
 * `ValidateSecret`/`ValidateConfigMap`: `totalSize > corev1.MaxSecretSize`, 1 MiB).
 */
export const SECRET_DATA_LIMIT = 1_048_576;

/**
 * Client-side `kubectl apply` stores the whole object in the annotation
 * `kubectl.kubernetes.io/last-applied-configuration`, and all annotations of an object together
 * may hold 256 KiB (apimachinery pkg/api/validation/objectmeta.go `TotalAnnotationSizeLimitB`).
 */
export const LAST_APPLIED_ANNOTATION_LIMIT = 262_144;

/**
 * The size any object must stay under: three quarters of the annotation limit. The remaining
 * 64 KiB are for what shares that budget with the copy of the object: the object's own
 * annotations counted twice (once in place, once inside the copy), the ones GitOps tools add
 * (Argo CD's tracking id, Flux's and Helm's ownership annotations), and kubectl's JSON, which
 * is not byte-for-byte ours.
 */
export const ANY_OBJECT_LIMIT = (LAST_APPLIED_ANNOTATION_LIMIT * 3) / 4;

/** etcd's default `--max-request-bytes`: one object, spec and status, is written in one request. */
export const ETCD_REQUEST_LIMIT = 1_572_864;

/**
 * What an Application's status holds besides copies of its source: the list of every resource
 * it manages with health and sync state, conditions, the summary, managedFields.
 */
export const ARGOCD_STATUS_RESERVE = 262_144;

/** Argo CD's default `spec.revisionHistoryLimit` (its CRD: "Default is 10"). */
export const ARGOCD_DEFAULT_HISTORY = 10;

/**
 * The most an Application may weigh: Argo CD copies the source, values included, into
 * `status.sync.comparedTo`, into `status.operationState` (the operation's and the result's
 * source) and into each `status.history` entry (argo-cd pkg/apis/application/v1alpha1/types.go
 * `ComparedTo`, `OperationState`, `RevisionHistory`). The object is the spec once plus 3 + H
 * copies, and all of it, with the status reserve, must fit one etcd request. Never more than
 * `ANY_OBJECT_LIMIT` (the Application itself is applied like any object).
 */
export function argoCdApplicationLimit(revisionHistoryLimit: number): number {
  const copies = 1 + 3 + Math.max(0, revisionHistoryLimit);
  return Math.min(ANY_OBJECT_LIMIT, Math.floor((ETCD_REQUEST_LIMIT - ARGOCD_STATUS_RESERVE) / copies));
}

/** One object that would not fit. */
export interface OversizeObject {
  readonly size: number;
  readonly limit: number;
  /** What the limit is, for the message. */
  readonly why: string;
  /** The generic fix for this kind of object. */
  readonly fix: string;
}

/**
 * Whether one rendered object fits. `json` is the object as `toJson()` renders it; `text` its
 * `JSON.stringify`, given by the caller so that nothing is serialized twice.
 */
export function measureObject(json: any, text: string): OversizeObject | undefined {
  const kind = json?.kind;
  const isCore = json?.apiVersion === 'v1';
  if (isCore && (kind === 'Secret' || kind === 'ConfigMap')) {
    const data = dataBytes(json);
    if (data > SECRET_DATA_LIMIT) {
      return {
        size: data,
        limit: SECRET_DATA_LIMIT,
        why: `the API server's limit on a ${kind}'s data, all keys together`,
        fix: `split the data over several ${kind}s`,
      };
    }
  }
  if (kind === 'Application' && typeof json?.apiVersion === 'string' && json.apiVersion.startsWith('argoproj.io/')) {
    const history = typeof json.spec?.revisionHistoryLimit === 'number' ? json.spec.revisionHistoryLimit : ARGOCD_DEFAULT_HISTORY;
    const limit = argoCdApplicationLimit(history);
    const size = utf8Bytes(text, limit);
    if (size > limit) {
      return {
        size,
        limit,
        why: `what leaves room in one ${ETCD_REQUEST_LIMIT}-byte etcd write for Argo CD's copies of the source (comparedTo, operationState and ${history} history entries) and its status`,
        fix: 'carry fewer values in the Application (deliver what grows with the number of tenants in objects of their own), or lower revisionHistoryLimit',
      };
    }
    return undefined;
  }
  const size = utf8Bytes(text, ANY_OBJECT_LIMIT);
  if (size > ANY_OBJECT_LIMIT) {
    return {
      size,
      limit: ANY_OBJECT_LIMIT,
      why: `three quarters of the ${LAST_APPLIED_ANNOTATION_LIMIT}-byte annotation budget where client-side kubectl apply copies the whole object (last-applied-configuration)`,
      fix: 'split it into smaller objects',
    };
  }
  return undefined;
}

/** UTF-8 length of `text`, computed exactly only when it could exceed `limit` (a UTF-16 unit is at most 3 bytes). */
function utf8Bytes(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : Buffer.byteLength(text, 'utf8');
}

/** The bytes a Secret's or ConfigMap's data hold once stored: stringData and data merged, base64 decoded. */
function dataBytes(json: any): number {
  let total = 0;
  for (const field of ['stringData', 'data'] as const) {
    const map = json[field];
    if (!map || typeof map !== 'object') continue;
    const base64 = field === 'data' && json.kind === 'Secret';
    for (const value of Object.values(map)) {
      if (typeof value !== 'string') continue;
      total += base64 ? base64DecodedLength(value) : Buffer.byteLength(value, 'utf8');
    }
  }
  const binary = json.binaryData;
  if (json.kind === 'ConfigMap' && binary && typeof binary === 'object') {
    for (const value of Object.values(binary)) if (typeof value === 'string') total += base64DecodedLength(value);
  }
  return total;
}

function base64DecodedLength(value: string): number {
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  return Math.floor((value.length * 3) / 4) - padding;
}

/**
 * The size of `config.yaml` as the Pomerium chart writes it from these values (`toYaml`,
 * indented by 4 in templates/secret.yaml). Cheap when far from the limit: the JSON of the
 * config (no indentation) is a lower bound, so YAML is rendered only near the limit.
 */
export function pomeriumChartConfigBytes(values: Record<string, any>): number {
  const config = values.config ?? {};
  const json = JSON.stringify(config);
  if (json.length * 4 < SECRET_DATA_LIMIT) return Buffer.byteLength(json, 'utf8');
  const yaml = stringify(config, { lineWidth: 0 });
  // Each line gets the chart's 4-space indent.
  return Buffer.byteLength(yaml, 'utf8') + 4 * yaml.split('\n').length;
}

const fixes = new WeakMap<ApiObject, string>();

/**
 * The fix to give when this object is too large, in place of the generic one (a construct knows
 * why its object grows: e.g. a Pomerium release's routes).
 */
export function setOversizeFix(object: ApiObject, fix: string): void {
  fixes.set(object, fix);
}

const keepRendered = new WeakSet<IConstruct>();
const rendered = new WeakMap<ApiObject, string>();

/**
 * For a synthesis that renders every object right after validating (`FleetApp`): the guard keeps
 * each object's rendering so the writer takes it (`takeRenderedJson`) instead of rendering the
 * object a second time (resolving every token and Lazy again). It keeps the JSON text it measured,
 * not the object tree: at 10,000 tenants the trees held until written cost about 300 MB of memory,
 * the text a sixth of that, and `JSON.parse` gives the same plain data back faster than `toJson()`.
 */
export function keepRenderedJsonFor(root: IConstruct): void {
  keepRendered.add(root);
}

/** The JSON the guard rendered for `object` in this synthesis, handed over once; undefined if none. */
export function takeRenderedJson(object: ApiObject): any {
  const text = rendered.get(object);
  if (text === undefined) return undefined;
  rendered.delete(object);
  return JSON.parse(text);
}

const registered = new WeakSet<IConstruct>();
/** The last result per root, with the number of constructs it was computed for. */
const lastRun = new WeakMap<IConstruct, { constructs: number; errors: string[] }>();

/**
 * Adds the check to the root of `scope`'s tree, once per root, as `registerUniqueObjectNames` does.
 */
export function registerObjectSizeLimits(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  root.node.addValidation({ validate: () => validateObjectSizes(root) });
}

/**
 * The errors for every object under `root` that would not fit. Plain `App.synth()` runs the
 * app's validations once per chart: the result is reused while the tree has the same number
 * of constructs (objects are only added, never changed, once synthesis starts), so the objects
 * are rendered once per synthesis, not once per chart.
 */
export function validateObjectSizes(root: IConstruct): string[] {
  const all = root.node.findAll();
  const last = lastRun.get(root);
  if (last && last.constructs === all.length) return last.errors;
  const errors: string[] = [];
  const keep = keepRendered.has(root);
  for (const construct of all) {
    if (!ApiObject.isApiObject(construct)) continue;
    const json = construct.toJson();
    const text = JSON.stringify(json);
    if (keep) rendered.set(construct, text);
    const problem = measureObject(json, text);
    if (problem) errors.push(describeOversize(construct, json, problem));
  }
  lastRun.set(root, { constructs: all.length, errors });
  return errors;
}

/** The one message: who built the object, which object, its size, the limit and the fix. */
export function describeOversize(object: ApiObject, json: any, problem: OversizeObject): string {
  const owner = ownerOf(object);
  const namespace = json?.metadata?.namespace;
  const id = `${json?.kind} "${namespace ? `${namespace}/` : ''}${json?.metadata?.name}" (${json?.apiVersion})`;
  const fix = fixes.get(object) ?? problem.fix;
  return `${owner.constructName} at '${owner.path}': the ${id} is ${problem.size} bytes, over the limit of ${problem.limit} bytes (${problem.why}). Fix: ${fix}`;
}
