/**
 * `recordings.keepTransfers` (issue 16): a copy of each file a transfer session moved, kept beside
 * its recording in `<uuid>.kept/` and listed in the recording's signed manifest. This is the
 * pure part: the settings, what the manifest says of each file, the caps.
 * The copy's file is named by a sequence number, never by what the user typed; the user's path
 * is data in the entry.
 */
import type { TransferLogEntry } from './transfer-entries.js';
import type { TransferFileDirection } from './transfer-payloads.js';

export interface KeepTransfersSettings {
  /** A file's copy holds at most its first this many bytes. */
  readonly maxFileBytes: number;
  /** A session's copies hold at most this many bytes together. */
  readonly maxSessionBytes: number;
}

/** How much of a file its copy holds: all of it, its first `keptBytes`, or nothing. */
export type KeptAmount = 'whole' | 'first' | 'none';

/** One file moved, as the signed manifest lists it. */
export interface KeptTransfer {
  readonly direction: TransferFileDirection;
  /** The path on the target as the relay resolved it (bounded: LISTED_PATH_MAX). */
  readonly path: string;
  /** What moved, as its `transfer.file` event says. */
  readonly bytes: number;
  readonly sha256: string | null;
  readonly kept: KeptAmount;
  /** Why not whole; null when whole. */
  readonly reason: string | null;
  /** The copy's name in `<uuid>.kept/`; null when nothing is kept. */
  readonly file: string | null;
  readonly keptBytes: number;
  /** sha256 of the copy's bytes; null when nothing is kept. */
  readonly keptSha256: string | null;
}

/** What a manifest says of a session's copies (absent: the session kept none). */
export interface KeptTransfers {
  readonly maxFileBytes: number;
  readonly maxSessionBytes: number;
  readonly entries: readonly KeptTransfer[];
  /** Files moved that were opened after MAX_KEPT_ENTRIES others: neither kept nor listed. */
  readonly unlisted: number;
}

/** Files one manifest lists at most (the manifest stays a few MiB at worst). */
export const MAX_KEPT_ENTRIES = 4096;
/** The longest path an entry holds (the `transfer.file` event keeps the whole path). */
export const LISTED_PATH_MAX = 1024;

const FILE_NAME = /^[0-9]{6}$/;
export const keptFileName = (seq: number): string => String(seq).padStart(6, '0');

export const isKeptFileName = (name: string): boolean => FILE_NAME.test(name);

/** The path as an entry holds it: as it is, or its first LISTED_PATH_MAX characters and `…(+N chars)`. */
export const listedPath = (path: string): string =>
  path.length <= LISTED_PATH_MAX
    ? path
    : `${path.slice(0, LISTED_PATH_MAX)}…(+${path.length - LISTED_PATH_MAX} chars)`;

/** Why a copy stopped short: a cap, the bytes stopping being one run, or its file failing. */
export type CopyStop =
  'over maxFileBytes' | 'maxSessionBytes spent' | 'random access' | `write failed: ${string}`;

/**
 * What a copy holds once its file is reported: `copied` bytes taken (their sha256 `copiedSha256`),
 * `stopped` when it stopped short, against what moved.
 */
export function keptEntry(
  moved: { readonly bytes: number; readonly sha256: string | null },
  copy: {
    readonly copied: number;
    readonly copiedSha256: string;
    readonly stopped: CopyStop | null;
  },
): Pick<KeptTransfer, 'kept' | 'reason' | 'keptBytes' | 'keptSha256'> {
  const some = (reason: string) =>
    copy.copied > 0 && !reason.startsWith('write failed')
      ? { kept: 'first' as const, reason, keptBytes: copy.copied, keptSha256: copy.copiedSha256 }
      : { kept: 'none' as const, reason, keptBytes: 0, keptSha256: null };
  if (copy.stopped !== null) return some(copy.stopped);
  if (moved.sha256 === null)
    return moved.bytes === 0 ? some('nothing moved') : some('random access');
  if (copy.copied !== moved.bytes || copy.copiedSha256 !== moved.sha256)
    return some('the copy differs from what moved');
  return { kept: 'whole', reason: null, keptBytes: copy.copied, keptSha256: copy.copiedSha256 };
}

/** How many of `offered` bytes a copy may take, by the caps; the cap that cut it, if one did. */
export function copyAllowance(
  settings: KeepTransfersSettings,
  copiedOfFile: number,
  copiedOfSession: number,
  offered: number,
): { readonly take: number; readonly stop: CopyStop | null } {
  const fileRoom = settings.maxFileBytes - copiedOfFile;
  const sessionRoom = settings.maxSessionBytes - copiedOfSession;
  const room = Math.max(0, Math.min(fileRoom, sessionRoom));
  if (offered <= room) return { take: offered, stop: null };
  return {
    take: room,
    stop: fileRoom <= sessionRoom ? 'over maxFileBytes' : 'maxSessionBytes spent',
  };
}

