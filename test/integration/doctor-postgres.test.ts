import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../../src/store/pg-migrations.js';
import { sharedPostgres } from '../helpers/postgres-server.js';
import { healthySetup, lineOf, lines } from './doctor-harness.js';

describe('gatehouse doctor on PostgreSQL (database.url)', () => {
  it('names the engine, checks the schema and the chain there, and has no SQLite integrity line', async () => {
    const server = await sharedPostgres();
    const name = await server.createEmptyDatabase();
    const s = await healthySetup({ databaseUrl: server.url(name) });
    expect((await s.cli.run('user', 'add', 'alice', '--key', s.clientKeyLine)).code).toBe(0);
    const r = await s.cli.run('doctor', '--local');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lineOf(r.stdout, 'database')).toMatch(
      new RegExp(
        `^PASS database: PostgreSQL \\d+\\.\\d+ at postgres://localhost/${name} \\(socket /`,
      ),
    );
    expect(lineOf(r.stdout, 'schema')).toBe(`PASS schema: version ${PG_SCHEMA_VERSION} (current)`);
    expect(lineOf(r.stdout, 'audit chain')).toBe('PASS audit chain: 1 event verified');
    expect(lineOf(r.stdout, 'integrity')).toBeUndefined();
    // Nothing was written to the SQLite path beside it.
    expect(lines(r.stdout).join('\n')).not.toContain(s.cli.dbPath);
  });

  it('fails the database line, with the reason and no password, when the server refuses', async () => {
    const server = await sharedPostgres();
    const good = server.url(await server.createEmptyDatabase());
    const s = await healthySetup({ databaseUrl: good });
    const bad = server.url('no_such_db').replace('postgres@', 'postgres:s3cret@');
    const config = await readFile(s.cli.configPath, 'utf8');
    await writeFile(s.cli.configPath, config.replace(good, bad));
    const r = await s.cli.run('doctor', '--local');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'database')).toMatch(
      /^FAIL database: PostgreSQL at postgres:\/\/localhost\/no_such_db .*: cannot connect \(.*database "no_such_db" does not exist\)$/,
    );
    expect(r.stdout).not.toContain('s3cret');
    expect(lineOf(r.stdout, 'schema')).toBeUndefined();
  });
});
