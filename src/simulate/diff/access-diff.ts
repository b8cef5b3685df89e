/**
 * Access review between two synthesized outputs: who gains or loses access, and which role.
 *
 * Each side is discovered once (src/simulate/discover.ts); each host is judged by the login
 * simulator itself (`simulateDiscovered`) for the identities derived from that host's
 * configuration on both sides (identities.ts) plus the user's own. A host whose route,
 * Grafana configuration and isolation are identical on both sides cannot change any
 * verdict and is not asked (the simulator is deterministic in everything a verdict reads).
 */
import { IConstruct } from 'constructs';
import { discover, Discovered, FoundGrafana, FoundRoute } from '../discover';
import { searchString } from '../grafana-user';
import { documentsFromConstruct, SimulatorInputError, SourceDocument } from '../read-output';
import { SimulationResult, simulateDiscovered } from '../simulate';
import { canonical, deriveIdentities, DiffIdentity, emptyMentions, givenIdentity, mentionsOfGrafana, mentionsOfRoute } from './identities';
import { compareIsolation, IsolationObject, isolationIndex, upstreamNamespace } from './isolation';
import {
  AccessChange, AccessDiffOptions, AccessDiffReport, AccessVerdict, DiffIdentityInfo, HostDiff, IdentityVerdicts, roleRank,
} from './model';
import { SideWorker, worthWorkers } from './parallel';
import { ParseCache, readSide } from './read';
import { renderMarkdown, renderText } from './render';

/** Each side read and judged in a worker thread; undefined when workers cannot start here. */
async function compareInWorkers(beforeDir: string, afterDir: string, options: AccessDiffOptions): Promise<AccessDiffReport | undefined> {
  const started = await Promise.allSettled([SideWorker.start(beforeDir), SideWorker.start(afterDir)]);
  const workers = started.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<{ worker: SideWorker }>).value.worker);
  try {
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      if (failed.reason instanceof SimulatorInputError) throw failed.reason;
      return undefined; // no worker threads (or no loader for them) here: this thread does it all
    }
    const [b, a] = started.map((s) => (s as PromiseFulfilledResult<{ worker: SideWorker; side: Side }>).value);
    return await compareSides(b.side, a.side, options, (which, requests, edition, now) => (which === 'before' ? b : a).worker.judge(requests, edition, now));
  } finally {
    workers.forEach((w) => w.stop());
  }
}

/** One side, read and indexed once. */
export interface Side {
  readonly byHost: Map<string, Discovered>;
  readonly isolation: Map<string, IsolationObject[]>;
}

/** Compares the access two synthesized outputs give: for jest, CI and the `diff` command. */
export class AccessDiff {
  /**
   * Compares two synthesized folders (as `cdk8s synth` writes them; a `helm-values` folder
   * beside or inside each is read too, and Flux/Argo CD inline values are included).
   * Throws an error with one clear message on unreadable input.
   */
  public static async compare(beforeDir: string, afterDir: string, options: AccessDiffOptions = {}): Promise<AccessDiffReport> {
    checkOptions(options);
    if (worthWorkers(beforeDir, afterDir)) {
      const report = await compareInWorkers(beforeDir, afterDir, options);
      if (report) return report;
    }
    const cache: ParseCache = new Map();
    const before = readSide(beforeDir, cache);
    const after = readSide(afterDir, cache);
    return compareDocuments(before, after, options);
  }

  /** Compares two cdk8s Apps or Charts in memory (their manifests and Helm values). */
  public static async compareConstructs(before: IConstruct, after: IConstruct, options: AccessDiffOptions = {}): Promise<AccessDiffReport> {
    return compareDocuments(documentsFromConstruct(before), documentsFromConstruct(after), options);
  }

  /** The report as text for a terminal. */
  public static renderText(report: AccessDiffReport): string {
    return renderText(report);
  }

  /** The report as Markdown for a pull-request comment. */
  public static renderMarkdown(report: AccessDiffReport): string {
    return renderMarkdown(report);
  }

