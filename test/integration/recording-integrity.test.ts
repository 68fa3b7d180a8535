import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { appendFile, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyObject } from 'node:crypto';
import { fixedClock } from '../../src/core/clock.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import {
  readManifest,
  verifyManifestSignature,
  writeManifest,
} from '../../src/recording/manifest.js';
import type { RecordingSeal } from '../../src/recording/recorder.js';
import { openRecording } from '../../src/recording/recorder.js';
import { readCast } from '../../src/recording/replay.js';
import { sealInterrupted } from '../../src/recording/seal-interrupted.js';
import { verifyRecording } from '../../src/recording/verify-recording.js';
import { makeUserKey } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';

const START = Date.UTC(2025, 0, 2, 3, 4, 5);
let privateKey: KeyObject;
let publicKey: KeyObject;

beforeAll(async () => {
  // The bastion's host key is an OpenSSH-format file made by ssh-keygen.
  const key = await makeUserKey(await tempDir('gatehouse-key-'), 'bastion');
  ({ privateKey, publicKey } = signingKeyFromOpenSsh(await readFile(key.privatePath)));
});

interface Sealed {
  dir: string;
  seal: RecordingSeal;
  sessionId: string;
  lines: string[];
}

async function sealedRecording(): Promise<Sealed> {
  const dir = await tempDir('gatehouse-verify-');
  const sessionId = randomUUID();
  const clock = fixedClock(START);
  const rec = await openRecording({
    dir,
    sessionId,
    startedAt: START,
    width: 80,
    height: 24,
    title: 'bob@web1: bash',
    captureInput: false,
    mode: 'strict',
    clock,
  });
  for (let i = 1; i <= 10; i++) {
    clock.advance(100);
    rec.output(Buffer.from(`output line ${i}\r\n`));
  }
  const seal = await rec.close();
  await writeManifest(
    dir,
    {
      sessionId,
      path: seal.relativePath,
      sha256: seal.sha256,
      bytes: seal.bytes,
      events: seal.events,
      sealedAt: START + 5000,
    },
    privateKey,
  );
  const lines = (await readFile(seal.path, 'utf8')).split('\n');
  return { dir, seal, sessionId, lines };
}

const verify = (s: Sealed, expected?: { sha256: string; bytes: number; events: number | null }) =>
  verifyRecording({
    dir: s.dir,
    path: s.seal.relativePath,
    expected: expected ?? { sha256: s.seal.sha256, bytes: s.seal.bytes, events: s.seal.events },
    publicKeys: [publicKey],
  });

describe('manifest', () => {
  it('is written beside the recording and its signature verifies', async () => {
    const s = await sealedRecording();
    const read = await readManifest(s.seal.path);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.manifest).toMatchObject({
      sessionId: s.sessionId,
      path: s.seal.relativePath,
      sha256: s.seal.sha256,
      bytes: s.seal.bytes,
      events: 10,
      sealedAt: START + 5000,
      algorithm: 'ed25519',
    });
    expect(verifyManifestSignature(read.manifest, publicKey)).toBe(true);
    expect(await verify(s)).toMatchObject({ ok: true });
  });

  it('never replaces an existing manifest', async () => {
    const s = await sealedRecording();
    const fields = {
      sessionId: s.sessionId,
      path: s.seal.relativePath,
      sha256: '0'.repeat(64),
      bytes: 1,
      events: 1,
      sealedAt: START,
    };
    await expect(writeManifest(s.dir, fields, privateKey)).rejects.toThrow(/EEXIST/);
  });

  it('a manifest signed by another key does not verify', async () => {
    const s = await sealedRecording();
    const other = generateKeyPairSync('ed25519').publicKey;
    const r = await verifyRecording({
      dir: s.dir,
      path: s.seal.relativePath,
      expected: s.seal,
      publicKeys: [other],
    });
    expect(r).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/signature is not valid/) as string,
    });
  });

  it('an edited manifest field breaks the signature', async () => {
    const s = await sealedRecording();
    const path = `${s.seal.path}.manifest.json`;
    const m = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...m, events: 9 }));
    expect(await verify(s)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/signature/) as string,
    });
  });
});

