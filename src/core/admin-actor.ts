/**
 * Who an admin is, as the audit `actor` column records it. The CLI knows two things for certain:
 * the OS account it runs as, and the kernel's audit login uid (the account the person logged in
 * to this host with; set by pam_loginuid at login, inherited through sudo and su, and not
 * changeable by an unprivileged process). `SUDO_USER` is only what the environment says: anyone
 * who can run commands as the service account can set it. So it is recorded as the person only
 * when the login uid agrees, and otherwise as a visible report beside the certain identity. A name
 * given with `--actor` is a claim too: recorded beside the OS identity, never instead of it, and
 * its syntax (no `:`, no spaces) cannot imitate one.
 *
 *   os:alice                                       alice ran gatehouse as herself
 *   os:alice via sudo as gatehouse                 sudo -u gatehouse, by alice (login uid agrees)
 *   os:alice as gatehouse                          alice's login, no sudo (su, runuser)
 *   os:gatehouse (sudo reports alice)              SUDO_USER=alice, but no login uid says so
 *   os:carol as gatehouse (sudo reports alice)     carol logged in; SUDO_USER says alice
 *   claimed:bob by os:alice via sudo as gatehouse  the second line, with --actor bob
 *
 * Only the `os:` part is certain; `(sudo reports …)` and `claimed:` are what the caller said.
 */

export interface AdminIdentity {
  /** The OS account the process runs as (its effective uid). */
  readonly account: string;
  /** The account of the audit login uid, or null when it is unset or cannot be read. */
  readonly loginUser: string | null;
  /** `SUDO_USER`: the person sudo reports, or null when it is not set. */
  readonly sudoUser: string | null;
  /** `--actor`, or null. */
  readonly claimed: string | null;
}

/** What an account name, `SUDO_USER` and `--actor` may hold: one plain word. */
export const ACCOUNT_NAME = /^[A-Za-z_][A-Za-z0-9._@-]{0,63}$/;

/** /proc/self/loginuid of a process no login session started (pam_loginuid never set it). */
const UNSET_LOGIN_UID = 4294967295;

/** The uid in /proc/self/loginuid's text, or null when it is unset or not a uid. */
export function parseLoginUid(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return null;
  const uid = Number(trimmed);
  return uid >= UNSET_LOGIN_UID ? null : uid;
}

/** The `os:` part: what is certain, and what sudo reports when the login uid does not agree. */
function osIdentity({ account, loginUser, sudoUser }: AdminIdentity): string {
  if (sudoUser !== null && sudoUser === loginUser) return `os:${loginUser} via sudo as ${account}`;
  const certain =
    loginUser === null || loginUser === account ? `os:${account}` : `os:${loginUser} as ${account}`;
  return sudoUser === null ? certain : `${certain} (sudo reports ${sudoUser})`;
}

export function adminActor(identity: AdminIdentity): string {
  const os = osIdentity(identity);
  return identity.claimed === null ? os : `claimed:${identity.claimed} by ${os}`;
}

/**
 * The person the actor names first, by name (what an approval is recorded under): the login
 * uid's account when the kernel knows it (SUDO_USER then agrees or is only a report beside it),
 * else SUDO_USER (a host without pam_loginuid, where the actor shows it as reported), else the OS
 * account. A claimed `--actor` never counts.
 */
export const adminPerson = ({ account, loginUser, sudoUser }: AdminIdentity): string =>
  loginUser ?? sudoUser ?? account;
