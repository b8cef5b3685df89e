import { Lazy } from 'cdk8s';
import { PropContext } from '../errors';

// A full SemVer 2.0 version: what `helm install --version` pins exactly. Anything else
// (empty, '*', 'latest', '>=1', '^1.2', '~1.2.3', '1.x', '1.2') is a constraint that floats.
const EXACT_VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Checks an exact chart version; refuses ranges and tags that let the deployed chart drift. */
export function checkExactChartVersion(ctx: PropContext, raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim().length === 0) {
    return ctx.fail(raw, 'the chart version is required: without one Flux and Argo CD install whatever is newest', "pin the exact version you tested, e.g. '9.4.1'");
  }
  if (!EXACT_VERSION.test(raw)) {
    return ctx.fail(
      raw,
      'the chart version must be one exact SemVer version (MAJOR.MINOR.PATCH); ranges, wildcards, partial versions and tags such as latest let the deployed chart change without a commit',
      "pin the exact version you tested, e.g. '9.4.1'",
    );
  }
  return raw;
}

/** Checks a chart name as Helm repositories index them. */
export function checkChartName(ctx: PropContext, raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    return ctx.fail(raw, 'the chart name is required', "give the chart's name in its repository, e.g. 'grafana'");
  }
  if (!/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i.test(raw) || raw.length > 250) {
    return ctx.fail(raw, 'a chart name is a name inside the repository, not a path or URL', "give the chart's name alone, e.g. 'grafana', and the repository in its own prop");
  }
  return raw;
}

/** Checks a Flux reconcile interval (the CRD's pattern: Go duration without ns/us). */
export function checkFluxInterval(ctx: PropContext, raw: unknown, fallback: string): string {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(raw)) {
    return ctx.fail(raw, 'a Flux interval is a Go duration in ms, s, m or h', "write e.g. '10m' or '1h'");
  }
  return raw;
}

/**
 * Checks that values hold only what survives a Kubernetes manifest unchanged: cdk8s drops
 * `null` (Helm's way to delete a chart default) and `undefined`, and cannot render class
 * instances. Returns the values unchanged.
 */
/**
 * Values rendered at synth (a release's values hold every route, and routes are added after the
 * release is built), checked when they are produced, as `checkManifestValues` checks eager ones.
 */
export function lazyCheckedValues(ctx: PropContext, produce: () => Record<string, unknown>): Record<string, unknown> {
  return Lazy.any({
    produce: () => {
      const values = produce();
      checkManifestValues(ctx, values);
      return values;
    },
  }) as unknown as Record<string, unknown>;
}

/** True for values produced at synth (`lazyCheckedValues`). */
export function isLazyValues(values: unknown): boolean {
  return values instanceof Lazy;
}

export function checkManifestValues(ctx: PropContext, values: unknown, where: string[] = []): void {
  if (values === null || values === undefined) {
    ctx.fail(
      values === null ? null : undefined,
      `the value at '${where.join('.') || '(root)'}' is ${values === null ? 'null' : 'undefined'}, which cdk8s drops from manifests (Helm reads null as "delete the chart default")`,
      'leave the key out, or use the values-file form for null overrides',
    );
  }
  if (Array.isArray(values)) {
    values.forEach((v, i) => checkManifestValues(ctx, v, [...where, String(i)]));
    return;
  }
  if (typeof values === 'object') {
    if (Object.getPrototypeOf(values) !== Object.prototype) {
      ctx.fail(String(values), `the value at '${where.join('.')}' is not plain data`, 'give plain objects, arrays, strings, numbers and booleans');
    }
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) checkManifestValues(ctx, v, [...where, k]);
  }
}
