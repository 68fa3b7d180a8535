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
 * since gatehouse would see them as an opaque byte stream. `sftp -s 'exec …/sftp-server'` and the
 * like must not slip past: each simple command of the line is looked at with its quotes dropped
 * and its launchers (`exec`, `env VAR=…`, `sh -c`, …) skipped. A shell grant can still move bytes
 * through its terminal (recorded); this stops the ready-made transfer programs.
 */
export function isFileTransferCommand(command: string): boolean {
  const unquoted = command.replace(/['"\\]/g, '');
  return unquoted.split(/[;&|()`\n]|\$\(/).some((part) => {
    const words = part.trim().split(/\s+/);
    const at = words.findIndex((w) => !isLauncherWord(w));
    const argv0 = words[at] ?? '';
    const base = argv0.slice(argv0.lastIndexOf('/') + 1);
    if (base === 'scp' || base === 'sftp-server' || base === 'internal-sftp') return true;
    return base === 'rsync' && words.slice(at + 1).includes('--server');
  });
}

/** Words that start another program rather than being it: launchers, their flags, assignments. */
const LAUNCHERS: ReadonlySet<string> = new Set([
  'exec',
  'command',
  'builtin',
  'env',
  'nohup',
  'nice',
  'time',
  'setsid',
  'stdbuf',
  'sudo',
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
]);

function isLauncherWord(word: string): boolean {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return (
    word === '' ||
    LAUNCHERS.has(base) ||
    word.startsWith('-') ||
    /^\d+$/.test(word) ||
    /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)
  );
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
