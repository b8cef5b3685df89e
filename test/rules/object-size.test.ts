/**
 * The synth-time size guard: every object measured against the limit its consumers put on it
 * (API server data limit, client-side apply's annotation, etcd's request size with Argo CD's
 * status copies). Oversize objects are built cheaply: one large string, or one route whose
 * policy names many groups.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  AccessPolicy, FleetApp, GrafanaBehindPomerium, GrafanaTarget, HelmDelivery, PomeriumOutput, PomeriumRelease,
} from '../../src';
import { PropContext } from '../../src/errors';
import {
  ANY_OBJECT_LIMIT, argoCdApplicationLimit, measureObject, pomeriumChartConfigBytes, registerObjectSizeLimits, SECRET_DATA_LIMIT,
} from '../../src/rules/object-size';
import { errorOf } from '../support/synth';

/** Synthesizes the app of `chart` the way `cdk8s synth` does (validations included). */
function synthErrors(build: (chart: Chart) => void): string {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  registerObjectSizeLimits(chart);
  build(chart);
  return errorOf(() => app.synthYaml());
}

/** The one validation line of a failed synth (cdk8s prefixes it with the path it was registered on). */
function onlyError(message: string): string {
  const lines = message.split('\n').slice(1).map((l) => l.trim().replace(/^\[[^\]]*\] /, ''));
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('the limits', () => {
  test('figures: 1 MiB of data, three quarters of the 256 KiB annotation budget', () => {
    expect(SECRET_DATA_LIMIT).toBe(1_048_576);
    expect(ANY_OBJECT_LIMIT).toBe(196_608);
  });

  test("an Application's budget shrinks with its history: spec + comparedTo + operationState (2) + history, with the status reserve, in 1.5 MiB", () => {
    expect(argoCdApplicationLimit(10)).toBe(Math.floor((1_572_864 - 262_144) / 14));
    expect(argoCdApplicationLimit(3)).toBe(Math.floor((1_572_864 - 262_144) / 7));
    // With no history the Application is bounded by client-side apply like any object.
    expect(argoCdApplicationLimit(0)).toBe(ANY_OBJECT_LIMIT);
  });

  test('Secret data is measured decoded, stringData and data together', () => {
    const half = 'x'.repeat(SECRET_DATA_LIMIT / 2);
    const secret = { apiVersion: 'v1', kind: 'Secret', data: { a: Buffer.from(half).toString('base64') }, stringData: { b: half } };
    // At exactly the limit the data fits (the generic limit still refuses so large an object).
    expect(measureObject(secret, '')).toBeUndefined();
    const over = { ...secret, stringData: { b: half + 'y' } };
    expect(measureObject(over, '')).toMatchObject({ size: SECRET_DATA_LIMIT + 1, limit: SECRET_DATA_LIMIT });
  });

  test('multi-byte characters count as bytes', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'é'.repeat(ANY_OBJECT_LIMIT / 2) } });
    expect(measureObject(JSON.parse(text), text)).toMatchObject({ size: Buffer.byteLength(text), limit: ANY_OBJECT_LIMIT });
  });
});

describe('refusals name the construct, the object, its size, the limit and the fix', () => {
  test('a ConfigMap over 1 MiB of data', () => {
    const message = synthErrors((chart) => {
      new k8s.KubeConfigMap(chart, 'big', { metadata: { name: 'big', namespace: 'ns' }, data: { blob: 'x'.repeat(SECRET_DATA_LIMIT + 1) } });
    });
    expect(onlyError(message)).toBe(
      "KubeConfigMap at 'test/big': the ConfigMap \"ns/big\" (v1) is 1048577 bytes, over the limit of 1048576 bytes (the API server's limit on a ConfigMap's data, all keys together). Fix: split the data over several ConfigMaps",
    );
  });

  test('any object over the client-side apply margin', () => {
    const message = synthErrors((chart) => {
      new ApiObject(chart, 'wide', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'wide' }, spec: { text: 'x'.repeat(ANY_OBJECT_LIMIT) } });
    });
    const size = JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'wide' }, spec: { text: 'x'.repeat(ANY_OBJECT_LIMIT) } }).length;
    expect(onlyError(message)).toBe(
      `ApiObject at 'test/wide': the Widget "wide" (example.com/v1) is ${size} bytes, over the limit of 196608 bytes ` +
      '(three quarters of the 262144-byte annotation budget where client-side kubectl apply copies the whole object (last-applied-configuration)). Fix: split it into smaller objects',
    );
  });

  test('an Argo CD Application past its budget, the budget from its history limit', () => {
    const values = { blob: 'x'.repeat(argoCdApplicationLimit(10)) };
    const message = synthErrors((chart) => {
      HelmDelivery.argoCdApplication({ chart: 'c', version: '1.0.0', repoUrl: 'https://charts.example.com', revisionHistoryLimit: 10 })
        ._addTo(chart, { releaseName: 'r', namespace: 'ns', values }, PropContext.detached('test').prop('delivery'));
    });
    expect(onlyError(message)).toMatch(new RegExp(
      '^Application at \'test/Application\': the Application "argocd/ns-r" \\(argoproj.io/v1alpha1\\) is \\d+ bytes, over the limit of 93622 bytes ' +
      '\\(what leaves room in one 1572864-byte etcd write for Argo CD\'s copies of the source \\(comparedTo, operationState and 10 history entries\\) and its status\\)\\. ' +
      'Fix: carry fewer values in the Application',
    ));
  });

  test('objects well under every limit pass, and a small object is never measured in UTF-8', () => {
    expect(() => synthErrors((chart) => {
      new k8s.KubeConfigMap(chart, 'small', { metadata: { name: 'small' }, data: { a: 'b' } });
    })).toThrow('expected an error, but none was thrown');
  });
});

