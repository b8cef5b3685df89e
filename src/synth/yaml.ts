import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The `yaml` module cdk8s itself loads (cdk8s bundles its own copy): the bytes can only match
 * `Yaml.stringify` if the same version of the same serializer writes them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const YAML: typeof import('yaml') = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));

/**
 * cdk8s writes YAML 1.1 (`Yaml.stringify` in cdk8s/lib/yaml.js: `keepUndefined`, `lineWidth: 0`,
 * `version: '1.1'`). One schema object serves every document, instead of one built per document.
 */
const SCHEMA_1_1 = new YAML.Schema({ resolveKnownTags: false, schema: 'yaml-1.1' });

/**
 * One document as cdk8s's `Yaml.stringify` writes it, byte for byte, for less work: `yaml` builds a
 * schema per document and walks every node of it looking for `%TAG` directives to print
 * (yaml/dist/doc/directives.js `toString`), and a document built from a value has only the default
 * `!!` handle, which is never printed; `directives: false` skips that walk and prints the same text
 * (no `%YAML` line: `explicit` is false for a document built from a value).
 */
function stringifyDocument(doc: unknown): string {
  if (doc === undefined) return '\n';
  return new YAML.Document(doc, { keepUndefined: true, version: '1.1', schema: SCHEMA_1_1 }).toString({ lineWidth: 0, directives: false });
}

/** What cdk8s's `Yaml.stringify(...docs)` returns, with less work per document. */
export function stringifyYaml(docs: readonly unknown[]): string {
  return docs.map(stringifyDocument).join('---\n');
}

/** What cdk8s's `Yaml.save(file, docs)` writes, with less work per document. */
export function saveYaml(file: string, docs: readonly unknown[]): void {
  fs.writeFileSync(file, stringifyYaml(docs), { encoding: 'utf8' });
}
