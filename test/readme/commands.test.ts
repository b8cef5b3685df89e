import * as fs from 'node:fs';
import * as path from 'node:path';
import { docFiles, NOT_RUN, RUN_IN_APP, RUN_IN_CLONE, root, shellCommands } from './docs';

/**
 * Every command of every ```sh block in the README and docs/ is either run by a test
 * (commands-clone.test.ts, commands-tarball.test.ts) or listed in NOT_RUN with its reason.
 */
describe('documented shell commands', () => {
  const commands = shellCommands();

  test('the README starts with the two commands, install + synth and install + test', () => {
    expect(commands.filter((c) => c.file === 'README.md').slice(0, 2).map((c) => c.command))
      .toEqual(['npm ci && npm run synth', 'npm ci && npm test']);
  });

  test.each(commands.map((c) => [c.file, c.command]))('%s: `%s` is run by a test or excused', (_file, command) => {
    const runners = [...RUN_IN_CLONE, ...RUN_IN_APP].filter((r) => r.pattern.test(command));
    const excuses = NOT_RUN.filter((r) => r.pattern.test(command));
    // Exactly one decision per command: run (by one runner) or not run (with its reason).
    expect(runners.length + excuses.length).toBe(1);
  });

  test('.ci/run calls exactly the README test command', () => {
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    expect(ci.split('\n')).toContain('npm ci && npm test');
  });
});

/**
 * Guides written on other branches at the same time as this test; the README links them
 * already. Once they are merged this list is empty (a test below says when an entry is stale).
 */
describe('links between the README and docs/', () => {
  const links = docFiles().flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)\s]*)?\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ file, target: path.relative(root, path.resolve(root, path.dirname(file), target)) })));

  test.each(links.map((l) => [l.file, l.target]))('%s links %s, which exists', (_file, target) => {
    expect(fs.existsSync(path.join(root, target))).toBe(true);
  });
});
