/**
 * Fleet synth speed as users meet it (`npm run bench`; never part of `npm test`).
 *
 * Two whole processes, timed from the outside by GNU time (`/usr/bin/time -f`), at each
 * tenant count:
 *   fleet  `node .examples-build/examples/fleet/main.js` with FLEET_TENANTS=N (the compiled
 *          example, as `cdk8s synth` runs it, library loading included)
 *   floor  `node floor.js`: plain cdk8s, one `App`, one `Chart`, and the fleet's own documents
 *          as raw `ApiObject`s, written by `app.synth()`. Nothing else: no library, no checks.
 * The floor is generated from the fleet's output at the same N: the platform chart's objects are
 * embedded as JSON, and tenant 0's objects become a JavaScript function of the tenant index
 * (every `tenant-0` in a string becomes `tenant-${i}`), so the floor builds its objects as a
 * user's code would and writes the same number of documents. Before timing, the floor's
 * documents are compared with the fleet's (same count; the bytes are reported).
 *
 * Timing: one warm-up pair, then BENCH_PAIRS pairs (default 5) that alternate which process goes
 * first, so a neighbour's load falls on both sides alike. Reported: medians and ranges of wall and
 * CPU (user + sys) seconds, the pairwise ratios fleet/floor (the headline), peak RSS, total output
 * bytes and, from the fleet's output, the largest object of each kind in bytes of YAML.
 *
 *   npm run bench                                    # 2,000 and 10,000 tenants, 5 pairs
 *   BENCH_TENANTS=2000 BENCH_PAIRS=3 npm run bench   # a quicker look
 *
 * Writes benchmark/results/fleet-bench-<tenants>.json and .md (the table), e.g. fleet-bench-2000-10000.md.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const FLEET_MAIN = path.join(ROOT, '.examples-build', 'examples', 'fleet', 'main.js');
const GNU_TIME = '/usr/bin/time';
/** The name tenant 0 carries in the example (`tenant-${i}` for FLEET_TENANTS=N). */
const TENANT0 = 'tenant-0';

type Side = 'fleet' | 'floor';

interface Run {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly maxRssMiB: number;
}

