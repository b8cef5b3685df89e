/** The access diff's report as text (terminal), Markdown (pull-request comment) and the `--json` shape. */
import { AccessChange, AccessDiffReport, AccessVerdict, HostDiff } from './model';

/** GitHub refuses comments over 65,536 characters: the Markdown lists this many changes, then says how many more. */
export const MARKDOWN_MAX_CHANGES = 200;

function summaryLines(r: AccessDiffReport): string[] {
  const c = r.hostCounts;
  const o = r.identities.origins;
  return [
    `Hosts: ${c.before} before, ${c.after} after (${c.added} added, ${c.removed} removed, ${c.changed} changed, ${c.unchanged} unchanged and not asked)`,
    `Identities: ${r.identities.distinct} tried (${o.derived ?? 0} derived from policies and mappings, ${o['near-miss'] ?? 0} near misses, ${o.given ?? 0} given), ${r.identities.asked} host × identity questions on each side`,
    r.changeCount === 0 ? 'Result: no change in access'
      : `Result: ${r.widened ? 'WIDENED' : 'not widened'} (${r.wideningCount} of ${r.changeCount} changes widen access)`,
  ];
}

function flowText(h: HostDiff): string {
  if (h.status === 'added') return `${h.flowAfter} flow`;
  if (h.status === 'removed') return `${h.flowBefore} flow`;
  return h.flowBefore === h.flowAfter ? `${h.flowAfter} flow` : `${h.flowBefore} → ${h.flowAfter} flow`;
}

export function renderText(r: AccessDiffReport): string {
  const lines = ['Access review', ...summaryLines(r)];
  for (const h of r.hosts) {
    if (h.changes.length === 0) continue;
    lines.push('', `${h.host} (${h.status}, ${flowText(h)})`);
    for (const c of h.changes) {
      lines.push(`  ${c.widened ? 'WIDENS ' : '       '}${c.description}`);
      if (c.identity) {
        lines.push(`      before: ${c.before}${c.decidedBefore ? `  [${c.decidedBefore}]` : ''}`);
        lines.push(`      after:  ${c.after}${c.decidedAfter ? `  [${c.decidedAfter}]` : ''}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(r: AccessDiffReport): string {
  const lines = ['## Access review', '', ...summaryLines(r).map((l) => `- ${l}`)];
  let shown = 0;
  for (const h of r.hosts) {
    if (h.changes.length === 0) continue;
    if (shown >= MARKDOWN_MAX_CHANGES) break;
    lines.push('', `### ${h.host} (${h.status}, ${flowText(h)})`, '', '| | Change | Before | After | Decided by (before → after) |', '|---|---|---|---|---|');
    for (const c of h.changes) {
      if (shown >= MARKDOWN_MAX_CHANGES) break;
      shown++;
      const decided = c.identity ? `${cell(c.decidedBefore)} → ${cell(c.decidedAfter)}` : '';
      lines.push(`| ${c.widened ? '**widens**' : ''} | ${cell(c.description)} | ${cell(c.before)} | ${cell(c.after)} | ${decided} |`);
    }
  }
  if (r.changeCount > shown) lines.push('', `… and ${r.changeCount - shown} more changes (run \`cdk8s-grafana-pomerium diff --json\` for all).`);
  return lines.join('\n') + '\n';
}

function verdictJson(v: AccessVerdict) {
  return {
    hostExists: v.hostExists,
    allowed: v.allowed,
    signedIn: v.signedIn,
    role: v.role ?? null,
    orgRoles: v.orgRoles,
    summary: v.summary,
    decidedBy: v.decidedBy,
  };
}

function changeJson(c: AccessChange) {
  return {
    kind: c.kind,
    widened: c.widened,
    description: c.description,
    identity: c.identity ? { label: c.identity.label, origin: c.identity.origin, claims: c.identity.claims } : null,
    before: c.before,
    after: c.after,
    decidedBefore: c.decidedBefore ?? null,
    decidedAfter: c.decidedAfter ?? null,
  };
}

/** Exactly the documented `--json` shape (docs/access-review.md): absent values are null, keys in this order. */
export function toJson(r: AccessDiffReport) {
  return {
    widened: r.widened,
    changeCount: r.changeCount,
    wideningCount: r.wideningCount,
    hostCounts: {
      before: r.hostCounts.before,
      after: r.hostCounts.after,
      added: r.hostCounts.added,
      removed: r.hostCounts.removed,
      changed: r.hostCounts.changed,
      unchanged: r.hostCounts.unchanged,
    },
    identities: {
      distinct: r.identities.distinct,
      asked: r.identities.asked,
      given: r.identities.given,
      origins: { 'derived': r.identities.origins.derived ?? 0, 'near-miss': r.identities.origins['near-miss'] ?? 0, 'given': r.identities.origins.given ?? 0 },
    },
    hosts: r.hosts.map((h) => ({
      host: h.host,
      status: h.status,
      flowBefore: h.flowBefore,
      flowAfter: h.flowAfter,
      identitiesAsked: h.identitiesAsked,
      changes: h.changes.map(changeJson),
      ...(h.identities
        ? { identities: h.identities.map((v) => ({ identity: v.identity, before: verdictJson(v.before), after: verdictJson(v.after) })) }
        : {}),
    })),
  };
}
