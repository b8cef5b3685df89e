import { generateKeyPairSync } from 'node:crypto';
import { Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaBehindPomeriumProps, GrafanaOutput, GrafanaTarget, PomeriumRelease, PomeriumReleaseProps,
} from '../../src';

/** Route props, plus `release`: props of a PomeriumRelease built for the route (else the quick start's own release). */
export interface SeedOverrides extends Partial<GrafanaBehindPomeriumProps> {
  readonly release?: Partial<PomeriumReleaseProps>;
}

/** Seed 000/001's scenario: the props every test starts from. */
export function seedProps(overrides: Partial<GrafanaBehindPomeriumProps> = {}): GrafanaBehindPomeriumProps {
  return {
    host: 'grafana.example.com',
    authenticateServiceUrl: 'https://authenticate.example.com',
    policy: AccessPolicy.emailDomains('example.com'),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.jwt(),
    grafanaOutputs: [GrafanaOutput.helmValues()],
    ...overrides,
  };
}

export function seedGrafana(chart: Chart, overrides: SeedOverrides = {}, id = 'grafana'): GrafanaBehindPomerium {
  const { release, ...props } = overrides;
  const base = seedProps(props);
  if (!release) return new GrafanaBehindPomerium(chart, id, base);
  const pomerium = new PomeriumRelease(chart, `${id}-release`, { authenticateServiceUrl: base.authenticateServiceUrl!, podLabels: ALL_IN_ONE_LABELS, ...release });
  return new GrafanaBehindPomerium(chart, id, { ...base, authenticateServiceUrl: undefined, pomerium });
}

/** The labels of a user-run all-in-one Pomerium pod (the config Secret form needs them for the NetworkPolicy). */
export const ALL_IN_ONE_LABELS = { 'app.kubernetes.io/name': 'pomerium' };

/** The Pomerium Helm values of the route's release. */
export function pomeriumValues(grafana: GrafanaBehindPomerium): any {
  return grafana.pomerium.helmValues;
}

/** A fresh P-256 key pair, as Pomerium's signing key would be. */
export function p256(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * A fixed public key (test data, public half only) so that snapshots and the
 * determinism check see the same key id every run.
 */
export const FIXED_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeqEW0IvYAZbfnrpANaOQhoUzQDdA
Txo1h8RMG7VMSF4bJiRuGTOYvszpsxvT2hnJoXe5rC6UWdNqxLxeRxes3Q==
-----END PUBLIC KEY-----
`;
