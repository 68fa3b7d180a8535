/**
 * The search index catches up at start on recordings it lacks, a bounded batch at a time; the
 * text is made on a worker thread that may die without taking serve or the index with it.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join, relative as relativePath, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { SessionId } from '../../src/core/model.js';
import { indexRecording, indexUnindexed } from '../../src/lifecycle/index-recording.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openRecording } from '../../src/recording/recorder.js';
import { searchableText } from '../../src/recording/searchable-text.js';
import { MAX_WAITING, SearchableTextWorker } from '../../src/recording/searchable-text-worker.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { tempDir } from '../helpers/tmp.js';
import { grantFor, MAX, seed, T0, useTempStore } from './store-fixtures.js';

const ts = useTempStore();

/** A sealed session of alice's whose recording printed `text`, started `n` minutes after T0. */
async function recorded(dir: string, grantId: number, n: number, text: string) {
  const id = randomUUID() as SessionId;
  const startedAt = T0 + n * 60_000;
  const rec = await openRecording({
    dir,
    sessionId: id,
    startedAt,
    width: 80,
    height: 24,
    title: 't',
    captureInput: false,
    mode: 'strict',
    clock: fixedClock(startedAt),
  });
  rec.output(Buffer.from(`${text}\r\n`, 'utf8'));
  const seal = await rec.close();
  const ref = { sessionId: id, grantId: grantId as never };
  const row = { id, grantId: grantId as never, startedAt, recordingPath: seal.relativePath };
  const grant = await ts.store.grants.get(row.grantId);
  await ts.store.sessions.start(
    { ...row, userId: grant!.userId, targetId: grant!.targetId },
    sessionStartEvent(ref),
    'user:alice',
  );
  const end = { endedAt: startedAt + 1000, reason: 'closed' as const, exitStatus: 0 };
  await ts.store.sessions.end(
    id,
    { ...end, bytes: seal.bytes, sha256: seal.sha256 },
    sessionEndEvent(ref),
    'user:alice',
  );
  return { id, path: join(dir, ...seal.relativePath.split('/')) };
}

describe('indexing recordings the index lacks', () => {
  it('indexes the newest first, at most a batch at a time, and a missing file once as incomplete', async () => {
    const { ndaA } = await seed(ts.store);
    const grant = await ts.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const dir = await tempDir('gh-index-');
    const old = await recorded(dir, grant.id, 1, 'word-old');
    const mid = await recorded(dir, grant.id, 2, 'word-mid');
    const gone = await recorded(dir, grant.id, 3, 'word-gone');
    await rm(gone.path);
    const deps = { store: ts.store, recordingsDir: dir, clock: ts.clock, logger: silentLogger() };
    const found = async (word: string) =>
      (await ts.store.recordingText.candidates(word, 5, 10)).map((c) => c.session.id);

    expect((await ts.store.recordingText.unindexed(10)).map((s) => s.id)).toEqual([
      gone.id,
      mid.id,
      old.id,
    ]);
    expect(await indexUnindexed(deps, 2)).toBe(2);
    expect(await found('word-mid')).toEqual([mid.id]);
    expect(await found('word-old')).toEqual([]);
    expect(await ts.store.recordingText.incomplete()).toBe(1);
    expect(await indexUnindexed(deps, 2)).toBe(1);
    expect(await found('WORD-OLD')).toEqual([old.id]);
    expect(await indexUnindexed(deps, 2)).toBe(0);
  });
});

describe('the index of one recording', () => {
  it('holds a long text in several writes, and indexing again replaces it', async () => {
    const { ndaA } = await seed(ts.store);
    const grant = await ts.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const { id } = await recorded(await tempDir('gh-index-'), grant.id, 1, 'short');
    const chunk = (body: string) => ({ ownFrom: 0, times: [[0, 100]] as const, body });
    const chunks = Array.from({ length: 70 }, (_, i) => chunk(i === 65 ? 'late-word' : `c${i}`));
    await ts.store.recordingText.index(id, { chunks, chars: 9, complete: true }, T0);
    const late = await ts.store.recordingText.candidates('late-word', 5, 10);
    expect(late.map((c) => [c.session.id, c.body])).toEqual([[id, 'late-word']]);
    await ts.store.recordingText.index(
      id,
      { chunks: [chunk('new-word')], chars: 8, complete: true },
      T0,
    );
    expect(await ts.store.recordingText.candidates('late-word', 5, 10)).toEqual([]);
    expect(await ts.store.recordingText.candidates('new-word', 5, 10)).toHaveLength(1);
    expect(await ts.store.recordingText.unindexed(10)).toEqual([]);
  });
});

