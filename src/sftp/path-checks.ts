import { posix } from 'node:path';
import {
  normaliseTransferPath,
  transferAllowed,
  type TransferAccess,
  type TransferRights,
} from '../core/transfer-rights.js';

/** What the checks ask of the target through the relay. */
export interface TargetPaths {
  /** The session's starting directory (REALPATH of `.`), or null when the target did not say. */
  cwd(): string | null;
  /** The target's canonical form of an absolute path (symlinks resolved), or null when it has none. */
  canonical(path: string): Promise<string | null>;
}

/** A path a request names; `follow` when the request acts on where a symlink there leads. */
export interface NamedPath {
  readonly path: string;
  readonly follow: boolean;
  /**
   * The path absolute as the user sent it (`..` kept), when it was sent: what the target
   * resolves, symlinks first (there `link/..` is the parent of where the link leads).
   */
  readonly asSent?: string;
}

export interface PathRefusal {
  readonly path: string;
  readonly why: string;
}

/** A session's paths against the grant's transfer rights, with the target's canonical forms. */
export class PathChecks {
  /** Whether the grant has path limits (and canonical paths are checked too). */
  readonly limited: boolean;

  constructor(
    private readonly rights: TransferRights,
    private readonly target: TargetPaths,
  ) {
    this.limited = rights.paths.length > 0;
  }

  /** The absolute, normalised path; null for a relative one when the starting directory is unknown. */
  resolve(raw: string): string | null {
    if (raw.startsWith('/')) return normaliseTransferPath('/', raw);
    const cwd = this.target.cwd();
    return cwd === null ? null : normaliseTransferPath(cwd, raw);
  }

  /** The path absolute as sent, `.` and `..` kept; null when relative and the starting directory is unknown. */
  sent(raw: string): string | null {
    if (raw.startsWith('/')) return raw;
    const cwd = this.target.cwd();
    return cwd === null ? null : `${cwd.replace(/\/$/, '')}/${raw}`;
  }

  /** Whether the grant allows this access to the path as named (no canonical form). */
  allowed(access: TransferAccess, path: string): PathRefusal | null {
    const verdict = transferAllowed(this.rights, access, path);
    return verdict.ok ? null : { path, why: verdict.why };
  }

  /**
   * The first path or access the grant does not allow; with path limits the target's canonical
   * form of each path is checked too. A path whose request acts on its last name itself
   * (`follow` false: lstat, remove, rename…) has only its folder canonicalised, so a symlink
   * there is judged where it is, not where it leads.
   */
  async check(
    accesses: readonly TransferAccess[],
    paths: readonly NamedPath[],
  ): Promise<PathRefusal | null> {
    for (const { path } of paths) {
      for (const access of accesses) {
        const no = this.allowed(access, path);
        if (no) return no;
      }
    }
    if (!this.limited) return null;
    for (const named of paths) {
      const { path } = named;
      const canonical = await this.canonicalOf(named);
      for (const access of accesses) {
        const no = this.leadsTo(path, canonical, access);
        if (no) return no;
      }
    }
    return null;
  }

  /** Whether the grant allows `access` where the target says `path` leads (null: nowhere). */
  leadsTo(path: string, canonical: string | null, access: TransferAccess): PathRefusal | null {
    if (canonical === null) return { path, why: `${path} cannot be resolved on the target` };
    const verdict = transferAllowed(this.rights, access, canonical);
    return verdict.ok ? null : { path, why: `${path} leads to ${canonical}: ${verdict.why}` };
  }

  private async canonicalOf({ path, follow, asSent }: NamedPath): Promise<string | null> {
    const sent = asSent ?? path;
    const name = posix.basename(sent);
    if (follow || path === '/' || name === '..' || name === '.' || name === '')
      return this.target.canonical(sent);
    const folder = await this.target.canonical(posix.dirname(sent));
    return folder === null ? null : posix.join(folder, name);
  }
}