  private constructor() {}
}

export function indexSide(documents: SourceDocument[]): Side {
  const found = discover(documents);
  const byHost = new Map<string, { routes: FoundRoute[]; grafanas: FoundGrafana[] }>();
  const entry = (host: string) => {
    let e = byHost.get(host);
    if (!e) {
      e = { routes: [], grafanas: [] };
      byHost.set(host, e);
    }
    return e;
  };
  for (const r of found.routes) entry(r.host).routes.push(r);
  for (const g of found.grafanas) if (g.host) entry(g.host).grafanas.push(g);
  return { byHost, isolation: isolationIndex(documents) };
}

/** The core, on parsed documents. */
export async function compareDocuments(beforeDocs: SourceDocument[], afterDocs: SourceDocument[],
  options: AccessDiffOptions = {}): Promise<AccessDiffReport> {
  checkOptions(options);
  const before = indexSide(beforeDocs);
  const after = indexSide(afterDocs);
  return compareSides(before, after, options, async (which, requests, edition, now) => judgeSide(which === 'before' ? before : after, requests, edition, now));
}

/** One host's questions for one side: the claims of each identity (labels for messages). */
export interface JudgeRequest {
  readonly host: string;
  readonly identities: Array<{ label: string; claims: Record<string, unknown> }>;
}

/** One host's answers on one side: its flow and each identity's verdict, in order. */
export interface Judged {
  readonly host: string;
  readonly flow: string;
  readonly verdicts: AccessVerdict[];
}

/** Asks one side's questions (in this thread, or in the worker that holds the side). */
export type Judge = (which: 'before' | 'after', requests: JudgeRequest[], edition: string, now: number) => Promise<Judged[]>;

/** Runs the simulator for each question on one side. */
export async function judgeSide(side: Side, requests: JudgeRequest[], edition: string, now: number): Promise<Judged[]> {
  const out: Judged[] = [];
  for (const request of requests) {
    const found = side.byHost.get(request.host)!;
    let flow = 'none';
    const verdicts: AccessVerdict[] = [];
    for (const identity of request.identities) {
      const r = await ask(request.host, found, identity, edition, now);
      flow = r.flow;
      verdicts.push(verdictOf(r, found));
    }
    out.push({ host: request.host, flow, verdicts });
  }
  return out;
}

export function checkOptions(options: AccessDiffOptions): void {
  const edition = options.edition ?? 'oss';
  if (edition !== 'oss' && edition !== 'enterprise') throw new SimulatorInputError(`edition must be oss or enterprise, not ${JSON.stringify(edition)}`);
  givenIdentities(options);
}

function givenIdentities(options: AccessDiffOptions): DiffIdentity[] {
  return (options.identities ?? []).map((claims, i) => {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new SimulatorInputError(`identity ${i + 1} of ${options.identitiesSource ?? 'the given identities'} is not an object of claims`);
    }
    return givenIdentity(claims, `${options.identitiesSource ?? 'given'} #${i + 1}`);
  });
}

interface HostPlan {
  readonly host: string;
  readonly b?: Discovered;
  readonly a?: Discovered;
  readonly isoBefore: IsolationObject[];
  readonly isoAfter: IsolationObject[];
  readonly status: string;
  readonly identities: DiffIdentity[];
  /** Questions per side: the identities, or one probe to learn the flow when none is asked. */
  readonly questions: DiffIdentity[];
}

