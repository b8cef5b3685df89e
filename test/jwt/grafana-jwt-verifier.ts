// Promoted to the library's simulator (src/simulate/grafana-jwt.ts); kept so the existing tests read unchanged.
export * from '../../src/simulate/grafana-jwt';