interface Range { readonly median: number; readonly min: number; readonly max: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function range(xs: number[]): Range {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Runs `node <script>` once under GNU time; the output goes to `outdir` (emptied first). */
function run(script: string, tenants: number, outdir: string): Run {
  fs.rmSync(outdir, { recursive: true, force: true });
  // Deleting thousands of files leaves work for the file system that would land on the next
  // process timed: flushed here, outside the measurement.
  execFileSync('sync');
  fs.mkdirSync(outdir, { recursive: true });
  const report = path.join(os.tmpdir(), `fleet-bench-time-${process.pid}.txt`);
  const env = { ...process.env, FLEET_TENANTS: String(tenants), CDK8S_OUTDIR: outdir };
  // %e wall seconds, %U user, %S system (all threads, whole process), %M peak RSS in KiB.
  execFileSync(GNU_TIME, ['-o', report, '-f', '%e %U %S %M', process.execPath, script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const [wall, user, system, rssKiB] = fs.readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(report, { force: true });
  return { wallSeconds: wall, userSeconds: user, systemSeconds: system, cpuSeconds: user + system, maxRssMiB: rssKiB / 1024 };
}

/** Every YAML file in `dir`, in the order the fleet writes its charts: platform first, then tenants by index. */
function outputFiles(dir: string): string[] {
  const index = (f: string) => {
    const m = /tenant-(\d+)\.k8s\.yaml$/.exec(f);
    return m ? Number(m[1]) : -1;
  };
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort((a, b) => index(a) - index(b) || a.localeCompare(b)).map((f) => path.join(dir, f));
}

/** The documents of a cdk8s YAML file, as cdk8s joins them. */
function documents(text: string): string[] {
  return text.split(/^---\n/m).filter((d) => d.trim() !== '');
}

function totalBytes(dir: string): number {
  return outputFiles(dir).reduce((n, f) => n + fs.statSync(f).size, 0);
}

/** The largest document of each kind, in bytes of YAML. */
function largestPerKind(dir: string): Record<string, { bytes: number; name: string; file: string }> {
  const largest: Record<string, { bytes: number; name: string; file: string }> = {};
  for (const file of outputFiles(dir)) {
    for (const doc of documents(fs.readFileSync(file, 'utf8'))) {
      const kind = /^kind: (.*)$/m.exec(doc)?.[1] ?? '(none)';
      const bytes = Buffer.byteLength(doc);
      if (!largest[kind] || bytes > largest[kind].bytes) {
        largest[kind] = { bytes, name: /^ {2}name: (.*)$/m.exec(doc)?.[1] ?? '', file: path.basename(file) };
      }
    }
  }
  return Object.fromEntries(Object.entries(largest).sort(([a], [b]) => a.localeCompare(b)));
}

/** JavaScript source for `value`, where every string naming tenant 0 becomes a template literal of `i`. */
function source(value: unknown): string {
  if (typeof value === 'string') {
    if (!value.includes(TENANT0)) return JSON.stringify(value);
    return '`' + value.split(TENANT0).map((part) => part.replace(/[`\\$]/g, (c) => '\\' + c)).join('tenant-${i}') + '`';
  }
  if (Array.isArray(value)) return `[${value.map(source).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${source(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Writes the floor script for the fleet output in `dir`: plain cdk8s, one chart, the platform's
 * documents as they are and tenant i's documents built from tenant 0's.
 */
function writeFloor(dir: string, script: string): void {
  const files = outputFiles(dir);
  const tenant0 = files.find((f) => path.basename(f).endsWith(`${TENANT0}.k8s.yaml`));
  if (!tenant0) throw new Error(`no ${TENANT0} file in ${dir}: has examples/fleet changed how it names tenants?`);
  const others = files.filter((f) => !/tenant-\d+\.k8s\.yaml$/.test(f));
  const parse = (f: string) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8'), { version: '1.1' }).map((d) => d.toJSON()).filter((d) => d != null);
  const platform = others.flatMap(parse);
  const tenant = parse(tenant0);
  const lines = [
    '// Generated by benchmark/fleet-bench.ts: the floor, plain cdk8s and raw ApiObjects in one chart.',
    `const { ApiObject, App, Chart } = require(${JSON.stringify(require.resolve('cdk8s', { paths: [ROOT] }))});`,
    `const platform = JSON.parse(${JSON.stringify(JSON.stringify(platform))});`,
    `function tenant(i) { return ${source(tenant)}; }`,
    'const app = new App();',
    "const chart = new Chart(app, 'all');",
    'platform.forEach((o, k) => new ApiObject(chart, `p${k}`, o));',
    'const n = Number(process.env.FLEET_TENANTS);',
    'for (let i = 0; i < n; i++) tenant(i).forEach((o, k) => new ApiObject(chart, `t${i}-${k}`, o));',
    'app.synth();',
  ];
  fs.writeFileSync(script, lines.join('\n') + '\n');
}

/** The floor writes as many documents as the fleet; returns how many of them are byte-identical. */
function compareOutputs(fleetDir: string, floorDir: string): { documents: number; identical: number } {
  const fleetDocs = outputFiles(fleetDir).flatMap((f) => documents(fs.readFileSync(f, 'utf8')));
  const floorDocs = outputFiles(floorDir).flatMap((f) => documents(fs.readFileSync(f, 'utf8')));
  if (fleetDocs.length !== floorDocs.length) throw new Error(`the floor writes ${floorDocs.length} documents, the fleet ${fleetDocs.length}`);
  const identical = fleetDocs.filter((d, i) => d === floorDocs[i]).length;
  return { documents: fleetDocs.length, identical };
}

interface Point {
  readonly tenants: number;
  readonly pairs: number;
  readonly documents: number;
  readonly identicalDocuments: number;
  readonly runs: Record<Side, Run[]>;
  readonly wall: Record<Side, Range>;
  readonly cpu: Record<Side, Range>;
  readonly maxRssMiB: Record<Side, Range>;
  readonly wallRatio: Range;
  readonly cpuRatio: Range;
  readonly outputBytes: Record<Side, number>;
  readonly largestPerKind: Record<string, { bytes: number; name: string; file: string }>;
}

function measure(tenants: number, pairs: number, work: string): Point {
  const dirs: Record<Side, string> = { fleet: path.join(work, 'fleet'), floor: path.join(work, 'floor') };
  const floorScript = path.join(work, 'floor.js');
  const scripts: Record<Side, string> = { fleet: FLEET_MAIN, floor: floorScript };

  // Warm-up pair: the fleet's output also generates the floor, and both outputs are kept for the sizes.
  run(FLEET_MAIN, tenants, dirs.fleet);
  writeFloor(dirs.fleet, floorScript);
  run(floorScript, tenants, dirs.floor);
  const { documents: docs, identical } = compareOutputs(dirs.fleet, dirs.floor);
  const outputBytes = { fleet: totalBytes(dirs.fleet), floor: totalBytes(dirs.floor) };
  const largest = largestPerKind(dirs.fleet);

  const runs: Record<Side, Run[]> = { fleet: [], floor: [] };
  // Each timed run writes into a directory no earlier run used, and all of them are deleted after
  // the last pair. Emptying the previous run's directory just before a run made the fleet (one file
  // per tenant) pay the file system's cost of deleting thousands of files: ext4 creating files right
  // after deleting as many took about 0.5 ms per openat (strace), system time growing from 0.4 s to
  // 2.7 s over five runs, while the floor writes one file and never paid it.
  const runDirs: string[] = [];
  for (let p = 0; p < pairs; p++) {
    const order: Side[] = p % 2 === 0 ? ['fleet', 'floor'] : ['floor', 'fleet'];
    for (const side of order) {
      const dir = `${dirs[side]}-${p + 1}`;
      runDirs.push(dir);
      runs[side].push(run(scripts[side], tenants, dir));
    }
    const [f, b] = [runs.fleet[p], runs.floor[p]];
    console.error(`  ${tenants} tenants, pair ${p + 1}/${pairs} (${order[0]} first): fleet ${f.wallSeconds.toFixed(2)} s wall ${f.cpuSeconds.toFixed(2)} s CPU; ` +
      `floor ${b.wallSeconds.toFixed(2)} s wall ${b.cpuSeconds.toFixed(2)} s CPU; ratio ${(f.wallSeconds / b.wallSeconds).toFixed(2)} wall ${(f.cpuSeconds / b.cpuSeconds).toFixed(2)} CPU`);
  }
  for (const dir of [...Object.values(dirs), ...runDirs]) fs.rmSync(dir, { recursive: true, force: true });
  const of = (side: Side, pick: (r: Run) => number) => range(runs[side].map(pick));
  const ratio = (pick: (r: Run) => number) => range(runs.fleet.map((r, i) => pick(r) / pick(runs.floor[i])));
  return {
    tenants, pairs, documents: docs, identicalDocuments: identical, runs,
    wall: { fleet: of('fleet', (r) => r.wallSeconds), floor: of('floor', (r) => r.wallSeconds) },
    cpu: { fleet: of('fleet', (r) => r.cpuSeconds), floor: of('floor', (r) => r.cpuSeconds) },
    maxRssMiB: { fleet: of('fleet', (r) => r.maxRssMiB), floor: of('floor', (r) => r.maxRssMiB) },
    wallRatio: ratio((r) => r.wallSeconds),
    cpuRatio: ratio((r) => r.cpuSeconds),
    outputBytes,
    largestPerKind: largest,
  };
}

const fmt = (r: Range, digits = 2, unit = '') => `${r.median.toFixed(digits)}${unit} (${r.min.toFixed(digits)}–${r.max.toFixed(digits)})`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function table(points: Point[], command: string, loadBefore: number[]): string {
  const out: string[] = [];
  out.push(`Whole processes, ${points[0].pairs} alternating pairs after one warm-up pair; median (min–max). ` +
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}); ` +
    `load average before: ${loadBefore.map((l) => l.toFixed(2)).join(', ')}.`);
  out.push('');
  out.push('| tenants | documents | fleet/floor wall | fleet/floor CPU | fleet wall s | floor wall s | fleet CPU s | floor CPU s | fleet peak RSS | floor peak RSS | output (fleet / floor) |');
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of points) {
    out.push(`| ${p.tenants.toLocaleString('en-US')} | ${p.documents.toLocaleString('en-US')} | **${fmt(p.wallRatio)}** | **${fmt(p.cpuRatio)}** | ` +
      `${fmt(p.wall.fleet)} | ${fmt(p.wall.floor)} | ${fmt(p.cpu.fleet)} | ${fmt(p.cpu.floor)} | ` +
      `${fmt(p.maxRssMiB.fleet, 0, ' MiB')} | ${fmt(p.maxRssMiB.floor, 0, ' MiB')} | ${mib(p.outputBytes.fleet)} / ${mib(p.outputBytes.floor)} |`);
  }
  out.push('');
  const kinds = [...new Set(points.flatMap((p) => Object.keys(p.largestPerKind)))].sort();
  out.push('Largest object of each kind in the fleet\'s output, bytes of YAML (name):');
  out.push('');
  out.push(`| kind | ${points.map((p) => `${p.tenants.toLocaleString('en-US')} tenants`).join(' | ')} |`);
  out.push(`| --- | ${points.map(() => '---:').join(' | ')} |`);
  for (const kind of kinds) {
    out.push(`| ${kind} | ${points.map((p) => p.largestPerKind[kind] ? `${p.largestPerKind[kind].bytes.toLocaleString('en-US')} (${p.largestPerKind[kind].name})` : '–').join(' | ')} |`);
  }
  out.push('');
  for (const p of points) {
    const split = (side: Side) => `${fmt(range(p.runs[side].map((r) => r.userSeconds)))} user + ${fmt(range(p.runs[side].map((r) => r.systemSeconds)))} system`;
    out.push(`CPU seconds at ${p.tenants.toLocaleString('en-US')} tenants, user and system: fleet ${split('fleet')}; floor ${split('floor')}.`);
    out.push('');
  }
  for (const p of points) {
    out.push(`At ${p.tenants.toLocaleString('en-US')} tenants the floor writes the fleet's ${p.documents.toLocaleString('en-US')} documents in one file, ` +
      `${p.identicalDocuments.toLocaleString('en-US')} of them byte for byte identical.`);
  }
  out.push('');
  out.push(`Reproduce: \`${command}\``);
  return out.join('\n') + '\n';
}

function main(): void {
  const tenantsList = (process.env.BENCH_TENANTS ?? '2000,10000').split(',').map((s) => Number(s.trim()));
  const pairs = Number(process.env.BENCH_PAIRS ?? '5');
  if (tenantsList.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(pairs) || pairs < 1) {
    throw new Error('BENCH_TENANTS must be a comma-separated list of positive integers and BENCH_PAIRS a positive integer');
  }
  if (!fs.existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed to measure whole processes; install the "time" package`);
  // The example as `cdk8s synth` runs it: compiled first (not timed).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'examples-build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  const loadBefore = os.loadavg();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bench-'));
  const points: Point[] = [];
  try {
    for (const tenants of tenantsList) points.push(measure(tenants, pairs, work));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const env = [process.env.BENCH_TENANTS ? `BENCH_TENANTS=${process.env.BENCH_TENANTS}` : '', process.env.BENCH_PAIRS ? `BENCH_PAIRS=${pairs}` : ''].filter(Boolean);
  const command = [...env, 'npm run bench'].join(' ');
  const text = table(points, command, loadBefore);
  console.log(text);
  const results = path.join(__dirname, 'results');
  fs.mkdirSync(results, { recursive: true });
  // One file per tenant list, so that a shorter run beside the full one does not overwrite it.
  const base = path.join(results, `fleet-bench-${tenantsList.join('-')}`);
  fs.writeFileSync(`${base}.md`, text);
  fs.writeFileSync(`${base}.json`, JSON.stringify({
    command, node: process.version, cpus: os.cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg(), points,
  }, null, 2) + '\n');
  console.log(`Wrote ${path.relative(ROOT, base)}.md and .json`);
}

main();
