import { generateKeyPairSync } from 'node:crypto';
import { Chart } from 'cdk8s';
import {
  AccessPolicy, AuthFlow, GrafanaBehindPomerium, GrafanaBehindPomeriumProps, GrafanaOutput, GrafanaTarget, PomeriumOutput,
} from '../../src';

/** Seed 000/001's scenario: the props every test starts from. */
export function seedProps(overrides: Partial<GrafanaBehindPomeriumProps> = {}): GrafanaBehindPomeriumProps {
  return {
    host: 'grafana.example.com',
    authenticateServiceUrl: 'https://authenticate.example.com',
    policy: AccessPolicy.emailDomains('example.com'),
    grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'monitoring' }),
    authFlow: AuthFlow.jwt(),
    pomerium: { outputs: [PomeriumOutput.helmValues()] },
    grafanaOutputs: [GrafanaOutput.helmValues()],
    ...overrides,
  };
}

export function seedGrafana(chart: Chart, overrides: Partial<GrafanaBehindPomeriumProps> = {}, id = 'grafana'): GrafanaBehindPomerium {
  return new GrafanaBehindPomerium(chart, id, seedProps(overrides));
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
