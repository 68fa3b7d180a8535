import { GatehouseError } from '../core/errors.js';
import type { User, UserId, UserKey } from '../core/model.js';
import { checkName, quoteForMessage } from '../core/names.js';
import type { Actor, NewKey, UserRepository } from '../core/ports.js';
import { auditEvents } from '../core/audit-events.js';
import { appendAuditEvent } from './audit-chain.js';
import { announceChange } from './change-announce.js';
import { requireUser, userByName, type StoreContext } from './context.js';
import type { SqlConnection } from './sql-connection.js';
import { userFromRow, userKeyFromRow, type UserKeyRow, type UserRow } from './rows.js';

async function insertKey(
  db: SqlConnection,
  user: User,
  key: NewKey,
  now: number,
): Promise<UserKey> {
  const taken = await db.get<{ id: number }>('SELECT id FROM user_keys WHERE fingerprint = ?', [
    key.fingerprint,
  ]);
  if (taken) {
    throw new GatehouseError(
      'conflict',
      // Printed bare: an identical fingerprint was accepted before.
      `key: fingerprint ${key.fingerprint} is already registered`,
    );
  }
  const row = await db.get<UserKeyRow>(
    `INSERT INTO user_keys (user_id, algorithm, blob, fingerprint, comment, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    [user.id, key.algorithm, key.blob, key.fingerprint, key.comment, now],
  );
  if (!row) throw new Error('user_keys insert returned no row');
  return userKeyFromRow(row);
}

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly ctx: StoreContext) {}

  add(name: string, key: NewKey, actor: Actor): Promise<User> {
    const valid = checkName('user', name);
    if (!valid.ok) return Promise.reject(new GatehouseError('invalid', valid.message));
    return this.ctx.tx.write(async (db) => {
      if (await userByName(db, name)) {
        throw new GatehouseError('conflict', `user: ${name} already exists`);
      }
      const now = this.ctx.clock.now();
      const row = await db.get<UserRow>(
        'INSERT INTO users (name, disabled, created_at) VALUES (?, 0, ?) RETURNING *',
        [name, now],
      );
      if (!row) throw new Error('users insert returned no row');
      const user = userFromRow(row);
      await insertKey(db, user, key, now);
      await appendAuditEvent(
        db,
        auditEvents.userCreate({ user: name, userId: user.id, fingerprint: key.fingerprint }),
        actor,
        now,
      );
      return user;
    });
  }

  list(): Promise<User[]> {
    return this.ctx.tx.read(async (db) =>
      (await db.all<UserRow>('SELECT * FROM users ORDER BY name')).map(userFromRow),
    );
  }

  findByName(name: string): Promise<User | null> {
    return this.ctx.tx.read((db) => userByName(db, name));
  }

  get(id: UserId): Promise<User | null> {
    return this.ctx.tx.read(async (db) => {
      const row = await db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
      return row ? userFromRow(row) : null;
    });
  }

  setDisabled(name: string, disabled: boolean, actor: Actor): Promise<User> {
    return this.ctx.tx.write(async (db) => {
      const user = await requireUser(db, name);
      const row = await db.get<UserRow>('UPDATE users SET disabled = ? WHERE id = ? RETURNING *', [
        disabled ? 1 : 0,
        user.id,
      ]);
      if (!row) throw new Error('users update returned no row');
      await appendAuditEvent(
        db,
        (disabled ? auditEvents.userDisable : auditEvents.userEnable)({
          user: name,
          userId: user.id,
        }),
        actor,
        this.ctx.clock.now(),
      );
      if (disabled) await announceChange(this.ctx.changes, db, { kind: 'user', id: user.id });
      return userFromRow(row);
    });
  }

  keys(userId: UserId): Promise<UserKey[]> {
    return this.ctx.tx.read(async (db) =>
      (
        await db.all<UserKeyRow>('SELECT * FROM user_keys WHERE user_id = ? ORDER BY id', [userId])
      ).map(userKeyFromRow),
    );
  }

  addKey(name: string, key: NewKey, actor: Actor): Promise<UserKey> {
    return this.ctx.tx.write(async (db) => {
      const user = await requireUser(db, name);
      const now = this.ctx.clock.now();
      const added = await insertKey(db, user, key, now);
      await appendAuditEvent(
        db,
        auditEvents.userKeyAdd({ user: name, userId: user.id, fingerprint: key.fingerprint }),
        actor,
        now,
      );
      return added;
    });
  }

  removeKey(name: string, fingerprint: string, actor: Actor): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      const user = await requireUser(db, name);
      const result = await db.run('DELETE FROM user_keys WHERE user_id = ? AND fingerprint = ?', [
        user.id,
        fingerprint,
      ]);
      if (result.changes === 0) {
        throw new GatehouseError(
          'not_found',
          `key: user ${name} has no key ${quoteForMessage(fingerprint)}`,
        );
      }
      await appendAuditEvent(
        db,
        auditEvents.userKeyRemove({ user: name, userId: user.id, fingerprint }),
        actor,
        this.ctx.clock.now(),
      );
      await announceChange(this.ctx.changes, db, { kind: 'user', id: user.id });
    });
  }
}
