/**
 * How a command target's program is confined (issue 13): it runs as its run-as account, with no
 * capabilities, in a user + PID namespace of its own, so that nothing it starts outlives it.
 *
 *   setpriv  drop to the account (uid, gid, initgroups), reset the environment (HOME, USER, PATH
 *            from passwd), no capabilities of any kind, no_new_privs, SIGKILL if gatehouse dies
 *   env      the outer unshare ignores HUP, QUIT, USR1 and USR2, so a forwarded or hang-up signal
 *            reaches the program, not the process that holds the namespace
 *   unshare  as the account itself: a user namespace (so no privilege is needed), a PID namespace
 *            with its own /proc; --kill-child: the namespace's init is SIGKILLed when unshare dies
 *   env      default dispositions back for the program; the target's environment (and TERM)
 *   sh       PID 1 of the namespace. The kernel does not deliver to a namespace's init the signals
 *            it has no handler for, so the program is its child, which gets Ctrl-C as usual; sh
 *            exits with the program's status (128+N when a signal N ended it).
 *
 * When PID 1 exits the kernel SIGKILLs every process left in the namespace, including those that
 * called setsid or double-forked; so do killing the outer process and gatehouse's own death.
 */
import type { HostAccount } from '../core/run-as.js';

export const SETPRIV = '/usr/bin/setpriv';
export const UNSHARE = '/usr/bin/unshare';
export const ENV = '/usr/bin/env';
export const SH = '/bin/sh';

/** Signals the namespace's holder ignores and the program gets back at their default. */
const PASSED_THROUGH = 'HUP,QUIT,USR1,USR2';

/** The program's argv wrapped in the confinement above; `env` is the program's whole environment beyond passwd's. */
export function confinedArgv(
  account: HostAccount,
  env: Readonly<Record<string, string>>,
  argv: readonly string[],
): string[] {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return [
    SETPRIV,
    `--reuid=${account.uid}`,
    `--regid=${account.gid}`,
    '--init-groups',
    '--reset-env',
    '--inh-caps=-all',
    '--ambient-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--pdeathsig=SIGKILL',
    '--',
    ENV,
    `--ignore-signal=${PASSED_THROUGH}`,
    '--',
    UNSHARE,
    '--user',
    '--map-current-user',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount',
    '--mount-proc',
    '--',
    ENV,
    `--default-signal=${PASSED_THROUGH}`,
    ...('TERM' in env ? [] : ['-u', 'TERM']),
    '--',
    ...assignments,
    SH,
    '-c',
    '"$@"; exit $?',
    'gatehouse',
    ...argv,
  ];
}
