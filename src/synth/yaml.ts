import * as fs from 'node:fs';
import * as path from 'node:path';
import * as LibraryYAML from 'yaml';

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
  return writeBlockDocument(doc, CDK8S_1_1) ?? new YAML.Document(doc, { keepUndefined: true, version: '1.1', schema: SCHEMA_1_1 }).toString({ lineWidth: 0, directives: false });
}

/**
 * Most of a synth is spent in `yaml` building a node tree per document and stringifying it. Kubernetes
 * objects are plain maps, lists and one-line scalars, which `yaml` (2.x defaults, cdk8s's options) lays
 * out in a fixed way: `key: value`, nested collections on the next lines two spaces deeper, list items
 * as `- ` at their key's indentation plus two, a map in a list starting on the `- ` line, `{}` and `[]`
 * for empty ones. This writes such documents directly; the text of each scalar that is not a plain
 * word is `yaml`'s own. Anything else (a multi-line string, a key that is not a plain word, an object
 * that is not a plain object or array, an object reached twice, which `yaml` writes as an alias)
 * returns undefined and the whole document goes through `yaml`. Tested against `Yaml.stringify`.
 */
function writeBlockDocument(doc: unknown, dialect: Dialect): string | undefined {
  if (!isPlainMap(doc) || Object.keys(doc).length === 0) return undefined;
  const out: string[] = [];
  return writeMap(doc, '', false, out, new Set(), dialect) ? out.join('') : undefined;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Writes a non-empty map's pairs at `indent`; the first one on the current line when `inline` (a list item). */
function writeMap(map: Record<string, unknown>, indent: string, inline: boolean, out: string[], seen: Set<object>, dialect: Dialect): boolean {
  if (seen.has(map)) return false;
  seen.add(map);
  let first = true;
  for (const key of Object.keys(map)) {
    if (key.length > 1024 || plainScalar(key, dialect) !== key) return false;
    out.push(first && inline ? '' : indent, key, ':');
    first = false;
    if (!writeValue(map[key], indent + '  ', out, seen, dialect)) return false;
  }
  return true;
}

/** Writes what follows `key:` or `-`: ` scalar`, ` {}`, ` []`, or a newline and the collection at `indent`. */
function writeValue(value: unknown, indent: string, out: string[], seen: Set<object>, dialect: Dialect): boolean {
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        out.push(' []\n');
        return true;
      }
      out.push('\n');
      return writeList(value, indent, out, seen, dialect);
    }
    if (!isPlainMap(value)) return false;
    if (Object.keys(value).length === 0) {
      out.push(' {}\n');
      return true;
    }
    out.push('\n');
    return writeMap(value, indent, false, out, seen, dialect);
  }
  const scalar = typeof value === 'string' && value.includes('\n') ? blockLiteral(value, indent) : scalarText(value, dialect);
  if (scalar === undefined) return false;
  out.push(' ', scalar, '\n');
  return true;
}

/** Characters that make `yaml` double-quote a string (stringifyString.js `stringifyString`). */
const FORCES_DOUBLE_QUOTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/**
 * A multi-line string as `yaml` writes it as a map value or list item with `lineWidth: 0`, whose
 * lines sit at `indent`: a literal block (`blockString` in yaml/dist/stringify/stringifyString.js:
 * no folding when there is no line width, `|` when the text ends in exactly one newline, `|-` when
 * it ends in none, every run of newlines followed by the indent). The common shapes only: a string
 * starting with a space or newline (indentation indicator), ending in a space, tab or more than one
 * newline (`|+`, quoting), or holding characters `yaml` double-quotes returns undefined, and the
 * whole document goes through `yaml`.
 */
