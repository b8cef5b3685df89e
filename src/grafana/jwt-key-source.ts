import { PropContext } from '../errors';
import { checkDnsSubdomain, checkHttpsUrl } from '../host';
import { checkIniValue } from '../strings';
import { FileMount } from './config';
import { jwksDocument, publicJwkFromPem, PublicJwk } from '../pomerium/signing-key';

/**
 * A PEM CA bundle Grafana trusts for `jwk_set_url` (`tls_client_ca`), from a ConfigMap or a
 * Secret in Grafana's namespace, mounted read-only into every Grafana pod form the library
 * writes. The fix for "x509: certificate signed by unknown authority" behind a private CA.
 */
export class CaBundle {
  /** A ConfigMap key holding the PEM bundle (e.g. the one trust-manager or cert-manager's CA injector writes). */
  public static fromConfigMap(name: string, key: string = 'ca.crt'): CaBundle {
    return new CaBundle('configMap', name, key);
  }

  /** A Secret key holding the PEM bundle (e.g. `ca.crt` of a cert-manager Certificate's Secret). */
  public static fromSecret(name: string, key: string = 'ca.crt'): CaBundle {
    return new CaBundle('secret', name, key);
  }

  private constructor(private readonly kind: 'configMap' | 'secret', private readonly name: string, private readonly key: string) {}

  /** @internal */
  public _render(ctx: PropContext): { readonly file: string; readonly mount: FileMount } {
    const name = checkDnsSubdomain(ctx.prop('name'), this.name, this.kind === 'secret' ? 'a Secret name' : 'a ConfigMap name');
    if (typeof this.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(this.key)) {
      ctx.prop('key').fail(this.key, 'a ConfigMap or Secret key is letters, digits, -, _ and .', "give the key, e.g. 'ca.crt'");
    }
    const mount: FileMount = this.kind === 'secret'
      ? { name: 'jwks-ca', mountPath: CA_MOUNT_PATH, secretName: name }
      : { name: 'jwks-ca', mountPath: CA_MOUNT_PATH, configMapName: name };
    return { file: `${CA_MOUNT_PATH}/${this.key}`, mount };
  }
}

/** Options of `JwtKeySource.routeJwks` and `JwtKeySource.jwksUrl`. */
export interface JwksUrlOptions {
  /**
   * A PEM CA bundle, from a ConfigMap or Secret, that signed the JWKS host's certificate:
   * mounted into Grafana and set as `tls_client_ca`. Needed when that CA is private.
   * @default - the system trust store
   */
  readonly tlsClientCa?: CaBundle;
  /**
   * Path, inside the Grafana container, of a PEM CA bundle you mount yourself (`tls_client_ca`).
   * @default - the system trust store
   */
  readonly tlsClientCaFile?: string;
}

/** Options of `JwtKeySource.jwksFile` and `JwtKeySource.keyFile`. */
export interface LocalKeyOptions {
  /**
   * PEM public keys of Pomerium's signing key (P-256 or RSA). With `jwksFile`,
   * list the new key and the old one while rotating. Never a private key.
   */
  readonly publicKeysPem: string[];
}

/** Where the key material comes from, after validation. */
export interface RenderedKeySource {
  /** The [auth.jwt] settings that point Grafana at the keys. */
  readonly settings: Record<string, string>;
  /** A file Grafana must see, published in a ConfigMap mounted at `mountPath`. */
  readonly file?: { readonly fileName: string; readonly content: string; readonly mountPath: string };
  /** The public keys given by the user: Pomerium must sign with the matching private key. */
  readonly userKeys?: readonly PublicJwk[];
  /** Files Grafana must see besides the keys (a CA bundle). */
  readonly mounts?: readonly FileMount[];
}

const MOUNT_PATH = '/etc/grafana/pomerium-keys';
const CA_MOUNT_PATH = '/etc/grafana/jwks-ca';

/**
 * How Grafana gets Pomerium's public signing keys. Exactly one source is used:
 * Grafana's `jwk_set_url`, `jwk_set_file` and `key_file` are mutually exclusive.
 */
export abstract class JwtKeySource {
  /**
   * The JWKS Pomerium serves on the route itself:
   * `https://<route host>/.well-known/pomerium/jwks.json`.
   * Grafana must resolve and trust the route host from inside the cluster.
   */
  public static routeJwks(options: JwksUrlOptions = {}): JwtKeySource {
    return new UrlKeySource(undefined, options);
  }

