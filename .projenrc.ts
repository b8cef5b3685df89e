import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-grafana-pomerium',
  description: 'cdk8s constructs that put Grafana behind Pomerium with single sign-on, with or without Istio, with Keycloak as an optional identity provider.',
  author: 'Platform',
  authorAddress: 'platform@example.com',
  repositoryUrl: 'https://example.com/cdk8s-grafana-pomerium.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  // Supported: Node 20 and later (the README says so; `engines` in package.json).
  minNodeVersion: '20.0.0',
  // cdk8s-plus-28 peers on cdk8s ^2.68 and constructs ^10.3 (see TOOLCHAIN.md).
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Bundled: jsii consumers get them with the package, without extra installs.
  bundledDeps: ['yaml@^2.9.1', 'jose@^6.2.0', '@jmespath-community/jmespath@^1.3.0'],
  devDeps: [
    '@types/node@^20',
    // TypeScript 7 is the npm `latest`, but jsii 6 and ts-jest need 6.x.
    'typescript@~6.0.3',
    'cdk8s-cli@^2.207.0',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    // 4.5.x: 5.x (and its @kubernetes-models/* deps) declare Node >= 22, so `npm ci` on
    // Node 20 printed 20 EBADENGINE lines; the tests only need the built-in kinds' schemas.
    'kubernetes-models@~4.5.1',
    // Jest's transformer: transpiles only (tsc type-checks once, the first step of `test`).
    '@swc/core@^1.15.8',
    '@swc/jest@^0.2.39',
    'ts-node@^10.9.2',
    // Mutation testing (`npm run mutation`, not part of `npm test`): Stryker 10 needs Node 22, these machines run 20.
    '@stryker-mutator/core@~9.6.1',
    '@stryker-mutator/jest-runner@~9.6.1',
    // Property tests (test/hostile/, test/properties/, test/diff/): seeded runs, the seed printed on failure.
    'fast-check@^4.11.0',
  ],
  keywords: ['cdk8s', 'grafana', 'pomerium', 'istio', 'keycloak', 'sso', 'jwt'],

  github: false,
  release: false,
  sampleCode: false,
  docgen: true,
  // `npm test` checks and never rewrites files: the `eslint` task (spawned by `test`)
  // reports only; `npx projen eslint:fix` fixes.
  eslintOptions: { dirs: ['src'], commandOptions: { fix: false } },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // No 100-line per-file table at the end of `npm run test:coverage`: a two-line summary
    // prints before jest's test summary; coverage/lcov-report/index.html has the per-file detail.
    coverageText: false,
    jestConfig: {
      // Every core: jest's default (cores - 1) leaves one of a CI runner's two cores idle.
      maxWorkers: '100%',
      // Coverage (v8 → istanbul, five reporters) doubled jest's CPU time; `npm run test:coverage` has it.
      collectCoverage: false,
      coverageReporters: ['json', 'lcov', 'clover', 'cobertura', 'text-summary'],
      // jose v6 is ESM only: let the transformer (swc, below) turn it into CommonJS for the tests.
      transformIgnorePatterns: ['/node_modules/(?!jose/)'],
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
      testPathIgnorePatterns: ['/node_modules/', '/lib/', '/dist/', '/.examples-build/'],
      modulePathIgnorePatterns: ['<rootDir>/.examples-build/'],
    },
  },
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../scripts/**/*.ts', '../benchmark/**/*.ts'],
    compilerOptions: { allowJs: true },
  },
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/scripts/', '/benchmark/', '/.ci/', '/.examples-build/'] },
  // .examples-build/: the compiled examples (scripts/examples-build.js); examples/<name>/dist/:
  // what `npx cdk8s synth` writes in an example's folder.
  gitignore: ['/dist/', '/.examples-build/', '/.examples-build.lock/', '/examples/*/dist/'],
});

// Generates Pomerium's signing key and the matching public JWKS (jose); jsii keeps the shebang.
project.addBins({ 'cdk8s-grafana-pomerium-keygen': 'lib/cli/keygen.js' });
// `explain` simulates a login against synthesized output (src/simulate); `keygen` delegates to the keygen CLI.
project.addBins({ 'cdk8s-grafana-pomerium': 'lib/cli/explain.js' });

// projen's lockfile otherwise fails `npm ci` on these machines (TOOLCHAIN.md).
project.package.addPackageResolutions('unrs-resolver@1.12.2');

// swc transpiles each file (no type check; a native binary shipped in an npm package): on the
// same tests with a cold cache, ts-jest (already transpile-only) took about 30 % more CPU.
// Types are checked by the `tsc` step that `test` runs first. jose v6 is ESM only: swc turns it into CommonJS.
const swcOptions = (syntax: 'typescript' | 'ecmascript') => ({
  jsc: { parser: { syntax }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});
project.jest?.config && Object.assign(project.jest.config, {
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', swcOptions('typescript')],
    '^.+\\.m?js$': ['@swc/jest', swcOptions('ecmascript')],
  },
});

// Types are checked once, here (swc only transpiles): tests, examples and scripts, before jest runs.
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

