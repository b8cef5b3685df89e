import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CertificateIssuer, GrafanaBehindPomerium, GrafanaIsolation, IstioIngressForPomerium, PomeriumRelease } from '../../src';
import {
  apiGroupOf, findNameCollisions, isClusterScoped, ObjectIdentity, registerUniqueObjectNames, validateUniqueObjectNames,
} from '../../src/rules/unique-object-names';
import { seedGrafanaProps } from '../istio/fixtures';

/** The validation errors of `app.synthYaml()`, one string per line after the header ('' when it passes). */
function synthErrors(app: App): string[] {
  try {
    app.synthYaml();
    return [];
  } catch (e) {
    return String((e as Error).message).split('\n').slice(1).map((line) => line.trim());
  }
}

function appWith(...chartNamespaces: (string | undefined)[]): { app: App; charts: Chart[] } {
  const app = Testing.app();
  registerUniqueObjectNames(app);
  return { app, charts: chartNamespaces.map((namespace, i) => new Chart(app, `c${i}`, { namespace })) };
}

function configMap(scope: Construct, id: string, name: string, namespace?: string): ApiObject {
  return new k8s.KubeConfigMap(scope, id, { metadata: { name, namespace } });
}

describe('duplicate object names across one app are refused at synth', () => {
  test("the issue's case: prod and staging charts building the same ingress and Grafana", () => {
    const app = Testing.app();
    for (const env of ['prod', 'staging']) {
      const chart = new Chart(app, env);
      // Different domains and hosts (one Gateway host or route host twice is refused at
      // construction), and two Helm identities (one identity twice is refused on its own,
      // test/hostile/errors.test.ts): the same object names.
      const ingress = new IstioIngressForPomerium(chart, 'ingress', { domain: `${env}.yourcompany.com`, certificateIssuer: CertificateIssuer.selfSigned() });
      const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: `https://auth.${env}.yourcompany.com`, ingress, helmReleaseName: `pomerium-${env}` });
      new GrafanaBehindPomerium(chart, 'g', { ...seedGrafanaProps({ host: `grafana.${env}.yourcompany.com`, isolation: GrafanaIsolation.networkPolicy() }), authenticateServiceUrl: undefined, pomerium });
    }
    registerUniqueObjectNames(app);
    const errors = synthErrors(app);

    const clusterIssuer = errors.find((e) => e.includes('ClusterIssuer "ingress-self-signed"'));
    expect(clusterIssuer).toContain("IstioIngressForPomerium at 'staging/ingress': prop 'name' has value \"ingress-self-signed\"");
    expect(clusterIssuer).toContain("'prod/ingress/SelfSignedIssuer' creates it too");
    expect(clusterIssuer).toContain('is cluster-scoped');
    expect(clusterIssuer).toContain("Fix: give IstioIngressForPomerium 'staging/ingress' or 'prod/ingress' a different `name` prop (or construct id, or the explicit name you gave this object)");

    const gateway = errors.find((e) => e.includes('Gateway "ingress-gateway"'));
    expect(gateway).toContain("IstioIngressForPomerium at 'staging/ingress'");
    expect(gateway).toContain("'prod/ingress/Gateway' creates it too");
    expect(gateway).toContain('is in namespace "istio-system" on both');

    const networkPolicy = errors.find((e) => e.includes('NetworkPolicy "g-only-from-pomerium"'));
    expect(networkPolicy).toContain("GrafanaBehindPomerium at 'staging/g': prop 'name' has value \"g-only-from-pomerium\"");
    expect(networkPolicy).toContain("'prod/g/OnlyPomerium' creates it too");
    expect(networkPolicy).toContain('API group networking.k8s.io');
    expect(networkPolicy).toContain("Fix: give GrafanaBehindPomerium 'staging/g' or 'prod/g' a different `name` prop (or construct id, or the explicit name you gave this object), or put the two in different namespaces");

    // Every error is blamed on a staging construct and names the prod object it would replace.
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const error of errors) expect(error).toMatch(/^\[\] \w+ at 'staging\/[^']+': prop '[a-z.]+' has value ".+": .+'prod\/.+ creates it too: .+\. Fix: .+/);
  });

  test('the same objects with different names pass', () => {
    const app = Testing.app();
    for (const env of ['prod', 'staging']) {
      const chart = new Chart(app, env);
      const ingress = new IstioIngressForPomerium(chart, 'ingress', {
        name: `${env}-ingress`, domain: 'yourcompany.com', certificateIssuer: CertificateIssuer.selfSigned(), pomeriumNamespace: `pomerium-${env}`,
      });
      const pomerium = new PomeriumRelease(chart, 'pomerium', { name: `${env}-pomerium`, namespace: `pomerium-${env}`, authenticateServiceUrl: `https://auth-${env}.yourcompany.com`, ingress });
      new GrafanaBehindPomerium(chart, 'g', {
        ...seedGrafanaProps({ name: `${env}-g`, host: `grafana-${env}.yourcompany.com`, isolation: GrafanaIsolation.networkPolicy() }), authenticateServiceUrl: undefined, pomerium,
      });
    }
    registerUniqueObjectNames(app);
    expect(synthErrors(app)).toEqual([]);
  });

  test('an object built directly in a chart is blamed on its own metadata.name', () => {
    const { app, charts: [a, b] } = appWith(undefined, undefined);
    configMap(a, 'cm', 'settings', 'team');
    configMap(b, 'other', 'settings', 'team');
    expect(synthErrors(app)).toEqual([
      "[] KubeConfigMap at 'c1/other': prop 'metadata.name' has value \"settings\": the ConfigMap \"settings\" (core API group) is in namespace \"team\" on both, and 'c0/cm' creates it too: applying both makes one silently replace the other. Fix: give KubeConfigMap 'c1/other' or 'c0/cm' a different metadata.name, or put the two in different namespaces",
    ]);
  });

  test('the same name in different namespaces passes', () => {
    const { app, charts: [a, b] } = appWith(undefined, undefined);
    configMap(a, 'cm', 'settings', 'team-a');
    configMap(b, 'cm', 'settings', 'team-b');
    expect(synthErrors(app)).toEqual([]);
  });

  test('the same name and namespace with different kinds passes', () => {
    const { app, charts: [a] } = appWith(undefined);
    configMap(a, 'cm', 'settings', 'team');
    new k8s.KubeSecret(a, 'secret', { metadata: { name: 'settings', namespace: 'team' } });
    expect(synthErrors(app)).toEqual([]);
  });

  test('the same kind and name in different API groups passes', () => {
    const { app, charts: [a] } = appWith(undefined);
    new ApiObject(a, 'istio', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'ingress' } });
    new ApiObject(a, 'gateway-api', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'ingress' } });
    // Versions of one group are one object to the API server.
    new ApiObject(a, 'istio-beta', { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'ingress' } });
    const errors = synthErrors(app);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("ApiObject at 'c0/istio-beta'");
    expect(errors[0]).toContain("'c0/istio' creates it too");
  });

  test("an object without a namespace takes its chart's namespace", () => {
    const { app, charts: [a, b] } = appWith('team', undefined);
    configMap(a, 'cm', 'settings');
    configMap(b, 'cm', 'settings', 'team');
    const errors = synthErrors(app);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('is in namespace "team" on both');
  });

  test('objects with no namespace anywhere compare as the default namespace of whoever applies them', () => {
    const { app, charts: [a, b, c] } = appWith(undefined, undefined, 'team');
    configMap(a, 'cm', 'settings');
    configMap(b, 'cm', 'settings');
    configMap(c, 'cm', 'settings');
    const errors = synthErrors(app);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("KubeConfigMap at 'c1/cm'");
    expect(errors[0]).toContain('has no namespace on either object and no chart namespace, so both go to the default namespace of whoever applies them');
  });

  test('cluster-scoped objects collide across namespaces', () => {
    const { app, charts: [a, b] } = appWith('prod', 'staging');
    new ApiObject(a, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'self-signed' } });
    new ApiObject(b, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'self-signed', namespace: 'other' } });
    new k8s.KubeClusterRole(a, 'role', { metadata: { name: 'reader' } });
    new k8s.KubeClusterRole(b, 'role', { metadata: { name: 'reader' } });
    // A namespaced kind with these names in these namespaces does not collide.
    configMap(a, 'cm', 'reader');
    configMap(b, 'cm', 'reader');
    const errors = synthErrors(app);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("ApiObject at 'c1/issuer': prop 'metadata.name' has value \"self-signed\": the ClusterIssuer \"self-signed\" (API group cert-manager.io) is cluster-scoped");
    expect(errors[0]).toContain(': a cluster-scoped name is one per cluster');
    expect(errors[1]).toContain("KubeClusterRole at 'c1/role'");
    expect(errors[1]).toContain('API group rbac.authorization.k8s.io');
  });

  test('registering many times adds one validation to the root', () => {
    const { app, charts: [a, b] } = appWith(undefined, undefined);
    registerUniqueObjectNames(a);
    registerUniqueObjectNames(b);
    registerUniqueObjectNames(app);
    configMap(a, 'cm', 'settings');
    configMap(b, 'cm', 'settings');
    expect(synthErrors(app)).toHaveLength(1);
    expect(app.node.validate()).toHaveLength(1);
  });

  test('Testing.synth(chart) runs the validation too (cdk8s validates the whole app per chart)', () => {
    const { charts: [a, b] } = appWith(undefined, undefined);
    configMap(a, 'cm', 'settings');
    configMap(b, 'cm', 'settings');
    expect(() => Testing.synth(a)).toThrow(/KubeConfigMap at 'c1\/cm'/);
  });

  test('an app whose root never registered is not checked', () => {
    const app = Testing.app();
    configMap(new Chart(app, 'a'), 'cm', 'settings');
    configMap(new Chart(app, 'b'), 'cm', 'settings');
    expect(synthErrors(app)).toEqual([]);
    expect(validateUniqueObjectNames(app)).toHaveLength(1);
  });
});

