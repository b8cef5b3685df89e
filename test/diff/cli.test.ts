/** `cdk8s-grafana-pomerium diff` as a child process: exit codes, formats, bad input. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { route, synthDir } from './apps';
import { AuthFlow, GrafanaRole, RoleMapping } from '../../src';
import { compileCli } from '../support/compile-cli';

const root = path.resolve(__dirname, '..', '..');
// The CLI is compiled once for the file and run with plain node (a ts-node child costs seconds).
const compiled = compileCli('cli/explain.ts');
afterAll(() => compiled.dispose());
jest.setTimeout(120_000);
const runWith = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [compiled.entry, 'diff', ...args], {
  cwd: root, encoding: 'utf8', env: { ...process.env, ...env },
});
// From the TypeScript sources through ts-node: the worker threads then register ts-node themselves.
const runSourceWith = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'src', 'cli', 'explain.ts'), 'diff', ...args], {
  cwd: root, encoding: 'utf8', env: { ...process.env, ...env },
});
// Small outputs are read in this thread (a worker per side only pays off for a fleet).
const run = (...args: string[]) => runWith({ ACCESS_DIFF_PARALLEL_MIN_FILES: '1000000' }, ...args);

const mapped = (role: GrafanaRole) => route({ authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group: 'sre', role }]) }) });
const viewerDir = synthDir(mapped(GrafanaRole.VIEWER));
const adminDir = synthDir(mapped(GrafanaRole.ADMIN));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'access-diff-cli-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('a role raised exits 1 (widened); the same change backwards exits 0', () => {
  const widening = run(viewerDir, adminDir);
  expect(widening.stderr).toBe('');
  expect(widening.status).toBe(1);
  expect(widening.stdout).toMatch(/^Result: WIDENED \(3 of 3 changes widen access\)$/m);
  expect(widening.stdout).toContain('  WIDENS member of group "sre": role raised Viewer → Admin\n');
  const narrowing = run(adminDir, viewerDir);
  expect(narrowing.status).toBe(0);
  expect(narrowing.stdout).toMatch(/^Result: not widened \(0 of 3 changes widen access\)$/m);
  expect(narrowing.stdout).toContain('         member of group "sre": role lowered Admin → Viewer\n');
});

test('identical outputs: exit 0 and the documented JSON shape with no hosts', () => {
  const r = run(viewerDir, viewerDir, '--json');
  expect(r.status).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(Object.keys(json)).toEqual(['widened', 'changeCount', 'wideningCount', 'hostCounts', 'identities', 'hosts']);
  expect(json).toEqual({
    widened: false,
    changeCount: 0,
    wideningCount: 0,
    hostCounts: { before: 1, after: 1, added: 0, removed: 0, changed: 0, unchanged: 1 },
    identities: { distinct: 0, asked: 0, given: 0, origins: { 'derived': 0, 'near-miss': 0, 'given': 0 } },
    hosts: [],
  });
});

test('--json of a change: every documented key, identities given in a YAML file counted and asked', () => {
  const identities = path.join(scratch, 'identities.yaml');
  fs.writeFileSync(identities, '- sub: u-1\n  email: carol@example.com\n  groups: [sre]\n');
  const r = run(viewerDir, adminDir, '--json', '--identities', identities);
  expect(r.status).toBe(1);
  const json = JSON.parse(r.stdout);
  expect(json.identities.given).toBe(1);
  expect(json.identities.origins.given).toBe(1);
  const [host] = json.hosts;
  expect(Object.keys(host)).toEqual(['host', 'status', 'flowBefore', 'flowAfter', 'identitiesAsked', 'changes']);
  expect(Object.keys(host.changes[0])).toEqual(['kind', 'widened', 'description', 'identity', 'before', 'after', 'decidedBefore', 'decidedAfter']);
  const carol = host.changes.find((c: any) => c.identity?.origin === 'given');
  expect(carol).toMatchObject({
    kind: 'role',
    widened: true,
    before: 'signed in as Viewer',
    after: 'signed in as Admin',
    identity: { label: `carol@example.com (${identities} #1)`, claims: { sub: 'u-1', email: 'carol@example.com', groups: ['sre'] } },
  });
});

test('--markdown prints a table for a pull-request comment', () => {
  const r = run(viewerDir, adminDir, '--markdown');
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/^## Access review\n/);
  expect(r.stdout).toContain('| | Change | Before | After | Decided by (before → after) |\n|---|---|---|---|---|\n| **widens** |');
});

test('bad input exits 2 with one clear line and no stack trace', () => {
  const missing = run(viewerDir, path.join(scratch, 'nope'));
  expect(missing.status).toBe(2);
  expect(missing.stderr).toBe(`cdk8s-grafana-pomerium diff: ${path.join(scratch, 'nope')} does not exist\n`);
  const badIdentities = path.join(scratch, 'bad.json');
  fs.writeFileSync(badIdentities, '{"sub": "u-1"}');
  const notAList = run(viewerDir, adminDir, '--identities', badIdentities);
  expect(notAList.status).toBe(2);
  expect(notAList.stderr).toBe(`cdk8s-grafana-pomerium diff: ${badIdentities} must hold a list of claims sets (or identities: [...])\n`);
  const oneFolder = run(viewerDir);
  expect(oneFolder.status).toBe(2);
  expect(oneFolder.stderr.trim().split('\n')).toHaveLength(1);
  const empty = fs.mkdtempSync(path.join(scratch, 'empty-'));
  const nothing = run(empty, viewerDir);
  expect(nothing.status).toBe(2);
  expect(nothing.stderr).toMatch(/^cdk8s-grafana-pomerium diff: no YAML documents under .*\n$/);
});

test('one worker thread per side (as for a fleet) gives the same report', () => {
  const serial = run(viewerDir, adminDir, '--json');
  const parallel = runWith({ ACCESS_DIFF_PARALLEL_MIN_FILES: '1' }, viewerDir, adminDir, '--json');
  expect(parallel.stderr).toBe('');
  expect(parallel.status).toBe(1);
  expect(JSON.parse(parallel.stdout)).toEqual(JSON.parse(serial.stdout));
  const fromSource = runSourceWith({ ACCESS_DIFF_PARALLEL_MIN_FILES: '1' }, viewerDir, adminDir, '--json');
  expect(fromSource.stderr).toBe('');
  expect(JSON.parse(fromSource.stdout)).toEqual(JSON.parse(serial.stdout));
  const missing = runWith({ ACCESS_DIFF_PARALLEL_MIN_FILES: '1' }, viewerDir, path.join(scratch, 'missing'));
  expect(missing.status).toBe(2);
});
