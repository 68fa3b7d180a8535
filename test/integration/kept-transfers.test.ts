/**
 * recordings.keepTransfers below the relay: the keeper writes each file's copy beside a real
 * recording, the signed manifest lists the copies, and verify checks each copy's bytes. (The
 * same path end to end, through sftp and scp, is sftp-kept-transfers.test.ts.)
 */
import { createHash, randomBytes, randomUUID, verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { fixedClock } from '../../src/core/clock.js';
import type { KeepTransfersSettings, KeptTransfers } from '../../src/core/kept-transfers.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import { keptFolderOf, TransferKeeper } from '../../src/recording/kept-transfers.js';
import { readManifest, writeManifest } from '../../src/recording/manifest.js';
import { openRecording, type RecordingSeal } from '../../src/recording/recorder.js';
import { verifyRecording } from '../../src/recording/verify-recording.js';
import { makeUserKey } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';

const START = Date.UTC(2026, 11, 1, 3, 4, 5);
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
let privateKey: KeyObject;
let publicKey: KeyObject;

beforeAll(async () => {
  const key = await makeUserKey(await tempDir('gatehouse-key-'), 'bastion');
  ({ privateKey, publicKey } = signingKeyFromOpenSsh(await readFile(key.privatePath)));
});

interface Recorded {
  readonly dir: string;
  readonly seal: RecordingSeal;
  readonly sessionId: string;
}

async function recording(): Promise<Recorded> {
  const dir = await tempDir('gatehouse-kept-');
  const sessionId = randomUUID();
  const rec = await openRecording({
    dir,
    sessionId,
    startedAt: START,
    width: 80,
    height: 24,
    title: 'ann@db1: sftp',
    captureInput: false,
    mode: 'strict',
    clock: fixedClock(START),
  });
  rec.output(Buffer.from('download /var/log/x 10 B sha256 …\n'));
  return { dir, seal: await rec.close(), sessionId };
}

const keeperFor = (r: Recorded, settings: KeepTransfersSettings, strict = true) =>
  new TransferKeeper({ castPath: r.seal.path, settings, strict });

const BIG = { maxFileBytes: 1 << 20, maxSessionBytes: 4 << 20 };
const copiesIn = (names: readonly string[]): string[] =>
  names.filter((n) => !n.endsWith('.entry')).sort();

/** Moves `data` through a copy in pieces, as the relay hands them over, and reports it. */
async function move(
  keeper: TransferKeeper,
  path: string,
  data: Buffer,
  piece = 32_768,
): Promise<void> {
  const copy = await keeper.open(path, 'download');
  if (typeof copy === 'string') throw new Error(copy);
  for (let at = 0; at < data.length; at += piece) copy.write(data.subarray(at, at + piece));
  copy.end({ path, direction: 'download', bytes: data.length, sha256: sha256(data) });
}

async function sign(r: Recorded, keptTransfers?: KeptTransfers) {
  const { seal, sessionId } = r;
  const fields = {
    sessionId,
    path: seal.relativePath,
    sha256: seal.sha256,
    bytes: seal.bytes,
    events: seal.events,
    sealedAt: START + 1000,
  };
  return writeManifest(r.dir, keptTransfers ? { ...fields, keptTransfers } : fields, privateKey);
}

const verify = (r: Recorded) =>
  verifyRecording({
    dir: r.dir,
    path: r.seal.relativePath,
    expected: { sha256: r.seal.sha256, bytes: r.seal.bytes, events: r.seal.events },
    publicKeys: [publicKey],
  });

describe('TransferKeeper', () => {
  it('writes each copy beside the recording, named by number, private, and equal to what moved', async () => {
    const r = await recording();
    const keeper = keeperFor(r, BIG);
    const a = randomBytes(300_000);
    const b = randomBytes(1000);
    await move(keeper, '/var/log/a.bin', a);
    await move(keeper, '/etc/../tmp/b; rm -rf /', b);
    const kept = await keeper.close();
    const folder = keptFolderOf(r.seal.path);
    expect(folder).toBe(r.seal.path.replace(/\.cast$/, '.kept'));
    // Each copy's label says what recovery after a crash would list; gone once a seal lists them.
    expect((await readdir(folder)).sort()).toEqual([
      '000001',
      '000001.entry',
      '000002',
      '000002.entry',
    ]);
    expect((await stat(join(folder, '000002.entry'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(folder, '000002.entry'), 'utf8'))).toEqual({
      reported: 1,
      entry: kept.entries[1],
    });
    await keeper.forgetLabels();
    expect((await readdir(folder)).sort()).toEqual(['000001', '000002']);
    expect(sha256(await readFile(join(folder, '000001')))).toBe(sha256(a));
    expect(sha256(await readFile(join(folder, '000002')))).toBe(sha256(b));
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, '000001'))).mode & 0o777).toBe(0o600);
    expect(kept.entries).toEqual([
      {
        direction: 'download',
        path: '/var/log/a.bin',
        bytes: a.length,
        sha256: sha256(a),
        kept: 'whole',
        reason: null,
        file: '000001',
        keptBytes: a.length,
        keptSha256: sha256(a),
      },
      expect.objectContaining({ path: '/etc/../tmp/b; rm -rf /', file: '000002', kept: 'whole' }),
    ]);
  });

  it('keeps the first maxFileBytes of a larger file, then nothing once maxSessionBytes is spent', async () => {
    const r = await recording();
    const keeper = keeperFor(r, { maxFileBytes: 100_000, maxSessionBytes: 150_000 });
    const first = randomBytes(250_000);
    const second = randomBytes(80_000);
    const third = randomBytes(10);
    await move(keeper, '/a', first);
    await move(keeper, '/b', second);
    await move(keeper, '/c', third);
    const { entries } = await keeper.close();
    expect(entries.map((e) => [e.kept, e.reason, e.keptBytes, e.file])).toEqual([
      ['first', 'over maxFileBytes', 100_000, '000001'],
      ['first', 'maxSessionBytes spent', 50_000, '000002'],
      ['none', 'maxSessionBytes spent', 0, null],
    ]);
    const folder = keptFolderOf(r.seal.path);
    expect(sha256(await readFile(join(folder, '000001')))).toBe(sha256(first.subarray(0, 100_000)));
    expect(entries[0]?.keptSha256).toBe(sha256(first.subarray(0, 100_000)));
    expect(sha256(await readFile(join(folder, '000002')))).toBe(sha256(second.subarray(0, 50_000)));
    // A copy that holds nothing leaves no file (its label lists it as kept none).
    expect(copiesIn(await readdir(folder))).toEqual(['000001', '000002']);
  });

  it('says so of random access, and drops the copy of a file opened but never moved', async () => {
    const r = await recording();
    const keeper = keeperFor(r, BIG);
    const reread = await keeper.open('/r', 'download');
    const unread = await keeper.open('/u', 'download');
    if (typeof reread === 'string' || typeof unread === 'string') throw new Error('refused');
    reread.write(Buffer.from('abc'));
    reread.stop();
    reread.end({ path: '/r', direction: 'download', bytes: 6, sha256: null });
    unread.end(null);
    const { entries } = await keeper.close();
    expect(entries).toEqual([
      expect.objectContaining({ path: '/r', kept: 'first', reason: 'random access', keptBytes: 3 }),
    ]);
    // Nor a label: a file that never moved is not listed.
    expect((await readdir(keptFolderOf(r.seal.path))).sort()).toEqual(['000001', '000001.entry']);
  });

  it('a copy that cannot be made: strict refuses the file and every file after; best_effort keeps none and goes on', async () => {
    const why = 'files cannot be kept now (EEXIST); a strict bastion moves none it cannot keep';
    for (const strict of [true, false]) {
      const r = await recording();
      // Something already where the copies' folder goes: making the first copy fails.
      await writeFile(keptFolderOf(r.seal.path), 'in the way');
      const keeper = keeperFor(r, BIG, strict);
      const copy = await keeper.open('/a', 'download');
      if (strict) {
        expect(copy).toBe(why);
        expect(await keeper.open('/b', 'upload')).toBe(why);
        expect(await keeper.close()).toMatchObject({ entries: [] });
        continue;
      }
      if (typeof copy === 'string') throw new Error(copy);
      expect(copy.refusal()).toBeNull();
      copy.write(randomBytes(100));
      copy.end({ path: '/a', direction: 'download', bytes: 100, sha256: null });
      const { entries } = await keeper.close();
      expect(entries).toEqual([
        expect.objectContaining({ kept: 'none', reason: 'write failed: EEXIST', file: null }),
      ]);
    }
  });

  it('is behind while more than its queue bound waits for the disk, and says when it drained', async () => {
    const r = await recording();
    const keeper = new TransferKeeper({
      castPath: r.seal.path,
      settings: BIG,
      strict: true,
      maxQueuedBytes: 64 * 1024,
    });
    const copy = await keeper.open('/a', 'upload');
    if (typeof copy === 'string') throw new Error(copy);
    copy.write(randomBytes(100 * 1024));
    expect(keeper.behind()).toBe(true);
    await new Promise<void>((res) => keeper.onDrain(res));
    expect(keeper.behind()).toBe(false);
    copy.end(null);
    await keeper.close();
  });
});

