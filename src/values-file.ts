import * as fs from 'node:fs';
import * as path from 'node:path';
import { toYaml } from './pomerium/render';

/** Writes Helm values files (`[file name, values]`, undefined values skipped); returns the paths written. */
export function writeValuesFiles(outdir: string, files: ReadonlyArray<readonly [string, unknown]>): string[] {
  const written: string[] = [];
  for (const [file, values] of files) {
    if (values === undefined) continue;
    fs.mkdirSync(outdir, { recursive: true });
    const target = path.join(outdir, file);
    fs.writeFileSync(target, toYaml(values));
    written.push(target);
  }
  return written;
}
