/**
 * What gatehouse's own commands print: short plain lines and tables, or (`--json`) one JSON
 * document with times as ISO 8601 UTC strings. Text an approver or an admin typed (a denial
 * reason, a note) is shown with control and invisible characters escaped.
 */
import {
  describeMode,
  describeRequestMode,
  statusAt,
  type AccessRequest,
} from '../../core/access-request.js';
import { formatDuration, formatTimeLeft } from '../../core/duration.js';
import type { EpochMs } from '../../core/model.js';
import { isoTime } from '../../core/timestamp.js';
import { describeTransfer } from '../../core/transfer-text.js';
import { escapeUnprintable } from '../../core/untrusted-text.js';
import { askForAccess } from '../../core/user-messages.js';
import type { OwnGrant } from './request-desk.js';

/** Where the user is and how they reach the bastion: for `ssh alice+db1@HOST` hints. */
export interface Audience {
  readonly userName: string;
  readonly hostLabel: string;
}

/** Stored text as one safe line: what splitWords refuses is shown escaped. */
export const shown = escapeUnprintable;

export const connectHint = (to: Audience, target: string): string =>
  `ssh ${to.userName}+${target}@${to.hostLabel}`;

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

const withTransfer = (r: AccessRequest): string =>
  r.transfer.direction === 'none' ? '' : ` with transfer ${describeTransfer(r.transfer)}`;

const asked = (r: AccessRequest): string =>
  r.kind === 'extend'
    ? `${formatDuration(r.durationMs)} more on grant ${r.grantId ?? '?'} (${r.targetName})`
    : `${r.targetName} ${describeMode(r.mode)} for ${formatDuration(r.durationMs)}${withTransfer(r)}`;

/** One line saying where a request stands now. */
export function requestLine(r: AccessRequest, now: EpochMs, to: Audience): string {
  const status = statusAt(r, now);
  const head = `request ${r.id} ${status}`;
  switch (status) {
    case 'pending': {
      const left = r.approvalsRequired - r.approvals.length;
      return `${head}: ${asked(r)} (needs ${plural(left, 'approval')}; expires ${isoTime(r.expiresAt)})`;
    }
    case 'approved':
      return r.kind === 'extend'
        ? `${head}: grant ${r.grantId ?? '?'} on ${r.targetName} extended by ${formatDuration(r.durationMs)}`
        : `${head}: grant ${r.grantId ?? '?'} on ${r.targetName}; connect with  ${connectHint(to, r.targetName)}`;
    case 'denied':
      return `${head} by ${shown(r.decidedBy ?? '?')}: ${shown(r.decisionNote ?? '')}`;
    case 'cancelled':
      return `${head}: ${asked(r)}`;
    case 'expired':
      return `${head} undecided at ${isoTime(r.expiresAt)}: ${asked(r)}`;
  }
}

/** A request as `--json` shows it: the status as of now, times as ISO strings. */
export function requestJson(r: AccessRequest, now: EpochMs, to: Audience): object {
  const status = statusAt(r, now);
  return {
    id: r.id,
    kind: r.kind,
    status,
    target: r.targetName,
    mode: r.mode.kind,
    profile: r.mode.kind === 'profile' ? r.mode.name : null,
    allowlist: r.mode.kind === 'shell' ? [] : r.mode.patterns,
    transfer: r.transfer,
    durationMs: r.durationMs,
    duration: formatDuration(r.durationMs),
    reason: r.reason,
    ndaId: r.ndaId,
    rule: r.rule,
    approvals: r.approvals.length,
    approvalsRequired: r.approvalsRequired,
    createdAt: isoTime(r.createdAt),
    expiresAt: isoTime(r.expiresAt),
    decidedAt: r.decidedAt === null ? null : isoTime(r.decidedAt),
    decidedBy: r.decidedBy,
    decisionNote: r.decisionNote,
    grantId: r.grantId,
    connect: status === 'approved' ? connectHint(to, r.targetName) : null,
  };
}

const REASON_COLUMN = 40;

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

const cut = (text: string, max: number): string => {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
};

/** `requests`: one row per request, statuses as of now. */
export function requestsTable(requests: readonly AccessRequest[], now: EpochMs): string[] {
  if (requests.length === 0) return ['no requests yet'];
  return table(
    ['ID', 'STATUS', 'TARGET', 'MODE', 'TRANSFER', 'FOR', 'REASON', 'GRANT'],
    requests.map((r) => [
      String(r.id),
      statusAt(r, now),
      r.targetName,
      describeRequestMode(r),
      describeTransfer(r.transfer),
      formatDuration(r.durationMs),
      cut(shown(r.reason), REASON_COLUMN),
      r.grantId === null ? '-' : String(r.grantId),
    ]),
  );
}

const modeOf = (g: OwnGrant['grant']): string =>
  g.mode === 'shell' ? 'shell' : plural(g.allowlist.length, 'command');

/** `grants`: the active ones, time left and how to connect. */
export function grantsTable(grants: readonly OwnGrant[], now: EpochMs, to: Audience): string[] {
  if (grants.length === 0)
    return [`no active grants; ask for one with  ${askForAccess(to.userName, to.hostLabel)}`];
  return table(
    ['GRANT', 'TARGET', 'MODE', 'LEFT', 'CONNECT'],
    grants.map(({ grant, targetName }) => [
      String(grant.id),
      targetName,
      modeOf(grant),
      formatTimeLeft(grant.endsAt - now),
      connectHint(to, targetName) +
        (grant.ndaAcknowledgedAt === null ? '  (NDA to acknowledge: add -t)' : ''),
    ]),
  );
}

export function grantJson({ grant, targetName }: OwnGrant, now: EpochMs, to: Audience): object {
  return {
    id: grant.id,
    target: targetName,
    mode: grant.mode,
    allowlist: grant.allowlist,
    transfer: grant.transfer,
    startsAt: isoTime(grant.startsAt),
    endsAt: isoTime(grant.endsAt),
    left: formatTimeLeft(grant.endsAt - now),
    ndaId: grant.ndaId,
    ndaAcknowledged: grant.ndaAcknowledgedAt !== null,
    requestId: grant.requestId,
    connect: connectHint(to, targetName),
  };
}
