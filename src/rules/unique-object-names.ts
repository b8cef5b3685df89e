import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PropContext } from '../errors';

/**
 * Two objects with the same API group, kind, namespace and name are one object to the
 * API server: applying both makes the second silently replace the first. This rule
 * refuses them at synth, across every chart of the app, naming both construct paths.
 *
 * The rule reads what the objects will be (apiVersion, kind, metadata), not any
 * construct's internal state, so it judges a user's own charts as well.
 */

/** One object as `kubectl apply` identifies it, and the construct path that built it. */
export interface ObjectIdentity {
  /** `group/version`, or `version` for the core group (`v1`). */
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.namespace`; undefined (or '') means the default namespace of whoever applies it. */
  readonly namespace?: string;
  /** `metadata.name`. */
  readonly name: string;
  /** The construct path of the object (`prod/ingress/Gateway`). */
  readonly path: string;
}

/** A later object that has the same identity as an earlier one. */
export interface NameCollision {
  /** The object seen first (in `findAll` order: charts in creation order). */
  readonly first: ObjectIdentity;
  /** The object that would replace it when both are applied. */
  readonly second: ObjectIdentity;
  /** The API group: the part of apiVersion before '/', '' for the core group. */
  readonly group: string;
  /** Whether the kind is cluster-scoped, so the namespaces were not compared. */
  readonly clusterScoped: boolean;
  /** The namespace both resolve to; '' when cluster-scoped or when neither names one. */
  readonly namespace: string;
}

/**
 * Kinds that have no namespace, by API group. Kubernetes ignores (or refuses) a
 * namespace on them, and cdk8s copies a chart's namespace onto every object, so
 * their namespace is never compared.
 */
const CLUSTER_SCOPED: ReadonlyMap<string, ReadonlySet<string>> = new Map<string, ReadonlySet<string>>([
  ['', new Set(['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'])],
  ['rbac.authorization.k8s.io', new Set(['ClusterRole', 'ClusterRoleBinding'])],
  ['apiextensions.k8s.io', new Set(['CustomResourceDefinition'])],
  ['apiregistration.k8s.io', new Set(['APIService'])],
  ['storage.k8s.io', new Set(['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'])],
  ['networking.k8s.io', new Set(['IngressClass', 'IPAddress', 'ServiceCIDR'])],
  ['scheduling.k8s.io', new Set(['PriorityClass'])],
  ['node.k8s.io', new Set(['RuntimeClass'])],
  ['certificates.k8s.io', new Set(['CertificateSigningRequest', 'ClusterTrustBundle'])],
  ['admissionregistration.k8s.io', new Set([
    'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  ])],
  ['flowcontrol.apiserver.k8s.io', new Set(['FlowSchema', 'PriorityLevelConfiguration'])],
  ['policy', new Set(['PodSecurityPolicy'])],
  ['resource.k8s.io', new Set(['DeviceClass', 'ResourceSlice'])],
  // CRDs this library emits or refers to (scope as in the upstream CRD files).
  ['cert-manager.io', new Set(['ClusterIssuer'])],
  ['ingress.pomerium.io', new Set(['Pomerium'])],
  ['v1.edp.epam.com', new Set(['ClusterKeycloak', 'ClusterKeycloakRealm'])],
]);

/** The API group of an apiVersion: `networking.istio.io/v1` → `networking.istio.io`, `v1` → ''. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Whether objects of this group and kind have no namespace. */
export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED.get(group)?.has(kind) ?? false;
}

/**
 * Every object whose identity (API group, kind, namespace unless cluster-scoped, name)
 * was already taken by an earlier one, paired with that earlier one. One pass, one Map:
 * k objects with one identity give k-1 collisions, each against the first.
 */
export function findNameCollisions(objects: readonly ObjectIdentity[]): NameCollision[] {
  const seen = new Map<string, ObjectIdentity>();
  const collisions: NameCollision[] = [];
  for (const object of objects) {
    const group = apiGroupOf(object.apiVersion);
    const clusterScoped = isClusterScoped(group, object.kind);
    const namespace = clusterScoped ? '' : object.namespace ?? '';
    // NUL cannot appear in any of the parts, so the key is unambiguous.
    const key = `${group}\0${object.kind}\0${namespace}\0${object.name}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, object);
    else collisions.push({ first, second: object, group, clusterScoped, namespace });
  }
  return collisions;
}

