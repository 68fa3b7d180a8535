/**
 * Checks one recording against its signed manifest and the values the caller holds from the
 * session row / audit chain, then a transfer session's kept copies against the manifest's list.
 * The first problem found is returned, with its line when known.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CastLineChecker } from './cast-format.js';
import { scanLines, withFile } from './cast-file-scan.js';
import { checkKeptFiles } from './kept-files-check.js';
import { readManifest, verifyManifestSignature } from './manifest.js';
import { recordingFileExists } from './recording-files.js';
import type { Manifest } from './manifest.js';
import { resolveRecordingPath, sessionIdOfRelativePath } from './recording-path.js';

export interface VerifyRecordingInput {
  readonly dir: string;
  /** As stored on the session row: `YYYY/MM/DD/<uuid>.cast`, relative to `dir`. */
  readonly path: string;
  /** From the session row / audit chain; `events: null` when the caller has no count. */
  readonly expected: {
    readonly sha256: string;
    readonly bytes: number;
    readonly events: number | null;
  };
  /** The keyring: the current host key and retired ones (manifests carry no key id). */
  readonly publicKeys: readonly KeyObject[];
}

export type VerifyRecordingResult =
  | { readonly ok: true; readonly manifest: Manifest }
  | { readonly ok: false; readonly problem: string; readonly line?: number };

const fail = (problem: string, line?: number): VerifyRecordingResult =>
  line === undefined ? { ok: false, problem } : { ok: false, problem, line };

export async function verifyRecording(input: VerifyRecordingInput): Promise<VerifyRecordingResult> {
  const castPath = resolveRecordingPath(input.dir, input.path);
  const sessionId = sessionIdOfRelativePath(input.path);
  if (castPath === null || sessionId === null)
    return fail(`path ${JSON.stringify(input.path)} is not a recording path`);

  if (!(await recordingFileExists(input.dir, input.path))) return fail('recording file is missing');
  const read = await readManifest(castPath);
  if (!read.ok) return fail(read.problem);
  const m = read.manifest;
  if (!input.publicKeys.some((key) => verifyManifestSignature(m, key))) {
    return fail('manifest signature is not valid (manifest edited, or signed by another key)');
  }
  if (m.path !== input.path || m.sessionId !== sessionId)
    return fail('manifest belongs to another recording');
  const { expected } = input;
  if (m.sha256 !== expected.sha256)
    return fail(`manifest sha256 ${m.sha256} differs from the session record's ${expected.sha256}`);
  if (m.bytes !== expected.bytes)
    return fail(`manifest size ${m.bytes} differs from the session record's ${expected.bytes}`);
  if (expected.events !== null && m.events !== expected.events) {
    return fail(
      `manifest event count ${m.events} differs from the session record's ${expected.events}`,
    );
  }

  const hash = createHash('sha256');
  const checker = new CastLineChecker();
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const bad: { utf8Line: number | null } = { utf8Line: null };
  let scan;
  try {
    scan = await withFile(castPath, 'r', (fh) =>
      scanLines(
        fh,
        (line) => {
          let text: string;
          try {
            text = utf8.decode(line.bytes);
          } catch {
            bad.utf8Line = line.number;
            return false;
          }
          return checker.check(text).ok;
        },
        (chunk) => hash.update(chunk),
      ),
    );
  } catch (err) {
    const code = (err as { code?: string }).code;
    return fail(
      code === 'ENOENT'
        ? 'recording file is missing'
        : `recording file cannot be read (${code ?? 'error'})`,
    );
  }
  if (bad.utf8Line !== null) return fail(`line ${bad.utf8Line} is not valid UTF-8`, bad.utf8Line);
  if (checker.problem) return fail(checker.problem.problem, checker.problem.line);
  if (scan.trailing !== null) {
    const n = checker.lines + 1;
    return fail(`line ${n} is incomplete (the file does not end with a newline)`, n);
  }
  if (checker.lines === 0) return fail('recording file is empty (no header)');
  if (checker.events !== m.events) {
    return fail(
      `file has ${checker.events} events, the manifest says ${m.events} (lines deleted or added)`,
    );
  }
  if (scan.totalBytes !== m.bytes)
    return fail(`file size ${scan.totalBytes} differs from the manifest's ${m.bytes}`);
  const sha256 = hash.digest('hex');
  if (sha256 !== m.sha256)
    return fail(`file sha256 ${sha256} differs from the manifest's (content edited)`);
  if (m.keptTransfers !== undefined) {
    const problem = await checkKeptFiles(castPath, m.keptTransfers);
    if (problem !== null) return fail(problem);
  }
  return { ok: true, manifest: m };
}
