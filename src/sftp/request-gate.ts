import { posix } from 'node:path';
import { normaliseTransferPath, type TransferAccess } from '../core/transfer-rights.js';
import { BudgetPool } from './budget-pool.js';
import { FolderListings, MAX_OPEN_LISTINGS } from './folder-listings.js';
import { FileRun } from './file-run.js';
import { PathChecks, type NamedPath, type PathRefusal, type TargetPaths } from './path-checks.js';
import { FX, MAX_PACKET_BODY, OPEN_FLAGS } from './sftp-protocol.js';
import type { FileCopy, SftpSessionRules } from './sftp-ports.js';
import type { SftpRequest } from './sftp-request.js';

/** A file the target opened for this session, as the relay tracks it until its CLOSE reply. */
export interface OpenFile {
  readonly path: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
  readonly download: FileRun;
  readonly upload: FileRun | null;
  /** Opened with TRUNC: the file is exactly what the upload wrote (an empty one included). */
  readonly truncates: boolean;
  /** Opened with APPEND: the target writes each WRITE at the file's end, whatever its offset. */
  readonly appends: boolean;
  /** Whether a READ was answered (an empty file's download is still a download). */
  readSeen: boolean;
}

/** What the relay remembers about a forwarded request until its reply. */
export type Pending =
  | { readonly kind: 'plain' }
  | { readonly kind: 'open'; readonly file: OpenFile }
  | {
      readonly kind: 'read';
      readonly file: OpenFile;
      readonly offset: number;
      readonly claimed: number;
    }
  | { readonly kind: 'close'; readonly file: OpenFile | null }
  /** A path-limited grant's REALPATH: where the path leads is checked in the answer. */
  | { readonly kind: 'realpath'; readonly path: string }
  /** A path-limited grant's OPENDIR, and a READDIR of what it opened (see FolderListings). */
  | { readonly kind: 'opendir'; readonly dir: string }
  | { readonly kind: 'listing'; readonly dir: string; readonly handle: string };

export type Decision =
  | { readonly ok: true; readonly pending: Pending }
  | {
      readonly ok: false;
      readonly code: number;
      readonly op: string;
      readonly path: string | null;
      readonly why: string;
    };

/** Open files held by one session at most (each may keep a bounded reorder buffer). */
export const MAX_OPEN_FILES = 64;

const PLAIN: Decision = { ok: true, pending: { kind: 'plain' } };
const WRITE_FLAGS = OPEN_FLAGS.WRITE | OPEN_FLAGS.CREAT | OPEN_FLAGS.TRUNC | OPEN_FLAGS.APPEND;

/**
 * Decides each request against the grant's transfer rights: synchronously where it can (the
 * READ/WRITE stream), asynchronously for opens (and a path-limited grant's looks: the target
 * canonicalises the paths first), changes (the observer records them first) and an empty budget.
 */
export class RequestGate {
  readonly handles = new Map<string, OpenFile>();
  readonly listings: FolderListings;
  private opening = 0;
  private readonly budget: BudgetPool | null;
  private readonly paths: PathChecks;

  constructor(
    private readonly rules: SftpSessionRules,
    target: TargetPaths,
  ) {
    this.budget =
      rules.rights.budgetBytes === null ? null : new BudgetPool((bytes) => rules.takeBudget(bytes));
    this.paths = new PathChecks(rules.rights, target);
    this.listings = new FolderListings(rules.rights);
  }

  decide(req: SftpRequest): Decision | Promise<Decision> {
    switch (req.kind) {
      case 'free':
        return PLAIN;
      case 'unsupported':
        return refusal(
          FX.OP_UNSUPPORTED,
          req.op,
          null,
          `${req.op} is not supported through gatehouse`,
        );
      case 'look':
        return this.look(req.op, req.path);
      case 'open':
        return this.open(req.path, req.flags);
      case 'change':
        return this.change(req);
      case 'read':
        return this.read(req.handle, req.offset, req.length);
      case 'write':
        return this.write(req.handle, req.offset, req.data);
      case 'handle':
        return this.byHandle(req.op, req.handle);
    }
  }

  /** The answer to a forwarded OPEN: a handle for the file, or none (the target refused it). */
  opened(file: OpenFile, handle: string | null): void {
    this.opening -= 1;
    if (handle !== null) this.handles.set(handle, file);
    else dropCopies(file);
  }

  /** A path-limited REALPATH's answer: refused when it names a place the user may not look at. */
  resolved(path: string, canonical: string | null): PathRefusal | null {
    return this.paths.leadsTo(path, canonical, 'look');
  }

