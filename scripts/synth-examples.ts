/**
 * Synthesizes every examples/<name>/main.ts (`npm run synth`): the manifests into
 * dist/<name>/manifests/ (what `kubectl apply -f` takes whole) and the Helm values into
 * dist/<name>/helm-values/. Each example is a plain cdk8s app using `new App()`, so the
 * folder comes from CDK8S_OUTDIR exactly as `cdk8s synth --output` sets it.
 *
 * `npm run synth` runs this file compiled (.examples-build/scripts/synth-examples.js, built
 * by scripts/examples-build.js) and then requires each example's compiled main.js. Run as
 * TypeScript (`ts-node scripts/synth-examples.ts`) it requires the main.ts sources instead;
 * both write the same bytes.
 *
 *   npm run synth [-- <example>...]      only the named examples when given
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const compiled = path.extname(__filename) === '.js';
// Compiled: .examples-build/scripts/ → the repository root is two levels up.
const root = path.resolve(__dirname, ...(compiled ? ['..', '..'] : ['..']));
const entryPoint = (name: string): string => compiled
  ? path.join(root, '.examples-build', 'examples', name, 'main.js')
  : path.join(root, 'examples', name, 'main.ts');
// Tests point EXAMPLES_OUT elsewhere to synthesize into a scratch directory.
const out = path.resolve(process.env.EXAMPLES_OUT ?? root);
const only = process.argv.slice(2);
const examples = fs.readdirSync(path.join(root, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, 'examples', entry.name, 'main.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
const unknown = only.filter((name) => !examples.includes(name));
if (unknown.length > 0) throw new Error(`No example named ${unknown.join(', ')} (examples/<name>/main.ts)`);

for (const name of examples) {
  const dir = path.join(out, 'dist', name);
  fs.rmSync(dir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = path.join(dir, 'manifests');
  require(entryPoint(name));
  const files = ['manifests', 'helm-values']
    .filter((sub) => fs.existsSync(path.join(dir, sub)))
    .flatMap((sub) => fs.readdirSync(path.join(dir, sub)).sort().map((f) => `${sub}/${f}`));
  console.log(`dist/${name}/: ${files.join(', ')}`);
}