project.addTask('test:coverage', {
  description: 'Run jest with coverage (coverage/lcov-report/index.html); `test` runs without it',
  steps: [{ exec: 'jest --passWithNoTests --ci --coverage', receiveArgs: true }],
});

project.eslint?.addIgnorePattern('src/imports/');
// The fixing variant of the `eslint` task, for developers (never run by `test` or `build`).
project.addTask('eslint:fix', {
  description: 'Runs eslint against the codebase and fixes what it can',
  steps: [{ spawn: 'eslint', args: ['--fix'], receiveArgs: true }],
});
project.eslint?.addIgnorePattern('dist/');
project.eslint?.addIgnorePattern('.examples-build/');

// The examples run as compiled JavaScript (`node main.js`), not through a TypeScript loader:
// tsc compiles examples/ and the src/ they import into .examples-build/ (rootDir = the repo root).
new JsonFile(project, 'examples/tsconfig.build.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: {
      rootDir: '..',
      outDir: '../.examples-build',
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
      sourceMap: true,
      types: ['node'],
      incremental: true,
      tsBuildInfoFile: '../.examples-build/tsconfig.build.tsbuildinfo',
    },
    // src/cli/: the package's bins, mirrored into lib/ so that they run right after `npm run synth`.
    include: ['**/*.ts', '../scripts/synth-examples.ts', '../src/cli/*.ts'],
    exclude: ['**/dist/**'],
  },
});
project.addTask('examples:build', {
  description: 'Compile examples/ (and the src/ they import) to .examples-build/ with tsc',
  exec: 'node scripts/examples-build.js',
});
// Synthesize every examples/<name>/main.ts into dist/<name>/ (`npm run synth -- <name>` for one):
// compile when a source changed since the last build, then run the compiled examples.
project.addTask('synth', {
  description: 'Synthesize every example app under examples/ into dist/<name>/ (compiled; rebuilds when sources changed)',
  steps: [
    { exec: 'node scripts/examples-build.js --if-stale' },
    { exec: 'node .examples-build/scripts/synth-examples.js', receiveArgs: true },
  ],
});

// The tarball without running the suite again (`build` = compile + docgen + test + package):
// jsii compiles lib/, jsii-pacmak writes dist/js/cdk8s-grafana-pomerium@<version>.jsii.tgz.
project.addTask('tarball', {
  description: 'Compile with jsii and pack dist/js/cdk8s-grafana-pomerium@<version>.jsii.tgz (no tests; `build` runs them)',
  steps: [{ spawn: 'compile' }, { spawn: 'package:js' }],
});

project.addTask('import', {
  description: 'Regenerate src/imports/ from the CRDs in ../shared/reference (developers only)',
  exec: 'ts-node --transpile-only scripts/import-crds.ts',
});

// Fleet synth speed as users meet it (docs/benchmarks.md): the compiled examples/fleet against
// plain cdk8s writing the same documents from one chart, whole processes in alternating pairs.
// BENCH_TENANTS (default 2000,10000) and BENCH_PAIRS (default 5) make it shorter. Never part of `test`.
project.addTask('bench', {
  description: 'Fleet synth benchmark: examples/fleet vs the one-chart plain-cdk8s floor, whole processes in alternating pairs (table + benchmark/results/fleet-bench-<tenants>.{json,md})',
  exec: 'ts-node --transpile-only benchmark/fleet-bench.ts',
});

// The earlier four-line comparison (floor, plain App per chart, FleetApp, raw FleetApp), in-process timings.
project.addTask('bench:lines', {
  description: 'Fleet synth, four lines measured inside child processes: table + benchmark/results/fleet-synth.{json,svg}',
  exec: 'ts-node --transpile-only benchmark/fleet-synth.ts',
});

// How fast `explain` reads a fleet's output (docs/simulator.md, "Reading a fleet").
project.addTask('bench:explain', {
  description: 'Simulator reading benchmark: examples/fleet with 1,350 tenants (~12,000 documents) + benchmark/results/explain-read.json',
  exec: 'ts-node --transpile-only benchmark/explain-read.ts',
});

// Access diff over a 2,000-tenant fleet (docs/access-review.md has the figure).
project.addTask('bench:diff', {
  description: 'Access diff benchmark: two 2,000-tenant fleet outputs (one tenant changed; every tenant changed), wall and CPU time',
  exec: 'ts-node --transpile-only benchmark/diff-fleet.ts',
});

project.addTask('benchmark', {
  description: 'Measure synth time and memory (figures go to the README)',
  exec: 'node --expose-gc -r ts-node/register/transpile-only benchmark/synth-benchmark.ts',
});

// Mutation testing over the files whose rules decide who gets in (stryker.config.json, docs/testing.md).
// Not part of `npm test` or CI: one run takes minutes on one core. Extra args pass through,
// e.g. `npm run mutation -- --mutate src/host.ts`.
project.addTask('mutation', {
  description: 'Stryker mutation testing of host, access policy, role mapping and the simulator (reports/mutation/)',
  exec: 'stryker run --concurrency 1',
  receiveArgs: true,
});
project.gitignore.exclude('/reports/', '/.stryker-tmp/');

project.synth();
