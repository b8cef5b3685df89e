// @ts-check
/**
 * Compiles the examples (and the library sources they import as `../../src`) to plain
 * JavaScript in `.examples-build/`, so that `npm run synth` and each example's
 * `cdk8s.yaml` run `node main.js` instead of a TypeScript loader.
 *
 *   node scripts/examples-build.js             # compile now (`npm run examples:build`)
 *   node scripts/examples-build.js --if-stale  # compile only if a source is newer than the last build
 *   node -r ./scripts/examples-build.js .examples-build/examples/<name>/main.js
 *                                              # as a preload: the same check, then run the example
 *
 * The compile is `tsc -p examples/tsconfig.build.json` (type-checked, incremental). Files
 * beside an example's main.ts other than TypeScript and cdk8s.yaml (keys, tenant lists)
 * are copied next to the compiled main.js, so `__dirname` finds them as it does in the
 * source folder. The freshness check only stats files (a few milliseconds): when nothing
 * changed, no compiler is loaded. Plain JavaScript on purpose: it must run before anything
 * is compiled.
 *
 * The same compile gives the package's bins (`npx cdk8s-grafana-pomerium explain`, `…-keygen`)
 * what they run: when lib/ is missing or older than the sources (no `npx projen compile` since
 * the last change), the compiled src/ is mirrored into lib/ (same compiler options, minus the
 * declarations jsii writes). A later `npx projen compile` (jsii) replaces it.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.examples-build');
const STAMP = path.join(OUT, '.stamp');
const LOCK = path.join(ROOT, '.examples-build.lock');
const TSCONFIG = path.join(ROOT, 'examples', 'tsconfig.build.json');
// Folders under examples/ that are output, never input.
const SKIP = new Set(['dist', 'node_modules', 'helm-values']);

/** Files beside examples/<name>/main.ts that the compiled example reads (copied as is). */
function assets() {
  const found = [];
  const examples = path.join(ROOT, 'examples');
  for (const entry of fs.readdirSync(examples, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(examples, entry.name), { withFileTypes: true })) {
      if (file.isFile() && !file.name.endsWith('.ts') && file.name !== 'cdk8s.yaml') found.push(path.join(examples, entry.name, file.name));
    }
  }
  return found;
}

/** The newest modification time (ms) of every input of the build. */
function newestInput() {
  let newest = 0;
  const visit = (file) => {
    newest = Math.max(newest, fs.statSync(file).mtimeMs);
  };
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(path.join(dir, entry.name));
      } else if (entry.name.endsWith('.ts')) {
        visit(path.join(dir, entry.name));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'examples'));
  for (const file of [TSCONFIG, path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'scripts', 'synth-examples.ts'), __filename, ...assets()]) visit(file);
  return newest;
}

/** True when `.examples-build/` was built after the last change to any of its inputs. */
function isFresh() {
  if (!fs.existsSync(STAMP)) return false;
  return fs.statSync(STAMP).mtimeMs >= newestInput();
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding a lock, so that two synths started together do not compile over each other. */
function withLock(fn) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      // A lock older than three minutes belongs to a build that died.
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 180_000) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      if (Date.now() > deadline) throw new Error(`examples-build: ${LOCK} is held; remove it if no build is running`);
      sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Compiles into `.examples-build/` now; the output of tsc goes to stderr (never into a synth's stdout). */
function build() {
  const started = Date.now();
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', TSCONFIG], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  for (const file of assets()) {
    const target = path.join(OUT, path.relative(ROOT, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
  mirrorLib();
  // Stamped with the start time: a source saved during the compile makes the next run compile again.
  fs.writeFileSync(STAMP, '');
  fs.utimesSync(STAMP, started / 1000, started / 1000);
}

/** True when lib/ (jsii's output, or an earlier mirror) is at least as new as every source. */
function libIsFresh() {
  const entry = path.join(ROOT, 'lib', 'index.js');
  return fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newestInput();
}

/** Copies every compiled .js under .examples-build/src/ into lib/, unless lib/ is already current. */
function mirrorLib() {
  if (libIsFresh()) return;
  const from = path.join(OUT, 'src');
  const lib = path.join(ROOT, 'lib');
  for (const file of fs.readdirSync(from, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const target = path.join(lib, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(from, file), target);
  }
  for (const bin of ['cli/explain.js', 'cli/keygen.js']) fs.chmodSync(path.join(lib, bin), 0o755);
}

/** Compiles only when a source is newer than the last build. Returns whether it compiled. */
function ensureBuilt() {
  if (isFresh()) {
    if (!libIsFresh()) withLock(mirrorLib);
    return false;
  }
  return withLock(() => {
    if (isFresh()) return false; // another process built it while we waited
    process.stderr.write('examples-build: sources changed, compiling examples/ to .examples-build/ (tsc)\n');
    build();
    return true;
  });
}

module.exports = { ensureBuilt, build, isFresh, OUT };

if (require.main === module) {
  try {
    if (process.argv.includes('--if-stale')) ensureBuilt();
    else withLock(build);
  } catch (e) {
    // tsc already printed its diagnostics; anything else (a file system error) is printed here.
    if (!(e && typeof e === 'object' && 'status' in e)) process.stderr.write(`examples-build: ${e}\n`);
    process.exitCode = 1;
  }
} else {
  // Required (`node -r`): make sure the compiled example about to run is current.
  try {
    ensureBuilt();
  } catch (e) {
    process.stderr.write('examples-build: compiling the examples failed (see above)\n');
    process.exit(1);
  }
}
