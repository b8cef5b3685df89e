/**
 * Synthesizes every examples/<name>/main.ts (`npm run synth`): the manifests into
 * dist/<name>/manifests/ (what `kubectl apply -f` takes whole) and the Helm values into
 * dist/<name>/helm-values/. Each example is a plain cdk8s app using `new App()`, so the
 * folder comes from CDK8S_OUTDIR exactly as `cdk8s synth --output` sets it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
// Tests point EXAMPLES_OUT elsewhere to synthesize into a scratch directory.
const out = path.resolve(process.env.EXAMPLES_OUT ?? root);
const only = process.argv.slice(2);
const examples = fs.readdirSync(path.join(root, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, 'examples', entry.name, 'main.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

for (const name of examples) {
  const dir = path.join(out, 'dist', name);
  fs.rmSync(dir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = path.join(dir, 'manifests');
  require(path.join(root, 'examples', name, 'main.ts'));
  const files = ['manifests', 'helm-values']
    .filter((sub) => fs.existsSync(path.join(dir, sub)))
    .flatMap((sub) => fs.readdirSync(path.join(dir, sub)).sort().map((f) => `${sub}/${f}`));
  console.log(`dist/${name}/: ${files.join(', ')}`);
}