describe('verifyRecording finds tampering', () => {
  async function rewrite(s: Sealed, lines: string[]): Promise<void> {
    await writeFile(s.seal.path, lines.join('\n'));
  }

  it('a flipped byte inside output text (hash mismatch)', async () => {
    const s = await sealedRecording();
    const bytes = await readFile(s.seal.path);
    const at = bytes.indexOf('line 7');
    bytes[at] = 'L'.charCodeAt(0);
    await writeFile(s.seal.path, bytes);
    expect(await verify(s)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/file sha256 .* differs .*content edited/) as string,
    });
  });

  it('a flipped byte that breaks a line names the line', async () => {
    const s = await sealedRecording();
    const lines = [...s.lines];
    lines[4] = lines[4]!.replace('"o"', '"o\'');
    await rewrite(s, lines);
    expect(await verify(s)).toMatchObject({
      ok: false,
      line: 5,
      problem: 'line 5 is not valid JSON',
    });
  });

  it('a flipped byte in an event time names the line', async () => {
    const s = await sealedRecording();
    const lines = [...s.lines];
    expect(lines[6]).toMatch(/^\[0\.6,/);
    lines[6] = lines[6]!.replace('[0.6,', '[0.1,');
    await rewrite(s, lines);
    expect(await verify(s)).toMatchObject({
      ok: false,
      line: 7,
      problem: expect.stringMatching(/^line 7 has time 0.1, before 0.5/) as string,
    });
  });

  it('a deleted line', async () => {
    const s = await sealedRecording();
    const lines = s.lines.filter((_, i) => i !== 3);
    await rewrite(s, lines);
    expect(await verify(s)).toMatchObject({
      ok: false,
      problem: 'file has 9 events, the manifest says 10 (lines deleted or added)',
    });
  });

  it('reordered lines name the first line out of order', async () => {
    const s = await sealedRecording();
    const lines = [...s.lines];
    [lines[3], lines[8]] = [lines[8]!, lines[3]!];
    await rewrite(s, lines);
    expect(await verify(s)).toMatchObject({
      ok: false,
      line: 5,
      problem: expect.stringMatching(/^line 5 has time .* \(lines reordered or edited\)/) as string,
    });
  });

  it('the header moved away from line 1', async () => {
    const s = await sealedRecording();
    const lines = [...s.lines];
    [lines[0], lines[1]] = [lines[1]!, lines[0]!];
    await rewrite(s, lines);
    expect(await verify(s)).toMatchObject({
      ok: false,
      line: 1,
      problem: 'line 1 is not a header object',
    });
  });

  it('an appended line and a cut-off last line', async () => {
    const s = await sealedRecording();
    await appendFile(s.seal.path, '[9.9,"o","extra"]\n');
    expect(await verify(s)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/file has 11 events/) as string,
    });
    await truncate(s.seal.path, s.seal.bytes - 3);
    expect(await verify(s)).toMatchObject({
      ok: false,
      line: 11,
      problem: 'line 11 is incomplete (the file does not end with a newline)',
    });
  });

  it('a missing file, and values that differ from the session record', async () => {
    const s = await sealedRecording();
    expect(
      await verify(s, { sha256: 'f'.repeat(64), bytes: s.seal.bytes, events: null }),
    ).toMatchObject({
      ok: false,
      problem: expect.stringMatching(
        /manifest sha256 .* differs from the session record/,
      ) as string,
    });
    expect(
      await verify(s, { sha256: s.seal.sha256, bytes: s.seal.bytes, events: 11 }),
    ).toMatchObject({ ok: false });
    await rm(s.seal.path);
    expect(await verify(s)).toEqual({ ok: false, problem: 'recording file is missing' });
  });

  it('a path that is not a recording path is refused before any file is read', async () => {
    const s = await sealedRecording();
    const r = await verifyRecording({
      dir: s.dir,
      path: '../../etc/passwd',
      expected: s.seal,
      publicKeys: [publicKey],
    });
    expect(r).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/is not a recording path/) as string,
    });
  });
});

describe('sealInterrupted', () => {
  async function interrupted(): Promise<{
    dir: string;
    path: string;
    relativePath: string;
    sessionId: string;
    complete: Buffer;
  }> {
    const s = await sealedRecording();
    await rm(`${s.seal.path}.manifest.json`);
    return {
      dir: s.dir,
      path: s.seal.path,
      relativePath: s.seal.relativePath,
      sessionId: s.sessionId,
      complete: await readFile(s.seal.path),
    };
  }

  it('trims a line cut mid-way and returns what to store and sign', async () => {
    const r = await interrupted();
    await appendFile(r.path, '[1.1,"o","half a li');
    const sealed = await sealInterrupted(r.path);
    const onDisk = await readFile(r.path);
    expect(onDisk.equals(r.complete)).toBe(true);
    expect(sealed).toEqual({
      sha256: createHash('sha256').update(onDisk).digest('hex'),
      bytes: onDisk.length,
      events: 10,
      trimmedBytes: '[1.1,"o","half a li'.length,
    });
    expect(readCast(onDisk.toString('utf8')).events).toHaveLength(10);
    await writeManifest(
      r.dir,
      { sessionId: r.sessionId, path: r.relativePath, ...sealed, sealedAt: START },
      privateKey,
    );
    const v = await verifyRecording({
      dir: r.dir,
      path: r.relativePath,
      expected: sealed,
      publicKeys: [publicKey],
    });
    expect(v.ok).toBe(true);
  });

  it('trims zero-filled garbage after the last valid line, and leaves a complete file alone', async () => {
    const r = await interrupted();
    await appendFile(r.path, Buffer.concat([Buffer.alloc(4096), Buffer.from('\n')]));
    expect((await sealInterrupted(r.path)).trimmedBytes).toBe(4097);
    const again = await sealInterrupted(r.path);
    expect(again.trimmedBytes).toBe(0);
    expect(again.bytes).toBe(r.complete.length);
  });

  it('empties a file whose header was never completed', async () => {
    const r = await interrupted();
    await writeFile(r.path, '{"version":2,"wid');
    expect(await sealInterrupted(r.path)).toMatchObject({ bytes: 0, events: 0, trimmedBytes: 17 });
  });
});
