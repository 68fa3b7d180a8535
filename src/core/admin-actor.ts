/**
 * Who an admin is, as the audit `actor` column records it. The CLI knows one thing for certain:
 * the OS account it runs as. Under the documented `sudo -u gatehouse gatehouse …` that account is
 * `gatehouse` for every admin, so the invoking person (sudo's `SUDO_USER`) is recorded too. A name
 * given with `--actor` is a claim the process cannot check: it is recorded beside the OS identity,
 * never instead of it, and its syntax (no `:`, no spaces) cannot imitate one.
 *
 *   os:alice                                       alice ran gatehouse as herself
 *   os:alice via sudo as gatehouse                 sudo -u gatehouse, invoked by alice
 *   claimed:bob by os:alice via sudo as gatehouse  the same, with --actor bob
 */

export interface AdminIdentity {
  /** The OS account the process runs as (its effective uid). */
  readonly account: string;
  /** `SUDO_USER`: the person who ran sudo, or null when not run through sudo. */
  readonly sudoUser: string | null;
  /** `--actor`, or null. */
  readonly claimed: string | null;
}

/** What an account name, `SUDO_USER` and `--actor` may hold: one plain word. */
export const ACCOUNT_NAME = /^[A-Za-z_][A-Za-z0-9._@-]{0,63}$/;

export function adminActor(identity: AdminIdentity): string {
  const { account, sudoUser, claimed } = identity;
  const os = sudoUser === null ? `os:${account}` : `os:${sudoUser} via sudo as ${account}`;
  return claimed === null ? os : `claimed:${claimed} by ${os}`;
}
