/**
 * The SQL fragments SQLite and PostgreSQL spell differently; everything else in the repositories
 * is one SQL text for both. Column and key names come from the code, never from input.
 */
export interface Dialect {
  readonly engine: 'sqlite' | 'postgres';
  /** A JSON text column's top-level field as SQL text/number, NULL when absent or unparsable. */
  jsonField(column: string, key: string): string;
  /** `expr` is one of the elements of a JSON array bound as one `?` parameter. */
  inJsonList(expr: string, element: 'integer' | 'text'): string;
  /** The sessions table's insertion order (ties of started_at), for alias `s`. */
  readonly sessionOrder: string;
  /** recording_text ids whose body contains the query (any case): `ids` takes `param(query)`. */
  readonly textSearch: { readonly ids: string; param(query: string): string };
}

const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

function checkedKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`dialect: bad JSON key ${key}`);
  return key;
}

export const sqliteDialect: Dialect = {
  engine: 'sqlite',
  jsonField: (column, key) =>
    `CASE WHEN json_valid(${column}) THEN json_extract(${column}, '$.${checkedKey(key)}') END`,
  inJsonList: (expr) => `${expr} IN (SELECT value FROM json_each(?))`,
  sessionOrder: 's.rowid',
  // With the trigram tokenizer (migration 13), one FTS5 phrase is a substring in any case.
  textSearch: {
    ids: 'SELECT rowid AS id FROM recording_text_index WHERE recording_text_index MATCH ?',
    param: (query) => `"${query.replace(/"/g, '""')}"`,
  },
};

/** gatehouse_json (pg-migrations.ts) is NULL for text that is not JSON, as json_valid guards. */
export const postgresDialect: Dialect = {
  engine: 'postgres',
  jsonField: (column, key) => `(gatehouse_json(${column}) ->> '${checkedKey(key)}')`,
  inJsonList: (expr, element) =>
    `${expr} IN (SELECT v::${element === 'integer' ? 'bigint' : 'text'}
      FROM jsonb_array_elements_text(CAST(? AS jsonb)) AS list(v))`,
  sessionOrder: 's.row_order',
  // A pg_trgm GIN index serves ILIKE (pg-migrations.ts); the query's wildcards are escaped.
  textSearch: {
    ids: "SELECT id FROM recording_text WHERE body ILIKE ? ESCAPE '\\'",
    param: (query) => `%${query.replace(/[\\%_]/g, '\\$&')}%`,
  },
};
