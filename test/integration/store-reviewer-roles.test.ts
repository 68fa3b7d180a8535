/** Migration 11 (issue 14): review page accounts get roles; existing ones keep `reviewer`. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatehouseError } from '../../src/core/errors.js';
import { Database } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';
import { describeEachStore } from './store-fixtures.js';

describe('migration 11: reviewers.roles', () => {
  it('keeps an account made before roles a reviewer, and refuses a stored role list that is empty', async () => {
    const path = join(await tempDir('gh-roles-migration-'), 'gatehouse.db');
    const db = await Database.open(path);
    try {
      for (const m of MIGRATIONS.filter((m) => m.version <= 8)) await db.exec(m.sql);
      await db.run('PRAGMA user_version = 8');
      await db.run(
        `INSERT INTO reviewers (name, password_hash, created_by, created_at)
         VALUES ('rita', NULL, 'admin', 1)`,
      );
    } finally {
      await db.close();
    }
    const store = await openStore(path);
    try {
      expect((await store.reviewers.findByName('rita'))?.reviewer.roles).toEqual(['reviewer']);
    } finally {
      await store.close();
    }
    const after = await Database.open(path);
    try {
      for (const roles of ['[]', 'approver', '{}']) {
        await expect(
          after.run(`UPDATE reviewers SET roles = ? WHERE name = 'rita'`, [roles]),
        ).rejects.toThrow(/reviewers_roles/);
      }
    } finally {
      await after.close();
    }
  });
});

describeEachStore('reviewer roles in the store', (ctx) => {
  it('creates an account with its roles (default reviewer) and audits them', async () => {
    const rita = await ctx.store.reviewers.add('rita', null, 'admin');
    expect(rita.roles).toEqual(['reviewer']);
    const ann = await ctx.store.reviewers.add('ann', null, 'admin', ['approver', 'reviewer']);
    expect(ann.roles).toEqual(['reviewer', 'approver']);
    const created = await ctx.store.audit.list({ type: 'reviewer.create' });
    expect(created.map((e) => e.payload)).toEqual([
      { reviewer: 'rita', password: false, roles: ['reviewer'] },
      { reviewer: 'ann', password: false, roles: ['reviewer', 'approver'] },
    ]);
  });

  it('replaces roles with reviewer.set; the same roles again write nothing; none is refused', async () => {
    await ctx.store.reviewers.add('vic', null, 'admin');
    const set = await ctx.store.reviewers.setRoles('vic', ['approver'], 'os:root');
    expect(set.roles).toEqual(['approver']);
    expect((await ctx.store.reviewers.findByName('vic'))?.reviewer.roles).toEqual(['approver']);
    await ctx.store.reviewers.setRoles('vic', ['approver'], 'os:root');
    const events = await ctx.store.audit.list({ type: 'reviewer.set' });
    expect(events.map((e) => [e.actor, e.payload])).toEqual([
      ['os:root', { reviewer: 'vic', roles: ['approver'], previousRoles: ['reviewer'] }],
    ]);
    const refused: unknown = await ctx.store.reviewers
      .setRoles('vic', [], 'os:root')
      .catch((e: unknown) => e);
    expect(isGatehouseError(refused) && refused.userMessage).toBe(
      'reviewer: an account needs at least one role',
    );
    await expect(ctx.store.reviewers.setRoles('ghost', ['reviewer'], 'os:root')).rejects.toThrow(
      /no reviewer named "ghost"/,
    );
  });
});
