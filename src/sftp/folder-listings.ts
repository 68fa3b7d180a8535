import { listedEntryAllowed, type TransferRights } from '../core/transfer-rights.js';

/** Folders a path-limited session may have open for listing at once. */
export const MAX_OPEN_LISTINGS = 64;

/**
 * With path limits, the folders a session has open for listing (handle → path): their READDIR
 * replies show only the entries the grant lets the user look at, so a folder on the way to an
 * allowed path does not name what else it holds.
 */
export class FolderListings {
  private readonly open = new Map<string, string>();

  constructor(private readonly rights: TransferRights) {}

  get full(): boolean {
    return this.open.size >= MAX_OPEN_LISTINGS;
  }

  /** The answer to a forwarded OPENDIR: its handle, or none (the target refused it). */
  opened(dir: string, handle: string | null): void {
    if (handle !== null) this.open.set(handle, dir);
  }

  /** The folder `handle` lists, if it is one. */
  dirOf(handle: string): string | undefined {
    return this.open.get(handle);
  }

  /** Gone once its CLOSE is sent (the target may give the handle to the next open). */
  closed(handle: string): void {
    this.open.delete(handle);
  }

  /** Whether `handle` is still open for listing `dir`. */
  lists(handle: string, dir: string): boolean {
    return this.open.get(handle) === dir;
  }

  /** Whether a listing of `dir` may show the entry `name`. */
  shows(dir: string, name: string): boolean {
    return listedEntryAllowed(this.rights, dir, name);
  }
}
