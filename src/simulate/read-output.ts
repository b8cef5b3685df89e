/**
 * Reads synthesized output (Kubernetes manifests and Helm values files, on disk or in
 * memory) and finds, by content alone, what the simulator needs: Pomerium routes with
 * the release-wide options that apply to them, and Grafana configurations with the
 * files mounted into them. Nothing here looks at construct internals, so the same
 * reader judges a user's own charts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';

/** One parsed YAML document and where it came from. */
export interface SourceDocument {
  /** File path (or construct path) for messages. */
  readonly source: string;
  /**
   * Values documents that a Helm release would combine (`-f a -f b`): documents that
   * share a group are merged per release. Files share the group of their folder.
   */
  readonly group: string;
  readonly doc: Record<string, any>;
}

/** Thrown for output the simulator cannot read (bad YAML, nothing found, an unreadable folder). */
export class SimulatorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorInputError';
  }
}

/**
 * Reads every `*.yaml`/`*.yml` under `target` (a folder, recursively, or one file) and,
 * when given, under `valuesDir`. When `valuesDir` is not given and a folder named
 * `helm-values` sits beside `target`, it is read too (the convention for Helm values
 * written next to the manifests folder).
 */
export function loadSynthesized(target: string, valuesDir?: string): SourceDocument[] {
  const roots = [target];
  if (valuesDir !== undefined) {
    roots.push(valuesDir);
  } else {
    const sibling = path.join(path.dirname(path.resolve(target)), 'helm-values');
    if (fs.existsSync(sibling) && path.resolve(sibling) !== path.resolve(target)) roots.push(sibling);
  }
  const documents: SourceDocument[] = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) throw new SimulatorInputError(`${root} does not exist`);
    for (const file of yamlFiles(root)) {
      documents.push(...parseYamlFile(file, fs.readFileSync(file, 'utf8')));
    }
  }
  if (documents.length === 0) throw new SimulatorInputError(`no YAML documents under ${roots.join(' and ')}`);
  return documents;
}

export function yamlFiles(root: string): string[] {
  if (fs.statSync(root).isFile()) return [root];
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(root, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

/** Parses a multi-document YAML text; empty documents are skipped. */
export function parseYamlFile(file: string, text: string): SourceDocument[] {
  const group = path.dirname(path.resolve(file));
  const out: SourceDocument[] = [];
  for (const parsed of YAML.parseAllDocuments(text)) {
    if (parsed.errors.length > 0) throw new SimulatorInputError(`${file}: not valid YAML (${parsed.errors[0].message})`);
    const doc = parsed.toJSON();
    if (isObject(doc)) out.push({ source: file, group, doc });
  }
  return out;
}

/**
 * The documents an in-memory app or chart would synthesize: each chart's manifests
 * (`toJson()`), and the Helm values of every construct that offers them, through
 * `_helmValuesFiles()` or, on older constructs, the `pomeriumHelmValues` /
 * `grafanaHelmValues` getters.
 */
export function documentsFromConstruct(root: IConstruct): SourceDocument[] {
  const documents: SourceDocument[] = [];
  for (const c of root.node.findAll()) {
    const any = c as any;
    if (typeof any.toJson === 'function' && isChart(c)) {
      for (const doc of any.toJson() as unknown[]) {
        if (isObject(doc)) documents.push({ source: `${c.node.path || '<app>'} (manifest)`, group: `construct:${c.node.path}`, doc });
      }
    }
    if (typeof any._helmValuesFiles === 'function') {
      for (const file of any._helmValuesFiles() as Array<{ fileName: string; values: Record<string, unknown> }>) {
        // Values files of one construct are meant to be combined in one release (same folder).
        if (isObject(file.values)) documents.push({ source: `${c.node.path}/${file.fileName}`, group: `values:${c.node.path}:${path.dirname(file.fileName)}`, doc: file.values });
      }
      continue;
    }
    for (const getter of ['pomeriumHelmValues', 'grafanaHelmValues']) {
      let values: unknown;
      try {
        values = any[getter];
      } catch {
        values = undefined; // a getter that needs options the construct was not given
      }
      if (isObject(values)) documents.push({ source: `${c.node.path}.${getter}`, group: `values:${c.node.path}:${getter}`, doc: values });
    }
  }
  return documents;
}

function isChart(c: IConstruct): boolean {
  // cdk8s Chart without importing the class (a user's copy of cdk8s may differ from ours).
  const proto = Object.getPrototypeOf(c);
  let p = proto;
  while (p) {
    if (p.constructor?.name === 'Chart') return true;
    p = Object.getPrototypeOf(p);
  }
  return false;
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Helm values document carried by a GitOps object, classified like a values file. */
export function expandGitOps(documents: SourceDocument[]): SourceDocument[] {
  const out: SourceDocument[] = [];
  for (const d of documents) {
    out.push(d);
    const { doc } = d;
    const name = `${doc.kind}/${doc.metadata?.namespace ?? ''}/${doc.metadata?.name ?? ''}`;
    // Flux helm-controller: HelmRelease spec.values (helm.toolkit.fluxcd.io).
    if (doc.kind === 'HelmRelease' && isObject(doc.spec?.values)) {
      out.push({ source: `${d.source} ${name} spec.values`, group: `gitops:${d.source}:${name}`, doc: doc.spec.values });
    }
    // Argo CD: Application spec.source(s).helm.valuesObject (argoproj.io/v1alpha1).
    if (doc.kind === 'Application' && String(doc.apiVersion ?? '').startsWith('argoproj.io/')) {
      const sources = [doc.spec?.source, ...(Array.isArray(doc.spec?.sources) ? doc.spec.sources : [])].filter(isObject);
      sources.forEach((s, i) => {
        const values = s.helm?.valuesObject;
        if (isObject(values)) out.push({ source: `${d.source} ${name} helm.valuesObject`, group: `gitops:${d.source}:${name}:${i}`, doc: values });
      });
    }
  }
  return out;
}
