import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { GatehouseError } from '../../src/core/errors.js';
import { postgresDialect, sqliteDialect } from '../../src/store/dialect.js';
import { describeUrl, pgToGatehouseError } from '../../src/store/pg-errors.js';
import { numberedPlaceholders } from '../../src/store/pg-placeholders.js';
import { storeTypes } from '../../src/store/pg-types.js';
import { tempDir } from '../helpers/tmp.js';

describe('? to $n for PostgreSQL', () => {
  it('numbers the parameters in order and leaves quoted text and comments alone', () => {
    expect(numberedPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?')).toBe(
      'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4',
    );
    expect(numberedPlaceholders(`SELECT '?', "a?b", x -- what?\n FROM t /* ? */ WHERE y = ?`)).toBe(
      `SELECT '?', "a?b", x -- what?\n FROM t /* ? */ WHERE y = $1`,
    );
    expect(numberedPlaceholders("SELECT 'it''s ?' WHERE z = ?")).toBe(
      "SELECT 'it''s ?' WHERE z = $1",
    );
  });
});

describe('PostgreSQL values read as the SQLite store reads them', () => {
  const parse = (oid: number, text: string): unknown =>
    (storeTypes.getTypeParser(oid, 'text') as (t: string) => unknown)(text);

  it('reads BIGINT and NUMERIC as numbers, refuses one past 2^53, booleans as 1/0', () => {
    expect(parse(20, '1796168914732')).toBe(1796168914732);
    expect(() => parse(20, '9007199254740993')).toThrow(/out of range/);
    expect(parse(1700, '12')).toBe(12);
    expect(parse(1700, '2.5')).toBe(2.5);
    expect(parse(16, 't')).toBe(1);
    expect(parse(16, 'f')).toBe(0);
    expect(parse(25, 'text')).toBe('text');
  });
});

describe('PostgreSQL errors as one line', () => {
  it('names the host and database, never the user or password', () => {
    expect(describeUrl('postgres://gh:s3cret@db.internal:5432/gatehouse')).toBe(
      'postgres://db.internal:5432/gatehouse',
    );
    expect(describeUrl('postgres://gh@/gatehouse?host=/run/postgresql')).toBe(
      'postgres://localhost/gatehouse (socket /run/postgresql)',
    );
  });

  it("maps constraints to SQLite's domain messages", () => {
    const pgError = (fields: Record<string, string>) =>
      Object.assign(new Error('raw'), fields) as Error;
    const unique = pgToGatehouseError(
      pgError({ code: '23505', constraint: 'users_name_key' }),
      'x',
    );
    expect([unique.code, unique.userMessage]).toEqual([
      'conflict',
      'user: a user with that name already exists',
    ]);
    const check = pgToGatehouseError(pgError({ code: '23514', constraint: 'grants_window' }), 'x');
    expect([check.code, check.userMessage]).toEqual([
      'invalid',
      'window: the grant must end after it starts',
    ]);
    const other = pgToGatehouseError(pgError({ code: '08006' }), 'postgres://h/db');
    expect(other.userMessage).toBe('database: postgres://h/db: raw');
  });
});

describe('the dialects', () => {
  it('quote only known-good JSON keys', () => {
    expect(sqliteDialect.jsonField('payload', 'sessionId')).toContain("'$.sessionId'");
    expect(postgresDialect.jsonField('payload', 'sessionId')).toBe(
      "(gatehouse_json(payload) ->> 'sessionId')",
    );
    expect(() => postgresDialect.jsonField('payload', "x') OR ('1")).toThrow(/bad JSON key/);
  });

  it("escapes PostgreSQL's LIKE wildcards in a search and quotes an FTS5 phrase", () => {
    expect(postgresDialect.textSearch.param('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
    expect(sqliteDialect.textSearch.param('say "hi"')).toBe('"say ""hi"""');
  });
});

describe('config database.url', () => {
  async function load(text: string) {
    const dir = await tempDir('gatehouse-config-');
    const file = path.join(dir, 'gatehouse.yaml');
    await writeFile(file, text);
    return loadConfig(file, {}, '/');
  }

  it('takes a postgres:// URL and refuses anything else in one line', async () => {
    const c = await load('database:\n  url: postgres://gh@db.internal/gatehouse\n');
    expect(c.database.url).toBe('postgres://gh@db.internal/gatehouse');
    expect((await load('')).database.url).toBeUndefined();
    const refused = await load('database:\n  url: mysql://db/gatehouse\n').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatehouseError);
    expect((refused as GatehouseError).userMessage).toMatch(
      /database\.url.*must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect((refused as GatehouseError).userMessage).not.toContain('\n');
  });
});
