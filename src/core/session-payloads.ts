/** The payloads of audit events about one session channel and its recording (see audit-payloads.ts). */
import type { AlertAction, AlertSource } from './alert-rules.js';
import type { AccessDenialReason } from './access-policy.js';
import type { CommandDenialReason } from './command-match.js';
import type { GrantId, SessionEndReason, SessionId, StdinDigest } from './model.js';

/** The fields every event about one session channel carries. */
export type SessionRef = {
  readonly sessionId: SessionId;
  readonly grantId: GrantId;
  readonly user: string;
  readonly target: string;
};

export type SessionStart = SessionRef & {
  /** `sftp`: the sftp subsystem (issue 16), whose recording holds its transfer log. */
  readonly kind: 'shell' | 'exec' | 'sftp';
  /** The exec command (canonical argv, re-quoted, under a commands grant); null for a shell. */
  readonly command: string | null;
  readonly pty: boolean;
  readonly remoteAddr: string;
};

export type SessionEnd = SessionRef & {
  readonly reason: SessionEndReason;
  readonly exitStatus: number | null;
  /**
   * Bytes relayed from the user to the target (an sftp session: the bytes of the files uploaded);
   * null when not known (crash recovery).
   */
  readonly bytesIn: number | null;
  /** Bytes relayed from the target to the user (sftp: the files downloaded); null if not known. */
  readonly bytesOut: number | null;
  /**
   * A session without a pty: the byte count (= bytesIn) and hex sha256 of what it received on
   * stdin, e.g. an upload piped into `tar x`. null under a pty (keystrokes: their digest would
   * help guess a typed password) and in crash recovery.
   */
  readonly stdin: StdinDigest | null;
};

export type SessionKill = {
  readonly sessionId: SessionId;
  /** Shown to the user as the session closes (absent in events from before issue 15). */
  readonly reason?: string;
};

export type SessionWarning = {
  readonly sessionId: SessionId;
  readonly grantId: GrantId;
  /** Minutes left until the grant ends (5 or 1). */
  readonly minutesLeft: number;
};

export type SessionFlagged = SessionRef & {
  /** The config `alerts` rule's name. */
  readonly rule: string;
  /** What matched: a command before it ran, a line of output, a line of typed input. */
  readonly on: AlertSource;
  /** The rule's action: `flag`, `notify` (also sent to webhooks), `end` (the session was ended). */
  readonly action: AlertAction;
  /** The matched command or line, escaped, at most 200 characters (core/alert-rules.ts). */
  readonly excerpt: string;
  /** Seconds from the recording's start (its marker's time in the cast); null without a recording. */
  readonly offset: number | null;
};

export type ConnectionEndReason = Extract<SessionEndReason, 'expired' | 'revoked' | 'error'>;

export type ConnectionEnd = {
  readonly user: string;
  readonly remoteAddr: string;
  /** `revoked` also stands for a revoked NDA or a disabled user; `error`: the store could not confirm the grant. */
  readonly reason: ConnectionEndReason;
  /** The grants the login could use (all of them no longer allow access). */
  readonly grantIds: readonly GrantId[];
};

type CommandDecision = {
  readonly grantId: GrantId;
  readonly user: string;
  readonly target: string;
  /** Set for a command typed at the restricted prompt (a session is then open). */
  readonly sessionId?: SessionId;
};

export type ExecAllowed = CommandDecision & {
  /** The canonical argv that runs. */
  readonly argv: readonly string[];
  /** The allowlist pattern it matched. */
  readonly pattern: string;
};

export type ExecDenialReason =
  CommandDenialReason | 'file_transfer' | 'command_target.fixed_program';

export type ExecDenied = CommandDecision & {
  readonly reason: ExecDenialReason;
  /** One printable line, safe to show and log. */
  readonly detail: string;
};

/** `already_started`: a second shell or exec on a session channel that runs one already. */
export type ChannelDenialReason =
  | AccessDenialReason
  | 'max_sessions'
  | 'mode.commands'
  | 'already_started'
  | 'command_target.run_as'
  | 'command_target.confinement';

/** The details of a refused channel or request beyond its kind, user and address. */
export type ChannelDenialDetails = {
  readonly reason?: ChannelDenialReason;
  /** A session refused by policy: its target. */
  readonly target?: string;
  /** A session refused by policy: its grant. */
  readonly grantId?: GrantId;
  /** max_sessions: the limit that was reached. */
  readonly limit?: number;
  /** direct-tcpip: where the client wanted to go. */
  readonly destHost?: string;
  readonly destPort?: number;
  /** subsystem: its name; signal: the refused signal's name. */
  readonly name?: string;
  /** command_target.*: why the program could not be started (one line, from gatehouse). */
  readonly detail?: string;
};

export type ChannelDenied = {
  /**
   * What was refused: `session`, `x11`, `auth-agent`, `subsystem`, `shell` or `exec` (a second
   * one on a channel), `signal`, `direct-tcpip`, `direct-streamlocal`, or the name of a global
   * request (free text from the client).
   */
  readonly kind: string;
  /** null before authentication. */
  readonly user: string | null;
  readonly remoteAddr: string;
} & ChannelDenialDetails;

export type HostkeyMismatch = {
  readonly user: string;
  readonly target: string;
  readonly host?: string;
  readonly port?: number;
  /** The pinned host key (null: none pinned yet). */
  readonly pinned?: string | null;
  /** The key the target presented. */
  readonly presented: string | null;
};

export type RecordingSealed = SessionRef & {
  /** `YYYY/MM/DD/<uuid>.cast`, relative to the recordings dir. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly events: number;
  /** Sealed by crash recovery at start-up. */
  readonly interrupted?: true;
  /** Bytes of an incomplete last line that crash recovery cut off. */
  readonly trimmedBytes?: number;
};

/** `limit`: the recording reached `recordings.maxBytesPerSession` (the session is ended in any mode). */
export type RecordingFailureStage = 'open' | 'write' | 'limit' | 'manifest' | 'recovery';

export type RecordingFailure = SessionRef & {
  /** recordings.mode when the session ran (absent in crash recovery). */
  readonly mode?: 'strict' | 'best_effort';
  readonly stage: RecordingFailureStage;
  readonly problem: string;
};
