import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** A file's size and sha256 (hex), read as a stream in bounded memory. */
export async function fileSha256(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
