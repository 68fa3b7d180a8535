/**
 * A transfer session's log as lines of its recording (issue 16): one line per file moved, change
 * made or request refused, e.g. `download /var/log/syslog 1.2 MiB sha256 9f2c…`. Written as the
 * session's output, so search, replay and evidence carry them like a terminal's text. Paths are
 * what the user's client named: escaped and bounded, so each entry stays one printable line.
 */
import type { TransferChangeOp, TransferFileDirection } from './transfer-payloads.js';
import { boundUntrusted } from './untrusted-text.js';

/** The longest path a log line shows (the audit event keeps the relay's path). */
export const LOGGED_PATH_MAX = 1024;

const shown = (path: string): string => boundUntrusted(path, LOGGED_PATH_MAX);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]!}`;
}

export function fileMovedLine(file: {
  readonly path: string;
  readonly direction: TransferFileDirection;
  readonly bytes: number;
  readonly sha256: string | null;
}): string {
  const digest =
    file.sha256 === null ? 'not one run from the start (no sha256)' : `sha256 ${file.sha256}`;
  return `${file.direction} ${shown(file.path)} ${formatSize(file.bytes)} ${digest}`;
}

export function changeLine(change: {
  readonly op: TransferChangeOp;
  readonly path: string;
  readonly to: string | null;
}): string {
  const to = change.to === null ? '' : ` -> ${shown(change.to)}`;
  return `${change.op} ${shown(change.path)}${to}`;
}

export function refusedLine(refusal: {
  readonly op: string;
  readonly path: string | null;
  readonly why: string;
}): string {
  const path = refusal.path === null ? '' : ` ${shown(refusal.path)}`;
  return `refused ${shown(refusal.op)}${path}: ${shown(refusal.why)}`;
}
