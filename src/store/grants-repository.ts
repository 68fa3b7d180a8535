import { GatehouseError } from '../core/errors.js';
import type { EpochMs, Grant, GrantId, TargetId, UserId } from '../core/model.js';
import type { Actor, GrantRepository, NewGrant } from '../core/ports.js';
import type { SignoffScope } from '../core/scope-signoff.js';
import { auditEvents } from '../core/audit-events.js';
import { appendAuditEvent } from './audit-chain.js';
import { announceChange } from './change-announce.js';
import { requireGrant, type StoreContext } from './context.js';
import type { SqlValue } from './sql-connection.js';
import { extendGrant } from './grant-extend.js';
import { insertGrant } from './grant-insert.js';
import { earlierAgreement, recordAgreement, scopeSha256, signoffScopeOf } from './nda-signoff.js';
import { grantFromRow, type GrantRow } from './rows.js';
import { whereSql } from './sql-where.js';
import { takeTransferBudget, transferUsed } from './transfer-budget.js';

export class SqliteGrantRepository implements GrantRepository {
  constructor(private readonly ctx: StoreContext) {}

  add(grant: NewGrant, maxDurationMs: number, now: EpochMs, actor: Actor): Promise<Grant> {
    return this.ctx.tx.write((db) =>
      insertGrant(db, grant, { maxDurationMs, now, actor, ts: this.ctx.clock.now() }),
    );
  }

  extend(
    id: GrantId,
    byMs: number,
    reason: string,
    maxDurationMs: number,
    now: EpochMs,
    actor: Actor,
  ): Promise<Grant> {
    return this.ctx.tx.write((db) =>
      extendGrant(
        db,
        { grantId: id, byMs, reason, maxDurationMs, requestId: null },
        now,
        actor,
        this.ctx.clock.now(),
      ),
    );
  }

  get(id: GrantId): Promise<Grant | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<GrantRow>('SELECT * FROM grants WHERE id = ?', [id]);
      return row ? grantFromRow(row) : null;
    });
  }

  list(
    filter: {
      readonly activeAt?: EpochMs;
      readonly userName?: string;
      readonly targetName?: string;
      readonly latest?: number;
    } = {},
  ): Promise<Grant[]> {
    // Fixed SQL fragments; every value is a bound parameter.
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.activeAt !== undefined) {
      where.push('g.revoked_at IS NULL AND g.starts_at <= ? AND g.ends_at > ?');
      params.push(filter.activeAt, filter.activeAt);
    }
    if (filter.userName !== undefined) {
      where.push('g.user_id IN (SELECT id FROM users WHERE name = ?)');
      params.push(filter.userName);
    }
    if (filter.targetName !== undefined) {
      where.push('g.target_id IN (SELECT id FROM targets WHERE name = ? AND removed_at IS NULL)');
      params.push(filter.targetName);
    }
    const order = filter.latest === undefined ? 'ORDER BY g.id' : 'ORDER BY g.id DESC LIMIT ?';
    if (filter.latest !== undefined) params.push(filter.latest);
    const sql = `SELECT g.* FROM grants g ${whereSql(where)} ${order}`;
    return this.ctx.tx.read(async (db) => (await db.all<GrantRow>(sql, params)).map(grantFromRow));
  }

  forUserAndTarget(userId: UserId, targetId: TargetId): Promise<Grant[]> {
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<GrantRow>(
          'SELECT * FROM grants WHERE user_id = ? AND target_id = ? ORDER BY id',
          [userId, targetId],
        )
      ).map(grantFromRow),
    );
  }

  forUser(userId: UserId): Promise<Grant[]> {
    return this.ctx.tx.read(async (db) =>
      (await db.all<GrantRow>('SELECT * FROM grants WHERE user_id = ? ORDER BY id', [userId])).map(
        grantFromRow,
      ),
    );
  }

  revoke(id: GrantId, reason: string, now: EpochMs, actor: Actor): Promise<Grant> {
    return this.ctx.tx.write(async (db) => {
      const grant = await requireGrant(db, id);
      if (grant.revokedAt !== null) {
        throw new GatehouseError('refused', `grant: ${id} is already revoked`);
      }
      const row = await db.get<GrantRow>(
        'UPDATE grants SET revoked_at = ?, revoke_reason = ? WHERE id = ? RETURNING *',
        [now, reason, id],
      );
      if (!row) throw new Error('grants update returned no row');
      await appendAuditEvent(
        db,
        auditEvents.grantRevoke({ grantId: id, reason }),
        actor,
        this.ctx.clock.now(),
      );
      await announceChange(this.ctx.changes, db, { kind: 'grant', id });
      return grantFromRow(row);
    });
  }

  /**
   * Records the first `I agree` to the grant's NDA and scope, with the scope's hash; later calls
   * return the grant unchanged and add no event.
   */
  acknowledgeNda(id: GrantId, now: EpochMs, actor: Actor): Promise<Grant> {
    return this.ctx.tx.write(async (db) => {
      const grant = await requireGrant(db, id);
      if (grant.ndaAcknowledgedAt !== null) return grant;
      const scope = await signoffScopeOf(db, grant);
      const agreement = { scope, sha256: scopeSha256(scope), carriedFrom: null };
      return recordAgreement(db, grant, agreement, { now, ts: this.ctx.clock.now(), actor });
    });
  }

  carryOverNdaAcknowledgement(id: GrantId, now: EpochMs, actor: Actor): Promise<Grant | null> {
    return this.ctx.tx.write(async (db) => {
      const grant = await requireGrant(db, id);
      if (grant.ndaAcknowledgedAt !== null) return grant;
      const scope = await signoffScopeOf(db, grant);
      const sha256 = scopeSha256(scope);
      const carriedFrom = await earlierAgreement(db, grant, sha256);
      if (carriedFrom === null) return null;
      const agreement = { scope, sha256, carriedFrom };
      return recordAgreement(db, grant, agreement, { now, ts: this.ctx.clock.now(), actor });
    });
  }

  signoffScope(id: GrantId): Promise<SignoffScope> {
    return this.ctx.tx.read(async (db) => signoffScopeOf(db, await requireGrant(db, id)));
  }

  takeTransferBudget(id: GrantId, bytes: number): Promise<number> {
    return this.ctx.tx.write((db) => takeTransferBudget(db, id, bytes));
  }

  transferUsed(id: GrantId): Promise<number> {
    return this.ctx.tx.read((db) => transferUsed(db, id));
  }
}
