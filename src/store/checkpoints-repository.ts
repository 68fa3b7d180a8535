import type { AuditCheckpoint } from '../core/audit-checkpoint.js';
import type { CheckpointRepository } from '../core/ports.js';
import type { StoreContext } from './context.js';

interface CheckpointRow {
  seq: number;
  hash: string;
  at: number;
  key_id: string;
  signature: string;
}

const fromRow = (r: CheckpointRow): AuditCheckpoint => ({
  seq: r.seq,
  hash: r.hash,
  at: r.at,
  keyId: r.key_id,
  signature: r.signature,
});

export class SqliteCheckpointRepository implements CheckpointRepository {
  constructor(private readonly ctx: StoreContext) {}

  async add(cp: AuditCheckpoint): Promise<void> {
    await this.ctx.tx.write((db) =>
      db.run(
        'INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)',
        [cp.seq, cp.hash, cp.at, cp.keyId, cp.signature],
      ),
    );
  }

  list(): Promise<AuditCheckpoint[]> {
    return this.ctx.tx.read(async (db) =>
      (await db.all<CheckpointRow>('SELECT * FROM audit_checkpoints ORDER BY seq, id')).map(
        fromRow,
      ),
    );
  }

  latest(): Promise<AuditCheckpoint | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<CheckpointRow>(
        'SELECT * FROM audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1',
      );
      return row ? fromRow(row) : null;
    });
  }
}