/** A thread file that dies when given the recording of `sessionId`, and is the real one otherwise. */
async function threadDyingOn(sessionId: SessionId): Promise<URL> {
  const real = new URL('../../dist/recording/searchable-text-thread.js', import.meta.url).href;
  const file = join(await tempDir('gh-crash-'), 'thread.mjs');
  await writeFile(
    file,
    `import { parentPort } from 'node:worker_threads';
import ${JSON.stringify(real)};
parentPort.on('message', (m) => { if (m.path.includes(${JSON.stringify(sessionId)})) process.exit(3); });\n`,
  );
  return pathToFileURL(file);
}

describe('the search text worker', () => {
  it('makes the same text as the relay thread would', async () => {
    const { ndaA } = await seed(ts.store);
    const grant = await ts.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const long = Array.from({ length: 3000 }, (_, i) => `line ${i} \u001b[1mbold\u001b[0m`);
    const { path } = await recorded(await tempDir('gh-index-'), grant.id, 1, long.join('\r\n'));
    const worker = new SearchableTextWorker();
    const text = await searchableText(path);
    expect(text.chunks.length).toBeGreaterThan(1);
    expect(await worker.textOf(path)).toEqual({ ok: true, text });
    expect(await worker.textOf(`${path}.missing`)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('ENOENT') as unknown,
    });
    await worker.stop();
  });

  it('refuses at once past its bound of recordings waiting, and takes more once they are done', async () => {
    const worker = new SearchableTextWorker();
    const missing = join(await tempDir('gh-index-'), 'none.cast');
    const asked = Array.from({ length: MAX_WAITING + 2 }, () => worker.textOf(missing));
    const results = await Promise.allSettled(asked);
    // One is with the worker, MAX_WAITING wait, the last is refused.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_WAITING + 1);
    expect(results.at(-1)).toMatchObject({
      status: 'rejected',
      reason: { message: `${MAX_WAITING} recordings already wait for the search text worker` },
    });
    expect(await worker.textOf(missing)).toMatchObject({ ok: false });
    await worker.stop();
  });

  it('survives a crash: that recording stays unindexed until the next start, the next one is indexed', async () => {
    const { ndaA } = await seed(ts.store);
    const grant = await ts.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
    const dir = await tempDir('gh-index-crash-');
    const deps = { store: ts.store, recordingsDir: dir, clock: ts.clock, logger: silentLogger() };
    const first = await recorded(dir, grant.id, 1, 'word-first');
    const second = await recorded(dir, grant.id, 2, 'word-second');
    const textWorker = new SearchableTextWorker(await threadDyingOn(first.id));
    const relative = (p: string) => relativePath(dir, p).split(sep).join('/');
    const [crashed, next] = await Promise.allSettled([
      indexRecording({ ...deps, textWorker }, first.id, relative(first.path)),
      indexRecording({ ...deps, textWorker }, second.id, relative(second.path)),
    ]);
    expect(crashed).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringMatching(/exited with code 3/) as unknown },
    });
    expect(next.status).toBe('fulfilled');
    const found = async (word: string) =>
      (await ts.store.recordingText.candidates(word, 5, 10)).map((c) => c.session.id);
    expect(await found('word-second')).toEqual([second.id]);
    expect((await ts.store.recordingText.unindexed(10)).map((s) => s.id)).toEqual([first.id]);
    expect(await indexUnindexed(deps, 10)).toBe(1); // the next start, with the real worker
    expect(await found('word-first')).toEqual([first.id]);
    await textWorker.stop();
  });
});
