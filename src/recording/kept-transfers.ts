/**
 * `recordings.keepTransfers` (issue 16): the copies of a transfer session's files, written while
 * the bytes move into `YYYY/MM/DD/<uuid>.kept/000001`, … beside the recording (folder 0700,
 * files 0600), named by a sequence number and never by the user's path. What each copy holds is
 * its entry in the signed manifest (core/kept-transfers.ts), made when the session is sealed.
 *
 * A copy's file is made when its file is opened, before the open reaches the target. Writes are
 * queued in order per file, at most `maxQueuedBytes` ahead of the disk in all: beyond that
 * `behind()` is true and the relay reads neither side until the queue drains. A make or write
 * that fails ends that copy; with strict recordings that file is refused from then on (a failed
 * make refuses its open), and so is every file opened after it (`refusal`): a strict bastion
 * moves no file it cannot keep.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../core/errors.js';
import {
  copyAllowance,
  keptEntry,
  keptFileName,
  listedPath,
  MAX_KEPT_ENTRIES,
  type CopyStop,
  type KeepTransfersSettings,
  type KeptTransfer,
  type KeptTransfers,
} from '../core/kept-transfers.js';
import type { TransferFileDirection } from '../core/transfer-payloads.js';
import { removeKeptLabel, removeKeptLabels, writeKeptLabel } from './kept-labels.js';

/** The copies' folder of a recording file (`…/<uuid>.cast` → `…/<uuid>.kept`). */
export const keptFolderOf = (castPath: string): string => castPath.replace(/\.cast$/, '.kept');

/** That folder under `dir`, for a relative recording path already checked. */
export const keptFolderIn = (dir: string, castPath: string): string =>
  join(dir, ...keptFolderOf(castPath).split('/'));

const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export interface KeeperOptions {
  /** The recording file the copies sit beside (absolute). */
  readonly castPath: string;
  readonly settings: KeepTransfersSettings;
  /** recordings.mode strict: a file whose copy cannot be written is refused. */
  readonly strict: boolean;
  readonly maxQueuedBytes?: number;
}

interface Moved {
  readonly path: string;
  readonly direction: TransferFileDirection;
  readonly bytes: number;
  readonly sha256: string | null;
}

/** A copy that keeps nothing: a file opened past MAX_KEPT_ENTRIES (counted as unlisted when it moved). */
class UnlistedCopy {
  constructor(private readonly keeper: TransferKeeper) {}
  write(): void {}
  stop(): void {}
  refusal(): null {
    return null;
  }
  end(moved: Moved | null): void {
    if (moved !== null) this.keeper.unlisted += 1;
  }
}

class KeptCopy {
  private copied = 0;
  private readonly hash = createHash('sha256');
  private stopped: CopyStop | null = null;
  private failed: string | null = null;
  private handle: Promise<FileHandle> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly keeper: TransferKeeper,
    private readonly file: string,
    private readonly from: { readonly direction: TransferFileDirection; readonly path: string },
  ) {}

  write(data: Buffer): void {
    if (this.stopped !== null || this.failed !== null || this.ended) return;
    const allowed = copyAllowance(
      this.keeper.settings,
      this.copied,
      this.keeper.copied,
      data.length,
    );
    if (allowed.take > 0) {
      const piece = allowed.take === data.length ? data : data.subarray(0, allowed.take);
      this.hash.update(piece);
      this.copied += piece.length;
      this.keeper.copied += piece.length;
      this.enqueue(piece);
    }
    if (allowed.stop !== null) this.stopped = allowed.stop;
  }

  stop(): void {
    this.stopped ??= 'random access';
  }

  refusal(): string | null {
    return this.keeper.strict ? this.keeper.refusal : null;
  }

  end(moved: Moved | null): void {
    if (this.ended) return;
    this.ended = true;
    const reported = this.keeper.reported++;
    this.keeper.settle(this, moved === null ? this.discard() : this.entry(moved, reported));
  }

  /** The open copy at the keeper's close: its file never reported, so nothing of it is listed. */
  dropped(): Promise<null> {
    this.ended = true;
    return this.discard();
  }

  private enqueue(piece: Buffer): void {
    this.keeper.queued += piece.length;
    this.queue = this.queue
      .then(async () => {
        if (this.failed === null) await writeAll(await this.opened(), piece);
      })
      .catch((err: unknown) => this.fail(err))
      .finally(() => this.keeper.written(piece.length));
  }

  /**
   * Makes the copy's file (the folder with the session's first) and its label; a failure is the
   * copy's.
   */
  async create(): Promise<void> {
    await this.opened()
      .then(() => writeKeptLabel(this.keeper.folderPath, this.file, this.from))
      .then(
        () => undefined,
        (err: unknown) => this.fail(err),
      );
  }

  private opened(): Promise<FileHandle> {
    this.handle ??= this.keeper
      .folder()
      .then(() => open(join(this.keeper.folderPath, this.file), 'wx', 0o600));
    return this.handle;
  }

  private fail(err: unknown): void {
    const code = errnoCode(err);
    this.failed ??= code;
    this.keeper.broken(code);
  }

  private async entry(moved: Moved, reported: number): Promise<KeptTransfer> {
    const copiedSha256 = this.hash.digest('hex');
    const amount = () =>
      keptEntry(moved, {
        copied: this.copied,
        copiedSha256,
        stopped: this.failed === null ? this.stopped : `write failed: ${this.failed}`,
      });
    // What is kept is made durable before the manifest lists it.
    if (amount().kept !== 'none')
      this.queue = this.queue
        .then(async () => {
          if (this.failed === null) await (await this.opened()).datasync();
        })
        .catch((err: unknown) => this.fail(err));
    await this.queue;
    const kept = amount();
    await this.closeFile(kept.kept === 'none');
    const entry = {
      direction: moved.direction,
      path: listedPath(moved.path),
      bytes: moved.bytes,
      sha256: moved.sha256,
      ...kept,
      file: kept.kept === 'none' ? null : this.file,
    };
    // Only recovery after a crash reads it: a label not written loses nothing of a live seal.
    await writeKeptLabel(this.keeper.folderPath, this.file, { reported, entry }).catch(
      () => undefined,
    );
    return entry;
  }

  private async discard(): Promise<null> {
    await this.queue;
    await this.closeFile(true);
    await removeKeptLabel(this.keeper.folderPath, this.file);
    return null;
  }

  private async closeFile(remove: boolean): Promise<void> {
    if (this.handle === null) return;
    const fh = await this.handle.catch(() => null);
    await fh?.close().catch(() => undefined);
    if (remove && fh !== null)
      await unlink(join(this.keeper.folderPath, this.file)).catch(() => undefined);
  }
}