function blockLiteral(value: string, indent: string): string | undefined {
  const first = value.charCodeAt(0);
  if (first === 0x20 || first === 0x0a || first === 0x09 || FORCES_DOUBLE_QUOTES.test(value)) return undefined;
  let body = value;
  let chomp = '-';
  if (body.endsWith('\n')) {
    body = body.slice(0, -1);
    chomp = '';
  }
  const last = body.charCodeAt(body.length - 1);
  if (body.length === 0 || last === 0x0a || last === 0x20 || last === 0x09) return undefined;
  return `|${chomp}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

function writeList(list: unknown[], indent: string, out: string[], seen: Set<object>, dialect: Dialect): boolean {
  if (seen.has(list)) return false;
  seen.add(list);
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) return false;
    const item = list[i];
    if (isPlainMap(item) && Object.keys(item).length > 0) {
      out.push(indent, '- ');
      if (!writeMap(item, indent + '  ', true, out, seen, dialect)) return false;
    } else if (item !== null && typeof item === 'object' && !(Array.isArray(item) ? item.length === 0 : isPlainMap(item))) {
      return false; // a list in a list, or not a plain object
    } else {
      out.push(indent, '-');
      if (!writeValue(item, indent + '  ', out, seen, dialect)) return false;
    }
  }
  return true;
}

/** Words `yaml` writes as they are, unless the schema would read them as something else (checked below). */
const PLAIN_WORD = /^[A-Za-z0-9_/][A-Za-z0-9_./:@=+-]*$/;
/**
 * One serializer and schema: the tags other than str its schema reads a plain scalar as (bool, null,
 * int, float, timestamp...), how it writes `{ k: value }` alone, and the scalar texts learnt from it.
 */
interface Dialect {
  readonly nonStringTags: readonly { readonly test?: RegExp }[];
  readonly writeAlone: (value: unknown) => string;
  readonly scalarTexts: Map<unknown, string | undefined>;
  /** Whether a string is written plain, by string. */
  readonly plainWords: Map<string, boolean>;
}

function dialectOf(tags: readonly { default?: unknown; tag: string; test?: RegExp }[], writeAlone: (value: unknown) => string): Dialect {
  const nonStringTags = tags.filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test !== undefined);
  return { nonStringTags, writeAlone, scalarTexts: new Map(), plainWords: new Map() };
}

/** cdk8s's `Yaml.stringify`: YAML 1.1 through cdk8s's own copy of `yaml`. */
const CDK8S_1_1 = dialectOf(SCHEMA_1_1.tags, (value) =>
  new YAML.Document(value, { version: '1.1', schema: SCHEMA_1_1 }).toString({ lineWidth: 0, directives: false }));

/** `YAML.stringify(value, { lineWidth: 0 })` of the `yaml` this library depends on: YAML 1.2, core schema. */
const LIBRARY_1_2 = dialectOf(new LibraryYAML.Document(null).schema.tags, (value) => LibraryYAML.stringify(value, { lineWidth: 0 }));

/** `value` itself when `yaml` writes the string as a plain scalar anywhere in a block collection. */
function plainScalar(value: string, dialect: Dialect): string | undefined {
  // The same keys and many of the same values come back in every object: one lookup instead of a
  // dozen regular expressions each time.
  const known = dialect.plainWords.get(value);
  if (known !== undefined) return known ? value : undefined;
  const plain = PLAIN_WORD.test(value) && !value.endsWith(':') && !dialect.nonStringTags.some((t) => t.test!.test(value));
  if (dialect.plainWords.size > 50_000) dialect.plainWords.clear();
  dialect.plainWords.set(value, plain);
  return plain ? value : undefined;
}

/** `yaml`'s text of the one-line scalars it writes the same at any depth (quoted strings, numbers, booleans, null). */
function scalarText(value: unknown, dialect: Dialect): string | undefined {
  if (typeof value === 'string') {
    const plain = plainScalar(value, dialect);
    if (plain !== undefined) return plain;
    // A line starting like a document marker is written differently at the top level: let yaml do it.
    if (value.includes('\n') || /^(%|---|\.\.\.)/.test(value)) return undefined;
  } else if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  } else if (value !== null) {
    return undefined; // undefined, bigint, symbol, function: yaml's rules
  }
  const scalarTexts = dialect.scalarTexts;
  let text = scalarTexts.get(value);
  if (text === undefined && !scalarTexts.has(value)) {
    // As the value of a key in a map at the top of a document: `k: <text>\n`.
    const written = dialect.writeAlone({ k: value });
    text = written.startsWith('k: ') && written.indexOf('\n') === written.length - 1 ? written.slice(3, -1) : undefined;
    if (scalarTexts.size > 10_000) scalarTexts.clear();
    scalarTexts.set(value, text);
  }
  return text;
}

/** What cdk8s's `Yaml.stringify(...docs)` returns, with less work per document. */
export function stringifyYaml(docs: readonly unknown[]): string {
  return docs.map(stringifyDocument).join('---\n');
}

/**
 * What `YAML.stringify(value, { lineWidth: 0 })` of the library's own `yaml` (YAML 1.2) returns,
 * for less work: the same direct writer as for cdk8s's documents, with that serializer's schema.
 */
export function stringifyYaml12(value: unknown): string {
  return writeBlockDocument(value, LIBRARY_1_2) ?? LibraryYAML.stringify(value, { lineWidth: 0 });
}

/** What cdk8s's `Yaml.save(file, docs)` writes, with less work per document. */
export function saveYaml(file: string, docs: readonly unknown[]): void {
  fs.writeFileSync(file, stringifyYaml(docs), { encoding: 'utf8' });
}
