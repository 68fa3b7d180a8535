/**
 * Recording overhead: MB/s of printable output pushed through SessionRecorder.output() in 16 KiB
 * chunks, the way the relay does (one chunk per event-loop turn, pausing when output() returns
 * false until 'drain'), measured on the built code.
 *
 *   npm run build && npx vite-node bench/recorder-throughput.ts [totalMiB] [lines|base64]
 *
 * `lines` (the default): 80-column lines of printable text; `base64`: one long line in 32 KiB
 * chunks, as the download bench sends (no character that needs a JSON escape).
 *
 * Prints the synchronous cost of output() (what the relay pays per chunk) and the end-to-end
 * rate until close() has fsynced the file. The recording goes to a temp dir that is removed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { mainThreadCpuTicks, TICKS_PER_SECOND } from './lib/proc.js';

type RecorderModule = typeof import('../src/recording/recorder.js');

const kind = process.argv[3] === 'base64' ? 'base64' : 'lines';
const CHUNK = kind === 'base64' ? 32 * 1024 : 16 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);

async function main(): Promise<void> {
  // The built JavaScript, not the TypeScript sources.
  const built = new URL('../dist/recording/recorder.js', import.meta.url).href;
  const { openRecording } = (await import(built)) as RecorderModule;

  const printable =
    kind === 'base64'
      ? Buffer.from(randomBytes((CHUNK / 4) * 3).toString('base64'))
      : Buffer.alloc(CHUNK);
  if (kind === 'lines')
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
    const cpu0 = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    const main0 = await mainThreadCpuTicks(process.pid);
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
    const cpu = process.cpuUsage(cpu0);
    const processMs = (cpu.user + cpu.system) / 1000;
    const mainMs = ((await mainThreadCpuTicks(process.pid)) - main0) * (1000 / TICKS_PER_SECOND);
    const faults = process.resourceUsage().minorPageFault - faults0;
    const mib = (chunks * CHUNK) / (1024 * 1024);
    console.log(
      `input            ${mib.toFixed(0)} MiB in ${chunks} chunks of ${CHUNK / 1024} KiB (${kind})`,
    );
    console.log(
      `output() only    ${(mib / (syncMs / 1000)).toFixed(0)} MiB/s  (${((syncMs * 1000) / chunks).toFixed(1)} µs per chunk)`,
    );
    console.log(
      `end to end       ${(mib / (wallMs / 1000)).toFixed(0)} MiB/s  (queue, batched writes, fsync, close)`,
    );
    console.log(
      `CPU per MiB      ${(processMs / mib).toFixed(2)} ms process, ${(mainMs / mib).toFixed(2)} ms main thread, ${(faults / mib).toFixed(0)} page faults`,
    );
    console.log(
      `file             ${(seal.bytes / (1024 * 1024)).toFixed(0)} MiB, ${seal.events} events${failures.length ? `, FAILURES: ${failures.join(',')}` : ''}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
