import { PropContext } from '../errors';
import { checkHttpsUrl } from '../host';
import { jwksDocument, publicJwkFromPem, PublicJwk } from '../pomerium/signing-key';

/** Options of `JwtKeySource.routeJwks` and `JwtKeySource.jwksUrl`. */
export interface JwksUrlOptions {
  /**
   * Path, inside the Grafana container, of a PEM CA bundle that signed the JWKS
   * host's certificate (`tls_client_ca`). Needed when that CA is private.
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
}

const MOUNT_PATH = '/etc/grafana/pomerium-keys';

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
   * Pomerium over https (seed 000's troubleshooting path).
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
    if (this.options.tlsClientCaFile !== undefined) {
      if (typeof this.options.tlsClientCaFile !== 'string' || !this.options.tlsClientCaFile.startsWith('/')) {
        ctx.prop('tlsClientCaFile').fail(this.options.tlsClientCaFile, 'an absolute path inside the Grafana container is required', "mount the CA bundle and give its path, e.g. '/etc/grafana/ca/ca.crt'");
      }
      settings.tls_client_ca = this.options.tlsClientCaFile;
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
