/** What the session list shows of a session beyond its row's times: its kind and command. */

/** A shell, one command (exec), the restricted prompt of a commands grant, or file transfer. */
export const SESSION_KINDS = ['shell', 'exec', 'prompt', 'sftp'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** The longest command the session list keeps (the audit event keeps the whole command). */
export const LISTED_COMMAND_MAX = 1024;

export function sessionKind(command: string | null, grantMode: 'shell' | 'commands'): SessionKind {
  if (command !== null) return 'exec';
  return grantMode === 'commands' ? 'prompt' : 'shell';
}

/** The command as the list keeps it: at most LISTED_COMMAND_MAX characters, a cut one ending in `…`. */
export function listedCommand(command: string | null): string | null {
  if (command === null || command.length <= LISTED_COMMAND_MAX) return command;
  return `${command.slice(0, LISTED_COMMAND_MAX - 1)}…`;
}
