/** Small before/after apps for the access diff tests, synthesized as `cdk8s synth` and HelmValuesFiles.write do. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { GrafanaBehindPomerium, GrafanaBehindPomeriumProps, HelmValuesFiles, PomeriumRelease } from '../../src';
import { seedProps } from '../grafana-behind-pomerium/fixtures';

/** One route: seed 000/001's scenario (the JWT flow, an email domain, an existing Grafana) with the props given. */
export const route = seedProps;

const written: string[] = [];
afterAll(() => written.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * Synthesizes into a fresh folder: <dir>/manifests (cdk8s synth) and <dir>/helm-values
 * (HelmValuesFiles.write); returns <dir>, which the diff reads whole.
 */
export function synthDir(...routes: GrafanaBehindPomeriumProps[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-diff-out-'));
  written.push(dir);
  const a = new App({ outdir: path.join(dir, 'manifests') });
  const chart = new Chart(a, 'grafana');
  // Several quick-start routes would be several Pomerium releases with one Helm identity,
  // which the library refuses: routes that name an authenticate URL share one release.
  const url = routes.find((r) => r.authenticateServiceUrl !== undefined)?.authenticateServiceUrl;
  const release = routes.length > 1 && url !== undefined ? new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: url }) : undefined;
  routes.forEach((props, i) => new GrafanaBehindPomerium(chart, i === 0 ? 'grafana' : `grafana-${i}`,
    release && props.authenticateServiceUrl !== undefined ? { ...props, authenticateServiceUrl: undefined, pomerium: release } : props));
  a.synth();
  HelmValuesFiles.write(a);
  return dir;
}
