/**
 * End to end, without a cluster: the key from the keygen CLI goes into the
 * Pomerium Secret (as `kubectl create secret ... --from-file=signing-key=signing-key.b64`
 * would put it), named on the PomeriumRelease (`signingKeySecretName`), Pomerium signs an
 * assertion with it, and Grafana, configured only from what the route synthesizes (the
 * Grafana Helm values file and the ConfigMap it mounts), verifies it (see grafana-jwt-verifier.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GrafanaJwtEnvironment, verifyLikeGrafana } from './grafana-jwt-verifier';
import { mintPomeriumAssertion } from './pomerium-assertion';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaTarget, HelmValuesFiles, JwtKeySource, PomeriumOutput, PomeriumRelease, PomeriumReleaseProps,
} from '../../src';
import { generateSigningKey, GeneratedSigningKey } from '../../src/cli/keygen';
import { errorOf } from '../support/synth';

const HOST = 'grafana.example.com';
const SECRET = 'pomerium-signing-key';
const ROUTE_JWKS_URL = `https://${HOST}/.well-known/pomerium/jwks.json`;

interface Deployment {
  /** Grafana as configured: [auth.jwt] from grafana-values.yaml, files from the mounted ConfigMaps, the route's JWKS. */
  readonly grafana: GrafanaJwtEnvironment;
  readonly objects: any[];
  readonly grafanaValues: any;
  readonly pomeriumValues: any;
  readonly construct: GrafanaBehindPomerium;
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grafana-jwt-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * Synthesizes a route on a PomeriumRelease (Helm values) and rebuilds what the Grafana pod
 * sees from the files HelmValuesFiles.write() emits beside the manifests.
 */
function deploy(keySource: JwtKeySource, pomeriumServes: GeneratedSigningKey, signingKeySecretName?: string): Deployment {
  const outdir = tmpDir();
  const app = new App({ outdir: path.join(outdir, 'manifests') });
  const chart = new Chart(app, 'test');
  const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com', signingKeySecretName });
  const construct = new GrafanaBehindPomerium(chart, 'grafana', {
    host: HOST,
    pomerium,
    policy: AccessPolicy.emailDomains('example.com'),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.jwt({ keySource }),
  });
  const objects = YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter((o) => o);
  const written = HelmValuesFiles.write(app);
  expect(written.map((f) => path.basename(f))).toEqual(['pomerium-values.yaml', 'grafana-values.yaml']);
  const valuesDir = path.join(outdir, 'helm-values');
  const grafanaValues = YAML.parse(fs.readFileSync(path.join(valuesDir, 'grafana-values.yaml'), 'utf8'));
  const pomeriumValues = YAML.parse(fs.readFileSync(path.join(valuesDir, 'pomerium-values.yaml'), 'utf8'));

  // The chart mounts each extraConfigmapMounts entry: every data key becomes <mountPath>/<key>.
  const files: Record<string, string> = {};
  for (const mount of grafanaValues.extraConfigmapMounts ?? []) {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === mount.configMap && o.metadata.namespace === 'monitoring');
    if (!cm) throw new Error(`extraConfigmapMounts names ConfigMap ${mount.configMap}, which was not synthesized`);
    for (const [key, value] of Object.entries(cm.data as Record<string, string>)) files[`${mount.mountPath}/${key}`] = value;
  }
  return {
    grafana: {
      settings: grafanaValues['grafana.ini']['auth.jwt'],
      files,
      // Pomerium publishes the public half of its signing key on every route.
      fetch: (url) => (url === ROUTE_JWKS_URL ? pomeriumServes.jwks : undefined),
    },
    objects,
    grafanaValues,
    pomeriumValues,
    construct,
  };
}

