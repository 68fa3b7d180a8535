import type { AccessRequest } from '../core/access-request.js';
import { allowlistOf } from '../core/access-request.js';
import { auditEvents } from '../core/audit-events.js';
import { GatehouseError } from '../core/errors.js';
import type { EpochMs, RequestId, TargetId, UserId } from '../core/model.js';
import { NO_TRANSFER, transferRightsProblem } from '../core/transfer-rights.js';
import type {
  Actor,
  ApprovalInput,
  NewRequest,
  RequestFilter,
  RequestJudge,
  RequestRepository,
} from '../core/ports.js';
import { appendAuditEvent } from './audit-chain.js';
import {
  requireGrant,
  requireTarget,
  requireUser,
  targetById,
  type StoreContext,
} from './context.js';
import type { SqlConnection, SqlValue } from './sql-connection.js';
import { requireValidNda } from './request-nda.js';
import { requireFilingQuota } from './request-quota.js';
import { approveRequest, judged, requirePending } from './request-approval.js';
import { loadRequest, loadRequests, requestNotFound } from './request-rows.js';
import { transferColumnValues } from './rows.js';
import { whereSql } from './sql-where.js';

/**
 * The target a new request is for, with the checklist its approvals must confirm: an extension's
 * is its grant's (the requester's own), whose checklist was confirmed when the grant was made.
 */
async function targetOfRequest(
  db: SqlConnection,
  request: NewRequest,
  userId: UserId,
): Promise<{
  readonly id: TargetId;
  readonly name: string;
  readonly checklist: readonly string[];
}> {
  if (request.kind !== 'extend') {
    const target = await requireTarget(db, request.targetName);
    return { id: target.id, name: target.name, checklist: target.requires };
  }
  if (request.grantId === null) throw new Error('an extension request names its grant');
  const grant = await requireGrant(db, request.grantId).catch(() => null);
  // Another user's grant reads like a missing one.
  if (grant === null || grant.userId !== userId)
    throw new GatehouseError('not_found', `grant: you have no grant ${request.grantId}`);
  const target = await targetById(db, grant.targetId);
  return { id: grant.targetId, name: target?.name ?? request.targetName, checklist: [] };
}

export class SqliteRequestRepository implements RequestRepository {
  constructor(private readonly ctx: StoreContext) {}

