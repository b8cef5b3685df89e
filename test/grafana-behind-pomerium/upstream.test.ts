import * as YAML from 'yaml';
import { FIXED_PUBLIC_KEY, seedGrafana, pomeriumValues } from './fixtures';
import {
  AccessPolicy, AuthFlow, ForwardedClaim, GrafanaOutput, GrafanaRole, GrafanaTarget, JwtKeySource, PomeriumOutput, RoleMapping,
} from '../../src';
import { isKnownGrafanaEnvVar, unknownGrafanaKeys } from '../support/grafana-ini';
import { pomeriumOptionKeys, pomeriumRouteKeys, unknownHelmValuePaths } from '../support/pomerium-keys';
import { describeWithReference } from '../support/reference';
import { validateManifests } from '../support/schema';
import { synth } from '../support/synth';

/** Every output form and most options at once, in both flows: the widest surface to check against upstream. */
const scenarios = {
  'JWT flow, every output form': () => synth((chart) => seedGrafana(chart, {
    authFlow: AuthFlow.jwt({
      keySource: JwtKeySource.jwksFile({ publicKeysPem: [FIXED_PUBLIC_KEY] }),
      roleMapping: RoleMapping.fromGroups([{ group: 'admins', role: GrafanaRole.GRAFANA_ADMIN }, { group: 'devs', role: GrafanaRole.EDITOR }]),
      orgMapping: { attributePath: 'groups', rules: [{ claimValue: '*', org: '1', role: GrafanaRole.VIEWER }] },
      groupsAttributePath: 'groups',
      allowEmbedding: true,
    }),
    release: { signingKeySecretName: 'pomerium-signing-key', outputs: [PomeriumOutput.helmValues(), PomeriumOutput.configSecret(), PomeriumOutput.ingressController({ globalSettings: { bootstrapSecret: 'pomerium/bootstrap' } })] },
    grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'monitoring' }),
    grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.envVars(), GrafanaOutput.operator()],
    extraGrafanaSettings: { users: { default_theme: 'light' } },
  })),
  'header flow, every output form': () => synth((chart) => seedGrafana(chart, {
    authFlow: AuthFlow.headers({ extraClaims: [ForwardedClaim.NAME, ForwardedClaim.GROUPS], whitelist: ['10.0.0.0/8'] }),
    release: { outputs: [PomeriumOutput.helmValues(), PomeriumOutput.configSecret(), PomeriumOutput.ingressController({ globalSettings: { identityProvider: { provider: 'oidc', url: 'https://idp.example.com', secret: 'pomerium/idp' } } })] },
    grafana: GrafanaTarget.operator({ name: 'grafana', namespace: 'monitoring' }),
    grafanaOutputs: [GrafanaOutput.helmValues(), GrafanaOutput.envVars(), GrafanaOutput.operator()],
  })),
  'managed Grafana': () => synth((chart) => seedGrafana(chart, {
    grafana: GrafanaTarget.managed({ namespace: 'monitoring', storageClassName: 'standard' }),
    policy: AccessPolicy.anyOf(AccessPolicy.groups('grafana'), AccessPolicy.claim('department', 'sre')),
    grafanaOutputs: [],
  })),
};

describe.each(Object.entries(scenarios))('%s', (_name, build) => {
  const { objects, result } = build();

  describeWithReference('keys exist upstream', () => {
    test('every object validates against its upstream schema', () => {
      expect(validateManifests(objects)).toEqual([]);
    });

    test('every Grafana key exists in defaults.ini', () => {
      expect(unknownGrafanaKeys(result.grafanaSettings)).toEqual([]);
    });

    test('every GF_* variable names a real Grafana key', () => {
      const names = objects.flatMap((o) => [
        ...Object.keys(o.kind === 'ConfigMap' && o.metadata.name.endsWith('-grafana-env') ? o.data : {}),
        ...(o.kind === 'Deployment' ? o.spec.template.spec.containers[0].env.map((e: any) => e.name) : []),
      ]);
      expect(names.filter((n) => !isKnownGrafanaEnvVar(n))).toEqual([]);
    });

    test('every Pomerium route key is one Pomerium reads', () => {
      const keys = pomeriumRouteKeys();
      expect(Object.keys(result.pomeriumRoute).filter((k) => !keys.has(k))).toEqual([]);
    });

    test('every chart value path exists in the charts\' values.yaml', () => {
      if (pomeriumValues(result)) expect(unknownHelmValuePaths(pomeriumValues(result), 'pomerium')).toEqual([]);
      if (result.grafanaHelmValues) expect(unknownHelmValuePaths(result.grafanaHelmValues, 'grafana')).toEqual([]);
    });

    test('every raw Pomerium option (extraOpts, config.yaml) is one Pomerium reads', () => {
      const options = pomeriumOptionKeys();
      const extra = Object.keys(pomeriumValues(result)?.config?.extraOpts ?? {});
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.endsWith('-pomerium-config'));
      const fileKeys = secret ? Object.keys(YAML.parse(secret.stringData['config.yaml'])) : [];
      expect([...extra, ...fileKeys].filter((k) => !options.has(k))).toEqual([]);
    });

    test('every Ingress Controller annotation is a route key', () => {
      const keys = pomeriumRouteKeys();
      const annotations = objects.filter((o) => o.kind === 'Ingress').flatMap((o) => Object.keys(o.metadata.annotations));
      expect(annotations.map((a) => a.replace('ingress.pomerium.io/', '')).filter((k) => !keys.has(k))).toEqual([]);
    });
  });
});
