/**
 * Crash recovery: a recording whose writer died (kill -9, power loss) is cut back to its longest
 * valid prefix of complete lines, so what remains parses and can be sealed.
 */
import { createHash } from 'node:crypto';
import { CastLineChecker } from './cast-format.js';
import { scanLines, withFile } from './cast-file-scan.js';

export interface InterruptedSeal {
  readonly sha256: string;
  readonly bytes: number;
  /** Event lines kept (header not counted). */
  readonly events: number;
  /** Bytes removed from the end (a partial line, or garbage after the last valid line). */
  readonly trimmedBytes: number;
}

/**
 * Trims `path` (absolute) after the last complete, valid line — a trailing partial line, and
 * anything after the first line that does not parse (e.g. zero-filled blocks after a crash) —
 * then fsyncs and returns what the caller stores and signs. If even the header is incomplete,
 * the file is emptied (bytes 0).
 */
export async function sealInterrupted(path: string): Promise<InterruptedSeal> {
  return withFile(path, 'r+', async (fh) => {
    const hash = createHash('sha256');
    const checker = new CastLineChecker();
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let keep = 0;
    let events = 0;
    await scanLines(fh, (line) => {
      let text: string;
      try {
        text = utf8.decode(line.bytes);
      } catch {
        return false;
      }
      if (!checker.check(text).ok) return false;
      hash.update(line.bytes).update('\n');
      keep = line.offset + line.bytes.length + 1;
      events = checker.events;
      return true;
    });
    const { size } = await fh.stat();
    if (keep < size) await fh.truncate(keep);
    await fh.sync();
    return { sha256: hash.digest('hex'), bytes: keep, events, trimmedBytes: size - keep };
  });
}
