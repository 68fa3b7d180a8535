/** What every repository needs, plus lookups shared by several of them (run inside a tx). */
import type { ChangeBus } from '../core/change-signals.js';
import type { Clock } from '../core/clock.js';
import { GatehouseError } from '../core/errors.js';
import { quoteForMessage } from '../core/names.js';
import type { Grant, GrantId, Target, TargetId, User } from '../core/model.js';
import type { SqlConnection } from './sql-connection.js';
import {
  grantFromRow,
  targetFromRow,
  userFromRow,
  type GrantRow,
  type TargetRow,
  type UserRow,
} from './rows.js';
import type { StoreTransactions } from './sql-connection.js';

export interface StoreContext {
  readonly tx: StoreTransactions;
  readonly clock: Clock;
  /** Where `announceChange` tells this process's subscribers (store/change-announce.ts). */
  readonly changes: ChangeBus;
}

export async function userByName(db: SqlConnection, name: string): Promise<User | null> {
  const row = await db.get<UserRow>('SELECT * FROM users WHERE name = ?', [name]);
  return row ? userFromRow(row) : null;
}

export async function requireUser(db: SqlConnection, name: string): Promise<User> {
  const user = await userByName(db, name);
  if (!user) throw new GatehouseError('not_found', `user: no user named ${quoteForMessage(name)}`);
  return user;
}

/** Live (not removed) target by name. */
export async function targetByName(db: SqlConnection, name: string): Promise<Target | null> {
  const row = await db.get<TargetRow>(
    'SELECT * FROM targets WHERE name = ? AND removed_at IS NULL',
    [name],
  );
  return row ? targetFromRow(row) : null;
}

/** A target by id, removed or not: a removed target still names the grants made to it. */
export async function targetById(db: SqlConnection, id: TargetId): Promise<Target | null> {
  const row = await db.get<TargetRow>('SELECT * FROM targets WHERE id = ?', [id]);
  return row ? targetFromRow(row) : null;
}

export async function requireTarget(db: SqlConnection, name: string): Promise<Target> {
  const target = await targetByName(db, name);
  if (!target) {
    throw new GatehouseError('not_found', `target: no target named ${quoteForMessage(name)}`);
  }
  return target;
}

export async function requireGrant(db: SqlConnection, id: GrantId): Promise<Grant> {
  const row = await db.get<GrantRow>('SELECT * FROM grants WHERE id = ?', [id]);
  if (!row) throw new GatehouseError('not_found', `grant: no grant with id ${id}`);
  return grantFromRow(row);
}
