/**
 * Synth speed and memory, as a user pays them (`npx projen benchmark`).
 * Prints a Markdown table; the README quotes its figures. Not a test: timings
 * depend on the machine, so nothing here can fail a build.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaOutput, GrafanaRole, GrafanaTarget, PomeriumOutput, PomeriumRelease, RoleMapping,
} from '../src';

function tenant(chart: Chart, i: number, pomerium: PomeriumRelease) {
  return new GrafanaBehindPomerium(chart, `tenant-${i}`, {
    host: `grafana-${i}.example.com`,
    pomerium,
    policy: AccessPolicy.groups(`tenant-${i}`),
    grafana: GrafanaTarget.operator({ name: 'grafana', namespace: `tenant-${i}` }),
    authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group: `tenant-${i}-admins`, role: GrafanaRole.ADMIN }, { group: `tenant-${i}`, role: GrafanaRole.VIEWER }]) }),
    grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.envVars(), GrafanaOutput.operator()],
  });
}

function measure(label: string, tenants: number, chartPerTenant: boolean): string {
  const gc = (global as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  const app = new App({ outdir: path.join(require('node:os').tmpdir(), 'gp-bench') });
  const shared = new Chart(app, 'all');
  const pomerium = new PomeriumRelease(shared, 'pomerium', {
    authenticateServiceUrl: 'https://authenticate.example.com',
    outputs: [PomeriumOutput.helmValues(), PomeriumOutput.configSecret(), PomeriumOutput.ingressController()],
    podLabels: { 'app.kubernetes.io/name': 'pomerium' },
  });
  for (let i = 0; i < tenants; i++) tenant(chartPerTenant ? new Chart(app, `t${i}`) : shared, i, pomerium);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  return `| ${label} | ${tenants} | ${ms.toFixed(0)} ms | ${(ms / tenants).toFixed(2)} ms | ${heapMb.toFixed(0)} MiB | ${(yaml.length / 1024).toFixed(0)} KiB |`;
}

function synthExamples(): string {
  const root = path.resolve(__dirname, '..');
  // As `npm run synth` runs it: compile if a source changed (not timed), then the compiled examples.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'examples-build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, [path.join(root, 'scripts', 'examples-build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
    execFileSync(process.execPath, [path.join(root, '.examples-build', 'scripts', 'synth-examples.js')], {
      cwd: root, env: { ...process.env, EXAMPLES_OUT: path.join(require('node:os').tmpdir(), 'gp-bench-examples') }, stdio: 'pipe',
    });
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  runs.sort((a, b) => a - b);
  return `\`npm run synth\` (every example, one process, compiled JavaScript, build up to date): median ${runs[1].toFixed(0)} ms over 3 runs`;
}

console.log('| layout | Grafana instances | synth | per instance | heap growth | YAML |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const n of [1, 100, 1000]) console.log(measure('one chart', n, false));
for (const n of [100, 500]) console.log(measure('one chart per instance', n, true));
console.log();
console.log(synthExamples());
console.log(`node ${process.version}, ${require('node:os').cpus().length} cores`);
