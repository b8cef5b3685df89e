import { createHash, createPublicKey } from 'node:crypto';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { FIXED_PUBLIC_KEY, seedGrafana, pomeriumValues } from './fixtures';
import { AuthFlow, GrafanaOutput, GrafanaRole, GrafanaTarget, JwtKeySource, PomeriumOutput, RoleMapping, CaBundle } from '../../src';
import { errorOf, only, synth } from '../support/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jmespath = require('@jmespath-community/jmespath');

describe('GrafanaBehindPomerium, JWT flow (seeds 000, 001, 002)', () => {
  const { result: grafana, objects } = synth((chart) => seedGrafana(chart));
  const jwt = grafana.grafanaHelmValues!['grafana.ini']['auth.jwt'];

  test('Grafana verifies the Pomerium assertion (seed 000 [auth.jwt])', () => {
    expect(jwt.enabled).toBe(true);
    expect(jwt.header_name).toBe('X-Pomerium-Jwt-Assertion');
    expect(jwt.email_claim).toBe('email');
    expect(jwt.username_claim).toBe('email');
    expect(jwt.cache_ttl).toBe('60m');
    expect(jwt.auto_sign_up).toBe(true);
    // pkg/setting/setting_jwt.go never reads enable_login_token for [auth.jwt]: it is not written.
    expect(jwt).not.toHaveProperty('enable_login_token');
  });

  test('keys come from the route JWKS by default, over https', () => {
    expect(jwt.jwk_set_url).toBe('https://grafana.example.com/.well-known/pomerium/jwks.json');
    expect(jwt.jwk_set_file).toBeUndefined();
    expect(jwt.key_file).toBeUndefined();
  });

  test('tokens of other Pomerium routes are refused: aud and iss bound to the route host', () => {
    expect(JSON.parse(jwt.expect_claims)).toEqual({ aud: 'grafana.example.com', iss: 'grafana.example.com' });
  });

  test('sign-out goes through Pomerium and Grafana knows its public URL (seed 001)', () => {
    const ini = grafana.grafanaHelmValues!['grafana.ini'];
    expect(ini.auth.signout_redirect_url).toBe('https://grafana.example.com/.pomerium/sign_out');
    expect(ini.server.root_url).toBe('https://grafana.example.com/');
    expect(ini.security.cookie_secure).toBe(true);
  });

  test('without a role mapping every user gets Viewer, and role sync stays on', () => {
    expect(grafana.grafanaHelmValues!['grafana.ini'].users).toEqual({ auto_assign_org_role: 'Viewer' });
    expect(jwt.role_attribute_strict).toBeUndefined();
    expect(jwt.url_login).toBeUndefined();
  });

  test('the Pomerium route: policy, identity headers, websockets, timeout (seed 000 route)', () => {
    const route = pomeriumValues(grafana).config.routes[0];
    expect(route).toEqual({
      from: 'https://grafana.example.com',
      to: 'http://grafana.monitoring.svc.cluster.local',
      policy: { allow: { or: [{ domain: { is: 'example.com' } }] } },
      pass_identity_headers: true,
      allow_websockets: true,
      timeout: '30s',
    });
    expect(pomeriumValues(grafana).proxy.authenticateServiceUrl).toBe('https://authenticate.example.com');
    expect(pomeriumValues(grafana).config.rootDomain).toBe('example.com');
    expect(pomeriumValues(grafana).config.policy).toBeUndefined();
  });

  test('only Pomerium reaches Grafana: NetworkPolicy on the Grafana pods', () => {
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.metadata).toEqual({ name: 'grafana-only-from-pomerium', namespace: 'monitoring' });
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'pomerium' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pomerium-proxy', 'app.kubernetes.io/instance': 'pomerium' } },
      }],
      ports: [{ protocol: 'TCP', port: 3000 }],
    }]);
  });

  test('the default output is safe to apply: NetworkPolicy only, no secret material', () => {
    expect(objects.map((o) => o.kind)).toEqual(['NetworkPolicy']);
    const text = YAML.stringify([pomeriumValues(grafana), grafana.grafanaHelmValues]);
    expect(text).not.toMatch(/PRIVATE KEY|client_secret|password/i);
  });
});

