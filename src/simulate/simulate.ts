/**
 * "What happens when this user arrives?": Pomerium's policy, what Pomerium sends, and
 * what Grafana makes of it, all read from synthesized output.
 */
import { generateKeyPairSync } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { IConstruct } from 'constructs';
import { discover, Discovered, FoundGrafana, FoundRoute } from './discover';
import { GrafanaRejected, verifyJwtClaims } from './grafana-jwt';
import { GrafanaOutcome, GrafanaVerdict, iniBool, jwtUser, oauthUser, proxyUser } from './grafana-user';

export type { GrafanaVerdict } from './grafana-user';
import { assertionClaims, headerValue, kidOfPublicKey, signAssertion, signingKeyFromPem, SimSigningKey, testSigningKey } from './mint';
import { evaluateRoutePolicy, PolicyError } from './ppl';
import { documentsFromConstruct, loadSynthesized, SimulatorInputError, SourceDocument } from './read-output';

/** The user and the circumstances of one simulated login. */
export interface SimulateLoginOptions {
  /** The route host the user opens, e.g. `grafana.example.com`. */
  readonly host: string;
  /**
   * The identity provider's claims for the user (ID token / userinfo): sub, email, name, groups, any custom claim.
   * @default - required, unless `anonymous` is true (then it must be left out)
   */
  readonly claims?: { [key: string]: any };
  /**
   * A request without a session: nobody has signed in to Pomerium. Pomerium's criteria then see
   * no user (pkg/policy/rules/rules.go: get_session gives `{}`): `accept` holds, `reject` and
   * `authenticated_user` do not, `email` is matched against "", `claim/*` against an empty
   * list, and `domain`, `user` and `groups` do not hold; so the negated matchers
   * (`not`, `not_in`, `exclude`) and the `not`/`nor` conditionals can admit such a request.
   * @default false
   */
  readonly anonymous?: boolean;
  /**
   * 'oss' (open-source Pomerium) or 'enterprise' (directory sync: `groups` criteria can match `directoryGroups`).
   * @default 'oss'
   */
  readonly edition?: string;
  /**
   * Groups (ids and names) Enterprise directory sync knows for the user; they also become the assertion's `groups`.
   * @default - none
   */
  readonly directoryGroups?: string[];
  /**
   * Pomerium's private signing key (PEM, or base64 of a PEM as in `signing_key`). Without it
   * a fresh test key is used and, where Grafana pins a key, the signature is assumed, not checked.
   * @default - a test key
   */
  readonly signingKeyPem?: string;
  /**
   * Users that already exist in Grafana (login or email). Everyone else is new, which matters
   * when sign-up is off.
   * @default - every user is new
   */
  readonly knownUsers?: string[];
  /**
   * Folder of Helm values files, when reading a manifests folder.
   * @default - `helm-values` beside the manifests folder, when it exists
   */
  readonly valuesDir?: string;
  /**
   * The clock, in seconds since the epoch.
   * @default - now
   */
  readonly now?: number;
}

/** Pomerium's verdict. */
export interface PomeriumVerdict {
  readonly allowed: boolean;
  /** The criteria that matched or failed, in words. */
  readonly reasons: string[];
}


/** What else the simulator found out, beyond the verdict (not part of `explain --json`). */
export interface SimulationDetails {
  /** Organization → role from Grafana's org mapping ("Main Org." is the default org, "*" every org). */
  readonly orgRoles: { [org: string]: string };
  /** Caveats: assumptions made, settings the output does not show. */
  readonly notes: string[];
  /** Where the route and Grafana configuration were found. */
  readonly sources: string[];
  /** The minted assertion (jwt flow). */
  readonly token?: string;
  /** The public JWKS that verifies `token`. */
  readonly jwks?: string;
  /** Identity headers Pomerium sends (lower-case names). */
  readonly headers?: { [name: string]: string };
}

/** The result of one simulated login; `explain --json` prints host, flow, pomerium and grafana. */
export interface SimulationResult {
  readonly host: string;
  /** 'jwt', 'headers' or 'oidc'. */
  readonly flow: string;
  readonly pomerium: PomeriumVerdict;
  readonly grafana: GrafanaVerdict;
  readonly details: SimulationDetails;
}

/**
 * Simulates logins against synthesized output: an app or chart in memory, or a folder
 * written by `cdk8s synth`.
 */
export class LoginSimulator {
  /** Simulates a login against an in-memory cdk8s App or Chart (its manifests and Helm values). */
  public static async simulateConstruct(scope: IConstruct, options: SimulateLoginOptions): Promise<SimulationResult> {
    return simulateDocuments(documentsFromConstruct(scope), options);
  }

