/**
 * No ceiling (issue 18): on the fleet's default form (the Pomerium Ingress Controller) no object
 * grows with the number of tenants, so a fleet of any size stays under every object limit the
 * size guard enforces (src/rules/object-size.ts). Proved at two sizes rather than at 10,000
 * tenants: the largest object of each kind is the same at 4 and at 40 tenants (but for the
 * digits of the tenant number in names), the platform's objects are byte for byte the same,
 * and the guard accepts both. `npm run bench` reports the largest object per kind at 10,000
 * (docs/benchmarks.md).
 */
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import {
  FleetApp, GrafanaFleet, HelmDelivery, HelmSource, JwtKeySource, PomeriumOutput, PomeriumRelease, RealmRef,
} from '../../src';

const written: string[] = [];
afterAll(() => written.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function synthFleet(tenants: number, publicKeyPem: string, delivery: 'flux' | 'argocd') {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `fleet-no-ceiling-${tenants}-`));
  written.push(outdir);
  const app = new FleetApp({ outdir });
  const platform = new Chart(app, 'platform');
  const pomerium = new PomeriumRelease(platform, 'pomerium', {
    authenticateServiceUrl: 'https://authenticate.example.com',
    outputs: [PomeriumOutput.ingressController({ globalSettings: { bootstrapSecret: 'pomerium/bootstrap' } })],
  });
  new GrafanaFleet(app, 'fleet', {
    tenants: Array.from({ length: tenants }, (_, i) => ({ name: `tenant-${i}` })),
    pomerium,
    keycloak: { realm: RealmRef.clusterKeycloakRealm('keycloakrealm-cozy'), issuerUrl: 'https://keycloak.example.com/realms/cozy' },
    keySource: JwtKeySource.jwksFile({ publicKeysPem: [publicKeyPem] }),
    grafanaDelivery: delivery === 'flux'
      ? HelmDelivery.fluxHelmRelease({ chart: 'grafana', version: '9.4.1', repository: HelmSource.ociRepository({ url: 'oci://ghcr.io/grafana/helm-charts' }) })
      : HelmDelivery.argoCdApplication({ chart: 'grafana', version: '9.4.1', repoUrl: 'https://grafana.github.io/helm-charts' }),
    grafanaAdminSecretName: 'grafana-admin',
  });
  // The size guard runs here: an object over its limit fails the synth.
  app.synth();
  const largest: Record<string, number> = {};
  for (const file of fs.readdirSync(outdir)) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8'))) {
      const text = doc.toString();
      const kind = (doc.toJS() as { kind: string }).kind;
      largest[kind] = Math.max(largest[kind] ?? 0, Buffer.byteLength(text));
    }
  }
  return { largest, platform: fs.readFileSync(path.join(outdir, 'platform.k8s.yaml'), 'utf8'), files: fs.readdirSync(outdir).length };
}

describe.each(['flux', 'argocd'] as const)('a fleet delivered by %s on the Ingress Controller form', (delivery) => {
  test('no object grows with the number of tenants; every object passes the size guard', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const small = synthFleet(4, pem, delivery);
    const large = synthFleet(40, pem, delivery);
    expect(large.files).toBe(41);
    expect(large.platform).toBe(small.platform);
    expect(Object.keys(large.largest).sort()).toEqual(Object.keys(small.largest).sort());
    for (const [kind, bytes] of Object.entries(large.largest)) {
      // 'tenant-3' → 'tenant-39': one more digit in each name an object carries (a few dozen bytes).
      expect({ kind, grewBy: Math.max(0, bytes - small.largest[kind] - 64) }).toEqual({ kind, grewBy: 0 });
    }
    // Far under the client-side apply annotation (262,144 bytes) whatever the fleet's size.
    expect(Math.max(...Object.values(large.largest))).toBeLessThan(8_192);
  }, 60_000);
});
