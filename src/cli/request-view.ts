/** How `request list` and `request show` present an access request. */
import {
  allowlistOf,
  describeMode,
  describeRequestMode,
  statusAt,
  type AccessRequest,
} from '../core/access-request.js';
import { formatDuration, formatTimeLeft } from '../core/duration.js';
import type { AuditRecord, EpochMs } from '../core/model.js';
import { describeTransfer } from '../core/transfer-text.js';
import type { GrantView } from './grant-view.js';
import { isoTime } from './output.js';

/**
 * A request as shown: the domain object with its status as of now (a pending request past its
 * deadline reads expired before the sweep marks it), `user`/`target` names, and each approval's
 * time as `approvedAt` (so `--json` prints it as a time).
 */
export function requestView(request: AccessRequest, now: EpochMs) {
  return {
    ...request,
    user: request.userName,
    target: request.targetName,
    status: statusAt(request, now),
    approvals: request.approvals.map(({ at, ...approval }) => ({ ...approval, approvedAt: at })),
  };
}

export type RequestView = ReturnType<typeof requestView>;

export const REQUEST_COLUMNS = [
  'ID',
  'STATUS',
  'USER',
  'TARGET',
  'MODE',
  'TRANSFER',
  'FOR',
  'APPROVALS',
  'AGE',
  'REASON',
  'GRANT',
] as const;

export function requestRow(view: RequestView, now: EpochMs): string[] {
  return [
    String(view.id),
    view.status,
    view.user,
    view.target,
    describeRequestMode(view),
    describeTransfer(view.transfer),
    formatDuration(view.durationMs),
    `${view.approvals.length}/${view.approvalsRequired}`,
    formatTimeLeft(now - view.createdAt),
    view.reason,
    view.grantId === null ? '-' : String(view.grantId),
  ];
}

const approvalLine = (a: RequestView['approvals'][number]): string =>
  [
    `${a.approver} at ${isoTime(a.approvedAt)}`,
    a.durationMs === null ? '' : ` for ${formatDuration(a.durationMs)}`,
    ` by ${a.actor}`,
    a.note === '' ? '' : `: ${a.note}`,
  ].join('');

function decisionLine(view: RequestView): string | null {
  if (view.decidedAt === null) return null;
  const note =
    view.decisionNote === null || view.decisionNote === '' ? '' : `: ${view.decisionNote}`;
  return `${view.status} at ${isoTime(view.decidedAt)} by ${view.decidedBy ?? '?'}${note}`;
}

/** `request show`: every field, the approvals, the decision, the grant made and the history. */
export function requestPairs(
  view: RequestView,
  grant: GrantView | null,
  history: readonly AuditRecord[],
): (readonly [string, string])[] {
  const decision = decisionLine(view);
  return [
    ['id', String(view.id)],
    ['kind', view.kind === 'extend' ? `extend grant ${view.grantId ?? '?'}` : 'grant'],
    ['status', view.status],
    ['user', view.user],
    ['target', view.target],
    ['nda', String(view.ndaId)],
    ['mode', describeMode(view.mode)],
    ...allowlistOf(view.mode).map((p) => ['allow', p] as const),
    ['transfer', view.transfer.direction === 'none' ? 'none' : describeTransfer(view.transfer)],
    ['for', formatDuration(view.durationMs)],
    ['reason', view.reason],
    ['rule', view.rule],
    ['approvals', `${view.approvals.length} of ${view.approvalsRequired}`],
    ['created', isoTime(view.createdAt)],
    ['deadline', isoTime(view.expiresAt)],
    ...view.approvals.flatMap((a) => [
      ['approval', approvalLine(a)] as const,
      ...Object.entries(a.confirmations).map(
        ([item, note]) => ['confirmed', `${item} = ${note} (${a.approver})`] as const,
      ),
    ]),
    ...(decision === null ? [] : [['decision', decision] as const]),
    ...(grant === null
      ? []
      : [
          [
            'grant',
            `${grant.id} (${grant.state}) ${isoTime(grant.startsAt)} to ${isoTime(grant.endsAt)}`,
          ] as const,
        ]),
    ...history.map(
      (e) => ['history', `${isoTime(e.ts)} ${e.type} by ${e.actor} (seq ${e.seq})`] as const,
    ),
  ];
}
