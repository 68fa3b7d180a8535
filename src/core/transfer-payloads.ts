/** The payloads of the events about files moved through SFTP (issue 16), re-exported by audit-payloads.ts. */
import type { SessionRef } from './session-payloads.js';
import type { TransferDirection } from './transfer-rights.js';

/** A grant's (or a request's) transfer rights in an event: core/transfer-rights.ts TransferRights. */
export type TransferRightsPayload = {
  readonly direction: TransferDirection;
  /** Path globs; empty: any path. */
  readonly paths: readonly string[];
  /** null: no budget. */
  readonly budgetBytes: number | null;
};

export type TransferFileDirection = 'download' | 'upload';

export type TransferFile = SessionRef & {
  /** The file's absolute path on the target, as gatehouse resolved it. */
  readonly path: string;
  readonly direction: TransferFileDirection;
  /** Bytes that moved through this open file (read for a download, written for an upload). */
  readonly bytes: number;
  /**
   * Hex sha256 of those bytes in file order when they formed one run from offset 0 (a whole-file
   * get or put); null when they did not (random access, a resumed or partial transfer).
   */
  readonly sha256: string | null;
};

export const TRANSFER_CHANGE_OPS = [
  'remove',
  'rename',
  'mkdir',
  'rmdir',
  'setstat',
  'symlink',
  'link',
] as const;
export type TransferChangeOp = (typeof TRANSFER_CHANGE_OPS)[number];

export type TransferChange = SessionRef & {
  readonly op: TransferChangeOp;
  readonly path: string;
  /** The new path of a rename, the link's target of a symlink or link; else null. */
  readonly to: string | null;
};

export type TransferDenied = Omit<SessionRef, 'sessionId'> & {
  /** The session it happened in; absent when the sftp subsystem itself was refused. */
  readonly sessionId?: SessionRef['sessionId'];
  /** The SFTP request refused (`open`, `remove`, `rename`…) or `subsystem` for the whole channel. */
  readonly op: string;
  /** The path it named, as resolved; null when none. */
  readonly path: string | null;
  /** Why, as the user was told in the SFTP status message. */
  readonly why: string;
};
