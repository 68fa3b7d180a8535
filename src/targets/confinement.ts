/**
 * How a command target's program is confined (issue 13): it runs as its run-as account, with no
 * capabilities, in a user + PID namespace of its own, so that nothing it starts outlives it.
 *
 *   setpriv  drop to the account (uid, gid, initgroups), reset the environment (HOME, USER, PATH
 *            from passwd), no capabilities of any kind, no_new_privs, SIGKILL if gatehouse dies
 *   bash     sets the resource limits (below), then closes every descriptor but 0, 1 and 2:
 *            gatehouse's own are not all close-on-exec
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
 *
 * Resource limits: bash's `ulimit` sets soft and hard limit together, as the account, before the
 * user namespace exists, so nothing inside can raise them (raising a hard limit needs
 * CAP_SYS_RESOURCE in the host's namespace). No core dumps: a core file of a program that read
 * secrets would be left on the host. A limit gatehouse itself already has lower stays as it is.
 * The processes limit (RLIMIT_NPROC) counts every process of the account on the host, which is
 * why one account per target is advised. Setting a limit fails closed: exit 126, nothing runs.
 */
import type { ProgramLimits } from '../core/program-limits.js';
import type { HostAccount } from '../core/run-as.js';

const SETPRIV = '/usr/bin/setpriv';
const UNSHARE = '/usr/bin/unshare';
const ENV = '/usr/bin/env';
const BASH = '/bin/bash';

/**
 * Lowers each limit to its first four arguments (processes, open files, KiB of address space, CPU
 * seconds; `unlimited` leaves one as it is) and forbids core dumps; exit 126 when one cannot be set.
 */
const SET_LIMITS = [
  'cap() { [ "$2" = unlimited ] && return; h=$(ulimit -H "$1") || exit 126;',
  'if [ "$h" = unlimited ] || [ "$h" -gt "$2" ]; then ulimit "$1" "$2" || exit 126; fi; };',
  'cap -n "$2"; cap -v "$3"; cap -t "$4"; cap -u "$1"; ulimit -c 0 || exit 126; shift 4;',
].join(' ');

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
  limits: ProgramLimits,
  env: Readonly<Record<string, string>>,
  argv: readonly string[],
): string[] {
  const orUnlimited = (n: number | null): string => (n === null ? 'unlimited' : String(n));
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
    `${SET_LIMITS} ${CLOSE_INHERITED}`,
    'gatehouse',
    String(limits.processes),
    String(limits.openFiles),
    orUnlimited(limits.memoryBytes === null ? null : Math.floor(limits.memoryBytes / 1024)),
    orUnlimited(limits.cpuSeconds),
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
