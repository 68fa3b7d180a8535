import { GatehouseError } from '../core/errors.js';
import type { CommandTarget, SshTarget, Target, TargetId } from '../core/model.js';
import { checkCommandTarget } from '../core/command-target.js';
import { checkRunAsName } from '../core/run-as.js';
import { checkName } from '../core/names.js';
import { checkChecklist } from '../core/checklist.js';
import type { Actor, NewTarget, TargetRepository } from '../core/ports.js';
import { auditEvents } from '../core/audit-events.js';
import { appendAuditEvent } from './audit-chain.js';
import { requireTarget, targetById, targetByName, type StoreContext } from './context.js';
import { sshTargetFromRow, targetFromRow, type TargetRow } from './rows.js';

/** Stored for command targets, whose host/port/login are meaningless (the columns are NOT NULL). */
const COMMAND_TARGET_PORT = 22;

/**
 * Targets are soft-deleted (removed_at): grants and sessions that name them still resolve through
 * get(id), while findByName/list no longer see them and the name is free for a new target.
 */
export class SqliteTargetRepository implements TargetRepository {
  constructor(private readonly ctx: StoreContext) {}

  add(target: NewTarget, actor: Actor): Promise<Target> {
    const valid = checkName('target', target.name);
    if (!valid.ok) return Promise.reject(new GatehouseError('invalid', valid.message));
    const requires = [...(target.requires ?? [])];
    const checklist = checkChecklist(requires);
    if (!checklist.ok) return Promise.reject(new GatehouseError('invalid', checklist.message));
    if (target.kind === 'command') {
      const program = checkCommandTarget(target.command, target.env);
      if (!program.ok) return Promise.reject(new GatehouseError('invalid', program.message));
      const runAs = checkRunAsName(target.runAs);
      if (!runAs.ok) return Promise.reject(new GatehouseError('invalid', runAs.message));
    }
    return this.ctx.tx.write(async (db) => {
      if (await targetByName(db, target.name)) {
        throw new GatehouseError('conflict', `target: ${target.name} already exists`);
      }
      const now = this.ctx.clock.now();
      const row =
        target.kind === 'command'
          ? await db.get<TargetRow>(
              `INSERT INTO targets (name, host, port, login, host_key, created_at, kind, command, env, run_as, requires)
               VALUES (?, '-', ${COMMAND_TARGET_PORT}, '-', NULL, ?, 'command', ?, ?, ?, ?) RETURNING *`,
              [
                target.name,
                now,
                JSON.stringify(target.command),
                JSON.stringify(target.env),
                target.runAs,
                JSON.stringify(requires),
              ],
            )
          : await db.get<TargetRow>(
              `INSERT INTO targets (name, host, port, login, host_key, created_at, requires)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
              [
                target.name,
                target.host,
                target.port,
                target.login,
                target.hostKey,
                now,
                JSON.stringify(requires),
              ],
            );
      if (!row) throw new Error('targets insert returned no row');
      const created = targetFromRow(row);
      const named = { target: created.name, targetId: created.id, requires: [...created.requires] };
      const event = auditEvents.targetCreate(
        created.kind === 'command'
          ? {
              ...named,
              kind: 'command',
              command: [...created.command],
              envKeys: Object.keys(created.env).sort(),
              runAs: created.runAs ?? '', // set by the INSERT above
            }
          : {
              ...named,
              kind: 'ssh',
              host: created.host,
              port: created.port,
              login: created.login,
              hostKey: created.hostKey,
            },
      );
      await appendAuditEvent(db, event, actor, now);
      return created;
    });
  }

  get(id: TargetId): Promise<Target | null> {
    return this.ctx.tx.read((db) => targetById(db, id));
  }

  findByName(name: string): Promise<Target | null> {
    return this.ctx.tx.read((db) => targetByName(db, name));
  }

  list(): Promise<Target[]> {
    return this.ctx.tx.read(async (db) =>
      (await db.all<TargetRow>('SELECT * FROM targets WHERE removed_at IS NULL ORDER BY name')).map(
        targetFromRow,
      ),
    );
  }

  remove(name: string, actor: Actor): Promise<void> {
    return this.ctx.tx.write(async (db) => {
      const target = await requireTarget(db, name);
      const now = this.ctx.clock.now();
      const pending = await db.get<{ n: number }>(
        'SELECT count(*) AS n FROM grants WHERE target_id = ? AND revoked_at IS NULL AND ends_at > ?',
        [target.id, now],
      );
      const n = pending?.n ?? 0;
      if (n > 0) {
        throw new GatehouseError(
          'refused',
          `target: ${name} has ${n} active or future grant${n === 1 ? '' : 's'}; revoke them first`,
        );
      }
      await db.run('UPDATE targets SET removed_at = ? WHERE id = ?', [now, target.id]);
      await appendAuditEvent(
        db,
        auditEvents.targetRemove({ target: name, targetId: target.id }),
        actor,
        now,
      );
    });
  }

  pinHostKey(name: string, hostKey: string, actor: Actor): Promise<SshTarget> {
    return this.ctx.tx.write(async (db) => {
      const target = await requireTarget(db, name);
      if (target.kind === 'command') {
        throw new GatehouseError(
          'refused',
          `target: ${name} runs a program on the bastion; it has no host key`,
        );
      }
      const row = await db.get<TargetRow>(
        'UPDATE targets SET host_key = ? WHERE id = ? RETURNING *',
        [hostKey, target.id],
      );
      if (!row) throw new Error('targets update returned no row');
      await appendAuditEvent(
        db,
        auditEvents.targetPin({
          target: name,
          targetId: target.id,
          previous: target.hostKey,
          hostKey,
        }),
        actor,
        this.ctx.clock.now(),
      );
      return sshTargetFromRow(row);
    });
  }

  setRunAs(name: string, runAs: string, actor: Actor): Promise<CommandTarget> {
    const valid = checkRunAsName(runAs);
    if (!valid.ok) return Promise.reject(new GatehouseError('invalid', valid.message));
    return this.ctx.tx.write(async (db) => {
      const target = await requireTarget(db, name);
      if (target.kind !== 'command') {
        throw new GatehouseError(
          'refused',
          `target: ${name} is an ssh target; --run-as is for command targets`,
        );
      }
      const row = await db.get<TargetRow>(
        'UPDATE targets SET run_as = ? WHERE id = ? RETURNING *',
        [runAs, target.id],
      );
      if (!row) throw new Error('targets update returned no row');
      await appendAuditEvent(
        db,
        auditEvents.targetSet({ target: name, targetId: target.id, previous: target.runAs, runAs }),
        actor,
        this.ctx.clock.now(),
      );
      const updated = targetFromRow(row);
      if (updated.kind !== 'command') throw new Error('targets update changed the kind');
      return updated;
    });
  }

  setRequires(name: string, requires: readonly string[], actor: Actor): Promise<Target> {
    const valid = checkChecklist(requires);
    if (!valid.ok) return Promise.reject(new GatehouseError('invalid', valid.message));
    return this.ctx.tx.write(async (db) => {
      const target = await requireTarget(db, name);
      const row = await db.get<TargetRow>(
        'UPDATE targets SET requires = ? WHERE id = ? RETURNING *',
        [JSON.stringify(requires), target.id],
      );
      if (!row) throw new Error('targets update returned no row');
      await appendAuditEvent(
        db,
        auditEvents.targetChecklist({
          target: name,
          targetId: target.id,
          previous: [...target.requires],
          requires: [...requires],
        }),
        actor,
        this.ctx.clock.now(),
      );
      return targetFromRow(row);
    });
  }
}