describe('role mapping', () => {
  const mapping = RoleMapping.fromGroups([
    { group: 'grafana-viewers', role: GrafanaRole.VIEWER },
    { group: 'grafana-admins', role: GrafanaRole.ADMIN },
    { group: "ops'team", role: GrafanaRole.EDITOR },
  ]);
  const { result } = synth((chart) => seedGrafana(chart, { authFlow: AuthFlow.jwt({ roleMapping: mapping }) }));
  const jwt = result.grafanaHelmValues!['grafana.ini']['auth.jwt'];
  const roleOf = (claims: object) => jmespath.search(claims, jwt.role_attribute_path);

  test('users outside the mapped groups are denied, not given the default role', () => {
    expect(jwt.role_attribute_strict).toBe(true);
    expect(result.grafanaHelmValues!['grafana.ini'].users).toBeUndefined();
    expect(['None', 'Viewer', 'Editor', 'Admin', 'GrafanaAdmin']).not.toContain(roleOf({ groups: ['other'] }));
    expect(['None', 'Viewer', 'Editor', 'Admin', 'GrafanaAdmin']).not.toContain(roleOf({}));
  });

  test.each([
    [['grafana-viewers'], 'Viewer'],
    [['grafana-admins'], 'Admin'],
    [["ops'team"], 'Editor'],
    [['grafana-viewers', 'grafana-admins'], 'Admin'],
    [["ops'team", 'grafana-viewers'], 'Editor'],
  ])('groups %j give %s (highest role wins, quotes escaped)', (groups, role) => {
    expect(roleOf({ groups })).toBe(role);
  });

  test('a mapping of the same shape, parsed once for both, still escapes its own groups', () => {
    // Same number of rules, roles and name forms as `mapping`: its expression is not parsed again.
    const tricky = RoleMapping.fromGroups([
      { group: 'a\\', role: GrafanaRole.VIEWER },
      { group: "b') || 'Admin", role: GrafanaRole.ADMIN },
      { group: "\\'c", role: GrafanaRole.EDITOR },
    ]);
    const { result: other } = synth((chart) => seedGrafana(chart, { authFlow: AuthFlow.jwt({ roleMapping: tricky }) }));
    const path = other.grafanaHelmValues!['grafana.ini']['auth.jwt'].role_attribute_path;
    expect(jmespath.search({ groups: ['a\\'] }, path)).toBe('Viewer');
    expect(jmespath.search({ groups: ["b') || 'Admin"] }, path)).toBe('Admin');
    expect(jmespath.search({ groups: ["\\'c"] }, path)).toBe('Editor');
    expect(['Viewer', 'Editor', 'Admin']).not.toContain(jmespath.search({ groups: ['b'] }, path));
  });

  test('GrafanaAdmin turns allow_assign_grafana_admin on, since Grafana ignores it otherwise', () => {
    const { result: admin } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromGroups([{ group: 'platform', role: GrafanaRole.GRAFANA_ADMIN }], { fallbackRole: GrafanaRole.VIEWER }) }),
    }));
    const settings = admin.grafanaHelmValues!['grafana.ini']['auth.jwt'];
    expect(settings.allow_assign_grafana_admin).toBe(true);
    expect(jmespath.search({ groups: ['platform'] }, settings.role_attribute_path)).toBe('GrafanaAdmin');
    expect(jmespath.search({ groups: [] }, settings.role_attribute_path)).toBe('Viewer');
    expect(jwt.allow_assign_grafana_admin).toBeUndefined();
  });

  test('a raw expression is kept as written and parsed at synth', () => {
    const expression = "contains(groups[*], 'admins') && 'Admin' || 'Viewer'";
    const { result: raw } = synth((chart) => seedGrafana(chart, { authFlow: AuthFlow.jwt({ roleMapping: RoleMapping.fromExpression(expression) }) }));
    expect(raw.grafanaHelmValues!['grafana.ini']['auth.jwt'].role_attribute_path).toBe(expression);
  });

  test('org mapping, groups path, skip sync and embedding render to their keys', () => {
    const { result: org } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({
        orgMapping: { attributePath: 'groups', rules: [{ claimValue: 'sre', org: '2', role: GrafanaRole.EDITOR }, { claimValue: '*', org: '1', role: GrafanaRole.VIEWER }] },
        groupsAttributePath: 'groups',
        skipOrgRoleSync: true,
        allowEmbedding: true,
      }),
    }));
    const ini = org.grafanaHelmValues!['grafana.ini'];
    expect(ini['auth.jwt']).toMatchObject({ org_attribute_path: 'groups', org_mapping: 'sre:2:Editor *:1:Viewer', groups_attribute_path: 'groups', skip_org_role_sync: true });
    expect(ini.security.allow_embedding).toBe(true);
  });

  test('url_login exists only as the named unsafe opt-in', () => {
    const { result: unsafe } = synth((chart) => seedGrafana(chart, { authFlow: AuthFlow.jwt({ urlLoginUnsafe: true }) }));
    expect(unsafe.grafanaHelmValues!['grafana.ini']['auth.jwt'].url_login).toBe(true);
  });
});

