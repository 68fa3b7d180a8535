/**
 * What the SFTP relay tells the session (issue 16): each file moved, change and refusal becomes
 * its audit event (`transfer.file`, `transfer.change`, `transfer.denied`) and one line of the
 * session's transfer log, written as the recording's output (core/transfer-log.ts) so search,
 * replay and evidence carry it. A change is written to the chain before it is done: when that
 * write fails the relay refuses it.
 */
import { auditEvents, type AuditEvent } from '../core/audit-events.js';
import type { SessionRef } from '../core/audit-payloads.js';
import { changeLine, fileMovedLine, refusedLine } from '../core/transfer-log.js';
import type { SftpObserver } from '../sftp/sftp-ports.js';

/**
 * Refusals one transfer session writes to the chain and its log: a client cannot grow either
 * without bound by repeating a refused request (the relay still refuses each one).
 */
export const MAX_TRANSFER_REFUSALS_PER_SESSION = 100;

export interface TransferTally {
  /** Bytes of the files uploaded (user → target). */
  readonly bytesIn: number;
  /** Bytes of the files downloaded (target → user). */
  readonly bytesOut: number;
}

export interface SessionSftpObserver extends SftpObserver {
  tally(): TransferTally;
}

export function sftpObserver(
  subject: SessionRef,
  /** Writes an event to the chain; rejects when it could not (and the event type refuses). */
  audit: (event: AuditEvent) => Promise<void>,
  /** One line of the transfer log. */
  log: (line: string) => void,
): SessionSftpObserver {
  let bytesIn = 0;
  let bytesOut = 0;
  let refusals = 0;
  return {
    async change(change) {
      const written = await audit(auditEvents.transferChange({ ...subject, ...change })).then(
        () => true,
        () => false,
      );
      log(written ? changeLine(change) : refusedLine({ ...change, why: 'not recorded' }));
      return written;
    },
    fileMoved(file) {
      if (file.direction === 'upload') bytesIn += file.bytes;
      else bytesOut += file.bytes;
      log(fileMovedLine(file));
      void audit(auditEvents.transferFile({ ...subject, ...file })).catch(() => undefined);
    },
    refused(refusal) {
      if (refusals === MAX_TRANSFER_REFUSALS_PER_SESSION) return;
      refusals += 1;
      log(refusedLine(refusal));
      if (refusals === MAX_TRANSFER_REFUSALS_PER_SESSION)
        log(`${MAX_TRANSFER_REFUSALS_PER_SESSION} refusals logged; further ones are not`);
      void audit(auditEvents.transferDenied({ ...subject, ...refusal })).catch(() => undefined);
    },
    tally: () => ({ bytesIn, bytesOut }),
  };
}
