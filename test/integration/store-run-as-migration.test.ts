/** Migration 4 (issue 13): command targets made before run-as existed get none, and are refused. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/tmp.js';

describe('migration 4: targets.run_as', () => {
  it('gives an existing command target no run-as account and accepts one only on command targets', async () => {
    const path = join(await tempDir('gh-run-as-migration-'), 'gatehouse.db');
    const db = await Database.open(path);
    try {
      for (const m of MIGRATIONS.filter((m) => m.version <= 3)) await db.exec(m.sql);
      await db.run('PRAGMA user_version = 3');
      await db.run(
        `INSERT INTO targets (name, host, port, login, host_key, created_at, kind, command, env)
         VALUES ('old-psql', '-', 22, '-', NULL, 1, 'command', '["/usr/bin/psql"]', '{}'),
                ('db1', '10.0.0.5', 22, 'ops', NULL, 1, 'ssh', NULL, NULL)`,
      );
    } finally {
      await db.close();
    }

    const store = await openStore(path);
    try {
      expect(await store.targets.findByName('old-psql')).toMatchObject({
        kind: 'command',
        runAs: null,
      });
    } finally {
      await store.close();
    }
    const after = await Database.open(path);
    try {
      await expect(
        after.run("UPDATE targets SET run_as = 'ops' WHERE name = 'db1'"),
      ).rejects.toThrow(/targets_run_as/);
      await expect(
        after.run("UPDATE targets SET run_as = '-u0' WHERE name = 'old-psql'"),
      ).rejects.toThrow(/targets_run_as/);
    } finally {
      await after.close();
    }
  });
});
