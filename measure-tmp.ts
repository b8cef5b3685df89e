import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { FleetApp, GrafanaFleet, PomeriumOutput, PomeriumRelease, RealmRef, HelmDelivery, HelmSource } from './src';
import { validateObjectSizes } from './src/rules/object-size';

const n = Number(process.env.N ?? 2000);
const app = new FleetApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'size-')) });
const platform = new Chart(app, 'platform');
const pomerium = new PomeriumRelease(platform, 'pomerium', {
  authenticateServiceUrl: 'https://authenticate.example.com',
  outputs: [PomeriumOutput.ingressController()],
});
new GrafanaFleet(app, 'fleet', {
  tenants: Array.from({ length: n }, (_, i) => ({ name: `tenant-${i}` })),
  pomerium,
  keycloak: { realm: RealmRef.clusterKeycloakRealm('r'), issuerUrl: 'https://keycloak.example.com/realms/r' },
  grafanaDelivery: HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.ociRepository({ url: 'oci://ghcr.io/grafana/helm-charts' }) }),
});
let t = process.hrtime.bigint();
const objects = app.node.findAll().length;
const errors = validateObjectSizes(app);
const guardMs = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
let max = 0; let total = 0;
for (const c of app.node.findAll()) { const j = (c as any).toJson?.(); if (j && (c as any).apiVersion) { const s = JSON.stringify(j).length; total += s; if (s > max) max = s; } }
const toJsonMs = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
app.synth();
const synthMs = Number(process.hrtime.bigint() - t) / 1e6;
console.log(JSON.stringify({ n, constructs: objects, errors: errors.length, guardMs: Math.round(guardMs), toJsonPlusStringifyMs: Math.round(toJsonMs), synthMsWithGuard: Math.round(synthMs), largestObjectBytes: max, totalJsonBytes: total }));