describe('Pomerium forms that hold every route in one object are refused past the limit', () => {
  const url = 'https://authenticate.example.com';
  // One route whose policy names many groups stands for many routes: the object grows the same way.
  const groups = (n: number, width = 40) => Array.from({ length: n }, (_, i) => `tenant-${String(i).padStart(6, '0')}-grafana-admins`.padEnd(width, 'x'));

  function release(chart: Chart, outputs: PomeriumOutput[], groupCount: number, width?: number) {
    const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: url, outputs, podLabels: { app: 'pomerium' } });
    new GrafanaBehindPomerium(chart, 'grafana', {
      host: 'grafana.example.com',
      pomerium,
      policy: AccessPolicy.groups(...groups(groupCount, width)),
      grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'grafana' }),
    });
    return pomerium;
  }

  test('the config-file Secret: refused with the Ingress Controller form as the fix', () => {
    const message = synthErrors((chart) => release(chart, [PomeriumOutput.configSecret()], 200, 1_000));
    expect(onlyError(message)).toMatch(
      /^PomeriumRelease at 'test\/pomerium': the Secret "pomerium\/pomerium-config" \(v1\) is \d+ bytes, over the limit of 196608 bytes .*Fix: use PomeriumOutput\.ingressController\(\), where each route is its own Ingress \(no object grows with the number of routes\)$/,
    );
  });

  test('the chart values: the chart\'s config.yaml Secret would pass 1 MiB', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const pomerium = release(chart, [PomeriumOutput.helmValues()], 1_100, 1_000);
    const size = pomeriumChartConfigBytes(pomerium.helmValues!);
    expect(size).toBeGreaterThan(SECRET_DATA_LIMIT);
    expect(onlyError(errorOf(() => app.synthYaml()))).toBe(
      `PomeriumRelease at 'test/pomerium': prop 'outputs' has value "PomeriumOutput.helmValues()": the Pomerium chart writes every route into config.yaml of one Secret, and with 1 routes that is about ${size} bytes, over the 1048576-byte limit of a Secret's data: helm upgrade would fail. ` +
      'Fix: use PomeriumOutput.ingressController(), where each route is its own Ingress (no object grows with the number of routes)',
    );
  });

  test('the Ingress Controller form: every route its own Ingress, nothing refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    release(chart, [PomeriumOutput.ingressController()], 500);
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('cost', () => {
  test('FleetApp renders each object once: the guard\'s rendering is the one written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'size-once-'));
    const app = new FleetApp({ outdir });
    const chart = new Chart(app, 'platform');
    const pomerium = new PomeriumRelease(chart, 'pomerium', { authenticateServiceUrl: 'https://authenticate.example.com' });
    new GrafanaBehindPomerium(chart, 'grafana', {
      host: 'grafana.example.com', pomerium, policy: AccessPolicy.groups('sre'), grafana: GrafanaTarget.helmChart({ releaseName: 'grafana', namespace: 'grafana' }),
    });
    const objects = app.node.findAll().filter((c) => ApiObject.isApiObject(c)).length;
    const toJson = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      app.synth();
      expect(toJson).toHaveBeenCalledTimes(objects);
    } finally {
      toJson.mockRestore();
    }
    expect(fs.readFileSync(path.join(outdir, 'platform.k8s.yaml'), 'utf8')).toContain('kind: NetworkPolicy');
  });
});
