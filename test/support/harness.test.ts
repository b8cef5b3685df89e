import { parsedCrdFiles } from './crd-schemas';
import { grafanaDefaultKeys, grafanaDocumentedKeys, grafanaEnvVarsFromDefaults, isKnownGrafanaEnvVar, unknownGrafanaKeys } from './grafana-ini';
import { pomeriumOptionKeys, pomeriumRouteKeys, unknownHelmValuePaths } from './pomerium-keys';
import { SHARED_REFERENCE, describeWithReference } from './reference';
import { validateManifests, validateYamlDocuments } from './schema';

// Proves each helper can both pass and fail: a checker that never fails proves nothing.

const meta = (name: string) => ({ name, namespace: 'monitoring' });

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('grafana-config'), data: { 'grafana.ini': '[server]\n' } };

const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('grafana'), spec });

const validDeploymentSpec = {
  replicas: 1,
  selector: { matchLabels: { app: 'grafana' } },
  template: {
    metadata: { labels: { app: 'grafana' } },
    spec: { containers: [{ name: 'grafana', image: 'grafana/grafana:12.2.0', ports: [{ containerPort: 3000 }] }] },
  },
};

describe('validateManifests: built-in kinds (kubernetes-models, no reference needed)', () => {
  test('a ConfigMap passes', () => {
    expect(validateManifests([configMap])).toEqual([]);
  });

  test('valid Deployment, Service, Secret, PVC, ServiceAccount, NetworkPolicy, Ingress and PDB pass', () => {
    const objects = [
      deployment(validDeploymentSpec),
      { apiVersion: 'v1', kind: 'Service', metadata: meta('grafana'), spec: { selector: { app: 'grafana' }, ports: [{ port: 80, targetPort: 3000 }] } },
      { apiVersion: 'v1', kind: 'Secret', metadata: meta('grafana-admin'), type: 'Opaque', stringData: { password: 'x' } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('grafana'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('grafana') },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('grafana'), spec: { podSelector: { matchLabels: { app: 'grafana' } }, policyTypes: ['Ingress'] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: meta('grafana'),
        spec: { rules: [{ host: 'grafana.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 80 } } } }] } }] },
      },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('grafana'), spec: { minAvailable: 1, selector: { matchLabels: { app: 'grafana' } } } },
    ];
    expect(validateManifests(objects)).toEqual([]);
  });

  test('a Deployment with a wrong-typed field fails, prefixed with kind/name', () => {
    const errors = validateManifests([deployment({ ...validDeploymentSpec, replicas: 'two' })]);
    expect(errors).toEqual(['Deployment/grafana: /spec/replicas must be integer']);
  });

  test('a Deployment without its required selector fails', () => {
    const { selector: _omitted, ...spec } = validDeploymentSpec;
    expect(validateManifests([deployment(spec)])).toEqual([expect.stringMatching(/^Deployment\/grafana: \/spec must have required property .?selector/)]);
  });

  test('an unknown apiVersion/kind is an error, never a silent pass', () => {
    const errors = validateManifests([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w') }]);
    expect(errors).toEqual([expect.stringMatching(/^Widget\/w: no schema known for apiVersion example\.com\/v1 kind Widget/)]);
  });

  test('a sub-structure name is not a kind (apps/v1 DeploymentSpec)', () => {
    expect(validateManifests([{ apiVersion: 'apps/v1', kind: 'DeploymentSpec', metadata: meta('x') }])).toEqual([
      expect.stringContaining('no schema known'),
    ]);
  });

  test('a removed built-in version fails although kubernetes-models still has it', () => {
    const errors = validateManifests([{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: meta('grafana'), spec: {} }]);
    expect(errors).toEqual([expect.stringContaining('extensions/v1beta1 is a pre-GA built-in version')]);
  });

  test('metadata rules: missing name, non-DNS-1123 name, Service name that is not a DNS-1035 label, bad label value', () => {
    const errors = validateManifests([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Grafana_Config' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: '1grafana' }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { url: 'https://grafana.example.com' } } },
    ]);
    expect(errors).toEqual([
      'ConfigMap/<no name>: metadata.name missing',
      expect.stringContaining('ConfigMap/Grafana_Config: metadata.name "Grafana_Config" is not a DNS-1123 subdomain'),
      expect.stringContaining('Service/1grafana: metadata.name "1grafana" is not a DNS-1035 label'),
      expect.stringContaining('ConfigMap/x: label url value "https://grafana.example.com" is invalid'),
    ]);
  });

  test('objects without apiVersion or kind are reported, not skipped', () => {
    expect(validateManifests([{ metadata: meta('x') }])).toEqual(['<no kind>/x: apiVersion missing', '<no kind>/x: kind missing']);
  });

  test('validateYamlDocuments parses every document and skips empty ones', () => {
    const text = ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: a}', '---', '', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: B}'].join('\n');
    expect(validateYamlDocuments(text)).toEqual([expect.stringContaining('ConfigMap/B: metadata.name "B"')]);
  });

  test('validateYamlDocuments reports YAML syntax errors', () => {
    expect(validateYamlDocuments('apiVersion: v1\nkind: [unclosed\n')).toEqual([expect.stringMatching(/^document 1: YAML error/)]);
  });
});

const certificate = (apiVersion: string, spec: Record<string, unknown>) => ({ apiVersion, kind: 'Certificate', metadata: meta('grafana-tls'), spec });

const validCertificateSpec = {
  secretName: 'grafana-tls',
  dnsNames: ['grafana.example.com'],
  duration: '2160h',
  issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
};

describeWithReference('validateManifests: custom resources (reference CRDs)', () => {
  test('a valid cert-manager.io/v1 Certificate passes, and only the cert-manager file is parsed', () => {
    expect(validateManifests([certificate('cert-manager.io/v1', validCertificateSpec)])).toEqual([]);
    expect(parsedCrdFiles()).toEqual(['crds/cert-manager-crds.yaml']);
  });

  test('a Certificate missing spec.secretName fails', () => {
    const { secretName: _omitted, ...spec } = validCertificateSpec;
    expect(validateManifests([certificate('cert-manager.io/v1', spec)])).toEqual([
      "Certificate/grafana-tls: /spec must have required property 'secretName'",
    ]);
  });

  test('a Certificate at the unserved cert-manager.io/v1alpha2 fails', () => {
    expect(validateManifests([certificate('cert-manager.io/v1alpha2', validCertificateSpec)])).toEqual([
      'Certificate/grafana-tls: apiVersion cert-manager.io/v1alpha2 is not served for Certificate (served: v1)',
    ]);
  });

  test('unknown fields fail (the API server would reject or prune them)', () => {
    expect(validateManifests([certificate('cert-manager.io/v1', { ...validCertificateSpec, secretname: 'typo' })])).toEqual([
      'Certificate/grafana-tls: /spec unknown field "secretname"',
    ]);
  });

  test('a kind the group does not define fails', () => {
    expect(validateManifests([{ apiVersion: 'cert-manager.io/v1', kind: 'Certificat', metadata: meta('x') }])).toEqual([
      expect.stringContaining('Certificat/x: no schema known: the reference CRDs for cert-manager.io define Certificate, ClusterIssuer, Issuer'),
    ]);
  });

  test('Istio Gateway v1: tls.serverCertificate "sds" is accepted by the schema (a plain string); a bad tls.mode is not', () => {
    const gateway = (tls: Record<string, unknown>) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: meta('grafana'),
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['grafana.example.com'], tls }] },
    });
    expect(validateManifests([gateway({ mode: 'SIMPLE', serverCertificate: 'sds', privateKey: 'sds' })])).toEqual([]);
    expect(validateManifests([gateway({ mode: 'SIMPLE', credentialName: 'grafana-tls' })])).toEqual([]);
    expect(validateManifests([gateway({ mode: 'SIMPEL', credentialName: 'grafana-tls' })])).toEqual([
      expect.stringMatching(/^Gateway\/grafana: \/spec\/servers\/0\/tls\/mode must be equal to one of the allowed values/),
    ]);
  });

  test('Pomerium (cluster-scoped, v1): requires spec.secrets; checks Go durations like the API server', () => {
    const pomerium = (spec: Record<string, unknown>) => ({ apiVersion: 'ingress.pomerium.io/v1', kind: 'Pomerium', metadata: { name: 'global' }, spec });
    expect(validateManifests([pomerium({ secrets: 'pomerium/bootstrap', cookie: { expire: '8h30m' } })])).toEqual([]);
    expect(validateManifests([pomerium({ cookie: { expire: '8 hours' } })])).toEqual([
      "Pomerium/global: /spec must have required property 'secrets'",
      'Pomerium/global: /spec/cookie/expire must match format "duration"',
    ]);
  });
});

