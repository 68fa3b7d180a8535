/**
 * What the CLI knows of the admin running it (core/admin-actor.ts builds the audit actor): the
 * OS account of this process, the account of the kernel's audit login uid, `SUDO_USER` and
 * `--actor`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { ACCOUNT_NAME, adminActor, adminPerson, parseLoginUid } from '../core/admin-actor.js';
import { requireAccountName } from './validate.js';

/** Set by pam_loginuid when a person logs in; inherited by everything they start. */
export const LOGIN_UID_PATH = '/proc/self/loginuid';

const LOOKUP_TIMEOUT_MS = 5_000;
/** By its path: a bare name would be looked up on the caller's PATH, a `getent` of their own. */
const GETENT = '/usr/bin/getent';

/** The OS account this process runs as; `#<uid>` when it has no name (a container's bare uid). */
function osAccount(): string {
  try {
    return userInfo().username;
  } catch {
    return `#${process.getuid?.() ?? '?'}`;
  }
}

/** `uid`'s name in the passwd database (getent: NSS sources such as LDAP count), or `#<uid>`. */
function accountOfUid(uid: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(GETENT, ['passwd', String(uid)], { timeout: LOOKUP_TIMEOUT_MS }, (err, stdout) => {
      const fields = err === null ? stdout.trim().split(':') : [];
      const name = fields[0] ?? '';
      resolve(fields[2] === String(uid) && ACCOUNT_NAME.test(name) ? name : `#${uid}`);
    });
  });
}

/** The account the person logged in with, or null when the login uid is unset or unreadable. */
async function loginUser(loginUidPath: string): Promise<string | null> {
  const text = await readFile(loginUidPath, 'utf8').catch(() => null);
  const uid = text === null ? null : parseLoginUid(text);
  if (uid === null) return null;
  return uid === process.geteuid?.() ? osAccount() : accountOfUid(uid);
}

/**
 * The audit actor of this command and the person it names first (an approver's name), from one
 * identity. A malformed SUDO_USER or --actor is a usage error.
 */
export async function adminOf(
  claimed: string | undefined,
  env: NodeJS.ProcessEnv,
  loginUidPath: string,
): Promise<{ readonly actor: string; readonly person: string }> {
  const sudoUser = env['SUDO_USER'];
  const identity = {
    account: osAccount(),
    loginUser: await loginUser(loginUidPath),
    sudoUser:
      sudoUser === undefined || sudoUser === '' ? null : requireAccountName('SUDO_USER', sudoUser),
    claimed: claimed === undefined ? null : requireAccountName('--actor', claimed),
  };
  return { actor: adminActor(identity), person: adminPerson(identity) };
}
