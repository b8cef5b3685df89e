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
 * YAML aliases one document may expand. The `yaml` package's own default: more means a
 * billion-laughs file (or something built like one), which the simulator refuses.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * Manifest kinds the simulator reads (discover.ts): every other document with a top-level
 * `apiVersion` and `kind` is skipped without being parsed, which is most of a fleet's output
 * (NetworkPolicies, VirtualServices, Keycloak objects, ...). Values documents (no
 * `apiVersion`/`kind`) are always parsed.
 */
export const MANIFEST_KINDS_READ: ReadonlySet<string> = new Set([
  'ConfigMap', 'Secret', 'Ingress', 'Pomerium', 'Deployment', 'StatefulSet', 'Grafana', 'HelmRelease', 'Application',
]);

/**
 * Reads every `*.yaml`/`*.yml` under `target` (a folder, recursively, or one file) and,
 * when given, under `valuesDir`. When `valuesDir` is not given and a folder named
 * `helm-values` sits beside `target`, it is read too (the convention for Helm values
 * written next to the manifests folder).
 *
 * `onlyHost`: the simulator judges one host, so a GitOps object (Flux HelmRelease, Argo CD
 * Application) or an Ingress whose text never names that host is skipped unparsed: it can
 * hold neither a route for the host nor a Grafana whose root_url is the host
 * (HOST_SCOPED_KINDS). Everything else is read as without it.
 */
export function loadSynthesized(target: string, valuesDir?: string, onlyHost?: string): SourceDocument[] {
  const roots = [target];
  if (valuesDir !== undefined) {
    roots.push(valuesDir);
  } else {
    const sibling = path.join(path.dirname(path.resolve(target)), 'helm-values');
    if (fs.existsSync(sibling) && path.resolve(sibling) !== path.resolve(target)) roots.push(sibling);
  }
  const documents: SourceDocument[] = [];
  for (const root of roots) {
    for (const file of yamlFiles(root)) {
      for (const d of parseYamlFile(file, readInputFile(file, 'manifest file'), onlyHost)) documents.push(d);
    }
  }
  // Nothing names the host: read everything, to tell an empty folder from a host it does not serve.
  if (documents.length === 0 && onlyHost !== undefined) return loadSynthesized(target, valuesDir);
  if (documents.length === 0) throw new SimulatorInputError(`no YAML documents under ${roots.join(' and ')}`);
  return documents;
}

/**
 * Reads a file the user pointed at (or one found in their folder), turning every way it can
 * fail into one sentence: missing, a dangling or looping symbolic link, a folder, unreadable.
 */
export function readInputFile(file: string, what: string): string {
  try {
    inputStat(file, what);
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof SimulatorInputError) throw e;
    throw new SimulatorInputError(`cannot read ${what} ${file}: ${describeFsError(e)}`);
  }
}

/** fs.statSync with the failure in words (a dangling symlink names its target). */
export function inputStat(file: string, what: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch (e) {
    let link: string | undefined;
    try {
      link = fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : undefined;
    } catch {
      link = undefined;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (link !== undefined && code === 'ENOENT') throw new SimulatorInputError(`${what} ${file} is a dangling symbolic link (to ${link}, which does not exist)`);
    if (code === 'ENOENT') throw new SimulatorInputError(`${what} ${file} does not exist`);
    throw new SimulatorInputError(`cannot read ${what} ${file}: ${describeFsError(e)}`);
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR': return 'it is a folder, not a file';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'a loop of symbolic links';
    case 'ENOENT': return 'it does not exist';
    default: return code ?? firstLine((e as Error).message);
  }
}

function firstLine(text: string): string {
  return String(text).split(/\r?\n/, 1)[0];
}

export function yamlFiles(root: string): string[] {
  if (!inputStat(root, 'the output folder or file').isDirectory()) return [root];
  let entries: string[];
  try {
    entries = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[];
  } catch (e) {
    throw new SimulatorInputError(`cannot read the folder ${root}: ${describeFsError(e)}`);
  }
  return entries
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(root, f))
    // A FIFO or socket named *.yaml is not output; a dangling link is refused by inputStat.
    .filter((f) => inputStat(f, 'manifest file').isFile())
    .sort();
}

/**
 * Kinds whose every route or Grafana names its host in the document itself: a GitOps object's
 * values form a release of their own, and an Ingress' routes are its rules' hosts (the
 * Ingress Controller's global options live in the `Pomerium` object, always read).
 */
