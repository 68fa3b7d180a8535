/** `gatehouse serve` names the review page's web.publicUrl beside the address it listens on. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { serveConfigText, startServe } from './metrics-serve-harness.js';

describe('gatehouse serve with web.publicUrl', () => {
  it('prints the listen address and the address readers are given', async () => {
    const dir = await tempDir('gatehouse-serve-url-');
    const configPath = join(dir, 'gatehouse.yaml');
    const config = serveConfigText({ web: true }).replace(
      'web:\n  listen: 127.0.0.1:0',
      'web:\n  listen: 127.0.0.1:0\n  publicUrl: https://review.example.com',
    );
    expect(config).toContain('publicUrl');
    await writeFile(configPath, config);
    const serve = await startServe(configPath);
    try {
      expect(serve.stdout()).toMatch(
        /^review page on http:\/\/127\.0\.0\.1:\d+\/ \(readers: https:\/\/review\.example\.com\/\)$/m,
      );
    } finally {
      await serve.stop();
    }
  });
});