/** Plans the questions, has each side answer them, and compares the answers. */
export async function compareSides(before: Side, after: Side, options: AccessDiffOptions, judge: Judge): Promise<AccessDiffReport> {
  checkOptions(options);
  const edition = options.edition ?? 'oss';
  const given = givenIdentities(options);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const hosts = [...new Set([...before.byHost.keys(), ...after.byHost.keys()])].sort();

  const counts = { before: before.byHost.size, after: after.byHost.size, added: 0, removed: 0, changed: 0, unchanged: 0 };
  const distinct = new Map<string, string>();
  let asked = 0;
  const plans: HostPlan[] = [];
  for (const host of hosts) {
    const b = before.byHost.get(host);
    const a = after.byHost.get(host);
    const isoBefore = isolationOf(before, b);
    const isoAfter = isolationOf(after, a);
    const sameLogin = !!b && !!a && fingerprint(b) === fingerprint(a);
    const status = !b ? 'added' : !a ? 'removed' : sameLogin && canonical(isoBefore) === canonical(isoAfter) ? 'unchanged' : 'changed';
    counts[status as 'added']++;
    if (status === 'unchanged' && !options.includeIdentities) continue;
    // The simulator reads only the route and the Grafana configuration: when both are the same,
    // no identity's verdict can differ (an isolation change alone is reported, unasked).
    const askIdentities = !sameLogin || options.includeIdentities === true;
    const mentions = emptyMentions();
    for (const side of [b, a]) {
      for (const r of side?.routes ?? []) mentionsOfRoute(r, mentions);
      for (const g of side?.grafanas ?? []) mentionsOfGrafana(g, mentions);
    }
    const identities = askIdentities ? deriveIdentities(mentions, given) : [];
    asked += identities.length;
    for (const id of identities) if (!distinct.has(id.key)) distinct.set(id.key, id.origin);
    const questions = identities.length > 0 ? identities : deriveIdentities(emptyMentions(), []).slice(0, 1);
    plans.push({ host, b, a, isoBefore, isoAfter, status, identities, questions });
  }

  const requests = (which: 'b' | 'a'): JudgeRequest[] => plans.filter((p) => p[which]).map((p) => ({
    host: p.host, identities: p.questions.map((q) => ({ label: q.label, claims: q.claims })),
  }));
  const [judgedBefore, judgedAfter] = await Promise.all([judge('before', requests('b'), edition, now), judge('after', requests('a'), edition, now)]);
  const answers = (judged: Judged[]) => new Map(judged.map((j) => [j.host, j]));
  const byHostBefore = answers(judgedBefore);
  const byHostAfter = answers(judgedAfter);

  const hostDiffs: HostDiff[] = [];
  for (const plan of plans) {
    const { host, b, a, status, identities } = plan;
    const jb = byHostBefore.get(host);
    const ja = byHostAfter.get(host);
    const flowBefore = jb?.flow ?? 'none';
    const flowAfter = ja?.flow ?? 'none';
    const changes: AccessChange[] = [];
    const verdicts: IdentityVerdicts[] = [];
    identities.forEach((identity, i) => {
      const vb = jb?.verdicts[i] ?? ABSENT;
      const va = ja?.verdicts[i] ?? ABSENT;
      const info: DiffIdentityInfo = { label: identity.label, origin: identity.origin, claims: identity.claims };
      if (options.includeIdentities) verdicts.push({ identity: info, before: vb, after: va });
      const change = identityChange(info, vb, va);
      if (change) changes.push(change);
    });

    const hostChanges: AccessChange[] = [];
    if (status === 'added') hostChanges.push(hostLine('host-added', false, `${host} added (${flowAfter} flow)`, 'absent', 'present'));
    if (status === 'removed') hostChanges.push(hostLine('host-removed', false, `${host} removed`, 'present', 'absent'));
    if (b && a && flowBefore !== flowAfter) {
      // Claim headers are not signed: Grafana trusts whoever reaches it (GUIDE, "The two flows").
      const widened = flowAfter === 'headers';
      hostChanges.push(hostLine('flow', widened, `flow ${flowBefore} → ${flowAfter}${widened ? ' (Grafana now trusts unsigned claim headers)' : ''}`, flowBefore, flowAfter));
    }
    if (b && a) {
      for (const c of compareIsolation(plan.isoBefore, plan.isoAfter)) {
        const word = c.change === 'removed' ? 'isolation removed' : c.change === 'added' ? 'isolation added' : 'isolation changed';
        hostChanges.push(hostLine('isolation', c.widened, `${word}: ${c.id}${c.change === 'changed' ? (c.widened ? ' (admits a rule it did not before)' : ' (admits less)') : ''}`,
          c.change === 'added' ? 'absent' : 'present', c.change === 'removed' ? 'absent' : c.change === 'added' ? 'present' : 'changed'));
      }
      hostChanges.push(...settingChanges(b, a));
    }
    const all = [...hostChanges, ...changes];
    if (all.length === 0 && !options.includeIdentities) continue;
    hostDiffs.push({
      host,
      status,
      flowBefore,
      flowAfter,
      identitiesAsked: identities.length,
      changes: all,
      ...(options.includeIdentities ? { identities: verdicts } : {}),
    });
  }

  const origins: Record<string, number> = { 'derived': 0, 'near-miss': 0, 'given': 0 };
  for (const origin of distinct.values()) origins[origin] = (origins[origin] ?? 0) + 1;
  const changeCount = hostDiffs.reduce((n, h) => n + h.changes.length, 0);
  const wideningCount = hostDiffs.reduce((n, h) => n + h.changes.filter((c) => c.widened).length, 0);
  return {
    widened: wideningCount > 0,
    hostCounts: counts,
    identities: { distinct: distinct.size, asked, origins, given: given.length },
    hosts: hostDiffs,
    changeCount,
    wideningCount,
  };
}

