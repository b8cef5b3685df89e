// The public surface. Models, renderers and value-object internals stay unexported.
export { GrafanaBehindPomerium } from './grafana-behind-pomerium';
export type { GrafanaBehindPomeriumProps, PomeriumOptions, RouteOptions } from './grafana-behind-pomerium';
export { AuthFlow, ForwardedClaim, ProxyHeaderProperty } from './auth-flow';
export type { JwtFlowOptions, HeaderFlowOptions, OrgMapping, OrgRoleRule } from './auth-flow';
export { PomeriumOutput, GrafanaOutput, GrafanaIsolation } from './outputs';
export type { PomeriumHelmValuesOptions, PomeriumIngressOptions, PomeriumGlobalSettings, PomeriumIdentityProvider, GrafanaOperatorOptions } from './outputs';
export { AccessPolicy } from './pomerium/access-policy';
export { JwtKeySource } from './grafana/jwt-key-source';
export type { JwksUrlOptions, LocalKeyOptions } from './grafana/jwt-key-source';
export { RoleMapping, GrafanaRole } from './grafana/role-mapping';
export type { GroupRoleRule, GroupRoleMappingOptions } from './grafana/role-mapping';
export { GrafanaTarget } from './grafana/target';
export type { ExistingGrafanaOptions, ManagedGrafanaOptions, ManagedGrafanaResources } from './grafana/target';
export { IstioIngressForPomerium } from './istio-ingress-for-pomerium';
export type { IstioIngressForPomeriumProps, IstioGatewayOptions, PomeriumMeshOptions, ExternalIdentityProvider } from './istio-ingress-for-pomerium';
export { CertificateIssuer, AcmeChallenge } from './cert-manager/issuer';
export type { ExistingIssuerOptions, SelfSignedIssuerOptions } from './cert-manager/issuer';