const HOST_SCOPED_KINDS: ReadonlySet<string> = new Set(['HelmRelease', 'Application', 'Ingress']);

/** A `---` document marker at the start of a line (YAML 1.2, c-directives-end): it ends any scalar. */
const DOCUMENT_MARKER = /^---(?=[ \t\r]|$)/gm;
/** What the fast split does not handle: directives (`%YAML`) and document-end markers (`...`). */
const NEEDS_FULL_PARSE = /^(?:%|\.\.\.(?:[ \t\r]|$))/m;
/** A top-level `kind:` with a plain name (column 0 is always a top-level key in valid YAML). */
const TOP_LEVEL_KIND = /^kind:[ \t]*(["']?)([A-Za-z][A-Za-z0-9]*)\1[ \t]*(?:#.*)?\r?$/m;
const TOP_LEVEL_API_VERSION = /^apiVersion:[ \t]*\S/m;

/**
 * Parses a multi-document YAML text; empty documents are skipped, and so are documents
 * whose top-level `kind` the simulator never reads (MANIFEST_KINDS_READ), without parsing
 * them: the text is cut at `---` markers and only the documents that matter are parsed.
 * Refuses (SimulatorInputError, one line naming file and line) invalid YAML and documents
 * with more than MAX_YAML_ALIASES aliases.
 */
export function parseYamlFile(file: string, text: string, onlyHost?: string): SourceDocument[] {
  const group = path.dirname(path.resolve(file));
  const out: SourceDocument[] = [];
  const host = onlyHost?.toLowerCase();
  for (const { offset, chunk } of documentChunks(text)) {
    const kind = topLevelKind(chunk);
    if (kind !== undefined && !MANIFEST_KINDS_READ.has(kind)) continue;
    if (host !== undefined && HOST_SCOPED_KINDS.has(kind ?? '') && !chunk.toLowerCase().includes(host)) continue;
    for (const doc of parseChunk(file, text, offset, chunk)) {
      if (isObject(doc)) out.push({ source: file, group, doc });
    }
  }
  return out;
}

function documentChunks(text: string): Array<{ offset: number; chunk: string }> {
  if (NEEDS_FULL_PARSE.test(text)) return [{ offset: 0, chunk: text }];
  const starts = [0];
  DOCUMENT_MARKER.lastIndex = 0;
  for (let m = DOCUMENT_MARKER.exec(text); m !== null; m = DOCUMENT_MARKER.exec(text)) if (m.index > 0) starts.push(m.index);
  return starts.map((start, i) => ({ offset: start, chunk: text.slice(start, starts[i + 1] ?? text.length) }));
}

/** The manifest kind of a document, read from its text; undefined when it is not plainly a manifest. */
function topLevelKind(chunk: string): string | undefined {
  const kind = TOP_LEVEL_KIND.exec(chunk);
  if (kind === null || !TOP_LEVEL_API_VERSION.test(chunk)) return undefined;
  // A second top-level kind is a duplicate key: let the parser report it.
  return chunk.indexOf('\nkind:', kind.index + 1) < 0 ? kind[2] : undefined;
}

function parseChunk(file: string, text: string, offset: number, chunk: string): unknown[] {
  const where = (pos: number | undefined) => `${file}:${lineAt(text, offset + (pos ?? 0))}`;
  let parsed: YAML.Document.Parsed[];
  try {
    parsed = YAML.parseAllDocuments(chunk, { prettyErrors: false }) as YAML.Document.Parsed[];
  } catch (e) {
    throw new SimulatorInputError(`${where(0)}: not valid YAML (${firstLine((e as Error).message)})`);
  }
  const docs: unknown[] = [];
  for (const document of Array.isArray(parsed) ? parsed : []) {
    if (document.errors.length > 0) {
      const error = document.errors[0];
      throw new SimulatorInputError(`${where(error.pos?.[0])}: not valid YAML (${firstLine(error.message)})`);
    }
    try {
      docs.push(document.toJS({ json: true, maxAliasCount: MAX_YAML_ALIASES }));
    } catch (e) {
      if (/alias/i.test((e as Error).message)) {
        throw new SimulatorInputError(`${where(document.range?.[0] ?? 0)}: more than ${MAX_YAML_ALIASES} YAML aliases in one document (the shape of a billion-laughs attack): refused`);
      }
      throw new SimulatorInputError(`${where(document.range?.[0] ?? 0)}: not valid YAML (${firstLine((e as Error).message)})`);
    }
  }
  return docs;
}

/** 1-based line of a character offset (only computed for error messages). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
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
