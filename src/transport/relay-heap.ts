/**
 * Garbage-collector settings for the serve process (the relay), from the bench's bulk download
 * (`node dist/bench/run.js --only-download`, 2 cores, ssh client and sshd on the same machine):
 *
 * - V8 marks the old generation on helper threads by default. During a download it restarted
 *   about five times a second (below) and the helpers used as much CPU as the relay itself,
 *   competing with it for the cores: 8.9 ms CPU per MiB in all. Marked on the main thread, in
 *   small steps between packets: 5.0 ms.
 * - Each packet's ArrayBuffers count against the old generation's limit, which V8 sets after each
 *   full collection at about 1.4 × the live heap (some 23 MB here), so that limit was reached
 *   every 200 ms although almost nothing lived on. At 4 × the live heap, full collections stop
 *   during a download; an idle server is still shrunk by V8's memory reducer.
 *
 * Only for `serve`: the CLI's short commands keep V8's defaults.
 */
import { setFlagsFromString } from 'node:v8';

const RELAY_HEAP_FLAGS = ['--no-concurrent-marking', '--heap-growing-percent=300'] as const;

export function tuneHeapForRelay(): void {
  for (const flag of RELAY_HEAP_FLAGS) setFlagsFromString(flag);
}
