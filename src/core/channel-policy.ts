/** Small, pure rules for what a session channel may ask for (DESIGN.md §5). */

const ENV_NAME = /^(LANG|LC_[A-Z]{1,20})$/;
const ENV_VALUE = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Env requests are dropped except LANG / LC_* with a plain value. */
export function isAllowedEnv(name: string, value: string): boolean {
  return ENV_NAME.test(name) && ENV_VALUE.test(value);
}

/**
 * File transfer goes through the sftp subsystem only (relayed and audited per file): the exec
 * forms of scp (`scp -O`, the legacy protocol), rsync and sftp-server are refused on every grant,
 * since gatehouse would see them as an opaque byte stream.
 */
export function isFileTransferCommand(command: string): boolean {
  const argv0 = command.trim().split(/\s+/)[0] ?? '';
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  if (base === 'scp' || base === 'sftp-server' || base === 'internal-sftp') return true;
  return base === 'rsync' && /(^|\s)--server(\s|$)/.test(command);
}

/**
 * Signals a user's ssh client may forward (RFC 4254 §6.9 names, without `SIG`): the ones a person
 * at a terminal sends to stop, hang up or poke a program. The rest (ABRT, SEGV, ALRM, PIPE, …)
 * make a program believe it crashed or that the kernel spoke; they are refused.
 */
const FORWARDABLE_SIGNALS: ReadonlySet<string> = new Set([
  'INT',
  'TERM',
  'HUP',
  'QUIT',
  'KILL',
  'USR1',
  'USR2',
]);

export function isForwardableSignal(name: string): boolean {
  return FORWARDABLE_SIGNALS.has(name);
}
