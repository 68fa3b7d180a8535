/** Where a recording lives. Paths are built only from a validated UUID and a date, never from input. */
import { join } from 'node:path';
import { GatehouseError } from '../core/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RELATIVE =
  /^([0-9]{4})\/([0-9]{2})\/([0-9]{2})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.cast$/;

/** Lower-case canonical UUID (what crypto.randomUUID() returns). */
export const isSessionUuid = (id: string): boolean => UUID.test(id);

/** `YYYY/MM/DD/<uuid>.cast` from the UTC date of `startedAt` (epoch ms). */
export function recordingRelativePath(sessionId: string, startedAt: number): string {
  if (!isSessionUuid(sessionId)) {
    throw new GatehouseError('invalid', 'recording: session id is not a lower-case UUID');
  }
  const d = new Date(startedAt);
  if (!Number.isFinite(d.getTime()))
    throw new GatehouseError('invalid', 'recording: start time is not a valid time');
  const yyyy = String(d.getUTCFullYear()).padStart(4, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${yyyy}/${mm}/${dd}/${sessionId}.cast`;
}

/** The session id named by a relative recording path, or null when the path is not one. */
export function sessionIdOfRelativePath(relativePath: string): string | null {
  const m = RELATIVE.exec(relativePath);
  return m?.[4] ?? null;
}

/** Absolute path for a stored relative path; null unless it has exactly the recording shape. */
export function resolveRecordingPath(dir: string, relativePath: string): string | null {
  if (sessionIdOfRelativePath(relativePath) === null) return null;
  return join(dir, ...relativePath.split('/'));
}

/** The session's own recording file: null when the stored path is not that session's recording. */
export function sessionRecordingPath(
  dir: string,
  sessionId: string,
  relativePath: string | null,
): string | null {
  if (relativePath === null || sessionIdOfRelativePath(relativePath) !== sessionId) return null;
  return resolveRecordingPath(dir, relativePath);
}

export const manifestPathOf = (castPath: string): string => `${castPath}.manifest.json`;
