/**
 * The SFTP relay's contract (issue 16): gatehouse sits in the middle of the `sftp` subsystem,
 * parses both directions, checks each request against the grant's transfer rights and tells an
 * observer what moved. The session wiring (session/) implements the observer (audit, the
 * session's transfer log); the relay itself (./sftp-relay.ts) never writes an audit event.
 */
import type { Duplex } from 'node:stream';
import type { TransferChangeOp, TransferFileDirection } from '../core/transfer-payloads.js';
import type { TransferRights } from '../core/transfer-rights.js';

export interface SftpFileMoved {
  readonly path: string;
  readonly direction: TransferFileDirection;
  readonly bytes: number;
  /** sha256 (hex) of the bytes in file order when they were one run from offset 0; else null. */
  readonly sha256: string | null;
}

export interface SftpChange {
  readonly op: TransferChangeOp;
  readonly path: string;
  readonly to: string | null;
}

export interface SftpRefusal {
  /** The SFTP request refused (`open`, `remove`, `rename`…). */
  readonly op: string;
  readonly path: string | null;
  /** The message the user's client got with SSH_FX_PERMISSION_DENIED. */
  readonly why: string;
}

export interface SftpObserver {
  /**
   * A change about to be forwarded to the target; resolves false when it could not be recorded,
   * and then the relay refuses it instead (fail closed: not recorded, not done).
   */
  change(change: SftpChange): Promise<boolean>;
  /** A file handle was closed (or the session ended with it open) after bytes moved. */
  fileMoved(file: SftpFileMoved): void;
  refused(refusal: SftpRefusal): void;
}

/**
 * A copy of one file's bytes as they move (config `recordings.keepTransfers`): handed the bytes
 * the file's sha256 covers, in file order, as they pass.
 */
export interface FileCopy {
  /** The next bytes in file order. */
  write(data: Buffer): void;
  /** The bytes stopped being one run from offset 0: the copy takes nothing more. */
  stop(): void;
  /** Why this file must not move on (its copy failed and recordings are strict); else null. */
  refusal(): string | null;
  /** The file's report (its copy is final), or null when nothing of it moved (the copy goes). */
  end(moved: SftpFileMoved | null): void;
}

export interface FileCopies {
  /**
   * A copy for a file about to be opened, made before the open is forwarded; a refusal line when
   * it cannot be kept and must not move.
   */
  open(path: string, direction: TransferFileDirection): Promise<FileCopy | string>;
  /** True while the copies' writes are behind; the relay reads neither side until `onDrain`. */
  behind(): boolean;
  onDrain(listener: () => void): void;
}

export interface SftpSessionRules {
  readonly rights: TransferRights;
  /** Where each file's bytes are copied as they move; absent: none kept. */
  readonly copies?: FileCopies;
  /**
   * Takes up to `bytes` from the grant's budget (shared by all its sessions); resolves to what it
   * got, 0 once spent. Only called when `rights.budgetBytes` is not null.
   */
  takeBudget(bytes: number): Promise<number>;
  readonly observer: SftpObserver;
  /**
   * When the target's side ended first, the user's is ended once this settles (default: at once):
   * sshd may send a subsystem's EOF before its exit status, which the user's client must get first.
   */
  readonly userMayEnd?: Promise<void>;
}

/**
 * Relays one sftp subsystem between the user's channel and the target's, until either ends;
 * resolves when both are done. Refusals are SFTP status replies to the user, never forwarded.
 */
export type RelaySftp = (user: Duplex, target: Duplex, rules: SftpSessionRules) => Promise<void>;