// Runs only in a clone without ../shared: custom resources must then fail loudly, not pass unchecked.
(SHARED_REFERENCE ? test.skip : test)('without ../shared/reference a custom resource is an error that says why', () => {
  expect(validateManifests([certificate('cert-manager.io/v1', validCertificateSpec)])).toEqual([
    expect.stringContaining('no schema known for apiVersion cert-manager.io/v1 kind Certificate (custom resources cannot be checked: ../shared/reference is absent)'),
  ]);
});

describeWithReference('Grafana defaults.ini', () => {
  test('[auth.jwt] has real keys; commented examples are documented only', () => {
    expect(grafanaDefaultKeys().get('auth.jwt')?.size).toBeGreaterThan(20);
    expect(grafanaDefaultKeys().get('auth.jwt')?.has('expect_claims')).toBe(true);
    expect(grafanaDefaultKeys().get('server.custom_response_headers')?.has('exampleHeader1')).toBe(false);
    expect(grafanaDocumentedKeys().get('server.custom_response_headers')?.has('exampleHeader1')).toBe(true);
  });

  test('unknownGrafanaKeys reports auth.jwt.nope but not auth.jwt.expect_claims', () => {
    expect(unknownGrafanaKeys({ 'auth.jwt': { expect_claims: '{}', nope: true, enabled: true } })).toEqual(['auth.jwt.nope']);
  });

  test('unknownGrafanaKeys: unknown sections, default-section scalars, free-form sections', () => {
    const config = { 'auth.jwtt': { enabled: true }, 'app_mode': 'production', 'nope': 1, 'feature_toggles': { anyToggle: true } };
    expect(unknownGrafanaKeys(config as any)).toEqual(['auth.jwtt.enabled', 'nope']);
  });

  test('GF_ env var names follow Grafana\'s rule', () => {
    const names = grafanaEnvVarsFromDefaults();
    expect(names.has('GF_AUTH_JWT_JWK_SET_URL')).toBe(true);
    expect(names.has('GF_DEFAULT_APP_MODE')).toBe(true);
    expect(names.has('GF_AUTH_JWT_NOPE')).toBe(false);
    expect(isKnownGrafanaEnvVar('GF_SECURITY_ADMIN_PASSWORD__FILE')).toBe(true);
    expect(isKnownGrafanaEnvVar('GF_FEATURE_TOGGLES_SOMETOGGLE')).toBe(true);
    expect(isKnownGrafanaEnvVar('GF_AUTH_JWT_NOPE')).toBe(false);
  });
});

