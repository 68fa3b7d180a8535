/** Turns pg errors into one-line GatehouseErrors naming the database, never SQL text or a password. */
import { errorMessage, GatehouseError, isGatehouseError } from '../core/errors.js';
import { CHECK_MESSAGES, UNIQUE_MESSAGES } from './sqlite-errors.js';

/** The SQLSTATE of a pg error, or null. */
export function pgCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || !('code' in err)) return null;
  const code = err.code;
  return typeof code === 'string' ? code : null;
}

/** Worth running the transaction again: a serialization failure or a deadlock. */
export const isRetryable = (err: unknown): boolean => {
  const code = pgCode(err);
  return code === '40001' || code === '40P01';
};

/** PostgreSQL's names for the unique constraints sqlite-errors.ts knows by table.column. */
const UNIQUE_CONSTRAINTS: Readonly<Record<string, string>> = {
  users_name_key: 'users.name',
  user_keys_fingerprint_key: 'user_keys.fingerprint',
  targets_live_name: 'targets.name',
  sessions_pkey: 'sessions.id',
};

/** The URL as an operator may see it: host and database, never the user or password. */
export function describeUrl(url: string): string {
  try {
    // libpq allows no host before the path (a unix socket, `postgres://user@/db`); URL does not.
    const u = new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/]*@)\//i, '$1localhost/'));
    const socket = u.searchParams.get('host');
    return `postgres://${u.host || 'localhost'}${u.pathname}${socket === null ? '' : ` (socket ${socket})`}`;
  } catch {
    return 'postgres://? (unparsable URL)';
  }
}

function constraintOf(err: unknown): string {
  const c = (err as { constraint?: unknown }).constraint;
  return typeof c === 'string' ? c : '';
}

export function pgToGatehouseError(err: unknown, where: string): GatehouseError {
  if (isGatehouseError(err)) return err;
  const code = pgCode(err) ?? '';
  const at = `database: ${where}`;
  const make = (kind: 'conflict' | 'invalid' | 'not_found' | 'storage', text: string) =>
    new GatehouseError(kind, text, { cause: err });
  switch (code) {
    case '23505': {
      const column = UNIQUE_CONSTRAINTS[constraintOf(err)];
      return make('conflict', (column && UNIQUE_MESSAGES[column]) ?? 'record already exists');
    }
    case '23514':
      return make('invalid', CHECK_MESSAGES[constraintOf(err)] ?? 'invalid value');
    case '23503':
      return make('not_found', 'reference: a referenced record does not exist');
    case '23502':
      return make('invalid', 'record: a required field is missing');
    case '40001':
    case '40P01':
      return make('storage', `${at}: busy (conflicting writes kept failing); try again`);
    case '53100':
      return make('storage', `${at}: disk full`);
    case '25006':
      return make('storage', `${at}: read-only`);
    default:
      break;
  }
  const line = (errorMessage(err).split('\n')[0] ?? '').slice(0, 200);
  return make('storage', `${at}: ${line}`);
}