const registered = new WeakSet<IConstruct>();

/**
 * Adds the check to the root of `scope`'s tree, once per root however often it is
 * called. cdk8s runs root validations in `app.synth()`, `app.synthYaml()` and
 * `chart.toJson()` (hence `Testing.synth(chart)`).
 */
export function registerUniqueObjectNames(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  root.node.addValidation({ validate: () => validateUniqueObjectNames(root) });
}

/**
 * The errors for every collision among the ApiObjects under `root`, in the library's
 * format, each blamed on the construct that built the second object.
 */
export function validateUniqueObjectNames(root: IConstruct): string[] {
  const built = new Map<ObjectIdentity, ApiObject>();
  for (const construct of root.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) continue;
    built.set({
      apiVersion: construct.apiVersion,
      kind: construct.kind,
      namespace: construct.metadata.namespace,
      name: construct.name,
      // Built from every ancestor's id: only a collision's two objects need it.
      get path() { return construct.node.path; },
    }, construct);
  }
  return findNameCollisions([...built.keys()]).map((c) => describeCollision(c, ownerOf(built.get(c.first)!), ownerOf(built.get(c.second)!)));
}

/** The construct whose prop chose an object's name, and that prop. */
export interface NameOwner {
  /** The class name shown in the error (`GrafanaBehindPomerium`, `KubeService`). */
  readonly constructName: string;
  readonly path: string;
  /** `name` for a construct that composes names, `metadata.name` for an object built directly in a chart. */
  readonly prop: string;
}

/**
 * An object built by a construct (its parent) got its name from that construct's
 * `name` prop or id; an object built directly in a chart (or app) got it from its own
 * `metadata.name`.
 */
export function ownerOf(object: ApiObject): NameOwner {
  const parent = object.node.scope;
  if (parent === undefined || parent.node.scope === undefined || Chart.isChart(parent)) {
    return { constructName: object.constructor.name, path: object.node.path, prop: 'metadata.name' };
  }
  return { constructName: parent.constructor.name, path: parent.node.path, prop: 'name' };
}

/** The error for one collision, in the library's one format, on the second object's owner. */
export function describeCollision(collision: NameCollision, firstOwner: NameOwner, secondOwner: NameOwner): string {
  const { first, second } = collision;
  const group = collision.group === '' ? 'core API group' : `API group ${collision.group}`;
  const object = `the ${second.kind} "${second.name}" (${group})`;
  const scope = collision.clusterScoped
    ? 'is cluster-scoped (one per cluster, whatever namespace each chart sets)'
    : collision.namespace === ''
      ? 'has no namespace on either object and no chart namespace, so both go to the default namespace of whoever applies them'
      : `is in namespace "${collision.namespace}" on both`;
  const problem = `${object} ${scope}, and '${first.path}' creates it too: applying both makes one silently replace the other`;
  const apart = collision.clusterScoped
    ? ': a cluster-scoped name is one per cluster, so make it tell the two apart (e.g. include the environment)'
    : ', or put the two in different namespaces';
  const ctx = PropContext.detached(`${secondOwner.constructName} at '${secondOwner.path}'`).prop(secondOwner.prop);
  return ctx.message(second.name, problem, `${renameFix(secondOwner, firstOwner)}${apart}`);
}

function renameFix(second: NameOwner, first: NameOwner): string {
  const what = (o: NameOwner) => o.prop === 'name' ? 'a different `name` prop (or construct id, or the explicit name you gave this object)' : 'a different metadata.name';
  if (second.constructName === first.constructName && second.prop === first.prop) {
    return `give ${second.constructName} '${second.path}' or '${first.path}' ${what(second)}`;
  }
  return `give ${second.constructName} '${second.path}' ${what(second)}, or ${first.constructName} '${first.path}' ${what(first)}`;
}
