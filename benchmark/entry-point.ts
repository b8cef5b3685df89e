/**
 * How long `cdk8s synth` takes in one example folder, by entry point:
 *   (a) `--app "npx ts-node main.ts"`   the cdk8s TypeScript template's default `app:`
 *   (b) the example's cdk8s.yaml        `node -r ../../scripts/examples-build.js <compiled main.js>`
 *   (c) the compiled main.js alone      `node main.js` with CDK8S_OUTDIR, no CLI (the floor)
 * plus, once, the cold compile (`npm run examples:build` from an empty .examples-build/) and the
 * no-change check that (b) and `npm run synth` run before every synth.
 * Median of ENTRY_RUNS (default 5) runs after one warm-up; `--output` goes to a temp folder,
 * so the example folder is left as it was.
 *
 *   npx ts-node --transpile-only benchmark/entry-point.ts            # examples/grafana-auth-proxy
 *   ENTRY_EXAMPLE=istio-jwt ENTRY_RUNS=9 npx ts-node --transpile-only benchmark/entry-point.ts
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = process.env.ENTRY_EXAMPLE ?? 'grafana-auth-proxy';
const RUNS = parseInt(process.env.ENTRY_RUNS ?? '5', 10);
const DIR = path.join(ROOT, 'examples', EXAMPLE);
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const BUILD = path.join(ROOT, 'scripts', 'examples-build.js');
const ENV: NodeJS.ProcessEnv = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
delete ENV.CDK8S_OUTDIR;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = ENV): number {
  const t0 = process.hrtime.bigint();
  execFileSync(cmd, args, { cwd: DIR, stdio: 'pipe', env });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function main() {
  if (!fs.existsSync(path.join(DIR, 'cdk8s.yaml'))) throw new Error(`examples/${EXAMPLE}/cdk8s.yaml is missing`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-point-'));
  const manifests = path.join(out, 'manifests');

  // Cold compile, once: what the first `npm run synth` after `npm ci` pays.
  fs.rmSync(path.join(ROOT, '.examples-build'), { recursive: true, force: true });
  const cold = time(process.execPath, [BUILD]);
  const check: number[] = [];
  for (let i = 0; i < RUNS; i++) check.push(time(process.execPath, [BUILD, '--if-stale']));

  const compiledMain = path.join(ROOT, '.examples-build', 'examples', EXAMPLE, 'main.js');
  const variants: Array<[string, string, string[], NodeJS.ProcessEnv?]> = [
    ['(a) `cdk8s synth`, app: `npx ts-node main.ts` (cdk8s template default)', process.execPath,
      [CLI, 'synth', '--no-check-upgrade', '--app', 'npx ts-node main.ts', '--output', manifests]],
    ['(b) `cdk8s synth`, app from the example\'s cdk8s.yaml (compiled main.js)', process.execPath,
      [CLI, 'synth', '--no-check-upgrade', '--output', manifests]],
    ['(c) compiled `node main.js` alone (no CLI)', process.execPath, [compiledMain], { ...ENV, CDK8S_OUTDIR: manifests }],
  ];
  const rows: Array<[string, number[]]> = [];
  for (const [label, cmd, args, env] of variants) {
    time(cmd, args, env); // warm-up
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(time(cmd, args, env));
    rows.push([label, runs]);
    console.error(label, runs.map((r) => r.toFixed(2)).join(' '));
  }
  fs.rmSync(out, { recursive: true, force: true });

  const a = median(rows[0][1]);
  console.log(`examples/${EXAMPLE}, \`cdk8s synth --no-check-upgrade --output <tmp>\` in the example folder\n`);
  console.log('| entry point | median s | vs (a) | runs (s) |\n| --- | ---: | ---: | --- |');
  for (const [label, runs] of rows) {
    console.log(`| ${label} | ${median(runs).toFixed(2)} | ${(median(runs) / a).toFixed(2)}× | ${runs.map((r) => r.toFixed(2)).join(', ')} |`);
  }
  console.log(`\nOnce: cold compile \`node scripts/examples-build.js\` ${cold.toFixed(2)} s; `
    + `no-change check \`node scripts/examples-build.js --if-stale\` median ${median(check).toFixed(2)} s (node start included).`);
  console.log(`${RUNS} runs each after one warm-up; node ${process.version}; ${os.cpus().length} CPUs.`);
}

main();
