/**
 * `session show` of a transfer session: its whole log (read a page at a time), as a table after
 * the session's facts, or as `transfers` in `--json` (null for a terminal session).
 */
import type { Session } from '../core/model.js';
import type { Store } from '../core/ports.js';
import {
  isTransferSession,
  readTransferLog,
  type TransferLogEntry,
} from '../core/transfer-entries.js';
import type { CliContext } from './context.js';
import { formatSize, isoTime, printLine, printTable } from './output.js';

/** Every entry, oldest first; null for a session that is not a transfer session and has none. */
export async function transferLogOf(
  store: Store,
  session: Session,
): Promise<TransferLogEntry[] | null> {
  const entries = await readTransferLog(store.transfers, session.id);
  return entries.length === 0 && !isTransferSession(session) ? null : entries;
}

/** TIME, OPERATION, PATH, SIZE, then the sha256 of a file or why a refusal was made. */
function row(e: TransferLogEntry): string[] {
  const at = isoTime(e.ts);
  switch (e.kind) {
    case 'file':
      return [at, e.direction, e.path, formatSize(e.bytes), e.sha256 ?? '-'];
    case 'change':
      return [at, e.op, e.to === null ? e.path : `${e.path} -> ${e.to}`, '-', '-'];
    case 'denied':
      return [at, `refused ${e.op}`, e.path ?? '-', '-', e.why];
  }
}

export function printTransferLog(ctx: CliContext, entries: readonly TransferLogEntry[]): void {
  printLine(ctx, '');
  if (entries.length === 0)
    return printLine(ctx, 'transfer log: no file moved, changed or refused');
  printTable(ctx, ['TIME', 'OPERATION', 'PATH', 'SIZE', 'SHA256 / WHY'], entries.map(row));
}
