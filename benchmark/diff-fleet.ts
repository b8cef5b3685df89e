/**
 * Access diff benchmark (`npx projen bench:diff`; not part of the tests).
 *
 * Synthesizes a fleet of BENCH_DIFF_TENANTS (default 2,000) real `GrafanaFleet` tenants with
 * `FleetApp` (the platform chart and tenants of benchmark/fleet-synth.ts, Flux HelmReleases
 * carrying the Helm values), then times `AccessDiff.compare` — what `cdk8s-grafana-pomerium
 * diff` runs — in a child process per scenario (fresh heap, one thread of JavaScript):
 *   (a) one tenant added: the same fleet with one tenant more, synthesized (one tenant file
 *       more; on the Ingress Controller form the platform file does not change);
 *   (b) every tenant changed: each tenant's role mapping gives its viewer group Editor instead
 *       of Viewer (the output edited as a hand edit would), so every host is asked.
 * (a) differs in one file, so it runs in one thread (a file both sides hold is parsed once);
 * (b) differs in every tenant file, so each side is read and judged in a worker thread of its
 * own; (b) is also run in one thread. CPU seconds count every thread of the process (worker
 * start-up included: here ts-node compiles the simulator again in each worker).
 * Prints wall and CPU seconds per scenario and writes benchmark/results/diff-fleet.json.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AccessDiff } from '../src';
import { FleetApp } from '../src/synth/fleet-app';
import { buildFleet } from './fleet-synth';

interface Measure {
  readonly scenario: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
  readonly hostCounts: Record<string, number>;
  readonly identities: { distinct: number; asked: number };
  readonly changes: number;
  readonly widening: number;
}

function synthFleet(dir: string, tenants: number): void {
  const app = new FleetApp({ outdir: path.join(dir, 'manifests') });
  buildFleet(app, tenants);
  app.synth();
}

/** The child: one diff, measured from inside (no TypeScript compile in the figure). */
async function child(before: string, after: string, scenario: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const report = await AccessDiff.compare(before, after);
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const m: Measure = {
    scenario,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    hostCounts: report.hostCounts,
    identities: { distinct: report.identities.distinct, asked: report.identities.asked },
    changes: report.changeCount,
    widening: report.wideningCount,
  };
  process.stdout.write(JSON.stringify(m) + '\n');
}

function parent(): void {
  const tenants = Number(process.env.BENCH_DIFF_TENANTS ?? 2000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-bench-'));
  try {
    const before = path.join(work, 'before');
    const added = path.join(work, 'added');
    const changed = path.join(work, 'changed');
    let t = Date.now();
    synthFleet(before, tenants);
    synthFleet(added, tenants + 1);
    console.log(`synthesized ${tenants} and ${tenants + 1} tenants in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    fs.cpSync(before, changed, { recursive: true });
    for (const file of fs.readdirSync(path.join(changed, 'manifests')).filter((f) => f.startsWith('tenant-'))) {
      const p = path.join(changed, 'manifests', file);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').split("-grafana-viewer') && 'Viewer'").join("-grafana-viewer') && 'Editor'"));
    }
    // The default (a worker thread per side when many files differ), and (b) again in one thread.
    const oneThread = { ACCESS_DIFF_PARALLEL_MIN_FILES: '100000000' };
    const scenarios: Array<[string, string, Record<string, string>]> = [
      ['(a) one tenant added', added, {}], ['(b) every tenant changed', changed, {}], ['(b) every tenant changed, one thread', changed, oneThread],
    ];
    const results: Measure[] = [];
    for (const [name, after, env] of scenarios) {
      const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, 'child', path.join(before, 'manifests'), path.join(after, 'manifests'), name], {
        encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env },
      });
      results.push(JSON.parse(out.trim().split('\n').pop()!));
    }
    const lines = [`Access diff of a ${tenants}-tenant fleet (node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end):`];
    for (const r of results) {
      lines.push(`- ${r.scenario}: ${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU, ${r.maxRssMiB.toFixed(0)} MiB peak RSS; `
        + `hosts ${r.hostCounts.before} → ${r.hostCounts.after} (${r.hostCounts.changed} changed, ${r.hostCounts.added} added); `
        + `${r.identities.asked} host × identity questions per side; ${r.changes} changes, ${r.widening} widening`);
    }
    console.log(lines.join('\n'));
    const results_ = path.join(__dirname, 'results');
    fs.mkdirSync(results_, { recursive: true });
    fs.writeFileSync(path.join(results_, 'diff-fleet.json'), JSON.stringify({
      node: process.version, cores: os.cpus().length, loadAverage: os.loadavg()[0], tenants, results,
    }, null, 2) + '\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.argv[2] === 'child') {
    child(process.argv[3], process.argv[4], process.argv[5]).catch((e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    });
  } else {
    parent();
  }
}
