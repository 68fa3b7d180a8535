/**
 * How the PostgreSQL store reads values: as the SQLite store does. BIGINT and NUMERIC become JS
 * numbers (an integer past 2^53 is refused rather than rounded), booleans 1/0 (the repositories
 * compare SQLite's integers). Everything else keeps pg's default parser.
 */
import pg from 'pg';

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;

function safeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of range: ${text}`);
  return n;
}

function finiteNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) {
    throw new RangeError(`number out of range: ${text}`);
  }
  return n;
}

export const storeTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === INT8) return safeInteger;
      if (oid === NUMERIC) return finiteNumber;
      if (oid === BOOL) return (text: string) => (text === 't' ? 1 : 0);
    }
    return pg.types.getTypeParser(oid, format ?? 'text') as unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};