describe('the signed manifest and verify', () => {
  it('a manifest without kept transfers signs the same bytes as before keepTransfers existed', async () => {
    const r = await recording();
    const m = await sign(r);
    expect(m).not.toHaveProperty('keptTransfers');
    const before = canonicalJson({
      algorithm: 'ed25519',
      bytes: m.bytes,
      events: m.events,
      path: m.path,
      sealedAt: m.sealedAt,
      sessionId: m.sessionId,
      sha256: m.sha256,
    });
    const signature = Buffer.from(m.signature, 'base64');
    expect(verifySignature(null, Buffer.from(before), publicKey, signature)).toBe(true);
    expect(await verify(r)).toMatchObject({ ok: true });
  });

  it('covers the kept copies: they verify, and a changed, missing or relisted copy fails naming it', async () => {
    const r = await recording();
    const keeper = keeperFor(r, BIG);
    const data = randomBytes(50_000);
    await move(keeper, '/var/log/syslog', data);
    await move(keeper, '/etc/hosts', Buffer.from('127.0.0.1 localhost\n'));
    await sign(r, await keeper.close());
    const read = await readManifest(r.seal.path);
    expect(read.ok && read.manifest.keptTransfers?.entries.length).toBe(2);
    expect(await verify(r)).toMatchObject({ ok: true });

    const copy = join(keptFolderOf(r.seal.path), '000001');
    const flipped = Buffer.from(data);
    flipped[1234] = (flipped[1234] ?? 0) ^ 1;
    await writeFile(copy, flipped);
    expect(await verify(r)).toEqual({
      ok: false,
      problem:
        'kept file 000001 (download "/var/log/syslog") sha256 differs from the manifest\'s (content edited)',
    });
    await writeFile(copy, data.subarray(1));
    expect(await verify(r)).toMatchObject({
      ok: false,
      problem:
        'kept file 000001 (download "/var/log/syslog") has 49999 bytes, the manifest says 50000',
    });
    await rm(copy);
    expect(await verify(r)).toMatchObject({
      ok: false,
      problem: 'kept file 000001 (download "/var/log/syslog") is missing',
    });
    await writeFile(copy, data);
    expect(await verify(r)).toMatchObject({ ok: true });

    // The list is signed: dropping an entry from it breaks the signature.
    const manifestPath = `${r.seal.path}.manifest.json`;
    const text = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      keptTransfers: { entries: unknown[] };
    };
    text.keptTransfers.entries.pop();
    await writeFile(manifestPath, JSON.stringify(text));
    expect(await verify(r)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('manifest signature is not valid'),
    });
  });

  it('a copy whose name in the manifest is a path is refused as a manifest problem', async () => {
    const r = await recording();
    await mkdir(keptFolderOf(r.seal.path));
    const m = await sign(r);
    const manifestPath = `${r.seal.path}.manifest.json`;
    const evil = {
      ...m,
      keptTransfers: {
        maxFileBytes: 1,
        maxSessionBytes: 1,
        unlisted: 0,
        entries: [
          {
            direction: 'download',
            path: '/x',
            bytes: 1,
            sha256: null,
            kept: 'first',
            reason: 'random access',
            file: '../../../../etc/passwd',
            keptBytes: 1,
            keptSha256: 'a'.repeat(64),
          },
        ],
      },
    };
    await writeFile(manifestPath, JSON.stringify(evil));
    expect(await verify(r)).toEqual({ ok: false, problem: 'manifest keptTransfers is not valid' });
  });
});
