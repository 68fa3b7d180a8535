/**
 * The port between a session and whatever it reaches: an ssh target (ssh-target-link.ts) or a
 * program on the bastion host (command-target-link.ts). A session asks a TargetDialer for a
 * link and opens its channel on it; it never knows which kind it talks to.
 */
import type { Target } from '../core/model.js';
import type { Pty, TargetChannel } from '../stream/channels.js';

export type Env = Readonly<Record<string, string>>;

/** One connection to one target, shared by the session channels of one client connection. */
export interface TargetLink {
  shell(pty: Pty | null, env: Env): Promise<TargetChannel>;
  exec(command: string, pty: Pty | null, env: Env): Promise<TargetChannel>;
  /** A subsystem channel (the sftp server on an ssh target); a command target has none. */
  subsystem(name: 'sftp'): Promise<TargetChannel>;
  readonly closed: Promise<void>;
  close(): void;
}

export type LinkFailure = 'hostkey.unpinned' | 'hostkey.mismatch' | 'connect.failed';

/** A command target whose program must not or cannot run confined (fail closed). */
export type CommandLinkFailure = 'runas.unusable' | 'confinement.failed';

export type TargetLinkResult =
  | { readonly ok: true; readonly link: TargetLink }
  | { readonly ok: false; readonly reason: LinkFailure; readonly presentedKey: string | null }
  | { readonly ok: false; readonly reason: CommandLinkFailure; readonly problem: string };

export interface TargetDialer {
  dial(target: Target): Promise<TargetLinkResult>;
}