describe('key sources (seed 000 troubleshooting: local signing key)', () => {
  test('jwk_set_file: a ConfigMap with the public JWKS, mounted, and the chart told to use your key', () => {
    const { result, objects } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }),
      release: { signingKeySecretName: 'pomerium-signing-key' },
    }));
    const configMap = only(objects, 'ConfigMap', 'grafana-pomerium-keys');
    expect(configMap.metadata.namespace).toBe('monitoring');
    const jwks = JSON.parse(configMap.data['jwks.json']);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    expect(jwks.keys[0].kid).toMatch(/^[0-9a-f]{64}$/);
    expect(jwks.keys[0].d).toBeUndefined();
    const jwt = result.grafanaHelmValues!['grafana.ini']['auth.jwt'];
    expect(jwt.jwk_set_file).toBe('/etc/grafana/pomerium-keys/jwks.json');
    expect(jwt.jwk_set_url).toBeUndefined();
    expect(result.grafanaHelmValues!.extraConfigmapMounts).toEqual([
      { name: 'pomerium-keys', mountPath: '/etc/grafana/pomerium-keys', configMap: 'grafana-pomerium-keys', readOnly: true },
    ]);
    expect(pomeriumValues(result).config).toMatchObject({ generateSigningKey: false, existingSigningKeySecret: 'pomerium-signing-key' });
  });

  test('key_file: the PEM and key_id = Pomerium kid (lowercase hex RFC 7638 thumbprint)', () => {
    const { result, objects } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.keyFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }),
      release: { signingKeySecretName: 'pomerium-signing-key' },
    }));
    const jwt = result.grafanaHelmValues!['grafana.ini']['auth.jwt'];
    const configMap = only(objects, 'ConfigMap', 'grafana-pomerium-keys');
    expect(configMap.data['signing-key.pub.pem']).toBe(FIXED_PUBLIC_KEY);
    expect(jwt.key_file).toBe('/etc/grafana/pomerium-keys/signing-key.pub.pem');
    // Independent computation of the RFC 7638 thumbprint, in hex.
    const k = createPublicKey(FIXED_PUBLIC_KEY).export({ format: 'jwk' });
    const expected = createHash('sha256').update(`{"crv":"${k.crv}","kty":"${k.kty}","x":"${k.x}","y":"${k.y}"}`).digest('hex');
    expect(jwt.key_id).toBe(expected);
  });

  test('a JWKS URL on another https host, with a private CA', () => {
    const { result } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksUrl('https://authenticate.example.com/.well-known/pomerium/jwks.json', { tlsClientCaFile: '/etc/grafana/ca/ca.crt' }) }),
    }));
    expect(result.grafanaHelmValues!['grafana.ini']['auth.jwt']).toMatchObject({
      jwk_set_url: 'https://authenticate.example.com/.well-known/pomerium/jwks.json',
      tls_client_ca: '/etc/grafana/ca/ca.crt',
    });
  });

  // Grafana's jwk_set_url client trusts only the system roots unless tls_client_ca names a PEM
  // bundle (pkg/services/auth/jwt/key_sets.go): the fix for "x509: certificate signed by unknown
  // authority". The bundle is mounted from a ConfigMap or Secret into every Grafana pod form.
  test.each([
    ['ConfigMap', CaBundle.fromConfigMap('internal-ca'), { configMap: { name: 'internal-ca' } }, '/etc/grafana/jwks-ca/ca.crt'],
    ['Secret', CaBundle.fromSecret('internal-ca-tls', 'tls.ca'), { secret: { secretName: 'internal-ca-tls' } }, '/etc/grafana/jwks-ca/tls.ca'],
  ])('a private CA from a %s is mounted and set as tls_client_ca', (_kind, ca, volume, file) => {
    const { result, objects } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks({ tlsClientCa: ca }) }),
      grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'monitoring' }),
      grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.operator()],
    }));
    expect(result.grafanaSettings['auth.jwt'].tls_client_ca).toBe(file);
    const mounts = result.grafanaHelmValues![(volume as any).secret ? 'extraSecretMounts' : 'extraConfigmapMounts'];
    expect(mounts).toEqual([expect.objectContaining({ mountPath: '/etc/grafana/jwks-ca', readOnly: true })]);
    const pod = only(objects, 'Grafana').spec.deployment.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'jwks-ca', ...volume }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'jwks-ca', mountPath: '/etc/grafana/jwks-ca', readOnly: true }]);
  });

  test('a CA bundle and a CA file together are refused', () => {
    const message = errorOf(() => seedGrafana(Testing.chart(), {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks({ tlsClientCa: CaBundle.fromConfigMap('ca'), tlsClientCaFile: '/etc/ca.crt' }) }),
    }));
    expect(message).toContain("prop 'authFlow.keySource.tlsClientCaFile'");
  });
});

