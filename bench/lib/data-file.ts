import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Printable test data: base64 of random bytes (no newlines), exactly `bytes` long. */
export async function writePrintableFile(path: string, bytes: number): Promise<void> {
  const f = await open(path, 'w');
  try {
    const chunk = 4 * 1024 * 1024; // base64 of 3 MiB
    for (let written = 0; written < bytes; written += chunk) {
      const text = randomBytes((chunk / 4) * 3).toString('base64');
      await f.write(text.slice(0, Math.min(chunk, bytes - written)));
    }
  } finally {
    await f.close();
  }
}
