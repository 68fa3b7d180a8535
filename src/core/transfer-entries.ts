/**
 * A transfer session's log (issue 16): one entry per `transfer.file`, `transfer.change` and
 * `transfer.denied` event, kept by the store beside the session in the event's own transaction
 * (migration 17), so a page, `session show` or an evidence export never reads the audit table.
 * Pure: the entry an event makes, and the port that lists them.
 */
import type { AuditEvent } from './audit-events.js';
import type { EpochMs, SessionId } from './model.js';
import type { TransferChangeOp, TransferFileDirection } from './transfer-payloads.js';

export const TRANSFER_EVENT_TYPES = [
  'transfer.file',
  'transfer.change',
  'transfer.denied',
] as const;
export type TransferEventType = (typeof TRANSFER_EVENT_TYPES)[number];

/** One of the three transfer events (a union of each, so a switch on `type` narrows). */
export type TransferEvent = Extract<AuditEvent, { readonly type: TransferEventType }>;

export const isTransferEvent = (event: AuditEvent): event is TransferEvent =>
  (TRANSFER_EVENT_TYPES as readonly string[]).includes(event.type);

interface EntryBase {
  /** The audit event's seq: the entry's identity and order. */
  readonly seq: number;
  /** The audit event's time. */
  readonly ts: EpochMs;
}

export type TransferLogEntry = EntryBase &
  (
    | {
        readonly kind: 'file';
        readonly direction: TransferFileDirection;
        readonly path: string;
        readonly bytes: number;
        readonly sha256: string | null;
      }
    | {
        readonly kind: 'change';
        readonly op: TransferChangeOp;
        readonly path: string;
        readonly to: string | null;
      }
    | {
        readonly kind: 'denied';
        readonly op: string;
        readonly path: string | null;
        readonly why: string;
      }
  );

/** The log entry a transfer event makes, written at `seq` and `ts`. */
export function transferEntryOf(event: TransferEvent, seq: number, ts: EpochMs): TransferLogEntry {
  switch (event.type) {
    case 'transfer.file': {
      const { direction, path, bytes, sha256 } = event.payload;
      return { seq, ts, kind: 'file', direction, path, bytes, sha256 };
    }
    case 'transfer.change': {
      const { op, path, to } = event.payload;
      return { seq, ts, kind: 'change', op, path, to };
    }
    case 'transfer.denied': {
      const { op, path, why } = event.payload;
      return { seq, ts, kind: 'denied', op, path, why };
    }
  }
}

/** A session of kind `sftp` (a session with log entries is shown as one as well). */
export const isTransferSession = (session: { readonly kind: string | null }): boolean =>
  session.kind === 'sftp';

/** Files moved by a session and their bytes, for the session list's command column. */
export interface TransferTotals {
  readonly files: number;
  readonly bytes: number;
}

/** The most entries one read returns (a page, a `session show`, an export's step). */
export const MAX_TRANSFER_PAGE = 1000;

export interface TransferLogRepository {
  /**
   * The session's entries after seq `afterSeq` (0: from the first), oldest first, at most
   * `limit` (capped at MAX_TRANSFER_PAGE).
   */
  list(
    sessionId: SessionId,
    options: { afterSeq?: number; limit: number },
  ): Promise<TransferLogEntry[]>;
  /** How many entries the session has. */
  count(sessionId: SessionId): Promise<number>;
}

/** A session's whole log, read a page at a time (evidence export, `session show`). */
export async function readTransferLog(
  repo: TransferLogRepository,
  sessionId: SessionId,
): Promise<TransferLogEntry[]> {
  const entries: TransferLogEntry[] = [];
  for (;;) {
    const afterSeq = entries.at(-1)?.seq ?? 0;
    const page = await repo.list(sessionId, { afterSeq, limit: MAX_TRANSFER_PAGE });
    entries.push(...page);
    if (page.length < MAX_TRANSFER_PAGE) return entries;
  }
}