describe('output forms: one model, every rendering', () => {
  const { result, objects } = synth((chart) => seedGrafana(chart, {
    release: { outputs: [PomeriumOutput.helmValues(), PomeriumOutput.configSecret(), PomeriumOutput.ingressController({ tlsSecretName: 'grafana-tls' })] },
    grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'monitoring' }),
    grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.envVars(), GrafanaOutput.operator()],
  }));
  const sections = result.grafanaSettings;

  test('GF_* variables carry every setting, named by Grafana\'s rule (seed 001 env)', () => {
    const env = only(objects, 'ConfigMap', 'grafana-grafana-env').data;
    expect(env).toMatchObject({
      GF_AUTH_JWT_ENABLED: 'true',
      GF_AUTH_JWT_HEADER_NAME: 'X-Pomerium-Jwt-Assertion',
      GF_AUTH_JWT_EMAIL_CLAIM: 'email',
      GF_AUTH_JWT_USERNAME_CLAIM: 'email',
      GF_AUTH_JWT_JWK_SET_URL: 'https://grafana.example.com/.well-known/pomerium/jwks.json',
      GF_AUTH_JWT_AUTO_SIGN_UP: 'true',
      GF_AUTH_JWT_CACHE_TTL: '60m',
      GF_AUTH_SIGNOUT_REDIRECT_URL: 'https://grafana.example.com/.pomerium/sign_out',
    });
    const count = Object.values(sections as Record<string, object>).reduce((n, keys) => n + Object.keys(keys).length, 0);
    expect(Object.keys(env)).toHaveLength(count);
    expect(result.grafanaEnv).toContainEqual({ name: 'GF_AUTH_JWT_ENABLED', value: 'true' });
  });

  test('grafana-operator spec.config holds the same settings as strings', () => {
    const cr = only(objects, 'Grafana');
    expect(cr.apiVersion).toBe('grafana.integreatly.org/v1beta1');
    for (const [section, keys] of Object.entries(sections as Record<string, Record<string, unknown>>)) {
      for (const [key, value] of Object.entries(keys)) expect(cr.spec.config[section][key]).toBe(String(value));
    }
  });

  test('Pomerium config.yaml Secret holds the same route', () => {
    const secret = only(objects, 'Secret', 'grafana-release-config');
    expect(secret.metadata.namespace).toBe('pomerium');
    const config = YAML.parse(secret.stringData['config.yaml']);
    expect(config.authenticate_service_url).toBe('https://authenticate.example.com');
    expect(config.routes).toEqual([result.pomeriumRoute]);
  });

  test('Ingress Controller: the route keys as annotations, backed by the Grafana Service', () => {
    const ingress = only(objects, 'Ingress');
    expect(ingress.metadata.namespace).toBe('monitoring');
    expect(ingress.spec.ingressClassName).toBe('pomerium');
    expect(YAML.parse(ingress.metadata.annotations['ingress.pomerium.io/policy'])).toEqual(result.pomeriumRoute.policy);
    expect(ingress.metadata.annotations).toMatchObject({
      'ingress.pomerium.io/pass_identity_headers': 'true',
      'ingress.pomerium.io/allow_websockets': 'true',
      'ingress.pomerium.io/timeout': '30s',
    });
    expect(ingress.spec.rules[0].host).toBe('grafana.example.com');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'grafana-service', port: { number: 3000 } });
    expect(ingress.spec.tls).toEqual([{ hosts: ['grafana.example.com'], secretName: 'grafana-tls' }]);
    // The JWT flow needs no global Pomerium resource.
    expect(objects.filter((o) => o.kind === 'Pomerium')).toHaveLength(0);
  });
});