  /** Simulates a login against a synthesized folder (or file) of manifests and Helm values. */
  public static async simulateDirectory(directory: string, options: SimulateLoginOptions): Promise<SimulationResult> {
    const host = typeof options.host === 'string' ? normalizeHost(options.host) : undefined;
    try {
      // Only the GitOps objects that name the host are parsed (a fleet's other tenants are not).
      return await simulateDocuments(loadSynthesized(directory, options.valuesDir, host), options);
    } catch (e) {
      if (!(e instanceof HostNotFoundError) || host === undefined) throw e;
      // Read everything once more, so the message lists every host the output serves.
      return simulateDocuments(loadSynthesized(directory, options.valuesDir), options);
    }
  }

  private constructor() {}
}

/**
 * Simulates a login: `appOrChartOrDir` is a cdk8s App or Chart in memory, or the path of a
 * synthesized folder. For jest: `await expect(simulateLogin(app, { host, claims })).resolves.toMatchObject(...)`.
 */
export function simulateLogin(appOrChartOrDir: IConstruct | string, options: SimulateLoginOptions): Promise<SimulationResult> {
  return typeof appOrChartOrDir === 'string'
    ? LoginSimulator.simulateDirectory(appOrChartOrDir, options)
    : LoginSimulator.simulateConstruct(appOrChartOrDir, options);
}

/** The core, on parsed documents. Throws SimulatorInputError for input it cannot judge. */
export async function simulateDocuments(documents: SourceDocument[], options: SimulateLoginOptions): Promise<SimulationResult> {
  return simulateDiscovered(discover(documents), options);
}

/**
 * The core, on routes and Grafanas already discovered: callers that ask many logins of one
 * output (the access diff) discover once and pass only the host's routes and Grafanas.
 */
