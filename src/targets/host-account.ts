/**
 * Looks a run-as account up in the host's passwd and group databases (through `getent` and `id`,
 * so NSS sources such as LDAP count as they do for setpriv) and applies the rules of
 * core/run-as.ts: the one check `target add`/`set`, `doctor` and every session start share.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import {
  checkRunAsAccount,
  checkRunAsName,
  type ForbiddenIds,
  type HostAccount,
} from '../core/run-as.js';

const LOOKUP_TIMEOUT_MS = 5_000;
/** Absolute paths: never whatever comes first on the PATH gatehouse was started with. */
const GETENT = '/usr/bin/getent';
const ID = '/usr/bin/id';

export type AccountLookup =
  | { readonly ok: true; readonly account: HostAccount }
  | { readonly ok: false; readonly message: string };

function run(file: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: LOOKUP_TIMEOUT_MS }, (err, stdout) =>
      resolve(err === null ? stdout : null),
    );
  });
}

/** `name:x:uid:gid:gecos:home:shell` and the account's group ids, or null when there is no such account. */
async function lookup(name: string): Promise<HostAccount | null> {
  const [passwd, groups] = await Promise.all([
    run(GETENT, ['passwd', '--', name]),
    run(ID, ['-G', '--', name]),
  ]);
  const fields = (passwd ?? '').trim().split(':');
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (fields.length !== 7 || fields[0] !== name || !Number.isInteger(uid) || !Number.isInteger(gid))
    return null;
  const ids = (groups ?? '').trim().split(/\s+/).map(Number);
  if (groups === null || !ids.every(Number.isInteger)) return null;
  return { name, uid, gid, groups: ids, home: fields[5] ?? '' };
}

/** Root and this process's own uid and gid, plus any the caller knows (the database's owner). */
export function forbiddenIds(extra: Partial<ForbiddenIds> = {}): ForbiddenIds {
  return {
    uids: [process.getuid?.() ?? 0, ...(extra.uids ?? [])],
    gids: [process.getgid?.() ?? 0, ...(extra.gids ?? [])],
  };
}

/** The account named `name`, if it exists and may run a command target's program. */
export async function usableRunAsAccount(
  name: string | null,
  forbidden: ForbiddenIds,
): Promise<AccountLookup> {
  if (name === null)
    return {
      ok: false,
      message: 'no run-as account is set (gatehouse target set NAME --run-as USER)',
    };
  const valid = checkRunAsName(name);
  if (!valid.ok) return valid;
  const account = await lookup(name);
  if (account === null)
    return { ok: false, message: `run-as account ${name} does not exist on this host` };
  const allowed = checkRunAsAccount(account, forbidden);
  return allowed.ok ? { ok: true, account } : allowed;
}

/**
 * The ids refused for a run-as account when an admin command or doctor runs (perhaps as root, or
 * as another account than the service): this process's, and those of the database's owner, which
 * is the account gatehouse serves as.
 */
export async function forbiddenIdsFor(databasePath: string): Promise<ForbiddenIds> {
  try {
    const owner = await stat(databasePath);
    return forbiddenIds({ uids: [owner.uid], gids: [owner.gid] });
  } catch {
    return forbiddenIds();
  }
}