describe('findNameCollisions, the pure part', () => {
  const cm = (name: string, path: string, namespace?: string): ObjectIdentity => ({ apiVersion: 'v1', kind: 'ConfigMap', name, path, namespace });

  test('apiGroupOf: the part before the slash, "" for the core group', () => {
    expect(apiGroupOf('v1')).toBe('');
    expect(apiGroupOf('networking.istio.io/v1beta1')).toBe('networking.istio.io');
    expect(apiGroupOf('rbac.authorization.k8s.io/v1')).toBe('rbac.authorization.k8s.io');
  });

  test('isClusterScoped knows the core, RBAC, CRD and operator kinds, by group', () => {
    for (const [group, kind] of [
      ['', 'Namespace'], ['', 'PersistentVolume'], ['rbac.authorization.k8s.io', 'ClusterRole'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
      ['cert-manager.io', 'ClusterIssuer'], ['ingress.pomerium.io', 'Pomerium'], ['apiextensions.k8s.io', 'CustomResourceDefinition'],
      ['storage.k8s.io', 'StorageClass'], ['networking.k8s.io', 'IngressClass'], ['scheduling.k8s.io', 'PriorityClass'],
      ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'], ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration'],
      ['v1.edp.epam.com', 'ClusterKeycloak'], ['v1.edp.epam.com', 'ClusterKeycloakRealm'],
    ]) expect([group, kind, isClusterScoped(group, kind)]).toEqual([group, kind, true]);
    for (const [group, kind] of [
      ['', 'ConfigMap'], ['cert-manager.io', 'Issuer'], ['networking.istio.io', 'Gateway'], ['v1.edp.epam.com', 'KeycloakRealm'],
      ['', 'ClusterRole'], ['example.com', 'Pomerium'],
    ]) expect([group, kind, isClusterScoped(group, kind)]).toEqual([group, kind, false]);
  });

  test('no collision in distinct identities', () => {
    expect(findNameCollisions([
      cm('a', 'x/a', 'n1'), cm('a', 'x/b', 'n2'), cm('b', 'x/c', 'n1'),
      { apiVersion: 'v1', kind: 'Secret', name: 'a', namespace: 'n1', path: 'x/d' },
      { apiVersion: 'example.com/v1', kind: 'ConfigMap', name: 'a', namespace: 'n1', path: 'x/e' },
    ])).toEqual([]);
  });

  test('k objects with one identity give k-1 collisions, each against the first', () => {
    const [a, b, c] = [cm('s', 'a', 'n'), cm('s', 'b', 'n'), cm('s', 'c', 'n')];
    expect(findNameCollisions([a, b, c])).toEqual([
      { first: a, second: b, group: '', clusterScoped: false, namespace: 'n' },
      { first: a, second: c, group: '', clusterScoped: false, namespace: 'n' },
    ]);
  });

  test('versions of one API group are one identity', () => {
    const v1 = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', name: 'g', namespace: 'n', path: 'a' };
    const beta = { ...v1, apiVersion: 'networking.istio.io/v1beta1', path: 'b' };
    expect(findNameCollisions([v1, beta])).toEqual([{ first: v1, second: beta, group: 'networking.istio.io', clusterScoped: false, namespace: 'n' }]);
  });

  test("undefined and '' namespaces are the same key; 'default' is not assumed", () => {
    const [a, b, c] = [cm('s', 'a'), cm('s', 'b', ''), cm('s', 'c', 'default')];
    expect(findNameCollisions([a, b, c])).toEqual([{ first: a, second: b, group: '', clusterScoped: false, namespace: '' }]);
  });

  test('cluster-scoped kinds ignore the namespace', () => {
    const a = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'i', namespace: 'prod', path: 'a' };
    const b = { ...a, namespace: undefined, path: 'b' };
    expect(findNameCollisions([a, b])).toEqual([{ first: a, second: b, group: 'cert-manager.io', clusterScoped: true, namespace: '' }]);
  });

  test('24,000 objects are checked in one linear pass', () => {
    const distinct = Array.from({ length: 24_000 }, (_, i) => cm(`cm-${i}`, `chart/cm-${i}`, `ns-${i % 50}`));
    const same = Array.from({ length: 24_000 }, (_, i) => cm('cm', `chart/cm-${i}`, 'ns'));
    const time = (objects: ObjectIdentity[]) => {
      const start = process.hrtime.bigint();
      const collisions = findNameCollisions(objects);
      return { collisions: collisions.length, ms: Number(process.hrtime.bigint() - start) / 1e6 };
    };
    time(distinct); // warm-up
    const d = time(distinct);
    const s = time(same);
    expect(d.collisions).toBe(0);
    expect(s.collisions).toBe(23_999); // each against the first, not every pair (which would be 287,988,000)
    // Tens of milliseconds on a 2-core machine; a quadratic pass would take minutes.
    expect(d.ms).toBeLessThan(1_000);
    expect(s.ms).toBeLessThan(1_000);
  });

  test('the validation over 24,000 ApiObjects in one app is fast', () => {
    const app = Testing.app();
    const charts = Array.from({ length: 4 }, (_, i) => new Chart(app, `c${i}`, { namespace: `ns-${i}` }));
    for (let i = 0; i < 24_000; i++) configMap(charts[i % 4], `cm-${i}`, `cm-${i}`);
    const start = process.hrtime.bigint();
    const errors = validateUniqueObjectNames(app);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(errors).toEqual([]);
    expect(ms).toBeLessThan(3_000);
  }, 60_000);
});
