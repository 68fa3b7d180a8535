/** Row shapes as SQLite returns them, and the one place each becomes a core type. */
import type { Confirmation } from '../core/checklist.js';
import type { SessionKind } from '../core/session-summary.js';
import type { TransferDirection, TransferRights } from '../core/transfer-rights.js';
import type {
  AuditRecord,
  Grant,
  GrantId,
  GrantMode,
  RequestId,
  Nda,
  NdaId,
  Session,
  SessionEndReason,
  SessionId,
  SshTarget,
  Target,
  TargetId,
  User,
  UserId,
  UserKey,
  UserKeyId,
} from '../core/model.js';

export const asUserId = (n: number): UserId => n as UserId;
export const asUserKeyId = (n: number): UserKeyId => n as UserKeyId;
export const asNdaId = (n: number): NdaId => n as NdaId;
export const asTargetId = (n: number): TargetId => n as TargetId;
export const asGrantId = (n: number): GrantId => n as GrantId;
export const asSessionId = (s: string): SessionId => s as SessionId;

export interface UserRow {
  id: number;
  name: string;
  disabled: number;
  created_at: number;
}

export const userFromRow = (r: UserRow): User => ({
  id: asUserId(r.id),
  name: r.name,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

export interface UserKeyRow {
  id: number;
  user_id: number;
  algorithm: string;
  blob: string;
  fingerprint: string;
  comment: string;
  created_at: number;
}

export const userKeyFromRow = (r: UserKeyRow): UserKey => ({
  id: asUserKeyId(r.id),
  userId: asUserId(r.user_id),
  algorithm: r.algorithm,
  blob: r.blob,
  fingerprint: r.fingerprint,
  comment: r.comment,
  createdAt: r.created_at,
});

export interface NdaRow {
  id: number;
  user_id: number;
  title: string;
  ref: string;
  signed_at: number;
  expires_at: number | null;
  document_sha256: string | null;
  revoked_at: number | null;
  revoke_reason: string | null;
  created_at: number;
}

export const ndaFromRow = (r: NdaRow): Nda => ({
  id: asNdaId(r.id),
  userId: asUserId(r.user_id),
  title: r.title,
  ref: r.ref,
  signedAt: r.signed_at,
  expiresAt: r.expires_at,
  documentSha256: r.document_sha256,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

export interface TargetRow {
  id: number;
  name: string;
  host: string;
  port: number;
  login: string;
  host_key: string | null;
  created_at: number;
  removed_at: number | null;
  kind: 'ssh' | 'command';
  /** JSON array of strings (kind 'command'), else null. */
  command: string | null;
  /** JSON object of string values (kind 'command'), else null. */
  env: string | null;
  /** The command target's run-as account; null for ssh targets and command targets from before migration 4. */
  run_as: string | null;
  /** JSON array of checklist item names. */
  requires: string;
}

function commandArgv(r: TargetRow): string[] {
  const parsed: unknown = JSON.parse(r.command ?? 'null');
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((a) => typeof a === 'string')
  ) {
    throw new Error(`targets row ${r.id}: command is not a JSON array of strings`);
  }
  return parsed;
}

function commandEnv(r: TargetRow): Record<string, string> {
  const parsed: unknown = JSON.parse(r.env ?? 'null');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`targets row ${r.id}: env is not a JSON object`);
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new Error(`targets row ${r.id}: env ${k} is not a string`);
    env[k] = v;
  }
  return env;
}

export const targetFromRow = (r: TargetRow): Target =>
  r.kind === 'command'
    ? {
        id: asTargetId(r.id),
        name: r.name,
        kind: 'command',
        command: commandArgv(r),
        env: commandEnv(r),
        runAs: r.run_as,
        createdAt: r.created_at,
        requires: parseStrings(r.requires, 'targets.requires'),
      }
    : sshTargetFromRow(r);

export const sshTargetFromRow = (r: TargetRow): SshTarget => ({
  id: asTargetId(r.id),
  name: r.name,
  kind: 'ssh',
  host: r.host,
  port: r.port,
  login: r.login,
  hostKey: r.host_key,
  createdAt: r.created_at,
  requires: parseStrings(r.requires, 'targets.requires'),
});

/** The transfer columns of a grant or request row (migration 15). */
export interface TransferColumns {
  transfer_direction: string;
  /** JSON array of path globs. */
  transfer_paths: string;
  transfer_budget: number | null;
}

export interface GrantRow extends TransferColumns {
  id: number;
  user_id: number;
  target_id: number;
  nda_id: number;
  starts_at: number;
  ends_at: number;
  mode: string;
  allowlist: string;
  reason: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoke_reason: string | null;
  nda_acknowledged_at: number | null;
  request_id: number | null;
  /** JSON array of {item, note, by}. */
  confirmations: string;
  nda_scope_sha256: string | null;
  nda_carried_from: number | null;
  /** Bytes taken from the transfer budget so far. */
  transfer_used: number;
}

function parseStrings(text: string, column: string): readonly string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error(`${column} is not a JSON array of strings`);
  }
  return value;
}