function isolationOf(side: Side, found: Discovered | undefined): IsolationObject[] {
  const ns = upstreamNamespace(found?.routes[0]);
  return ns === undefined ? [] : side.isolation.get(ns) ?? [];
}

/** Everything a simulated login on this host reads, without where it was found. */
function fingerprint(found: Discovered): string {
  return canonical({
    routes: found.routes.map(({ source: _s, ...r }) => r),
    grafanas: found.grafanas.map(({ source: _s, notes: _n, ...g }) => g),
  });
}

async function ask(host: string, found: Discovered, identity: { label: string; claims: Record<string, unknown> }, edition: string,
  now: number): Promise<SimulationResult> {
  try {
    return await simulateDiscovered(found, { host, claims: identity.claims, edition, now });
  } catch (e) {
    if (e instanceof SimulatorInputError) throw e;
    throw new SimulatorInputError(`${host}: the simulator cannot judge ${identity.label}: ${(e as Error).message}`);
  }
}

const ABSENT: AccessVerdict = { hostExists: false, allowed: false, signedIn: false, orgRoles: {}, summary: 'no such host', decidedBy: 'the host is not in this output' };

/** The simulator's result as the diff compares it. */
export function verdictOf(r: SimulationResult | undefined, found: Discovered | undefined): AccessVerdict {
  if (!r) return ABSENT;
  const orgRoles = { ...r.details.orgRoles };
  if (!r.pomerium.allowed) {
    return { hostExists: true, allowed: false, signedIn: false, orgRoles: {}, summary: 'denied by Pomerium', decidedBy: pomeriumReason(r) };
  }
  if (!r.grafana.accepted) {
    return { hostExists: true, allowed: true, signedIn: false, orgRoles: {}, summary: `refused by Grafana: ${r.grafana.error ?? 'no reason given'}`, decidedBy: `Grafana: ${r.grafana.error ?? ''}` };
  }
  const role = r.grafana.grafanaAdmin ? 'GrafanaAdmin' : r.grafana.role ?? 'None';
  const orgs = Object.entries(orgRoles).filter(([o]) => o !== 'Main Org.');
  const summary = `signed in as ${role}${orgs.length > 0 ? ` (orgs: ${orgs.map(([o, x]) => `${o}=${x}`).join(', ')})` : ''}`;
  return { hostExists: true, allowed: true, signedIn: true, role, orgRoles, summary, decidedBy: `${pomeriumReason(r)}; ${roleRule(r, found)}` };
}

