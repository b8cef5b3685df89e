/**
 * How fast `explain` reads a fleet's output (`npm run bench:explain`; not part of the tests).
 *
 * Synthesizes examples/fleet with FLEET_TENANTS tenants (default 1,350: about 12,000 YAML
 * documents, the fleet's real output; cached in the OS temp folder per count and example version),
 * then measures, each the median of BENCH_RUNS runs (default 3), wall time and CPU time:
 *   (a) baseline: every document parsed with `yaml` (parseAllDocuments + toJS per file), which
 *       is what the reader did before it split files at `---` and skipped what it never reads;
 *   (b) loadSynthesized(dir): every document the simulator reads, parsed (no host known);
 *   (c) LoginSimulator.simulateDirectory(dir, { host, claims }): what `explain` does for one
 *       tenant's host, reading included (GitOps objects of other hosts stay unparsed).
 * Prints a table and writes benchmark/results/explain-read.json.
 *
 * Environment: FLEET_TENANTS=1350, BENCH_RUNS=3, BENCH_HOST (default: tenant-0's route host).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { discover } from '../src/simulate/discover';
import { loadSynthesized } from '../src/simulate/read-output';
import { LoginSimulator } from '../src/simulate/simulate';

const root = path.resolve(__dirname, '..');
const tenants = Number(process.env.FLEET_TENANTS ?? 1350);
const runs = Number(process.env.BENCH_RUNS ?? 3);
if (!Number.isInteger(tenants) || tenants < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('FLEET_TENANTS and BENCH_RUNS must be positive integers');

function fleetOutput(): string {
  // Cached per tenant count and per version of the example (its output form may change).
  const example = createHash('sha256').update(fs.readFileSync(path.join(root, 'examples', 'fleet', 'main.ts'))).digest('hex').slice(0, 12);
  const out = path.join(os.tmpdir(), `cdk8s-grafana-pomerium-explain-read-${tenants}-${example}`);
  const manifests = path.join(out, 'dist', 'fleet', 'manifests');
  if (!fs.existsSync(path.join(out, 'complete'))) {
    fs.rmSync(out, { recursive: true, force: true });
    process.stdout.write(`synthesizing examples/fleet with ${tenants} tenants into ${out} ...\n`);
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'scripts', 'synth-examples.ts'), 'fleet'], {
      cwd: root, env: { ...process.env, EXAMPLES_OUT: out, FLEET_TENANTS: String(tenants) }, stdio: 'ignore',
    });
    fs.writeFileSync(path.join(out, 'complete'), '');
  }
  return manifests;
}

interface Measure {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function measure(fn: () => unknown): Promise<Measure> {
  const samples: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    samples.push({ wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 });
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wallMs: Math.round(median(samples.map((s) => s.wallMs))), cpuMs: Math.round(median(samples.map((s) => s.cpuMs))) };
}

async function main() {
  const dir = fleetOutput();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const documents = texts.reduce((n, t) => n + t.split(/^---(?=[ \t\r]|$)/m).filter((d) => d.trim() !== '').length, 0);
  // One tenant's host, taken from the output (BENCH_HOST overrides): the example's form may change.
  const host = process.env.BENCH_HOST ?? discover(loadSynthesized(dir)).routes.map((r) => r.host).filter((h) => h.includes('tenant-0'))[0];
  if (!host) throw new Error('no route for tenant-0 in the fleet output: set BENCH_HOST');
  const claims = { sub: 'u-ada', email: 'ada@tenant-0.example', groups: ['tenant-0-grafana-admin'] };

  const baseline = await measure(() => texts.forEach((t) => YAML.parseAllDocuments(t).forEach((d) => d.toJS({ maxAliasCount: 100 }))));
  const read = await measure(() => loadSynthesized(dir));
  const explain = await measure(() => LoginSimulator.simulateDirectory(dir, { host, claims }));
  const verdict = await LoginSimulator.simulateDirectory(dir, { host, claims });

  const rows: Array<[string, Measure]> = [
    ['(a) baseline: parse every document', baseline],
    ['(b) loadSynthesized: documents the simulator reads', read],
    ['(c) simulateDirectory for one host (explain)', explain],
  ];
  process.stdout.write(`\n${documents} documents in ${files.length} files (${tenants} tenants), median of ${runs}, on ${os.cpus().length} CPUs (load ${os.loadavg()[0].toFixed(1)})\n`);
  for (const [label, m] of rows) process.stdout.write(`${label.padEnd(56)} ${String(m.wallMs).padStart(7)} ms wall ${String(m.cpuMs).padStart(7)} ms CPU\n`);
  process.stdout.write(`verdict for ${host}: pomerium ${verdict.pomerium.allowed ? 'allowed' : 'denied'}, grafana ${verdict.grafana.accepted ? `accepted as ${verdict.grafana.role}` : verdict.grafana.error}\n`);
  const result = {
    tenants, files: files.length, documents, runs, cpus: os.cpus().length, loadAverage: Number(os.loadavg()[0].toFixed(1)), node: process.version,
    baseline, loadSynthesized: read, simulateDirectory: explain,
  };
  fs.mkdirSync(path.join(root, 'benchmark', 'results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'benchmark', 'results', 'explain-read.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
