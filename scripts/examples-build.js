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
  // Stamped with the start time: a source saved during the compile makes the next run compile again.
  fs.writeFileSync(STAMP, '');
  fs.utimesSync(STAMP, started / 1000, started / 1000);
}

/** Compiles only when a source is newer than the last build. Returns whether it compiled. */
function ensureBuilt() {
  if (isFresh()) return false;
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
    // tsc already printed its diagnostics.
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
