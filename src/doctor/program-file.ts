/** Is a command target's program there and executable by this process (doctor, `target add`)? */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { errnoText } from './check-result.js';

export type ProgramCheck =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly message: string };

/** `path` is absolute, a regular file (after symlinks) and executable. */
export async function checkExecutable(path: string): Promise<ProgramCheck> {
  if (!isAbsolute(path)) return { ok: false, message: `${path}: not an absolute path` };
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, message: `${path}: not a regular file` };
    await access(path, constants.X_OK);
    return { ok: true, path };
  } catch (e) {
    return {
      ok: false,
      message: `${path}: ${e instanceof Error && (e as NodeJS.ErrnoException).code === 'EACCES' ? 'not executable' : errnoText(e)}`,
    };
  }
}

/**
 * An absolute path is checked as is; a bare name (no `/`) is looked up on `searchPath` (PATH) and
 * the first executable match returned as an absolute path. A relative path with `/` is refused.
 */
export async function resolveProgram(
  program: string,
  searchPath: string | undefined,
): Promise<ProgramCheck> {
  if (isAbsolute(program)) return checkExecutable(program);
  if (program.includes('/'))
    return { ok: false, message: `${program}: give an absolute path or a bare name found on PATH` };
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue; // an empty or relative PATH entry would depend on the cwd
    const found = await checkExecutable(join(dir, program));
    if (found.ok) return found;
  }
  return { ok: false, message: `${program}: not found on PATH (or not executable)` };
}