const isConfirmation = (v: unknown): v is Confirmation =>
  typeof v === 'object' &&
  v !== null &&
  ['item', 'note', 'by'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

function parseConfirmations(text: string): readonly Confirmation[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every(isConfirmation)) {
    throw new Error('grants.confirmations is not a JSON array of {item, note, by}');
  }
  return value.map(({ item, note, by }) => ({ item, note, by }));
}

export const grantFromRow = (r: GrantRow): Grant => ({
  id: asGrantId(r.id),
  userId: asUserId(r.user_id),
  targetId: asTargetId(r.target_id),
  ndaId: asNdaId(r.nda_id),
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  // The CHECK constraint guarantees one of the two.
  mode: r.mode as GrantMode,
  allowlist: parseStrings(r.allowlist, 'grants.allowlist'),
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
  ndaAcknowledgedAt: r.nda_acknowledged_at,
  requestId: r.request_id === null ? null : (r.request_id as RequestId),
  confirmations: parseConfirmations(r.confirmations),
  ndaScopeSha256: r.nda_scope_sha256,
  ndaCarriedFrom: r.nda_carried_from === null ? null : asGrantId(r.nda_carried_from),
  transfer: transferFromRow(r, 'grants'),
});

export const transferFromRow = (r: TransferColumns, table: string): TransferRights => ({
  // The CHECK constraint guarantees a known direction.
  direction: r.transfer_direction as TransferDirection,
  paths: parseStrings(r.transfer_paths, `${table}.transfer_paths`),
  budgetBytes: r.transfer_budget,
});

/** The transfer columns' values, in the order direction, paths, budget. */
export const transferColumnValues = (t: TransferRights): [string, string, number | null] => [
  t.direction,
  JSON.stringify(t.paths),
  t.budgetBytes,
];

export interface SessionRow {
  id: string;
  grant_id: number;
  user_id: number;
  target_id: number;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  exit_status: number | null;
  recording_path: string | null;
  bytes: number | null;
  sha256: string | null;
  kill_requested_at: number | null;
  kill_reason: string | null;
  stdin_bytes: number | null;
  stdin_sha256: string | null;
  kind: SessionKind | null;
  command: string | null;
  flag_count: number;
  node: string | null;
  recording_pruned_at: number | null;
  hold_reason: string | null;
  hold_by: string | null;
  hold_at: number | null;
}

export const sessionFromRow = (r: SessionRow): Session => ({
  id: asSessionId(r.id),
  grantId: asGrantId(r.grant_id),
  userId: asUserId(r.user_id),
  targetId: asTargetId(r.target_id),
  startedAt: r.started_at,
  endedAt: r.ended_at,
  // The CHECK constraint guarantees a known reason or null.
  endReason: r.end_reason as SessionEndReason | null,
  exitStatus: r.exit_status,
  recordingPath: r.recording_path,
  bytes: r.bytes,
  sha256: r.sha256,
  stdin:
    r.stdin_bytes === null || r.stdin_sha256 === null
      ? null
      : { bytes: r.stdin_bytes, sha256: r.stdin_sha256 },
  // The CHECK constraint guarantees a known kind or null.
  kind: r.kind,
  command: r.command,
  flagCount: r.flag_count,
  node: r.node,
  recordingPrunedAt: r.recording_pruned_at,
  hold:
    r.hold_reason === null || r.hold_by === null || r.hold_at === null
      ? null
      : { reason: r.hold_reason, by: r.hold_by, at: r.hold_at },
});

export interface AuditRow {
  seq: number;
  ts: number;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
  /** Migration 19; null before it or without a node name. */
  node: string | null;
}

function parsePayload(text: string): Readonly<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through: a tampered row is still listed; verify() names it.
  }
  return { unparsable: text.slice(0, 200) };
}

export const auditFromRow = (r: AuditRow): AuditRecord => ({
  seq: r.seq,
  ts: r.ts,
  actor: r.actor,
  type: r.type,
  payload: parsePayload(r.payload),
  prevHash: r.prev_hash,
  hash: r.hash,
  node: r.node,
});