  create(
    request: NewRequest,
    autoApproval: { readonly input: ApprovalInput; readonly judge: RequestJudge } | null,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest> {
    return this.ctx.tx.write(async (db) => {
      const user = await requireUser(db, request.userName);
      await requireFilingQuota(db, user.id, now);
      const target = await targetOfRequest(db, request, user.id);
      const nda = await requireValidNda(db, request.ndaId, user.id, now);
      const { mode } = request;
      const transfer = request.transfer ?? NO_TRANSFER;
      const transferProblem = transferRightsProblem(transfer);
      if (transferProblem !== null)
        throw new GatehouseError('refused', `request: ${transferProblem}`);
      const row = await db.get<{ id: number }>(
        `INSERT INTO requests (kind, user_id, target_id, nda_id, mode, profile, allowlist,
           duration_ms, reason, rule, approvals_required, status, created_at, expires_at, grant_id,
           transfer_direction, transfer_paths, transfer_budget)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          request.kind,
          user.id,
          target.id,
          nda.id,
          mode.kind,
          mode.kind === 'profile' ? mode.name : null,
          JSON.stringify(allowlistOf(mode)),
          request.durationMs,
          request.reason,
          request.rule,
          request.approvalsRequired,
          now,
          request.expiresAt,
          request.grantId,
          ...transferColumnValues(transfer),
        ],
      );
      if (!row) throw new Error('requests insert returned no row');
      const id = row.id as RequestId;
      await appendAuditEvent(
        db,
        auditEvents.requestCreated({
          requestId: id,
          kind: request.kind,
          user: user.name,
          target: target.name,
          ndaId: nda.id,
          mode: mode.kind,
          profile: mode.kind === 'profile' ? mode.name : null,
          allowlist: allowlistOf(mode),
          transfer: { ...transfer },
          durationMs: request.durationMs,
          reason: request.reason,
          rule: request.rule,
          approvalsRequired: request.approvalsRequired,
          expiresAt: request.expiresAt,
          grantId: request.grantId,
        }),
        actor,
        this.ctx.clock.now(),
      );
      // A checklist needs a person to confirm its items: such a request waits for its approvers.
      if (autoApproval !== null && target.checklist.length === 0)
        await approveRequest(
          db,
          id,
          autoApproval.input,
          autoApproval.judge,
          now,
          'gatehouse',
          this.ctx.clock.now(),
        );
      return loadRequest(db, id);
    });
  }

  get(id: RequestId): Promise<AccessRequest | null> {
    return this.ctx.tx.read(async (db) => {
      const [request] = await loadRequests(db, 'WHERE r.id = ?', [id]);
      return request ?? null;
    });
  }

  list(filter: RequestFilter = {}): Promise<AccessRequest[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.userName !== undefined) {
      where.push('u.name = ?');
      params.push(filter.userName);
    }
    if (filter.status !== undefined) {
      where.push('r.status = ?');
      params.push(filter.status);
    }
    const limit = Math.max(1, Math.min(filter.limit ?? 100, 10_000));
    return this.ctx.tx.read((db) =>
      loadRequests(db, whereSql(where), params, `ORDER BY r.id DESC LIMIT ${limit}`),
    );
  }

  approve(
    id: RequestId,
    input: ApprovalInput,
    judge: RequestJudge,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest> {
    return this.ctx.tx.write(async (db) => {
      await approveRequest(db, id, input, judge, now, actor, this.ctx.clock.now());
      return loadRequest(db, id);
    });
  }

  deny(
    id: RequestId,
    approver: string,
    reason: string,
    judge: RequestJudge,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest> {
    return this.ctx.tx.write(async (db) => {
      const request = await loadRequest(db, id);
      requirePending(request, now);
      judged(request, judge);
      await this.decide(db, id, 'denied', approver, reason, now);
      await appendAuditEvent(
        db,
        auditEvents.requestDenied({ requestId: id, approver, reason }),
        actor,
        this.ctx.clock.now(),
      );
      return loadRequest(db, id);
    });
  }

  cancel(id: RequestId, userName: string, now: EpochMs, actor: Actor): Promise<AccessRequest> {
    return this.ctx.tx.write(async (db) => {
      const request = await loadRequest(db, id);
      // Someone else's request reads like a missing one.
      if (request.userName !== userName) throw requestNotFound(id);
      requirePending(request, now);
      await this.decide(db, id, 'cancelled', userName, null, now);
      await appendAuditEvent(
        db,
        auditEvents.requestCancelled({ requestId: id, user: userName }),
        actor,
        this.ctx.clock.now(),
      );
      return loadRequest(db, id);
    });
  }

  expireDue(now: EpochMs, limit: number): Promise<AccessRequest[]> {
    return this.ctx.tx.write(async (db) => {
      const due = await loadRequests(
        db,
        "WHERE r.status = 'pending' AND r.expires_at <= ?",
        [now],
        `ORDER BY r.expires_at LIMIT ${Math.max(1, Math.floor(limit))}`,
      );
      for (const request of due) {
        await this.decide(db, request.id, 'expired', 'gatehouse', null, now);
        await appendAuditEvent(
          db,
          auditEvents.requestExpired({
            requestId: request.id,
            user: request.userName,
            target: request.targetName,
          }),
          'gatehouse',
          this.ctx.clock.now(),
        );
      }
      return Promise.all(due.map((r) => loadRequest(db, r.id)));
    });
  }

  private async decide(
    db: SqlConnection,
    id: RequestId,
    status: 'denied' | 'cancelled' | 'expired',
    by: string,
    note: string | null,
    now: EpochMs,
  ): Promise<void> {
    await db.run(
      `UPDATE requests SET status = ?, decided_at = ?, decided_by = ?, decision_note = ?
       WHERE id = ? AND status = 'pending'`,
      [status, now, by, note, id],
    );
  }
}
