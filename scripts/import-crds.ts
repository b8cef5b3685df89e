/**
 * Regenerates src/imports/ from the upstream CRDs in ../shared/reference.
 *
 * Only the kinds the library emits are imported, and only their served storage
 * version: whole bundles are megabytes of generated code that slow every
 * compile. The CRD files themselves are never copied into the project.
 *
 *   npx projen import
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';

const reference = process.env.SHARED_REFERENCE ?? path.resolve(__dirname, '..', '..', 'shared', 'reference');
const outdir = path.resolve(__dirname, '..', 'src', 'imports');

interface ImportSpec {
  /** Module name under src/imports/. */
  readonly module: string;
  /** CRD file, relative to ../shared/reference. */
  readonly file: string;
  /** Kinds to keep. */
  readonly kinds: string[];
  /** Trims a CRD's schema before import (keeps generated code small). */
  readonly prune?: (crd: any) => void;
}

/** The grafana-operator CRD is 600 KB; the library only writes spec.config. */
function keepGrafanaConfigOnly(crd: any) {
  for (const version of crd.spec.versions) {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    const keep = ['config', 'version', 'disableDefaultAdminSecret', 'disableDefaultSecurityContext'];
    for (const key of Object.keys(spec.properties)) {
      if (!keep.includes(key)) delete spec.properties[key];
    }
    spec['x-kubernetes-preserve-unknown-fields'] = true;
    delete version.schema.openAPIV3Schema.properties.status;
  }
}

/** We only create self-signed or CA issuers; ACME/Vault/Venafi schemas are 800 KB of pod templates. */
function keepSelfSignedAndCaIssuers(crd: any) {
  if (crd.spec.names.kind !== 'ClusterIssuer') return;
  for (const version of crd.spec.versions) {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    for (const key of Object.keys(spec.properties)) {
      if (!['selfSigned', 'ca'].includes(key)) delete spec.properties[key];
    }
    delete version.schema.openAPIV3Schema.properties.status;
  }
}

/** Keeps only the listed keys of an object schema's properties (and of `required`). */
function keepKeys(schema: any, keep: string[]) {
  for (const key of Object.keys(schema.properties ?? {})) {
    if (!keep.includes(key)) delete schema.properties[key];
  }
  if (schema.required) schema.required = schema.required.filter((k: string) => keep.includes(k));
}

/** Flux: only what HelmDelivery.fluxHelmRelease writes (chart or chartRef, values, valuesFrom, names, storage, remediation). */
function keepFluxDeliveryFields(crd: any) {
  const keep: Record<string, string[]> = {
    HelmRelease: ['chart', 'chartRef', 'interval', 'releaseName', 'targetNamespace', 'storageNamespace', 'install', 'upgrade', 'values', 'valuesFrom'],
    HelmRepository: ['url', 'interval', 'type'],
    OCIRepository: ['url', 'interval', 'ref', 'layerSelector'],
  };
  for (const version of crd.spec.versions) {
    keepKeys(version.schema.openAPIV3Schema.properties.spec, keep[crd.spec.names.kind]);
    delete version.schema.openAPIV3Schema.properties.status;
  }
}

/** Argo CD: one Helm source with inline values, a destination, a project, a sync policy. */
function keepArgoHelmSourceFields(crd: any) {
  for (const version of crd.spec.versions) {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    keepKeys(spec, ['destination', 'project', 'source', 'syncPolicy', 'revisionHistoryLimit']);
    keepKeys(spec.properties.source, ['repoURL', 'chart', 'targetRevision', 'helm']);
    keepKeys(spec.properties.source.properties.helm, ['releaseName', 'valuesObject']);
    keepKeys(spec.properties.syncPolicy, ['automated', 'syncOptions']);
    delete version.schema.openAPIV3Schema.properties.status;
    delete version.schema.openAPIV3Schema.properties.operation;
  }
}

const specs: ImportSpec[] = [
  { module: 'istio-networking', file: 'crds/istio-crds.yaml', kinds: ['Gateway', 'VirtualService', 'ServiceEntry'] },
  { module: 'istio-security', file: 'crds/istio-crds.yaml', kinds: ['PeerAuthentication', 'AuthorizationPolicy'] },
  {
    module: 'cert-manager',
    file: 'crds/cert-manager-crds.yaml', kinds: ['Certificate', 'ClusterIssuer'],
    prune: keepSelfSignedAndCaIssuers,
  },
  {
    module: 'keycloak',
    file: 'crds/keycloak-operator-crds.yaml',
    kinds: ['KeycloakClient', 'KeycloakClientScope', 'KeycloakRealmGroup', 'KeycloakRealmUser'],
  },
  {
    module: 'grafana-operator',
    file: 'crds/grafana-operator-grafana-crd.yaml',
    kinds: ['Grafana'],
    prune: keepGrafanaConfigOnly,
  },
  { module: 'pomerium', file: 'pomerium/ingress.pomerium.io_pomerium.yaml', kinds: ['Pomerium'] },
  { module: 'flux-helm', file: 'crds/flux-crds.yaml', kinds: ['HelmRelease'], prune: keepFluxDeliveryFields },
  { module: 'flux-source', file: 'crds/flux-crds.yaml', kinds: ['HelmRepository', 'OCIRepository'], prune: keepFluxDeliveryFields },
  { module: 'argocd', file: 'crds/argo-cd-application-crd.yaml', kinds: ['Application'], prune: keepArgoHelmSourceFields },
];

function main() {
  if (!fs.existsSync(reference)) {
    console.error(`import-crds: ${reference} is absent; the committed src/imports/ stays as it is.`);
    process.exit(1);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-import-'));
  for (const spec of specs) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(reference, spec.file), 'utf8'))
      .map((d) => d.toJS())
      .filter((crd) => crd && spec.kinds.includes(crd.spec?.names?.kind));
    for (const crd of docs) {
      // Only the storage version: older served versions would add a class each.
      crd.spec.versions = crd.spec.versions.filter((v: any) => v.storage);
      spec.prune?.(crd);
    }
    const found = docs.map((crd) => crd.spec.names.kind).sort();
    if (found.length !== spec.kinds.length) {
      throw new Error(`${spec.file}: expected ${spec.kinds.join(', ')}, found ${found.join(', ')}`);
    }
    const file = path.join(work, `${spec.module}.yaml`);
    fs.writeFileSync(file, docs.map((d) => YAML.stringify(d)).join('---\n'));
    execFileSync('npx', ['cdk8s', 'import', `${spec.module}:=${file}`, '-l', 'typescript', '-o', outdir, '--no-check-upgrade'], {
      stdio: 'inherit',
    });
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main();