/** Pomerium reads SIGNING_KEY (the Secret's `signing-key`): TrimSpace, base64-decode, PEM. */
function pomeriumSigningKeyPem(key: GeneratedSigningKey): string {
  const secretValue = fs.readFileSync(key.files.signingKeyBase64, 'utf8'); // what --from-file puts in the Secret
  return Buffer.from(secretValue.trim(), 'base64').toString('utf8');
}

function assertion(key: GeneratedSigningKey, overrides: { routeHost?: string; kid?: string; claims?: Record<string, unknown>; now?: number } = {}) {
  return mintPomeriumAssertion({
    privateKeyPem: pomeriumSigningKeyPem(key),
    alg: key.alg,
    kid: overrides.kid ?? key.kid,
    routeHost: overrides.routeHost ?? HOST,
    claims: overrides.claims,
    now: overrides.now,
  });
}

let pomeriumKey: GeneratedSigningKey;
let otherKey: GeneratedSigningKey;
beforeAll(async () => {
  pomeriumKey = await generateSigningKey({ outDir: tmpDir() });
  otherKey = await generateSigningKey({ outDir: tmpDir() });
});

const readPub = (key: GeneratedSigningKey) => fs.readFileSync(key.files.publicKey, 'utf8');

const sources: Array<[string, () => Deployment]> = [
  ['jwk_set_file (JwtKeySource.jwksFile)', () => deploy(JwtKeySource.jwksFile({ publicKeysPem: [readPub(pomeriumKey)] }), pomeriumKey, SECRET)],
  ['key_file + key_id (JwtKeySource.keyFile)', () => deploy(JwtKeySource.keyFile({ publicKeysPem: [readPub(pomeriumKey)] }), pomeriumKey, SECRET)],
  ['jwk_set_url on the route (JwtKeySource.routeJwks)', () => deploy(JwtKeySource.routeJwks(), pomeriumKey)],
];

describe.each(sources)('Grafana with %s', (_name, build) => {
  let d: Deployment;
  beforeAll(() => {
    d = build();
  });

  test('binds expect_claims to the route host', () => {
    expect(JSON.parse(String(d.grafana.settings.expect_claims))).toEqual({ aud: HOST, iss: HOST });
    expect(d.grafana.settings.header_name).toBe('X-Pomerium-Jwt-Assertion');
    // The values file carries the same settings the construct exposes.
    expect(d.grafana.settings).toEqual(d.construct.grafanaSettings['auth.jwt']);
  });

  test("accepts Pomerium's assertion for this route", async () => {
    const signIn = await verifyLikeGrafana(await assertion(pomeriumKey), d.grafana);
    expect(signIn.login).toBe('ada@example.com');
    expect(signIn.email).toBe('ada@example.com');
    expect(signIn.claims).toMatchObject({ iss: HOST, aud: HOST, sub: 'idp-user-0042', groups: [] });
  });

  test('rejects an assertion Pomerium minted for another route (expect_claims)', async () => {
    await expect(verifyLikeGrafana(await assertion(pomeriumKey, { routeHost: 'other.example.com' }), d.grafana))
      .rejects.toMatchObject({ reason: expect.stringMatching(/invalid issuer claim \(iss\)/) });
    // aud alone is bound too.
    await expect(verifyLikeGrafana(await assertion(pomeriumKey, { claims: { aud: 'other.example.com' } }), d.grafana))
      .rejects.toMatchObject({ reason: expect.stringMatching(/invalid audience claim \(aud\)/) });
  });

  test('rejects a token signed by another key, whatever kid it claims', async () => {
    await expect(verifyLikeGrafana(await assertion(otherKey), d.grafana)).rejects.toMatchObject({ reason: 'no keys found' });
    await expect(verifyLikeGrafana(await assertion(otherKey, { kid: pomeriumKey.kid }), d.grafana))
      .rejects.toMatchObject({ reason: expect.stringMatching(/error in cryptographic primitive/) });
  });

  test('rejects an expired token (expired 5 min ago, beyond the 60 s leeway)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifyLikeGrafana(await assertion(pomeriumKey, { now: now - 10 * 60 }), d.grafana))
      .rejects.toMatchObject({ reason: expect.stringMatching(/token is expired \(exp\)/) });
  });

  test('finds no key for a base64url kid (the common mistake)', async () => {
    await expect(verifyLikeGrafana(await assertion(pomeriumKey, { kid: pomeriumKey.thumbprintBase64url }), d.grafana))
      .rejects.toMatchObject({ reason: 'no keys found' });
  });
});

