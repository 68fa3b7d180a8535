/**
 * How a command target's program is confined (issue 13): it runs as its run-as account, with no
 * capabilities, in a user + PID namespace of its own, so that nothing it starts outlives it.
 *
 *   setpriv  drop to the account (uid, gid, initgroups), reset the environment (HOME, USER, PATH
 *            from passwd), no capabilities of any kind, no_new_privs, SIGKILL if gatehouse dies
 *   bash     closes every descriptor but 0, 1 and 2: gatehouse's own are not all close-on-exec
 *            (node-pty's masters of other sessions' ptys, whatever gatehouse inherited), and one
 *            of another session's pty master would let this program read that session's output
 *            and type into it
 *   env      the outer unshare ignores INT, TERM, HUP, QUIT, USR1 and USR2: a forwarded, typed
 *            (Ctrl-C) or hang-up signal reaches the program, never the namespace's holder
 *   unshare  as the account itself: a user namespace (so no privilege is needed) and a PID
 *            namespace; --kill-child: the namespace's init is SIGKILLed when unshare dies. No
 *            mount namespace with a /proc of its own: mounting proc is refused inside Docker's
 *            default profiles and would need @mount under systemd (docs/architecture.md)
 *   env      default dispositions back for the program
 *   bash     PID 1 of the namespace. The kernel does not deliver to a namespace's init the signals
 *            it has no handler for, so the program is its child, which gets Ctrl-C as usual; bash
 *            exits with the program's status (128+N when a signal N ended it). bash, not dash:
 *            dash exits 130 after any SIGINT its group got, even one the program handled (psql's
 *            Ctrl-C); bash does so only when the program died of it. bash is Essential on Debian.
 *   env      the target's environment (and TERM) for the program itself; argv[0] never holds
 *            `=` (core/command-target.ts), so env cannot take it for an assignment.
 *
 * When PID 1 exits the kernel SIGKILLs every process left in the namespace, including those that
 * called setsid or double-forked; so do killing the outer process and gatehouse's own death.
 */
import type { HostAccount } from '../core/run-as.js';

const SETPRIV = '/usr/bin/setpriv';
const UNSHARE = '/usr/bin/unshare';
const ENV = '/usr/bin/env';
const BASH = '/bin/bash';

/**
 * Closes every descriptor above 2 (the glob's own is gone by the loop), then runs its arguments;
 * exit 126 without running them when /proc/self/fd cannot be listed (fail closed).
 */
const CLOSE_INHERITED = [
  'for fd in /proc/self/fd/*; do fd=${fd##*/};',
  "case $fd in ''|*[!0-9]*) exit 126;; esac;",
  '[ "$fd" -gt 2 ] && exec {fd}>&-; done; exec "$@"',
].join(' ');

/** Signals the namespace's holder ignores and the program gets back at their default. */
const PASSED_THROUGH = 'INT,TERM,HUP,QUIT,USR1,USR2';

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
    BASH,
    '-c',
    CLOSE_INHERITED,
    'gatehouse',
    ENV,
    `--ignore-signal=${PASSED_THROUGH}`,
    '--',
    UNSHARE,
    '--user',
    '--map-current-user',
    '--pid',
    '--fork',
    '--kill-child',
    '--',
    ENV,
    `--default-signal=${PASSED_THROUGH}`,
    '--',
    BASH,
    '-c',
    '"$@"; exit $?',
    'gatehouse',
    // After the init: a non-interactive bash drops PS1 from what it passes on.
    ENV,
    ...('TERM' in env ? [] : ['-u', 'TERM']),
    '--',
    ...assignments,
    ...argv,
  ];
}
