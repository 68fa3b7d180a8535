import { GatehouseError } from '../core/errors.js';
import type { Nda, NdaId } from '../core/model.js';
import type { Actor, NdaRepository, NewNda } from '../core/ports.js';
import { auditEvents } from '../core/audit-events.js';
import { appendAuditEvent } from './audit-chain.js';
import { announceChange } from './change-announce.js';
import { requireUser, type StoreContext } from './context.js';
import type { SqlConnection } from './sql-connection.js';
import { ndaFromRow, type NdaRow } from './rows.js';

export async function ndaById(db: SqlConnection, id: NdaId): Promise<Nda | null> {
  const row = await db.get<NdaRow>('SELECT * FROM ndas WHERE id = ?', [id]);
  return row ? ndaFromRow(row) : null;
}

export class SqliteNdaRepository implements NdaRepository {
  constructor(private readonly ctx: StoreContext) {}

  add(nda: NewNda, actor: Actor): Promise<Nda> {
    return this.ctx.tx.write(async (db) => {
      const user = await requireUser(db, nda.userName);
      if (nda.expiresAt !== null && nda.expiresAt <= nda.signedAt) {
        throw new GatehouseError('invalid', 'nda: expires must be after signed');
      }
      const now = this.ctx.clock.now();
      const row = await db.get<NdaRow>(
        `INSERT INTO ndas (user_id, title, ref, signed_at, expires_at, document_sha256, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [user.id, nda.title, nda.ref, nda.signedAt, nda.expiresAt, nda.documentSha256, now],
      );
      if (!row) throw new Error('ndas insert returned no row');
      const created = ndaFromRow(row);
      await appendAuditEvent(
        db,
        auditEvents.ndaCreate({
          ndaId: created.id,
          user: user.name,
          title: created.title,
          ref: created.ref,
          signedAt: created.signedAt,
          expiresAt: created.expiresAt,
          documentSha256: created.documentSha256,
        }),
        actor,
        now,
      );
      return created;
    });
  }

  get(id: NdaId): Promise<Nda | null> {
    return this.ctx.tx.read((db) => ndaById(db, id));
  }

  list(filter: { readonly userName?: string } = {}): Promise<Nda[]> {
    return this.ctx.tx.read(async (db) => {
      const rows =
        filter.userName === undefined
          ? await db.all<NdaRow>('SELECT * FROM ndas ORDER BY id')
          : await db.all<NdaRow>(
              `SELECT ndas.* FROM ndas JOIN users ON users.id = ndas.user_id
               WHERE users.name = ? ORDER BY ndas.id`,
              [filter.userName],
            );
      return rows.map(ndaFromRow);
    });
  }

  revoke(id: NdaId, reason: string, actor: Actor): Promise<Nda> {
    return this.ctx.tx.write(async (db) => {
      const nda = await ndaById(db, id);
      if (!nda) throw new GatehouseError('not_found', `nda: no NDA with id ${id}`);
      if (nda.revokedAt !== null)
        throw new GatehouseError('refused', `nda: ${id} is already revoked`);
      const now = this.ctx.clock.now();
      const row = await db.get<NdaRow>(
        'UPDATE ndas SET revoked_at = ?, revoke_reason = ? WHERE id = ? RETURNING *',
        [now, reason, id],
      );
      if (!row) throw new Error('ndas update returned no row');
      await appendAuditEvent(db, auditEvents.ndaRevoke({ ndaId: id, reason }), actor, now);
      await announceChange(this.ctx.changes, db, { kind: 'nda', id });
      return ndaFromRow(row);
    });
  }
}