/** The criterion that decided Pomerium's verdict, from the simulator's reasons. */
function pomeriumReason(r: SimulationResult): string {
  const reasons = r.pomerium.reasons;
  if (!r.pomerium.allowed) {
    const denyHolds = reasons.filter((x) => /^deny[^:]*: .* holds/.test(x) && !/does not hold/.test(x));
    const last = reasons[reasons.length - 1] ?? 'denied';
    return `Pomerium ${denyHolds.length > 0 ? `${denyHolds.map(stripLabel).join('; ')}: ` : ''}${last}`;
  }
  const holds = reasons.filter((x) => /^allow[^:]*: .* holds/.test(x) && !/does not hold/.test(x) && !/^allow[^:]*\.(not|nor)/.test(x));
  const first = holds[0] ?? reasons.find((x) => / matches$/.test(x)) ?? 'allowed';
  return `Pomerium allows: ${stripLabel(first)}`;
}

function stripLabel(reason: string): string {
  return reason.replace(/ holds( \(.*\))?$/, '$1').replace(/^[^:]*: /, '');
}

/**
 * The mapping rule that gave the role: the first alternative of role_attribute_path (split
 * at its top-level `||`) that yields a string, the org_mapping entries, or the default.
 */
function roleRule(r: SimulationResult, found: Discovered | undefined): string {
  const grafana = found?.grafanas.find((g) => g.sections[r.flow === 'oidc' ? 'auth.generic_oauth' : r.flow === 'headers' ? 'auth.proxy' : 'auth.jwt']);
  if (!grafana) return `role ${r.grafana.role ?? 'None'}`;
  if (r.flow === 'headers') return `[auth.proxy] gives [users] auto_assign_org_role ${grafana.sections.users?.auto_assign_org_role || 'Viewer'} or the Role header`;
  const s = grafana.sections[r.flow === 'oidc' ? 'auth.generic_oauth' : 'auth.jwt'];
  const parts: string[] = [];
  const data = tokenClaims(r);
  if (s.role_attribute_path) {
    const term = topLevelAlternatives(s.role_attribute_path).find((t) => searchString(t, data) !== '');
    parts.push(term ? `role_attribute_path term ${term}` : `no role_attribute_path term matched: [users] auto_assign_org_role ${grafana.sections.users?.auto_assign_org_role || 'Viewer'}`);
  } else {
    parts.push(`no role_attribute_path: [users] auto_assign_org_role ${grafana.sections.users?.auto_assign_org_role || 'Viewer'}`);
  }
  if (s.org_mapping && Object.keys(r.details.orgRoles).some((o) => o !== 'Main Org.')) parts.push(`org_mapping ${s.org_mapping}`);
  if (r.grafana.grafanaAdmin) parts.push('allow_assign_grafana_admin = true');
  return parts.join('; ');
}

