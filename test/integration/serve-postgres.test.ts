import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { sharedPostgres } from '../helpers/postgres-server.js';
import { runSsh } from '../helpers/ssh-client.js';
import { withConnectionAt } from './store-fixtures.js';

let b: BastionFixture;
let url: string;
beforeAll(async () => {
  const server = await sharedPostgres();
  // An empty database: serve creates the schema itself.
  url = server.url(await server.createEmptyDatabase());
  b = await startBastion({ databaseUrl: url });
});
afterAll(async () => {
  await b.stop();
});

describe('gatehouse serve with database.url (PostgreSQL)', () => {
  it('lets a user with a grant in through real ssh, its audit rows in PostgreSQL and the chain verified by the CLI', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await runSsh(b.login(alice), { command: ['echo hello-$((6*7))'] });
    expect(r.stdout.toString()).toContain('hello-42');
    expect(r.code).toBe(0);

    const rows = await withConnectionAt(url, (db) =>
      db.all<{ seq: number; type: string; actor: string }>(
        'SELECT seq, type, actor FROM audit_events ORDER BY seq',
      ),
    );
    const types = rows.map((row) => row.type);
    expect(types).toEqual(
      expect.arrayContaining(['user.create', 'grant.create', 'auth.success', 'session.start']),
    );
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => i + 1));
    const sessions = await withConnectionAt(url, (db) =>
      db.all<{ end_reason: string | null; exit_status: number | null }>(
        'SELECT end_reason, exit_status FROM sessions',
      ),
    );
    expect(sessions).toHaveLength(1);
    // Nothing went to the SQLite path of the same config.
    expect(existsSync(join(b.dir, 'data', 'gatehouse.db'))).toBe(false);

    const verify = await b.cli(['audit', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    const list = await b.cli(['--json', 'session', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('alice');
  });
});
