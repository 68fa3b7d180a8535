import type { OpenFile } from './request-gate.js';
import type { SftpSessionRules } from './sftp-ports.js';

/**
 * Tells the observer what moved of a file at its CLOSE (or the session's end). A download is
 * reported once a READ was answered (an empty file's too); an upload always (an open for writing
 * changes the target), without a sha256 when nothing was written over a file not truncated
 * (nothing of it moved). The file's kept copies end with the same facts.
 */
export function reportFile(observer: SftpSessionRules['observer'], file: OpenFile): void {
  const { path, download, upload } = file;
  if (file.readSeen) {
    const moved = {
      path,
      direction: 'download' as const,
      bytes: download.bytes,
      sha256: download.digest(),
    };
    download.copy?.end(moved);
    observer.fileMoved(moved);
  } else download.copy?.end(null);
  if (upload) {
    const sha256 = upload.bytes === 0 && !file.truncates ? null : upload.digest();
    const moved = { path, direction: 'upload' as const, bytes: upload.bytes, sha256 };
    upload.copy?.end(moved);
    observer.fileMoved(moved);
  }
}
