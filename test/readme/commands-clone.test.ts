import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeBlocks, commandsFor, docFiles, freshCopy, root, RUN_IN_CLONE, runCommand } from './docs';

/**
 * A newcomer's first minutes, in a fresh copy of the repository: the README's first command,
 * then every documented command that runs in a clone (`explain` on what synth wrote, keygen),
 * then every output file the README and docs/ name, checked to exist.
 */
const copy = freshCopy('docs-clone-');
// npx installs the copy's own bins (a link) into its cache: a scratch cache, not the user's.
const env = { npm_config_cache: path.join(path.dirname(copy), 'npm-cache'), npm_config_update_notifier: 'false' };
const outputs: Record<string, string> = {};

afterAll(() => fs.rmSync(path.dirname(copy), { recursive: true, force: true }));

describe('the documented commands in a fresh clone', () => {
  test.each(commandsFor(RUN_IN_CLONE).map((c) => [c.file, c.command]))('%s: `%s`', (_file, command) => {
    const run = command.replace(/^npm ci && /, '');
    outputs[command] = runCommand(run, copy, env);
  }, 300_000);

  test('the first command synthesized every example and compiled the bins', () => {
    const examples = fs.readdirSync(path.join(copy, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(examples.length).toBeGreaterThan(0);
    for (const name of examples) expect(fs.readdirSync(path.join(copy, 'dist', name, 'manifests')).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(copy, 'lib', 'cli', 'explain.js'))).toBe(true);
  });

  test("`explain` printed the README's sample output", () => {
    const explain = Object.keys(outputs).find((c) => c.startsWith('npx cdk8s-grafana-pomerium explain'))!;
    const readme = codeBlocks('text').find((b) => b.file === 'README.md' && b.source.includes('Pomerium: ALLOWED'))!;
    for (const line of readme.source.trim().split('\n')) expect(outputs[explain]).toContain(line);
  });

  test('keygen wrote the files docs/signing-keys.md names', () => {
    for (const file of ['signing-key.pem', 'signing-key.b64', 'signing-key.pub.pem', 'jwks.json']) {
      expect(fs.existsSync(path.join(copy, 'pomerium-keys', file))).toBe(true);
    }
  });

  test('every dist/<example>/… file the docs name exists after synth', () => {
    const named = docFiles().flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8')
      .matchAll(/dist\/([a-z0-9-]+)\/(manifests|helm-values)\/([A-Za-z0-9.-]+\.yaml)/g)].map((m) => m[0]));
    expect(named.length).toBeGreaterThan(0);
    for (const file of named) expect([file, fs.existsSync(path.join(copy, file))]).toEqual([file, true]);
  });

  test("the README's examples table lists every example, with exactly the Helm values files it writes", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `examples\/([a-z0-9-]+)` \|.*\| (.*) \|$/gm)].map((m) => ({
      name: m[1],
      values: [...m[2].matchAll(/`([a-z0-9-]+-values\.yaml)`/g)].map((v) => v[1]).sort(),
    }));
    const examples = fs.readdirSync(path.join(copy, 'dist')).filter((d) => fs.existsSync(path.join(copy, 'examples', d))).sort();
    expect(rows.map((r) => r.name).sort()).toEqual(examples);
    for (const row of rows) {
      const dir = path.join(copy, 'dist', row.name, 'helm-values');
      const written = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
      expect([row.name, written]).toEqual([row.name, row.values]);
    }
  });

  test('every examples/<name> the docs name exists', () => {
    const named = docFiles().flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8')
      .matchAll(/examples\/([a-z0-9-]+)/g)].map((m) => m[1]));
    for (const name of new Set(named)) expect([name, fs.existsSync(path.join(root, 'examples', name, 'main.ts'))]).toEqual([name, true]);
  });
});
