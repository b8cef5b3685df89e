/**
 * How long `cdk8s synth` takes for a small app, by entry point (docs-draft/fleet.md):
 *   - `app: npx ts-node main.ts`                  (the cdk8s template's default)
 *   - `app: npx ts-node --transpile-only main.ts`
 *   - `app: node main.js`                         (compiled once with tsc)
 *   - `node main.js` alone, without the CLI
 * The app imports this library's compiled `lib/` as a user's app imports the package,
 * so run `npx projen compile` first. Median of ENTRY_RUNS (default 5) runs each.
 *
 *   npx ts-node --transpile-only benchmark/entry-point.ts
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, 'node_modules', '.cache', 'entry-point-bench');
const RUNS = parseInt(process.env.ENTRY_RUNS ?? '5', 10);

const MAIN = `import { App, Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaIsolation, GrafanaOutput, GrafanaRole, GrafanaTarget, PomeriumOutput,
} from '../../../lib';

const app = new App();
const chart = new Chart(app, 'grafana-auth-proxy');
new GrafanaBehindPomerium(chart, 'grafana', {
  host: 'grafana.yourcompany.com',
  authenticateServiceUrl: 'https://authenticate.yourcompany.com',
  policy: AccessPolicy.emailDomains('yourcompany.com'),
  grafana: GrafanaTarget.existing({ serviceName: 'prometheus-grafana', namespace: 'monitoring' }),
  authFlow: AuthFlow.headers({ defaultRole: GrafanaRole.EDITOR }),
  isolation: GrafanaIsolation.networkPolicy(),
  pomerium: { outputs: [PomeriumOutput.helmValues()] },
  grafanaOutputs: [GrafanaOutput.helmValues()],
});
app.synth();
`;

// Close to the cdk8s TypeScript template's tsconfig.json.
const TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true, declaration: true, experimentalDecorators: true, inlineSourceMap: true, inlineSources: true,
    lib: ['es2016'], module: 'CommonJS', moduleResolution: 'node', ignoreDeprecations: '6.0', noEmitOnError: true,
    noFallthroughCasesInSwitch: true, noImplicitAny: true, noImplicitReturns: true, noImplicitThis: true,
    noUnusedLocals: true, noUnusedParameters: true, resolveJsonModule: true, strict: true, strictNullChecks: true,
    strictPropertyInitialization: true, stripInternal: true, target: 'ES2017', types: ['node'],
  },
  include: ['main.ts'],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(cmd: string, args: string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  execFileSync(cmd, args, { cwd, stdio: 'pipe', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function main() {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npx projen compile` first');
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(path.join(DIR, 'main.ts'), MAIN);
  fs.writeFileSync(path.join(DIR, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', DIR], { cwd: DIR, stdio: 'inherit' });

  const variants: Array<[string, string]> = [
    ['npx ts-node main.ts (cdk8s template default)', 'npx ts-node main.ts'],
    ['npx ts-node --transpile-only main.ts', 'npx ts-node --transpile-only main.ts'],
    ['node main.js (compiled)', 'node main.js'],
  ];
  const rows: Array<[string, number[]]> = [];
  for (const [label, app] of variants) {
    fs.writeFileSync(path.join(DIR, 'cdk8s.yaml'), `language: typescript\napp: ${app}\n`);
    time('npx', ['cdk8s', 'synth', '--no-check-upgrade'], DIR); // warm-up
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(time('npx', ['cdk8s', 'synth', '--no-check-upgrade'], DIR));
    rows.push([`\`cdk8s synth\`, app: \`${app}\``, runs]);
    console.error(label, runs.map((r) => r.toFixed(2)).join(' '));
  }
  const direct: number[] = [];
  time(process.execPath, ['main.js'], DIR);
  for (let i = 0; i < RUNS; i++) direct.push(time(process.execPath, ['main.js'], DIR));
  rows.push(['`node main.js` alone (no CLI)', direct]);

  console.log(`| entry point | median s | runs (s) |\n| --- | ---: | --- |`);
  for (const [label, runs] of rows) console.log(`| ${label} | ${median(runs).toFixed(2)} | ${runs.map((r) => r.toFixed(2)).join(', ')} |`);
  console.log(`\n${RUNS} runs each after one warm-up; node ${process.version}; \`cdk8s synth --no-check-upgrade\`.`);
}

main();
