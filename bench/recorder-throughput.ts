/**
 * Recording overhead: MB/s of printable output pushed through SessionRecorder.output() in 16 KiB
 * chunks, the way the relay does (one chunk per event-loop turn, pausing when output() returns
 * false until 'drain'), measured on the built code.
 *
 *   npm run build && npx vite-node bench/recorder-throughput.ts [totalMiB]
 *
 * Prints the synchronous cost of output() (what the relay pays per chunk) and the end-to-end
 * rate until close() has fsynced the file. The recording goes to a temp dir that is removed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

type RecorderModule = typeof import('../src/recording/recorder.js');

const CHUNK = 16 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);

async function main(): Promise<void> {
  // The built JavaScript, not the TypeScript sources.
  const built = new URL('../dist/recording/recorder.js', import.meta.url).href;
  const { openRecording } = (await import(built)) as RecorderModule;

  const printable = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i++) printable[i] = i % 80 === 79 ? 0x0a : 0x20 + (i % 95);
  const chunks = Math.round((totalMiB * 1024 * 1024) / CHUNK);

  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  try {
    const failures: string[] = [];
    const rec = await openRecording({
      dir,
      sessionId: randomUUID(),
      startedAt: Date.now(),
      width: 80,
      height: 24,
      title: 'bench',
      captureInput: false,
      mode: 'best_effort',
      clock: { now: () => Date.now() },
      onFailure: (f) => failures.push(f.reason),
    });
    let syncMs = 0;
    const start = performance.now();
    for (let i = 0; i < chunks; i++) {
      const t = performance.now();
      const more = rec.output(printable);
      syncMs += performance.now() - t;
      // Flow control, as the relay does: pause the source until the recorder has drained.
      if (more) await nextTurn();
      else await new Promise<void>((resolve) => rec.on('drain', resolve));
    }
    const seal = await rec.close();
    const wallMs = performance.now() - start;
    const mib = (chunks * CHUNK) / (1024 * 1024);
    console.log(`input            ${mib.toFixed(0)} MiB in ${chunks} chunks of 16 KiB`);
    console.log(
      `output() only    ${(mib / (syncMs / 1000)).toFixed(0)} MiB/s  (${((syncMs * 1000) / chunks).toFixed(1)} µs per chunk)`,
    );
    console.log(
      `end to end       ${(mib / (wallMs / 1000)).toFixed(0)} MiB/s  (queue, batched writes, fsync, close)`,
    );
    console.log(
      `file             ${(seal.bytes / (1024 * 1024)).toFixed(0)} MiB, ${seal.events} events${failures.length ? `, FAILURES: ${failures.join(',')}` : ''}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