describeWithReference('Pomerium key lists', () => {
  test('route keys: pass_identity_headers known, allowed_groups unknown (removed in v0.20)', () => {
    expect(pomeriumRouteKeys().has('pass_identity_headers')).toBe(true);
    expect(pomeriumRouteKeys().has('allowed_groups')).toBe(false);
  });

  test('option keys', () => {
    expect(pomeriumOptionKeys().has('jwt_claims_headers')).toBe(true);
    expect(pomeriumOptionKeys().has('routes')).toBe(true);
    expect(pomeriumOptionKeys().has('allowed_groups')).toBe(false);
  });
});

describeWithReference('unknownHelmValuePaths', () => {
  test('pomerium: config.policy unknown; config.routes, config.extraOpts and other defined keys known', () => {
    const values = {
      config: {
        rootDomain: 'example.com',
        insecure: false,
        generateSigningKey: false,
        existingSigningKeySecret: 'pomerium-signing-key',
        routes: [{ from: 'https://grafana.example.com', to: 'http://grafana', anything: true }],
        extraOpts: { jwt_claims_headers: 'email', whatever: { deep: 1 } },
        policy: [],
      },
      authenticate: { proxied: false, idp: { provider: 'oidc', bogus: 1 } },
      ingress: { enabled: false, className: 'pomerium' },
      extraEnv: { LOG_LEVEL: 'info' },
      serviceMonitor: { labels: { team: 'platform' } },
      redis: { architecture: 'standalone' },
    };
    expect(unknownHelmValuePaths(values, 'pomerium')).toEqual(['config.policy', 'authenticate.idp.bogus', 'ingress.className']);
  });

  test('grafana: grafana.ini, env, networkPolicy and admin accepted; typos and commented-only keys reported', () => {
    const values = {
      'grafana.ini': { anything: { at: 'all' } },
      'env': { GF_AUTH_JWT_ENABLED: 'true' },
      'envValueFrom': { GF_AUTH_JWT_JWK_SET_URL: { configMapKeyRef: { name: 'x', key: 'y' } } },
      'extraSecretMounts': [{ name: 'jwks', secretName: 'jwks', mountPath: '/etc/jwks' }],
      'extraConfigmapMounts': [],
      'networkPolicy': { enabled: true, explicitNamespacesSelector: { matchLabels: { a: 'b' } }, egress: { enabled: true, nope: 1 } },
      'admin': { existingSecret: 'grafana-admin', userKey: 'u', passwordKey: 'p', bogus: 1 },
      'podAnnotations': { 'sidecar.istio.io/inject': 'true' },
      'adminPassword': 'secret',
      'persistence': { enabled: true, sise: '1Gi' },
    };
    expect(unknownHelmValuePaths(values, 'grafana')).toEqual(['networkPolicy.egress.nope', 'admin.bogus', 'adminPassword', 'persistence.sise']);
  });
});
