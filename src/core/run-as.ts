/**
 * Who a command target's program runs as (issue 13): a named account of the bastion host that is
 * neither root nor the account gatehouse runs as (which owns the database, keys and recordings).
 * The account is looked up when a target is added or set, by `doctor`, and again at every session
 * start; these rules decide on what the lookup found.
 */
import { quoteForMessage } from './names.js';

/** A login name as useradd accepts it; never starts with `-` (it becomes a setpriv argument). */
const RUN_AS_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/** An account as the host's passwd and group databases describe it. */
export interface HostAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Every group id of the account, its primary group included. */
  readonly groups: readonly number[];
  readonly home: string;
}

/** The ids the program must never hold: root's and the service's (the owner of its data). */
export interface ForbiddenIds {
  readonly uids: readonly number[];
  readonly gids: readonly number[];
}

export type RunAsCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

export function checkRunAsName(name: string): RunAsCheck {
  return RUN_AS_NAME.test(name)
    ? { ok: true }
    : {
        ok: false,
        message: `--run-as: ${quoteForMessage(name)} is not an account name (${RUN_AS_NAME.source})`,
      };
}

/** Root (uid or group 0) and the service's own uid or group are refused; so is an account with one of them as a supplementary group. */
export function checkRunAsAccount(account: HostAccount, forbidden: ForbiddenIds): RunAsCheck {
  const who = `run-as account ${account.name}`;
  if (account.uid === 0)
    return { ok: false, message: `${who} is root (uid 0); use an unprivileged account` };
  if (forbidden.uids.includes(account.uid)) {
    return {
      ok: false,
      message: `${who} (uid ${account.uid}) is the account gatehouse runs as; use a separate unprivileged account`,
    };
  }
  const group = [account.gid, ...account.groups].find((g) => g === 0 || forbidden.gids.includes(g));
  if (group !== undefined) {
    return {
      ok: false,
      message: `${who} is in group ${group} (${group === 0 ? 'root' : "gatehouse's own group"}); use an account outside it`,
    };
  }
  return { ok: true };
}
