/** Turns raw sqlite3 errors into one-line GatehouseErrors that never carry SQL text. */
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage, GatehouseError, isGatehouseError } from '../core/errors.js';

/** The `SQLITE_…` code of a sqlite3 (or fs) error, or null. */
export function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || !('code' in err)) return null;
  const code = err.code;
  return typeof code === 'string' ? code : null;
}

export const isBusy = (err: unknown): boolean => {
  const code = sqliteCode(err);
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
};

/** Named CHECK constraints (migrations.ts) → what was wrong, in domain words. */
export const CHECK_MESSAGES: Readonly<Record<string, string>> = {
  users_name: 'user: name must match ^[a-z][a-z0-9._-]{0,63}$',
  targets_name: 'target: name must match ^[a-z][a-z0-9._-]{0,63}$',
  targets_port: 'target: port must be 1-65535',
  targets_kind: "target: kind must be 'ssh' or 'command'",
  targets_command:
    'target: a command target needs a non-empty argv with an absolute program path, and no host',
  targets_env: 'target: env must be a JSON object (command targets only)',
  grants_mode: "grant: mode must be 'shell' or 'commands'",
  grants_window: 'window: the grant must end after it starts',
  grants_allowlist: 'allowlist: must be a JSON array of strings',
  sessions_id: 'session: id must be a UUID',
  sessions_end_reason: 'session: unknown end reason',
};

/** UNIQUE index columns → a message for when a pre-check did not catch it. */
export const UNIQUE_MESSAGES: Readonly<Record<string, string>> = {
  'users.name': 'user: a user with that name already exists',
  'user_keys.fingerprint': 'key: that fingerprint is already registered',
  'targets.name': 'target: a target with that name already exists',
  'sessions.id': 'session: a session with that id already exists',
};

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function constraintError(message: string): GatehouseError | null {
  const unique = /UNIQUE constraint failed: (\S+?)(?:,|$)/.exec(message);
  if (unique?.[1] !== undefined) {
    return new GatehouseError('conflict', UNIQUE_MESSAGES[unique[1]] ?? 'record already exists');
  }
  const check = /CHECK constraint failed: (\w+)/.exec(message);
  if (check?.[1] !== undefined) {
    return new GatehouseError('invalid', CHECK_MESSAGES[check[1]] ?? 'invalid value');
  }
  if (message.includes('FOREIGN KEY constraint failed')) {
    return new GatehouseError('not_found', 'reference: a referenced record does not exist');
  }
  if (message.includes('NOT NULL constraint failed')) {
    return new GatehouseError('invalid', 'record: a required field is missing');
  }
  return null;
}

/** Maps any error from the store to a GatehouseError; GatehouseErrors pass through unchanged. */
export function toGatehouseError(err: unknown, dbPath: string): GatehouseError {
  if (isGatehouseError(err)) return err;
  const code = sqliteCode(err);
  const message = errorMessage(err);
  const at = `database: ${dbPath}`;
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new GatehouseError('storage', `${at}: not a SQLite database (corrupt?)`, {
        cause: err,
      });
    case 'SQLITE_READONLY':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new GatehouseError('storage', `${at}: read-only`, { cause: err });
    case 'SQLITE_CANTOPEN':
      return writable(dirname(dbPath))
        ? new GatehouseError('storage', `${at}: cannot open the file`, { cause: err })
        : new GatehouseError('storage', `${at}: read-only`, { cause: err });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new GatehouseError(
        'storage',
        `${at}: busy (another process held the write lock too long); try again`,
        { cause: err },
      );
    case 'SQLITE_FULL':
      return new GatehouseError('storage', `${at}: disk full`, { cause: err });
    case 'SQLITE_CONSTRAINT': {
      const mapped = constraintError(message);
      if (mapped) return new GatehouseError(mapped.code, mapped.userMessage, { cause: err });
      break;
    }
    default:
      break;
  }
  // sqlite3 messages are `SQLITE_X: text` and name no SQL; keep only the first line, to be safe.
  const line = (message.split('\n')[0] ?? '').slice(0, 200);
  return new GatehouseError('storage', `${at}: ${line}`, { cause: err });
}
