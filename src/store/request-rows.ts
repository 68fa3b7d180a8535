/** The `requests` and `request_approvals` rows, and how access requests are read from them. */
import type {
  AccessRequest,
  Approval,
  RequestKind,
  RequestStatus,
  RequestedMode,
} from '../core/access-request.js';
import { GatehouseError } from '../core/errors.js';
import type { GrantId, NdaId, RequestId, TargetId, UserId } from '../core/model.js';
import type { SqlConnection, SqlValue } from './sql-connection.js';
import { transferFromRow, type TransferColumns } from './rows.js';

/** A `requests` row joined with the requester's and target's names. */
export interface RequestRow extends TransferColumns {
  id: number;
  kind: string;
  user_id: number;
  user_name: string;
  target_id: number;
  target_name: string;
  nda_id: number;
  mode: string;
  profile: string | null;
  allowlist: string;
  duration_ms: number;
  reason: string;
  rule: string;
  approvals_required: number;
  status: string;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
  decision_note: string | null;
  grant_id: number | null;
}

export interface ApprovalRow {
  request_id: number;
  approver: string;
  actor: string;
  note: string;
  for_ms: number | null;
  confirmations: string;
  at: number;
}

const REQUEST_SELECT = `SELECT r.*, u.name AS user_name, t.name AS target_name
  FROM requests r JOIN users u ON u.id = r.user_id JOIN targets t ON t.id = r.target_id`;

const strings = (text: string): string[] => {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string'))
    throw new Error('requests.allowlist is not a JSON array of strings');
  return value;
};

const stringMap = (text: string): Record<string, string> => {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('request_approvals.confirmations is not a JSON object');
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
};

function modeOf(r: RequestRow): RequestedMode {
  if (r.mode === 'shell') return { kind: 'shell' };
  const patterns = strings(r.allowlist);
  return r.mode === 'profile'
    ? { kind: 'profile', name: r.profile ?? '', patterns }
    : { kind: 'allowlist', patterns };
}

const approvalFromRow = (a: ApprovalRow): Approval => ({
  approver: a.approver,
  actor: a.actor,
  note: a.note,
  at: a.at,
  confirmations: stringMap(a.confirmations),
  durationMs: a.for_ms,
});

const requestFromRow = (r: RequestRow, approvals: readonly Approval[]): AccessRequest => ({
  id: r.id as RequestId,
  kind: r.kind as RequestKind,
  userId: r.user_id as UserId,
  userName: r.user_name,
  targetId: r.target_id as TargetId,
  targetName: r.target_name,
  ndaId: r.nda_id as NdaId,
  mode: modeOf(r),
  transfer: transferFromRow(r, 'requests'),
  durationMs: r.duration_ms,
  reason: r.reason,
  rule: r.rule,
  approvalsRequired: r.approvals_required,
  status: r.status as RequestStatus,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  decisionNote: r.decision_note,
  grantId: r.grant_id === null ? null : (r.grant_id as GrantId),
  approvals,
});

/**
 * The requests matching `where` (on `r`, the requests row; `u` and `t`, its user and target), each
 * with its approvals.
 */
export async function loadRequests(
  db: SqlConnection,
  where: string,
  params: SqlValue[],
  tail = '',
): Promise<AccessRequest[]> {
  const rows = await db.all<RequestRow>(`${REQUEST_SELECT} ${where} ${tail}`, params);
  if (rows.length === 0) return [];
  const approvals = await db.all<ApprovalRow>(
    `SELECT * FROM request_approvals WHERE request_id IN (${rows.map(() => '?').join(',')})
     ORDER BY at, approver`,
    rows.map((r) => r.id),
  );
  return rows.map((r) =>
    requestFromRow(r, approvals.filter((a) => a.request_id === r.id).map(approvalFromRow)),
  );
}

export const requestNotFound = (id: RequestId): GatehouseError =>
  new GatehouseError('not_found', `request: no request with id ${id}`);

/** The request with `id`, or not_found. */
export async function loadRequest(db: SqlConnection, id: RequestId): Promise<AccessRequest> {
  const [request] = await loadRequests(db, 'WHERE r.id = ?', [id]);
  if (request === undefined) throw requestNotFound(id);
  return request;
}