const SHA256 = /^[0-9a-f]{64}$/;
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const digest = (v: unknown): v is string | null =>
  v === null || (typeof v === 'string' && SHA256.test(v));

function parseEntry(raw: unknown): KeptTransfer | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const { direction, path, bytes, sha256, kept, reason, file, keptBytes, keptSha256 } = e;
  if (Object.keys(e).length !== 9) return null;
  if (direction !== 'download' && direction !== 'upload') return null;
  if (typeof path !== 'string' || !count(bytes) || !digest(sha256)) return null;
  if (kept !== 'whole' && kept !== 'first' && kept !== 'none') return null;
  if (reason !== null && typeof reason !== 'string') return null;
  if (!count(keptBytes) || !digest(keptSha256)) return null;
  if (file !== null && (typeof file !== 'string' || !isKeptFileName(file))) return null;
  // A copy has a file and a hash exactly when something is kept.
  if ((kept === 'none') !== (file === null) || (file === null) !== (keptSha256 === null))
    return null;
  return { direction, path, bytes, sha256, kept, reason, file, keptBytes, keptSha256 };
}

/**
 * What a copy's label beside it says (`000001.entry`), for recovery after a crash: where the copy
 * comes from while its file is open; once the file is reported, its manifest entry and the
 * report's place in the session (the manifest lists entries in that order). Labels are removed
 * once the manifest that lists the copies is signed.
 */
export type KeptLabel =
  | { readonly direction: TransferFileDirection; readonly path: string }
  | { readonly reported: number; readonly entry: KeptTransfer };

export const keptLabelName = (file: string): string => `${file}.entry`;
const LABEL_NAME = /^([0-9]{6})\.entry$/;
/** The copy a label names (`000001.entry` → `000001`), or null when it is not a label's name. */
export const labelledFile = (name: string): string | null => LABEL_NAME.exec(name)?.[1] ?? null;

/** A label as written by the keeper; null when it is not one. */
export function parseKeptLabel(raw: unknown): KeptLabel | null {
  if (typeof raw !== 'object' || raw === null || Object.keys(raw).length !== 2) return null;
  const e = raw as Record<string, unknown>;
  if ('entry' in e) {
    const entry = parseEntry(e['entry']);
    return entry !== null && count(e['reported']) ? { reported: e['reported'], entry } : null;
  }
  const { direction, path } = e;
  if (direction !== 'download' && direction !== 'upload') return null;
  return typeof path === 'string' ? { direction, path: listedPath(path) } : null;
}

/**
 * The entry of a copy whose file was still open when gatehouse stopped: what moved is not known
 * (no `transfer.file` event), so the copy is listed as its first bytes, never as the whole file.
 */
export function interruptedEntry(
  label: { readonly direction: TransferFileDirection; readonly path: string },
  file: string,
  copy: { readonly copied: number; readonly copiedSha256: string },
): KeptTransfer {
  const kept = copy.copied > 0;
  return {
    direction: label.direction,
    path: label.path,
    bytes: copy.copied,
    sha256: null,
    kept: kept ? 'first' : 'none',
    reason: 'interrupted: gatehouse stopped while the file was open',
    file: kept ? file : null,
    keptBytes: kept ? copy.copied : 0,
    keptSha256: kept ? copy.copiedSha256 : null,
  };
}

/** A manifest's `keptTransfers` as written by a seal; null when it is not one (fields checked, no file). */
export function parseKeptTransfers(raw: unknown): KeptTransfers | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const k = raw as Record<string, unknown>;
  const { maxFileBytes, maxSessionBytes, entries, unlisted } = k;
  if (Object.keys(k).length !== 4 || !count(maxFileBytes) || !count(maxSessionBytes)) return null;
  if (!count(unlisted) || !Array.isArray(entries) || entries.length > MAX_KEPT_ENTRIES) return null;
  const parsed = entries.map(parseEntry);
  if (parsed.some((e) => e === null)) return null;
  const files = parsed.flatMap((e) => (e?.file ? [e.file] : []));
  if (new Set(files).size !== files.length) return null;
  return { maxFileBytes, maxSessionBytes, entries: parsed as KeptTransfer[], unlisted };
}

/**
 * The manifest's entries beside a transfer log's files, by the file entry's seq: both are in the
 * order the relay reported the files, so each entry pairs with the next file row it agrees with
 * (direction, size, sha256; the path may be cut in the manifest).
 */
export function keptByFileSeq(
  log: readonly TransferLogEntry[],
  kept: readonly KeptTransfer[],
): Map<number, KeptTransfer> {
  const paired = new Map<number, KeptTransfer>();
  let next = 0;
  for (const e of log) {
    const k = kept[next];
    if (e.kind !== 'file' || k === undefined) continue;
    if (k.direction === e.direction && k.bytes === e.bytes && k.sha256 === e.sha256) {
      paired.set(e.seq, k);
      next += 1;
    }
  }
  return paired;
}