describe('what each key source emits', () => {
  test('jwksFile: a ConfigMap whose jwks.json is byte-for-byte the keygen jwks.json, and the chart uses the Secret', () => {
    const d = deploy(JwtKeySource.jwksFile({ publicKeysPem: [readPub(pomeriumKey)] }), pomeriumKey, SECRET);
    expect(d.grafana.settings.jwk_set_file).toBe('/etc/grafana/pomerium-keys/jwks.json');
    expect(d.grafana.files).toEqual({ '/etc/grafana/pomerium-keys/jwks.json': fs.readFileSync(pomeriumKey.files.jwks, 'utf8') });
    expect(d.pomeriumValues.config).toMatchObject({ generateSigningKey: false, existingSigningKeySecret: SECRET });
    // Public material only.
    expect(JSON.stringify(d.objects)).not.toMatch(/PRIVATE KEY|"d":/);
  });

  test("keyFile: the public PEM and key_id = Pomerium's hex kid", () => {
    const d = deploy(JwtKeySource.keyFile({ publicKeysPem: [readPub(pomeriumKey)] }), pomeriumKey, SECRET);
    expect(d.grafana.settings).toMatchObject({ key_file: '/etc/grafana/pomerium-keys/signing-key.pub.pem', key_id: pomeriumKey.kid });
    expect(d.grafana.files).toEqual({ '/etc/grafana/pomerium-keys/signing-key.pub.pem': readPub(pomeriumKey) });
  });

  test('routeJwks: the https JWKS URL of the route and no ConfigMap', () => {
    const d = deploy(JwtKeySource.routeJwks(), pomeriumKey);
    expect(d.grafana.settings.jwk_set_url).toBe(ROUTE_JWKS_URL);
    expect(d.grafana.files).toEqual({});
    expect(d.objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
  });
});

describe('the Grafana model itself', () => {
  let d: Deployment;
  beforeAll(() => {
    d = deploy(JwtKeySource.jwksFile({ publicKeysPem: [readPub(pomeriumKey)] }), pomeriumKey, SECRET);
  });

  test('without expect_claims (Pomerium\'s own Grafana example) a token for another route is accepted', async () => {
    const { expect_claims: _dropped, ...unbound } = d.grafana.settings;
    const token = await assertion(pomeriumKey, { routeHost: 'other.example.com' });
    await expect(verifyLikeGrafana(token, { ...d.grafana, settings: unbound })).resolves.toMatchObject({ claims: { aud: 'other.example.com' } });
  });

  test('an aud array that contains the route host is accepted; go-jose allows 60 s of clock skew on exp', async () => {
    await expect(verifyLikeGrafana(await assertion(pomeriumKey, { claims: { aud: ['x.example.com', HOST] } }), d.grafana)).resolves.toBeDefined();
    const now = Math.floor(Date.now() / 1000);
    await expect(verifyLikeGrafana(await assertion(pomeriumKey, { now: now - 5 * 60 - 30 }), d.grafana)).resolves.toBeDefined();
  });

  test('a JWKS written with base64url kids makes Grafana answer "no keys found" for real Pomerium tokens', async () => {
    const file = '/etc/grafana/pomerium-keys/jwks.json';
    const wrong = JSON.parse(d.grafana.files![file]);
    wrong.keys[0].kid = pomeriumKey.thumbprintBase64url;
    await expect(verifyLikeGrafana(await assertion(pomeriumKey), { ...d.grafana, files: { [file]: JSON.stringify(wrong) } }))
      .rejects.toMatchObject({ reason: 'no keys found' });
  });

  test('RS256 keys from the keygen verify end to end too', async () => {
    const rsa = await generateSigningKey({ outDir: tmpDir(), alg: 'RS256' });
    const rd = deploy(JwtKeySource.jwksFile({ publicKeysPem: [readPub(rsa)] }), rsa, SECRET);
    const token = await assertion(rsa);
    await expect(verifyLikeGrafana(token, rd.grafana)).resolves.toMatchObject({ login: 'ada@example.com' });
    await expect(verifyLikeGrafana(token, d.grafana)).rejects.toMatchObject({ reason: 'no keys found' });
  });

  test('rotation: a JWKS listing the new and the old key accepts tokens from both', async () => {
    const both = deploy(JwtKeySource.jwksFile({ publicKeysPem: [readPub(otherKey), readPub(pomeriumKey)] }), pomeriumKey, SECRET);
    await expect(verifyLikeGrafana(await assertion(otherKey), both.grafana)).resolves.toBeDefined();
    await expect(verifyLikeGrafana(await assertion(pomeriumKey), both.grafana)).resolves.toBeDefined();
  });
});

describe('pinned keys hold in every Pomerium form: the release names the signer, and Grafana verifies its tokens', () => {
  // Pomerium signs with its own key unless told otherwise (pomerium config/options.go
  // GetSigningKey: `signing_key` / `signing_key_file`; pomerium-helm charts/pomerium/templates/
  // secret.yaml: `config.existingSigningKeySecret` instead of a generated key; the Ingress
  // Controller reads `signing_key` from the bootstrap Secret named in the Pomerium CR's
  // spec.secrets, ingress.pomerium.io_pomerium.yaml). A pinned public key verifies nothing
  // unless the private half is what every form signs with.
  interface Form {
    readonly name: string;
    readonly release: Partial<PomeriumReleaseProps>;
    readonly signer: (objects: any[], pomerium: PomeriumRelease) => void;
  }
  const forms: Form[] = [
    {
      name: 'Helm values: config.existingSigningKeySecret, no generated key',
      release: { signingKeySecretName: SECRET, outputs: [PomeriumOutput.helmValues()] },
      signer: (_objects, pomerium) => {
        expect(pomerium.helmValues!.config).toMatchObject({ generateSigningKey: false, existingSigningKeySecret: SECRET });
      },
    },
    {
      name: 'config Secret: signing_key_file where the pod mounts the Secret',
      release: { signingKeySecretName: SECRET, outputs: [PomeriumOutput.configSecret()], podLabels: { app: 'pomerium' } },
      signer: (objects) => {
        const config = YAML.parse(objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'pomerium-config').stringData['config.yaml']);
        expect(config.signing_key_file).toBe('/etc/pomerium/signing-key/signing-key');
        expect(config).not.toHaveProperty('signing_key');
      },
    },
    {
      name: 'config Secret with a custom mount path',
      release: {
        signingKeySecretName: SECRET,
        outputs: [PomeriumOutput.configSecret({ signingKeyFile: '/run/secrets/pomerium/signing-key' })],
        podLabels: { app: 'pomerium' },
      },
      signer: (objects) => {
        const config = YAML.parse(objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'pomerium-config').stringData['config.yaml']);
        expect(config.signing_key_file).toBe('/run/secrets/pomerium/signing-key');
      },
    },
    {
      name: "Ingress Controller: the Pomerium CR's spec.secrets is the named bootstrap Secret",
      release: { outputs: [PomeriumOutput.ingressController({ globalSettings: { bootstrapSecret: 'pomerium/grafana-bootstrap' } })] },
      signer: (objects) => {
        const global = objects.filter((o) => o.kind === 'Pomerium');
        expect(global).toHaveLength(1);
        expect(global[0].metadata.name).toBe('global');
        expect(global[0].spec.secrets).toBe('pomerium/grafana-bootstrap');
      },
    },
  ];

  function build(release: Partial<PomeriumReleaseProps>, keySource: JwtKeySource) {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com', ...release });
    const construct = new GrafanaBehindPomerium(chart, 'grafana', {
      host: HOST,
      pomerium,
      policy: AccessPolicy.emailDomains('example.com'),
      grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
      authFlow: AuthFlow.jwt({ keySource }),
    });
    const objects = YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter((o) => o);
    return { pomerium, construct, objects };
  }

  test.each(forms.map((f) => [f.name, f] as const))('%s', async (_name, form) => {
    const { pomerium, construct, objects } = build(form.release, JwtKeySource.jwksFile({ publicKeysPem: [readPub(pomeriumKey)] }));
    form.signer(objects, pomerium);
    // Grafana as the route configures it: [auth.jwt] and the mounted JWKS ConfigMap.
    const settings = construct.grafanaSettings['auth.jwt'];
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-pomerium-keys');
    const grafana: GrafanaJwtEnvironment = { settings, files: { [settings.jwk_set_file]: cm.data['jwks.json'] }, fetch: () => undefined };
    await expect(verifyLikeGrafana(await assertion(pomeriumKey), grafana)).resolves.toMatchObject({ login: 'ada@example.com' });
    await expect(verifyLikeGrafana(await assertion(otherKey), grafana)).rejects.toMatchObject({ reason: 'no keys found' });
  });

  const pinned = () => JwtKeySource.keyFile({ publicKeysPem: [readPub(pomeriumKey)] });
  const refusal = (release: Partial<PomeriumReleaseProps>) => errorOf(() => build(release, pinned()));

  test.each([
    ['Helm values', [PomeriumOutput.helmValues()]],
    ['config Secret', [PomeriumOutput.configSecret()]],
  ])('%s without signingKeySecretName is refused when the route is added, naming the release prop', (_name, outputs) => {
    const message = refusal({ outputs, podLabels: { app: 'pomerium' } });
    expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'signingKeySecretName' is missing");
    expect(message).toContain("GrafanaBehindPomerium at 'test/grafana' pins Pomerium's public key in Grafana");
    expect(message).toContain("Fix: create a Secret with key 'signing-key'");
  });

  test('the Ingress Controller without a named bootstrap Secret is refused, even with signingKeySecretName (it does not read it)', () => {
    for (const release of [
      { outputs: [PomeriumOutput.ingressController()] },
      { outputs: [PomeriumOutput.ingressController({ globalSettings: { name: 'global' } })], signingKeySecretName: SECRET },
    ]) {
      const message = refusal(release);
      expect(message).toContain("PomeriumRelease at 'test/pomerium': prop 'outputs.globalSettings.bootstrapSecret' is missing");
      expect(message).toContain("the Ingress Controller signs with the bootstrap Secret's signing_key");
      expect(message).toContain("Fix: name the bootstrap Secret whose 'signing_key' holds the private key");
    }
  });

  test('every form must be pinned: Helm values with a signer plus an unpinned Ingress Controller is refused', () => {
    const message = refusal({ signingKeySecretName: SECRET, outputs: [PomeriumOutput.helmValues(), PomeriumOutput.ingressController()] });
    expect(message).toContain("prop 'outputs.globalSettings.bootstrapSecret' is missing");
  });

  test('the JWKS URL needs no signer: Pomerium publishes whatever key it signs with', () => {
    for (const outputs of [[PomeriumOutput.helmValues()], [PomeriumOutput.ingressController()]]) {
      const { pomerium } = build({ outputs }, JwtKeySource.routeJwks());
      expect(pomerium.signingKeySecretName).toBeUndefined();
    }
    expect(build({}, JwtKeySource.routeJwks()).pomerium.helmValues!.config).not.toHaveProperty('existingSigningKeySecret');
  });
});