async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length;) {
    const { bytesWritten } = await fh.write(data, at, data.length - at);
    at += bytesWritten;
  }
}

/** The copies of one transfer session (the relay's FileCopies port). */
export class TransferKeeper {
  /** Bytes taken into copies in this session (the maxSessionBytes count). */
  copied = 0;
  queued = 0;
  unlisted = 0;
  /** Files reported so far (a label's place in the manifest's order). */
  reported = 0;
  /** Set once a write failed: why files are refused in strict mode. */
  refusal: string | null = null;
  readonly folderPath: string;
  readonly settings: KeepTransfersSettings;
  readonly strict: boolean;
  private seq = 0;
  private made: Promise<void> | null = null;
  private readonly maxQueued: number;
  private readonly entries: Promise<KeptTransfer | null>[] = [];
  private readonly live = new Set<KeptCopy>();
  private drainListeners: (() => void)[] = [];

  constructor(options: KeeperOptions) {
    this.folderPath = keptFolderOf(options.castPath);
    this.settings = options.settings;
    this.strict = options.strict;
    this.maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  }

  /** The copy's file is made now, before the file is opened: strict refuses a file it cannot keep. */
  async open(
    path: string,
    direction: TransferFileDirection,
  ): Promise<KeptCopy | UnlistedCopy | string> {
    if (this.strict && this.refusal !== null) return this.refusal;
    if (this.seq >= MAX_KEPT_ENTRIES) return new UnlistedCopy(this);
    this.seq += 1;
    const copy = new KeptCopy(this, keptFileName(this.seq), { direction, path });
    this.live.add(copy);
    await copy.create();
    if (!this.strict || this.refusal === null) return copy;
    copy.end(null);
    return this.refusal;
  }

  behind(): boolean {
    return this.queued > this.maxQueued;
  }

  onDrain(listener: () => void): void {
    if (!this.behind()) listener();
    else this.drainListeners.push(listener);
  }

  /** Every copy written and closed: what the manifest lists. Once, at the seal. */
  async close(): Promise<KeptTransfers> {
    for (const copy of this.live) this.entries.push(copy.dropped());
    this.live.clear();
    const settled = await Promise.all(this.entries);
    return {
      maxFileBytes: this.settings.maxFileBytes,
      maxSessionBytes: this.settings.maxSessionBytes,
      entries: settled.filter((e): e is KeptTransfer => e !== null),
      unlisted: this.unlisted,
    };
  }

  /** Once the manifest listing the copies is signed: their labels are no longer needed. */
  async forgetLabels(): Promise<void> {
    await removeKeptLabels(this.folderPath).catch(() => undefined);
  }

  /** @internal for KeptCopy: its file was reported (or dropped). */
  settle(copy: KeptCopy, entry: Promise<KeptTransfer | null>): void {
    this.live.delete(copy);
    this.entries.push(entry);
  }

  /** @internal for KeptCopy */
  folder(): Promise<void> {
    this.made ??= mkdir(this.folderPath, { mode: 0o700 }).then(() => undefined);
    return this.made;
  }

  /** @internal for KeptCopy */
  written(bytes: number): void {
    this.queued -= bytes;
    if (this.behind() || this.drainListeners.length === 0) return;
    const listeners = this.drainListeners;
    this.drainListeners = [];
    for (const listener of listeners) listener();
  }

  /** @internal for KeptCopy */
  broken(code: string): void {
    this.refusal ??= `files cannot be kept now (${code}); a strict bastion moves none it cannot keep`;
  }
}
