import { ServiceEntryProps, ServiceEntrySpecLocation, ServiceEntrySpecResolution } from '../imports/istio-networking-networking.istio.io';

/** An external identity provider Pomerium calls over TLS. */
export interface ExternalTlsHost {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly port: number;
  readonly portName: string;
}

/**
 * A networking.istio.io/v1 ServiceEntry that tells the mesh the host is outside it
 * (no mTLS expected), resolved by DNS, reached over TLS. Exported to its own namespace
 * only: Pomerium is the one workload that talks to the IdP.
 */
export function renderExternalServiceEntry(entry: ExternalTlsHost): ServiceEntryProps {
  return {
    metadata: { name: entry.name, namespace: entry.namespace },
    spec: {
      hosts: [entry.host],
      exportTo: ['.'],
      location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
      ports: [{ number: entry.port, name: entry.portName, protocol: 'TLS' }],
      resolution: ServiceEntrySpecResolution.DNS,
    },
  };
}