  /**
   * A JWKS at another https URL, such as the authenticate service's. Grafana
   * refuses plain http outside development mode, so only https is accepted.
   */
  public static jwksUrl(url: string, options: JwksUrlOptions = {}): JwtKeySource {
    return new UrlKeySource(url, options);
  }

  /**
   * A JWKS file built at synth from public keys you pass, published in a ConfigMap
   * and read through `jwk_set_file`. Works when Grafana cannot reach or trust
   * Pomerium over https (the troubleshooting path of Pomerium's Grafana guide).
   */
  public static jwksFile(options: LocalKeyOptions): JwtKeySource {
    return new LocalKeySource('jwks', options);
  }

  /**
   * One PEM public key read through `key_file`, with `key_id` set to Pomerium's
   * key id (Pomerium tokens always carry a kid).
   */
  public static keyFile(options: LocalKeyOptions): JwtKeySource {
    return new LocalKeySource('pem', options);
  }

  /** @internal */
  public abstract _render(ctx: PropContext, routeHost: string): RenderedKeySource;
}

class UrlKeySource extends JwtKeySource {
  constructor(private readonly url: string | undefined, private readonly options: JwksUrlOptions) {
    super();
  }

  public _render(ctx: PropContext, routeHost: string): RenderedKeySource {
    const url = this.url === undefined ? `https://${routeHost}/.well-known/pomerium/jwks.json` : checkHttpsUrl(ctx, this.url, 'the JWKS URL').href;
    const settings: Record<string, string> = { jwk_set_url: url };
    if (this.options.tlsClientCa !== undefined && this.options.tlsClientCaFile !== undefined) {
      ctx.prop('tlsClientCaFile').fail(this.options.tlsClientCaFile, 'tlsClientCa and tlsClientCaFile both set tls_client_ca', 'keep one of them');
    }
    if (this.options.tlsClientCa !== undefined) {
      if (!(this.options.tlsClientCa instanceof CaBundle)) {
        ctx.prop('tlsClientCa').fail(this.options.tlsClientCa, 'a CaBundle is required', "use CaBundle.fromConfigMap('internal-ca') or CaBundle.fromSecret('internal-ca')");
      }
      const ca = this.options.tlsClientCa._render(ctx.prop('tlsClientCa'));
      return { settings: { ...settings, tls_client_ca: ca.file }, mounts: [ca.mount] };
    }
    if (this.options.tlsClientCaFile !== undefined) {
      if (typeof this.options.tlsClientCaFile !== 'string' || !this.options.tlsClientCaFile.startsWith('/')) {
        ctx.prop('tlsClientCaFile').fail(this.options.tlsClientCaFile, 'an absolute path inside the Grafana container is required', "mount the CA bundle and give its path, e.g. '/etc/grafana/ca/ca.crt'");
      }
      settings.tls_client_ca = checkIniValue(ctx.prop('tlsClientCaFile'), this.options.tlsClientCaFile);
    }
    return { settings };
  }
}

class LocalKeySource extends JwtKeySource {
  constructor(private readonly form: 'jwks' | 'pem', private readonly options: LocalKeyOptions) {
    super();
  }

  public _render(ctx: PropContext): RenderedKeySource {
    const keysCtx = ctx.prop('publicKeysPem');
    const pems = this.options?.publicKeysPem;
    if (!Array.isArray(pems) || pems.length === 0) {
      return keysCtx.fail(pems, 'at least one public key is required', 'pass the PEM public key of Pomerium\'s signing key');
    }
    const keys = pems.map((pem, i) => publicJwkFromPem(keysCtx.prop(String(i)), pem));
    if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
      keysCtx.fail('<PEM blocks>', 'the same key is listed twice', 'list each key once');
    }
    if (this.form === 'jwks') {
      return {
        settings: { jwk_set_file: `${MOUNT_PATH}/jwks.json` },
        file: { fileName: 'jwks.json', content: jwksDocument(keys), mountPath: MOUNT_PATH },
        userKeys: keys,
      };
    }
    if (keys.length > 1) {
      keysCtx.fail('<PEM blocks>', 'key_file holds exactly one key', 'pass one key, or use JwtKeySource.jwksFile() to publish several while rotating');
    }
    return {
      settings: { key_file: `${MOUNT_PATH}/signing-key.pub.pem`, key_id: keys[0].kid },
      file: { fileName: 'signing-key.pub.pem', content: normalizePem(pems[0]), mountPath: MOUNT_PATH },
      userKeys: keys,
    };
  }
}

function normalizePem(pem: string): string {
  return pem.trim() + '\n';
}
