import { checkName, quoteForMessage } from './names.js';

/**
 * The SSH user name: `USER` or `USER+TARGET` (`+`, not `:`, because scp and rsync split at the
 * first colon). Both parts must be canonical names; nothing is folded or trimmed.
 */
export type LoginParse =
  | { readonly ok: true; readonly user: string; readonly target: string | null }
  | { readonly ok: false; readonly reason: string };

export function parseLogin(login: string): LoginParse {
  const parts = login.split('+');
  if (parts.length > 2) {
    return { ok: false, reason: `login ${quoteForMessage(login)}: expected USER or USER+TARGET` };
  }
  const [user = '', target] = parts;
  const userCheck = checkName('user', user);
  if (!userCheck.ok) return { ok: false, reason: userCheck.message };
  if (target === undefined) return { ok: true, user, target: null };
  const targetCheck = checkName('target', target);
  if (!targetCheck.ok) return { ok: false, reason: targetCheck.message };
  return { ok: true, user, target };
}