export async function simulateDiscovered(found: Discovered, options: SimulateLoginOptions): Promise<SimulationResult> {
  if (typeof options.host !== 'string' || options.host === '') throw new SimulatorInputError('a host is required');
  const anonymous = options.anonymous === true;
  if (anonymous && options.claims !== undefined) {
    throw new SimulatorInputError('an anonymous request has no claims: leave claims out, or drop anonymous to simulate a signed-in user');
  }
  if (!anonymous && (typeof options.claims !== 'object' || options.claims === null || Array.isArray(options.claims))) {
    throw new SimulatorInputError('claims must be a JSON object of the identity provider\'s claims (or simulate an anonymous request)');
  }
  const edition = options.edition ?? 'oss';
  if (edition !== 'oss' && edition !== 'enterprise') throw new SimulatorInputError(`edition must be oss or enterprise, not ${JSON.stringify(edition)}`);
  const host = normalizeHost(options.host);
  const routes = unique(found.routes.filter((r) => r.host === host), routeKey);
  const grafanasForHost = found.grafanas.filter((g) => g.host === host);
  if (routes.length === 0 && grafanasForHost.length === 0) {
    const hosts = [...new Set([...found.routes.map((r) => r.host), ...found.grafanas.map((g) => g.host).filter(Boolean)])].sort();
    throw new HostNotFoundError(`no Pomerium route and no Grafana with root_url https://${host}/ in the output; hosts found: ${hosts.join(', ') || 'none'}`);
  }
  if (routes.length > 1) {
    throw new SimulatorInputError(`${routes.length} different Pomerium routes serve ${host} (${routes.map((r) => r.source).join('; ')}): point the simulator at the output of one installation`);
  }
  const route = routes[0];
  const flowOf = (g: FoundGrafana) => (iniBool(g.sections['auth.jwt']?.enabled, false) ? 'jwt'
    : iniBool(g.sections['auth.proxy']?.enabled, false) ? 'headers'
      : iniBool(g.sections['auth.generic_oauth']?.enabled, false) || g.sections['auth.generic_oauth'] ? 'oidc' : 'none');
  // Behind a route, Grafana is the one that signs users in from what Pomerium sends; without one, its own OAuth.
  const candidates = unique(grafanasForHost.filter((g) => (route ? flowOf(g) === 'jwt' || flowOf(g) === 'headers' : flowOf(g) === 'oidc')), grafanaKey);
  if (candidates.length > 1) {
    throw new SimulatorInputError(`${candidates.length} different Grafana configurations have root_url https://${host}/ (${candidates.map((g) => g.source).join('; ')}): point the simulator at the output of one installation`);
  }
  const grafana = candidates[0];
  const sources = [route?.source, grafana?.source].filter((s): s is string => !!s);
  const notes = [...(grafana?.notes ?? [])];
  const directory = { knownUsers: options.knownUsers };
  // Without a session nobody is known: no claims reach Pomerium's criteria, the assertion or Grafana.
  const claims = anonymous ? {} : options.claims as Record<string, unknown>;
  if (anonymous) notes.push('anonymous request: no Pomerium session, so no user claims');

  if (!route) {
    // The oidc flow: Grafana's own generic OAuth, Pomerium not in front.
    const outcome = grafana ? oauthUser(grafana.sections, claims, directory) : undefined;
    if (grafana && !iniBool(grafana.sections['auth.generic_oauth']?.enabled, false)) {
      notes.push('[auth.generic_oauth] enabled is not set in the output (it may come from a Secret the output does not show)');
    }
    return result(host, 'oidc', { allowed: true, reasons: ['Pomerium is not involved: Grafana signs users in itself ([auth.generic_oauth]); the claims are taken as the ID token'] },
      outcome ?? noGrafana(host), notes, sources);
  }

  // Pomerium's policy.
  let pomerium: PomeriumVerdict;
  try {
    pomerium = evaluateRoutePolicy(route.route, { claims, edition, directoryGroups: options.directoryGroups, anonymous });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    pomerium = { allowed: false, reasons: [`Pomerium refuses the route's policy: ${e.message}`] };
  }
  const flow = grafana ? flowOf(grafana) : route.claimHeaders.length > 0 ? 'headers' : 'jwt';
  if (!pomerium.allowed) {
    return result(host, flow, pomerium, { accepted: false, error: 'not reached: Pomerium denied the request', grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources);
  }
  if (!grafana) return result(host, flow, pomerium, noGrafana(host), notes, sources);

  const now = options.now ?? Math.floor(Date.now() / 1000);
  // What Pomerium sends. Identity headers only with pass_identity_headers (off by default since v0.10).
  const headers: Record<string, string> = {};
  const directoryGroups = edition === 'enterprise' ? options.directoryGroups : undefined;
  const extraClaims = route.claimHeaders.map((h) => h.claim);
  const payload = assertionClaims({ claims, host, issuerFormat: route.jwtIssuerFormat, extraClaims, directoryGroups, now });
  for (const h of route.claimHeaders) {
    const v = payload[h.claim] ?? claims[h.claim];
    if (v !== undefined && v !== '') headers[h.header] = headerValue(v);
  }

  if (flow === 'headers') {
    if (!route.passIdentityHeaders) {
      const error = 'auth proxy not used: Pomerium sends no identity headers on this route (pass_identity_headers is off)';
      return result(host, flow, pomerium, { accepted: false, error, grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources, { headers: {} });
    }
    return result(host, flow, pomerium, proxyUser(grafana.sections, headers, directory), notes, sources, { headers });
  }

  // The jwt flow: which key Pomerium signs with, and which key Grafana trusts.
  const jwtSection = grafana.sections['auth.jwt'] ?? {};
  const userKey = options.signingKeyPem ? await signingKeyFromPem(options.signingKeyPem) : undefined;
  let signingKey: SimSigningKey;
  let headerKid: string | undefined;
  let assumeSignature = false;
  const pinnedFile = jwtSection.jwk_set_file || jwtSection.key_file;
  if (!route.signer) {
    // No signing key named in the output: Pomerium signs with one of its own (derived from shared_secret).
    signingKey = await freshKey();
    notes.push('the Pomerium output names no signing key: Pomerium signs with a key of its own' + (pinnedFile ? ', which Grafana\'s pinned key cannot match' : ''));
  } else if (userKey) {
    signingKey = userKey;
    notes.push(`Pomerium signs with the key in ${route.signer}, taken to be the --signing-key given: signature checked`);
  } else {
    signingKey = await testSigningKey();
    if (pinnedFile) {
      // Assume Pomerium's pinned key is the one Grafana holds: the kid Pomerium would send is that key's thumbprint.
      headerKid = await pinnedKid(grafana, pinnedFile, jwtSection.key_file ? 'pem' : 'jwks');
      assumeSignature = true;
      notes.push(`Pomerium signs with the key in ${route.signer}, assumed to match Grafana's ${pinnedFile}: signature assumed, not checked (pass the private key to check it)`);
    }
  }
  const token = await signAssertion(payload, signingKey, headerKid);
  // The key that really signed the token, under the kid the token names, so any verifier that
  // selects keys by kid (Grafana's go-jose, jose's createLocalJWKSet) finds it.
  const jwks = JSON.stringify({ keys: [{ ...signingKey.publicJwk, kid: headerKid ?? signingKey.kid }] }, null, 2) + '\n';
  headers['x-pomerium-jwt-assertion'] = token;
  const extra = { token, jwks, headers };

  if (!iniBool(jwtSection.enabled, false) || !jwtSection.header_name) {
    return result(host, flow, pomerium, { accepted: false, error: 'JWT auth not used: [auth.jwt] is not enabled or has no header_name', grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources, extra);
  }
  if (!route.passIdentityHeaders) {
    return result(host, flow, pomerium, { accepted: false, error: `JWT auth not used: Pomerium sends no ${jwtSection.header_name} on this route (pass_identity_headers is off)`, grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources, extra);
  }
  if (jwtSection.header_name.toLowerCase() !== 'x-pomerium-jwt-assertion') {
    return result(host, flow, pomerium, { accepted: false, error: `JWT auth not used: Grafana reads ${jwtSection.header_name}, Pomerium sends X-Pomerium-Jwt-Assertion`, grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources, extra);
  }
  // jwt.go Test: a token without sub goes to the next auth method.
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    return result(host, flow, pomerium, { accepted: false, error: 'JWT auth not used: the token has no sub claim, so Grafana passes the request to the next auth method (its login page)', grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources, extra);
  }
  let verified: Record<string, unknown>;
  try {
    verified = await verifyJwtClaims(token, {
      settings: jwtSection,
      files: grafana.files,
      // Grafana fetches Pomerium's own JWKS from any route host: the key Pomerium signs with.
      fetch: (url) => (/^https:\/\/[^/]+\/\.well-known\/pomerium\/jwks\.json$/.test(url) ? jwks : undefined),
      now,
      assumeSignature,
    });
  } catch (e) {
    if (!(e instanceof GrafanaRejected)) throw e;
    return result(host, flow, pomerium, { accepted: false, error: `Failed to verify JWT: ${e.reason}`, grafanaAdmin: false, orgRoles: {}, notes: [] }, notes, sources, extra);
  }
  return result(host, flow, pomerium, jwtUser(grafana.sections, verified, directory), notes, sources, extra);
}

/** No route and no Grafana serve the host: simulateDirectory retries with everything read, for the list of hosts. */
class HostNotFoundError extends SimulatorInputError {}

/** `https://Host.example.com/path` → `host.example.com`: the simulator's key for a route and a root_url. */
function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

let ownKey: Promise<SimSigningKey> | undefined;
/** A second test key, standing for the key Pomerium makes up itself. */
function freshKey(): Promise<SimSigningKey> {
  ownKey ??= (async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return signingKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  })();
  return ownKey;
}

/** The kid Pomerium sends when it signs with the key Grafana pins: the real thumbprint of that public key. */
async function pinnedKid(grafana: FoundGrafana, file: string, kind: 'pem' | 'jwks'): Promise<string | undefined> {
  const content = grafana.files[file];
  if (content === undefined) return undefined;
  if (kind === 'pem') return kidOfPublicKey(content);
  try {
    const keys = (JSON.parse(content) as { keys?: Array<Record<string, unknown>> }).keys ?? [];
    return keys.length > 0 ? await kidOfPublicKey(keys[0]) : undefined;
  } catch {
    return undefined;
  }
}

function noGrafana(host: string): GrafanaOutcome {
  return { accepted: false, error: `no Grafana configuration with [server] root_url https://${host}/ in the output`, grafanaAdmin: false, orgRoles: {}, notes: [] };
}

function result(host: string, flow: string, pomerium: PomeriumVerdict, outcome: GrafanaOutcome, notes: string[], sources: string[],
  extra: { token?: string; jwks?: string; headers?: Record<string, string> } = {}): SimulationResult {
  return {
    host,
    flow,
    pomerium,
    grafana: {
      accepted: outcome.accepted,
      error: outcome.error,
      login: outcome.login || undefined,
      email: outcome.email || undefined,
      role: outcome.role,
      grafanaAdmin: outcome.grafanaAdmin,
    },
    details: { orgRoles: outcome.orgRoles, notes: [...notes, ...outcome.notes], sources, ...extra },
  };
}

/** The same route or Grafana rendered in several forms (or twice) counts once. */
function unique<T>(items: T[], key: (t: T) => unknown): T[] {
  const out: T[] = [];
  for (const item of items) if (!out.some((o) => isDeepStrictEqual(key(o), key(item)))) out.push(item);
  return out;
}

function routeKey(r: FoundRoute) {
  const { from: _from, to: _to, timeout: _timeout, ...rest } = r.route;
  return { rest, claimHeaders: r.claimHeaders, iss: r.jwtIssuerFormat, pass: r.passIdentityHeaders, signed: r.signer !== undefined };
}

function grafanaKey(g: FoundGrafana) {
  const pick = (s: string) => g.sections[s] ?? {};
  return { jwt: pick('auth.jwt'), proxy: pick('auth.proxy'), oauth: pick('auth.generic_oauth'), users: pick('users'), files: g.files };
}
