import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeBlocks, commandsFor, freshCopy, RUN_IN_APP, runCommand } from './docs';

/**
 * The README's install path, as a user follows it: pack the tarball in a fresh copy of the
 * repository, install it into a new folder with its peers and the TypeScript the README
 * names (from the registry: this is what a user's install resolves), save the first quick
 * start as main.ts and run `npx ts-node main.ts` (type-checked, as a user runs it).
 */
const copy = freshCopy('docs-tarball-');
const app = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-app-'));
// Quiet, and fast on a warm cache; nothing here changes what gets installed.
const env = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

afterAll(() => {
  fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  fs.rmSync(app, { recursive: true, force: true });
});

describe('the packed tarball in a new app', () => {
  test.each(commandsFor(RUN_IN_APP).map((c) => [c.file, c.command]))('%s: `%s`', (_file, command) => {
    if (command.startsWith('npm ci && ')) {
      runCommand(command.replace(/^npm ci && /, ''), copy, env);
    } else {
      runCommand(command.split('/path/to/clone/').join(`${copy}/`), app, env);
    }
  }, 300_000);

  test('the tarball is the file the README installs', () => {
    const installs = commandsFor(RUN_IN_APP).map((c) => c.command).join('\n');
    const tarball = /\/path\/to\/clone\/(dist\/js\/\S+\.tgz)/.exec(installs)![1];
    expect(fs.readdirSync(path.join(copy, 'dist', 'js'))).toContain(path.basename(tarball));
  });

  test('the app has the TypeScript the README names', () => {
    const readme = fs.readFileSync(path.join(copy, 'README.md'), 'utf8');
    const named = /`typescript@~(\d+\.\d+)\.\d+`/.exec(readme)![1];
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'typescript', 'package.json'), 'utf8')).version as string;
    expect(installed.startsWith(`${named}.`)).toBe(true);
  });

  test('the first quick start runs with `npx ts-node main.ts` and writes dist/ and helm-values/', () => {
    const readme = fs.readFileSync(path.join(copy, 'README.md'), 'utf8');
    expect(readme).toContain('run it with `npx ts-node main.ts`');
    fs.writeFileSync(path.join(app, 'main.ts'), codeBlocks('ts')[0].source);
    runCommand('npx ts-node main.ts', app, env);
    expect(fs.readdirSync(path.join(app, 'dist'))).toEqual(['grafana.k8s.yaml']);
    expect(fs.readdirSync(path.join(app, 'helm-values'))).toEqual(['grafana-values.yaml']);
    expect(fs.readFileSync(path.join(app, 'dist', 'grafana.k8s.yaml'), 'utf8')).toContain('ingressClassName: pomerium');
  }, 120_000);

  test("every snippet of the README and docs/ type-checks against the packed package's declarations", () => {
    const blocks = codeBlocks('ts');
    fs.mkdirSync(path.join(app, 'snippets'));
    blocks.forEach((b, i) => fs.writeFileSync(path.join(app, 'snippets', `snippet-${i + 1}.ts`), b.source));
    fs.writeFileSync(path.join(app, 'tsconfig.snippets.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, include: ['snippets/*.ts'] }));
    expect(runCommand('npx tsc -p tsconfig.snippets.json', app, env)).toBe('');
  }, 120_000);
});
