/**
 * The handler chain (DESIGN.md §3): transport/ turns ssh2's events into calls on these small
 * interfaces; policy and audit are decorators around the handler that relays (main wiring in
 * ./connection-chain.ts). A refusal is a value; the audit decorator turns it into its event.
 */
import type { Refusal } from '../core/refusal.js';
import type { Pty, UserChannel } from '../stream/channels.js';

export type Verdict = { readonly ok: true } | Refusal;
export const ACCEPTED: Verdict = { ok: true };

/** `shell` and `exec` come here only as a second program on a channel that started one. */
export type SessionRequestKind = 'x11' | 'auth-agent' | 'subsystem' | 'shell' | 'exec';

/** One session channel: its requests, then one shell or exec. */
export interface SessionChannelHandler {
  pty(pty: Pty): Verdict;
  env(name: string, value: string): Verdict;
  /**
   * Requests without a handler of their own: x11, agent forwarding, subsystems other than sftp, and
   * a shell or exec after the channel started its one program (RFC 4254 §6.5).
   */
  request(kind: SessionRequestKind, name: string | null): Verdict;
  windowChange(cols: number, rows: number, width: number, height: number): void;
  /** A signal for the running program; only the ones a user would send pass the policy. */
  signal(name: string): Verdict;
  /** A shell (command null) or an exec, run to its end; a refusal is returned, not shown. */
  start(io: UserChannel, command: string | null): Promise<Refusal | null>;
  /**
   * The sftp subsystem (issue 16), run to its end like a shell: relayed, checked against the
   * grant's transfer rights and audited file by file; a refusal is returned, not shown. Other
   * subsystems are `request('subsystem', name)`: refused.
   */
  subsystem(io: UserChannel, name: 'sftp'): Promise<Refusal | null>;
  /** The channel closed (whether or not it started). */
  closed(): void;
}

export type OtherChannelKind = 'direct-tcpip' | 'direct-streamlocal';

/** One authenticated client connection. */
export interface ConnectionHandler {
  sessionChannel(): SessionChannelHandler | Refusal;
  otherChannel(
    kind: OtherChannelKind,
    details: { readonly destHost?: string; readonly destPort?: number },
  ): Refusal;
  globalRequest(name: string): Refusal;
  closed(): void;
}