  /** The copies (recordings.keepTransfers) of a file about to be opened, or why it must not be. */
  private async copiesFor(
    path: string,
    canRead: boolean,
    canWrite: boolean,
  ): Promise<{ download: FileCopy | null; upload: FileCopy | null } | string> {
    const { copies } = this.rules;
    if (copies === undefined) return { download: null, upload: null };
    const download = canRead ? await copies.open(path, 'download') : null;
    if (typeof download === 'string') return download;
    const upload = canWrite ? await copies.open(path, 'upload') : null;
    if (typeof upload === 'string') {
      download?.end(null);
      return upload;
    }
    return { download, upload };
  }

  /**
   * A READ's reply with `moved` bytes of data: how many of them the budget lets through (the
   * relay cuts the rest, a short read the client asks again for); what was claimed and not
   * passed goes back.
   */
  readAnswered(claimed: number, moved: number): number {
    if (this.budget === null) return moved;
    const passed = Math.min(moved, claimed);
    this.budget.claimBack(claimed - passed);
    return passed;
  }

  private look(op: string, raw: string): Decision | Promise<Decision> {
    // The client learns where it starts before it can do anything else.
    if (op === 'realpath' && (raw === '.' || raw === '')) return PLAIN;
    if (op === 'expand-path@openssh.com' && raw.startsWith('~') && this.paths.limited)
      return refusal(
        FX.PERMISSION_DENIED,
        op,
        raw,
        '~ paths cannot be checked against path limits',
      );
    const path = this.paths.resolve(raw);
    if (path === null) return noCwd(op);
    const no = refusedFor(op, this.paths.allowed('look', path));
    if (no) return no;
    if (!this.paths.limited) return PLAIN;
    // REALPATH only names where a path leads: its answer is checked (the others would look
    // through a symlink, so where their path leads is checked first).
    if (op === 'realpath') return { ok: true, pending: { kind: 'realpath', path } };
    if (op === 'opendir' && this.listings.full)
      return refusal(FX.FAILURE, op, path, `more than ${MAX_OPEN_LISTINGS} folders open at once`);
    const follow = op !== 'lstat' && op !== 'readlink';
    const granted: Decision =
      op === 'opendir' ? { ok: true, pending: { kind: 'opendir', dir: path } } : PLAIN;
    return this.paths
      .check(['look'], [{ path, follow, asSent: this.paths.sent(raw) ?? path }])
      .then((no) => refusedFor(op, no) ?? granted);
  }

  private async open(raw: string, flags: number): Promise<Decision> {
    const path = this.paths.resolve(raw);
    if (path === null) return noCwd('open');
    const canWrite = (flags & WRITE_FLAGS) !== 0;
    const canRead = (flags & OPEN_FLAGS.READ) !== 0 || !canWrite;
    const accesses: TransferAccess[] = [];
    if (canRead) accesses.push('read');
    if (canWrite) accesses.push('write');
    const named = { path, follow: true, asSent: this.paths.sent(raw) ?? path };
    const no = refusedFor('open', await this.paths.check(accesses, [named]));
    if (no) return no;
    if (this.handles.size + this.opening >= MAX_OPEN_FILES)
      return refusal(FX.FAILURE, 'open', path, `more than ${MAX_OPEN_FILES} files open at once`);
    const copies = await this.copiesFor(path, canRead, canWrite);
    if (typeof copies === 'string') return refusal(FX.PERMISSION_DENIED, 'open', path, copies);
    this.opening += 1;
    const file: OpenFile = {
      path,
      canRead,
      canWrite,
      download: new FileRun(copies.download),
      upload: canWrite ? new FileRun(copies.upload) : null,
      truncates: (flags & OPEN_FLAGS.TRUNC) !== 0,
      appends: (flags & OPEN_FLAGS.APPEND) !== 0,
      readSeen: false,
    };
    return { ok: true, pending: { kind: 'open', file } };
  }

  private async change(req: Extract<SftpRequest, { kind: 'change' }>): Promise<Decision> {
    const path = this.paths.resolve(req.path);
    if (path === null) return noCwd(req.op);
    // A symlink's relative target is relative to the link's directory, not the session's.
    const to =
      req.to !== null
        ? this.paths.resolve(req.to)
        : req.linkTo !== null
          ? normaliseTransferPath(posix.dirname(path), req.linkTo)
          : null;
    if ((req.to !== null || req.linkTo !== null) && to === null) return noCwd(req.op);
    // Only SETSTAT acts on where its path leads, and a symlink's target is where it leads;
    // removing, renaming, linking or making a name acts on the name itself.
    const asSent = this.paths.sent(req.path) ?? path;
    const paths: NamedPath[] = [{ path, follow: req.op === 'setstat', asSent }];
    if (req.to !== null && to !== null)
      paths.push({ path: to, follow: false, asSent: this.paths.sent(req.to) ?? to });
    if (req.linkTo !== null && to !== null) {
      const linkTo = req.linkTo.startsWith('/')
        ? req.linkTo
        : `${posix.dirname(asSent)}/${req.linkTo}`;
      paths.push({ path: to, follow: true, asSent: linkTo });
    }
    const no = refusedFor(req.op, await this.paths.check(['write'], paths));
    if (no) return no;
    return this.recorded(req.op, { op: req.change, path, to });
  }

