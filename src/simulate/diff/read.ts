/**
 * Reads one side of the diff: every `*.yaml`/`*.yml` under the folder (recursively) and a
 * `helm-values` folder beside it, as the simulator's reader (read-output.ts) does. The diff
 * reads the isolation objects (NetworkPolicy, AuthorizationPolicy, PeerAuthentication) that
 * the simulator does not, so it parses its own documents; it skips kinds no verdict and no
 * isolation check reads, and parses a file both sides hold byte for byte once.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { isObject, SimulatorInputError, SourceDocument, yamlFiles } from '../read-output';

/**
 * Kinds neither a verdict nor the isolation check reads (Keycloak objects, Istio routing,
 * Flux sources, certificates, Services): not parsed. A deny list, so that a kind the
 * simulator learns to read later is never skipped here by mistake.
 */
const IRRELEVANT_KINDS = new Set(['KeycloakClient', 'KeycloakClientScope', 'KeycloakRealmGroup', 'KeycloakRealmUser', 'KeycloakRealm',
  'ClusterKeycloakRealm', 'ClusterKeycloak', 'VirtualService', 'Gateway', 'ServiceEntry', 'DestinationRule', 'HelmRepository',
  'OCIRepository', 'GitRepository', 'Certificate', 'ClusterIssuer', 'Issuer', 'Service', 'ServiceAccount', 'Namespace']);

/** Parsed documents by the SHA-256 of a file's text: shared between the two sides. */
export type ParseCache = Map<string, Array<Record<string, any>>>;

/** The documents of one side (a folder or one file, plus `helm-values/` beside a folder). */
export function readSide(target: string, cache: ParseCache = new Map()): SourceDocument[] {
  const roots = [target];
  const sibling = path.join(path.dirname(path.resolve(target)), 'helm-values');
  if (fs.existsSync(sibling) && path.resolve(sibling) !== path.resolve(target)) roots.push(sibling);
  const documents: SourceDocument[] = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) throw new SimulatorInputError(`${root} does not exist`);
    for (const file of yamlFiles(root)) {
      const text = fs.readFileSync(file, 'utf8');
      const digest = crypto.createHash('sha256').update(text).digest('hex');
      let docs = cache.get(digest);
      if (!docs) {
        docs = parseRelevant(file, text);
        cache.set(digest, docs);
      }
      // Values files of one folder form one release, as read-output.ts groups them.
      const group = path.dirname(path.resolve(file));
      for (const doc of docs) documents.push({ source: file, group, doc });
    }
  }
  if (documents.length === 0) throw new SimulatorInputError(`no YAML documents under ${roots.join(' and ')}`);
  return documents;
}

/**
 * The documents of a multi-document YAML text, without those of IRRELEVANT_KINDS. The text
 * is cut at `---` lines only when it has no directives or document-end markers; each
 * document then parses alone as it does in its file.
 */
export function parseRelevant(file: string, text: string): Array<Record<string, any>> {
  const chunks = /^(?:%|\.\.\.(?:[ \t\r]|$))/m.test(text) ? [text] : text.split(/^---(?=[ \t\r]|$).*$/m);
  const out: Array<Record<string, any>> = [];
  for (const chunk of chunks) {
    const kind = /^kind:[ \t]*["']?([A-Za-z][A-Za-z0-9]*)["']?[ \t]*\r?$/m.exec(chunk)?.[1];
    if (kind !== undefined && IRRELEVANT_KINDS.has(kind) && /^apiVersion:/m.test(chunk)) continue;
    for (const parsed of YAML.parseAllDocuments(chunk)) {
      if (parsed.errors.length > 0) throw new SimulatorInputError(`${file}: not valid YAML (${parsed.errors[0].message.split('\n')[0]})`);
      const doc = parsed.toJSON();
      if (isObject(doc)) out.push(doc);
    }
  }
  return out;
}