/** The claims role_attribute_path read (the verified token; its groups are the IdP's). */
function tokenClaims(r: SimulationResult): Record<string, unknown> {
  const token = r.details.token;
  if (!token) return {};
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/** Splits a JMESPath expression at its top-level `||` (outside quotes, literals and brackets). */
export function topLevelAlternatives(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '\'' || c === '`' || c === '"') {quote = c;} else if (c === '(' || c === '[' || c === '{') {depth++;} else if (c === ')' || c === ']' || c === '}') {depth--;} else if (c === '|' && expression[i + 1] === '|' && depth === 0) {
      out.push(expression.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  out.push(expression.slice(start).trim());
  return out.filter((t) => t !== '');
}

/** One identity's change between two verdicts, or undefined when they are the same. */
export function identityChange(identity: DiffIdentityInfo, b: AccessVerdict, a: AccessVerdict): AccessChange | undefined {
  // Denied (or no such host) on both sides, or refused by Grafana on both: no access either way,
  // whatever the reason. Only what the identity can do is compared.
  if (!b.allowed && !a.allowed) return undefined;
  if (b.allowed && a.allowed && !b.signedIn && !a.signedIn) return undefined;
  if (b.signedIn && a.signedIn && b.role === a.role && canonical(b.orgRoles) === canonical(a.orgRoles)) return undefined;
  let kind: string;
  let widened: boolean;
  let what: string;
  if (b.allowed !== a.allowed) {
    kind = 'access';
    // Passing Pomerium widens even when Grafana refuses: Pomerium is the perimeter, and Grafana's
    // login page and other sign-in methods are now reachable.
    widened = a.allowed;
    what = a.allowed ? (a.signedIn ? `gains access as ${a.role}` : 'now passes Pomerium (Grafana refuses)') : 'loses access';
  } else if (b.signedIn !== a.signedIn) {
    kind = 'sign-in';
    widened = a.signedIn;
    what = a.signedIn ? `now signed in as ${a.role}` : 'sign-in now refused';
  } else if (b.role !== a.role) {
    kind = 'role';
    widened = roleRank(a.role) > roleRank(b.role);
    what = a.role === 'GrafanaAdmin' ? `GrafanaAdmin gained (${b.role} → ${a.role})` : `role ${widened ? 'raised' : 'lowered'} ${b.role} → ${a.role}`;
  } else {
    kind = 'org-role';
    widened = Object.entries(a.orgRoles).some(([org, role]) => roleRank(role) > roleRank(b.orgRoles[org]));
    what = `org roles ${widened ? 'widened' : 'changed'}`;
  }
  return {
    kind,
    widened,
    description: `${identity.label}: ${what}`,
    identity,
    before: b.summary,
    after: a.summary,
    decidedBefore: b.decidedBy,
    decidedAfter: a.decidedBy,
  };
}

function hostLine(kind: string, widened: boolean, description: string, before: string, after: string): AccessChange {
  return { kind, widened, description, before, after };
}

/** Sign-in settings whose change explains identity lines: reported, never widening by themselves. */
const SETTINGS: Array<[string, string, string]> = [
  ['auth.jwt', 'auto_sign_up', 'false'], ['auth.jwt', 'role_attribute_strict', 'false'], ['auth.jwt', 'allow_assign_grafana_admin', 'false'],
  ['auth.jwt', 'skip_org_role_sync', 'false'], ['auth.proxy', 'auto_sign_up', 'true'], ['auth.generic_oauth', 'allow_sign_up', 'true'],
  ['auth.generic_oauth', 'role_attribute_strict', 'false'], ['auth.generic_oauth', 'allow_assign_grafana_admin', 'false'], ['users', 'auto_assign_org_role', 'Viewer'],
];

function settingChanges(b: Discovered, a: Discovered): AccessChange[] {
  const out: AccessChange[] = [];
  const gb = b.grafanas[0];
  const ga = a.grafanas[0];
  if (!gb || !ga) return out;
  for (const [section, key, fallback] of SETTINGS) {
    // A section only one side has belongs to a flow change, reported as such.
    if (!gb.sections[section] || !ga.sections[section]) continue;
    const vb = gb.sections[section]?.[key] ?? fallback;
    const va = ga.sections[section]?.[key] ?? fallback;
    if (vb === va) continue;
    let words = `[${section}] ${key} ${vb} → ${va}`;
    if (key.endsWith('sign_up') && /^(false|0|off)$/i.test(va)) words += ' (sign-up now off: new users are refused)';
    if (key === 'role_attribute_strict' && /^(true|1|on)$/i.test(va)) words += ' (strict mapping: users without a mapped role are refused)';
    out.push(hostLine('setting', false, words, vb, va));
  }
  const pb = b.routes[0]?.passIdentityHeaders;
  const pa = a.routes[0]?.passIdentityHeaders;
  if (pb !== undefined && pa !== undefined && pb !== pa) out.push(hostLine('setting', false, `pass_identity_headers ${pb} → ${pa}`, String(pb), String(pa)));
  return out;
}