  private read(handle: string, offset: number, length: number): Decision | Promise<Decision> {
    const file = this.handles.get(handle);
    if (!file?.canRead) return badHandle('read', file, 'reading');
    const uncopied = file.download.copy?.refusal();
    if (uncopied) return refusal(FX.PERMISSION_DENIED, 'read', file.path, uncopied);
    const want = Math.min(length, MAX_PACKET_BODY);
    const granted = (claimed: number): Decision => {
      this.budget?.claimOut();
      return { ok: true, pending: { kind: 'read', file, offset, claimed } };
    };
    // A read needs only some budget: its answer is cut to what was claimed (a short read).
    // A zero-length one moves nothing and needs none.
    if (this.budget === null || want === 0) return granted(want);
    return this.claimed('read', file.path, want, 1, granted);
  }

  private write(
    handle: string,
    offset: number,
    data: readonly Buffer[],
  ): Decision | Promise<Decision> {
    const file = this.handles.get(handle);
    if (!file?.canWrite || !file.upload) return badHandle('write', file, 'writing');
    const upload = file.upload;
    const uncopied = upload.copy?.refusal();
    if (uncopied) return refusal(FX.PERMISSION_DENIED, 'write', file.path, uncopied);
    // Counted and hashed when forwarded: the bytes are on their way to the target then.
    const granted = (): Decision => {
      upload.addPieces(file.appends ? null : offset, data);
      return PLAIN;
    };
    const length = data.reduce((n, piece) => n + piece.length, 0);
    if (this.budget === null || length === 0) return granted();
    return this.claimed('write', file.path, length, length, granted);
  }

  private byHandle(op: string, handle: string): Decision | Promise<Decision> {
    const file = this.handles.get(handle);
    if (op === 'close') {
      // Gone once its CLOSE is sent: the target may give the handle to the next open before it
      // sees a request still naming the closed file, whose bytes would be counted as this one's.
      this.handles.delete(handle);
      this.listings.closed(handle);
      return { ok: true, pending: { kind: 'close', file: file ?? null } };
    }
    // Listing is a look, checked at OPENDIR; with path limits its entries are filtered.
    if (op === 'readdir') {
      const dir = this.listings.dirOf(handle);
      return dir === undefined ? PLAIN : { ok: true, pending: { kind: 'listing', dir, handle } };
    }
    if (!file) return badHandle(op, file, 'this');
    if (op !== 'fsetstat') return PLAIN;
    if (!file.canWrite) return badHandle(op, file, 'writing');
    return this.recorded(op, { op: 'setstat', path: file.path, to: null });
  }

  /** Grants what the budget covers (up to `want`, at least `least`), else refuses naming it. */
  private claimed(
    op: string,
    path: string,
    want: number,
    least: number,
    granted: (claimed: number) => Decision,
  ): Decision | Promise<Decision> {
    const settle = (got: number): Decision => {
      if (got > 0) return granted(got);
      const why = `this grant's transfer budget of ${this.rules.rights.budgetBytes} bytes is spent`;
      return refusal(FX.PERMISSION_DENIED, op, path, why);
    };
    const got = this.budget!.claimAtLeast(want, least);
    return got instanceof Promise ? got.then(settle) : settle(got);
  }

  private async recorded(
    op: string,
    change: Parameters<SftpSessionRules['observer']['change']>[0],
  ) {
    const ok = await this.rules.observer.change(change).catch(() => false);
    if (ok) return PLAIN;
    return refusal(FX.PERMISSION_DENIED, op, change.path, 'the change could not be recorded');
  }
}

/** A file that never moved a byte (its open failed, or the session ended first): no copies. */
function dropCopies(file: OpenFile): void {
  file.download.copy?.end(null);
  file.upload?.copy?.end(null);
}

const refusedFor = (op: string, no: PathRefusal | null): Decision | null =>
  no && refusal(FX.PERMISSION_DENIED, op, no.path, no.why);

function refusal(code: number, op: string, path: string | null, why: string): Decision {
  return { ok: false, code, op, path, why };
}

const noCwd = (op: string): Decision =>
  refusal(FX.PERMISSION_DENIED, op, null, 'the session starting directory is unknown');

const badHandle = (op: string, file: OpenFile | undefined, purpose: string): Decision =>
  file
    ? refusal(FX.PERMISSION_DENIED, op, file.path, `${file.path} was not opened for ${purpose}`)
    : refusal(FX.FAILURE, op, null, 'no such open file');
