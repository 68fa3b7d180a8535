/** One line of `gatehouse doctor`: `PASS <check>: <detail>` or `FAIL <check>: <what and how to fix>`. */
export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

export const pass = (check: string, detail: string): CheckResult => ({ check, ok: true, detail });
export const fail = (check: string, detail: string): CheckResult => ({ check, ok: false, detail });

/** A short, stable word for a file-system error (`ENOENT` → `no such file`). */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'ENOTDIR') return 'a parent is not a folder';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left';
  if (code !== undefined) return code;
  return e instanceof Error ? e.message : String(e);
}
