/**
 * Synthesizes every examples/<name>/main.ts into dist/<name>/ (`npm run synth`).
 * Each example is a plain cdk8s app that writes to `dist/<name>` relative to the
 * working directory, so they run in one process, one after another.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
// The examples write to `dist/<name>` relative to the working directory; tests point
// EXAMPLES_OUT elsewhere to synthesize into a scratch directory.
const out = path.resolve(process.env.EXAMPLES_OUT ?? root);
fs.mkdirSync(out, { recursive: true });
process.chdir(out);
const examples = fs.readdirSync(path.join(root, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, 'examples', entry.name, 'main.ts')))
  .map((entry) => entry.name)
  .sort();

for (const name of examples) {
  fs.rmSync(path.join(out, 'dist', name), { recursive: true, force: true });
  require(path.join(root, 'examples', name, 'main.ts'));
  const files = fs.readdirSync(path.join(out, 'dist', name)).sort();
  console.log(`dist/${name}/: ${files.join(', ')}`);
}