describe('managed Grafana', () => {
  const { objects } = synth((chart) => seedGrafana(chart, { grafana: GrafanaTarget.managed({ namespace: 'monitoring' }), grafanaOutputs: [] }));
  const deployment = only(objects, 'Deployment', 'grafana');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('image pinned by digest, non-root, read-only root filesystem, no token', () => {
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 472, fsGroup: 472, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('writable paths are volumes: data on the claim, /tmp on an emptyDir', () => {
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'storage', mountPath: '/var/lib/grafana' }, { name: 'tmp', mountPath: '/tmp' }]));
    expect(pod.volumes).toContainEqual({ name: 'storage', persistentVolumeClaim: { claimName: 'grafana' } });
    expect(only(objects, 'PersistentVolumeClaim', 'grafana').spec.resources.requests.storage).toBe('10Gi');
  });

  test('probes, resources, the auth config injected as env', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(container.env).toContainEqual({ name: 'GF_AUTH_JWT_HEADER_NAME', value: 'X-Pomerium-Jwt-Assertion' });
  });

  test('ClusterIP Service; the route and NetworkPolicy point at it', () => {
    const service = only(objects, 'Service', 'grafana');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    expect(only(objects, 'NetworkPolicy').spec.podSelector.matchLabels).toEqual(service.spec.selector);
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
  });
});

describe('grafana-operator with a key file', () => {
  test('the ConfigMap Grafana reads is mounted through spec.deployment', () => {
    const { objects } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.keyFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }),
      release: { signingKeySecretName: 'pomerium-signing-key', outputs: [PomeriumOutput.configSecret()] },
      grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'monitoring' }),
      grafanaOutputs: [GrafanaOutput.operator()],
    }));
    const cr = only(objects, 'Grafana');
    expect(cr.spec.config['auth.jwt'].key_file).toBe('/etc/grafana/pomerium-keys/signing-key.pub.pem');
    const pod = cr.spec.deployment.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'pomerium-keys', configMap: { name: 'grafana-pomerium-keys' } }]);
    expect(pod.containers).toEqual([{ name: 'grafana', volumeMounts: [{ name: 'pomerium-keys', mountPath: '/etc/grafana/pomerium-keys', readOnly: true }] }]);
  });
});

describe('Secret names follow the Kubernetes rule for Secrets (DNS-1123 subdomain)', () => {
  test('a dotted Secret name is accepted', () => {
    const { result } = synth((chart) => seedGrafana(chart, {
      authFlow: AuthFlow.jwt({ keySource: JwtKeySource.jwksFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }) }),
      release: { signingKeySecretName: 'pomerium.signing-key' },
    }));
    expect(pomeriumValues(result).config.existingSigningKeySecret).toBe('pomerium.signing-key');
  });

  test('an invalid one is refused with the fix', () => {
    expect(() => synth((chart) => seedGrafana(chart, { release: { signingKeySecretName: 'Pomerium_Key' } })))
      .toThrow(/PomeriumRelease at 'test\/grafana-release': prop 'signingKeySecretName' has value "Pomerium_Key": a Secret name must be a DNS-1123 subdomain.*Fix: use 'pomerium-key'/);
  });
});
