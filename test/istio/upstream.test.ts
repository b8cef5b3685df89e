import { seed003, seedGrafana, seedIngress, seedRelease } from './fixtures';
import { AcmeChallenge, AuthFlow, CertificateIssuer, GrafanaTarget, JwtKeySource, PomeriumOutput } from '../../src';
import { describeWithReference } from '../support/reference';
import { validateManifests, validateYamlDocuments } from '../support/schema';
import { synth } from '../support/synth';

/** The rendered objects against the Istio 1.30 and cert-manager 1.21 CRD schemas (and core kinds). */
describeWithReference('upstream schemas', () => {
  test('seed 003 validates', () => {
    const { yaml } = synth((chart) => seed003(chart));
    expect(validateYamlDocuments(yaml)).toEqual([]);
  });

  test('every option at once validates', () => {
    const { objects } = synth((chart) => {
      const ingress = seedIngress(chart, {
        gateway: { namespace: 'ingress', selector: { app: 'edge' }, name: 'edge', credentialName: 'edge-tls', httpsRedirect: false },
        certificateIssuer: CertificateIssuer.existingIssuer('acme-dns', { acmeChallenge: AcmeChallenge.DNS_01 }),
        trustDomain: 'prod.example.org',
        pomeriumNamespace: 'sso',
      });
      const pomerium = seedRelease(chart, ingress, {
        helmReleaseName: 'sso',
        namespace: 'sso',
        clusterDomain: 'corp.internal',
        podLabels: { app: 'pomerium' },
        outputs: [PomeriumOutput.helmValues(), PomeriumOutput.configSecret()],
        externalIdentityProviders: [{ host: 'yourcompany.okta.com' }, { host: 'login.microsoftonline.com', port: 8443, portName: 'tls-alt' }],
      });
      seedGrafana(chart, pomerium, {}, 'a');
      seedGrafana(chart, pomerium, {
        host: 'b.yourcompany.com',
        authFlow: AuthFlow.jwt({ keySource: JwtKeySource.routeJwks() }),
        grafana: GrafanaTarget.existing({ serviceName: 'grafana', namespace: 'team-b', podLabels: { app: 'b' } }),
      }, 'b');
    });
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Gateway', 'Certificate', 'VirtualService', 'ServiceEntry', 'PeerAuthentication', 'AuthorizationPolicy', 'Secret']));
    expect(validateManifests(objects)).toEqual([]);
  });

  test('the checker would catch the seed\'s own mistakes (outdated versions, sds)', () => {
    const errors = validateManifests([
      { apiVersion: 'cert-manager.io/v1alpha2', kind: 'Certificate', metadata: { name: 'internal-cert', namespace: 'istio-system' }, spec: { secretName: 'x', issuerRef: { name: 'y' } } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'istio-system' }, spec: { servers: [{ port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['*.x.com'], tls: { mode: 'SIMPLE', credentialName: 'c', serverCertificate: 'sds', privateKey: 'sds', bogus: 1 } }] } },
    ]);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});
