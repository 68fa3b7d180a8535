import type { Readable, Writable } from 'node:stream';

/**
 * Moves one readable's chunks to one writable, like pipe(), but with named holds: the source is
 * paused while any hold is set — `dst` (the writable's buffer is full until 'drain') or `tap`
 * (the recorder is backed up) — and resumed when the last one is released. pipe() cannot do
 * this: its drain handler resumes the source even when someone else paused it. At most one chunk
 * is passed on after a hold is set, so nothing is buffered without bound.
 */
export interface FlowPump {
  hold(reason: 'tap'): void;
  release(reason: 'tap'): void;
  /**
   * Stops passing data on (the source is left flowing so ssh2 can drain and close it); called
   * from onChunk, the chunk onChunk saw is not passed on either.
   */
  stop(): void;
}

export function startPump(
  src: Readable,
  dst: Writable,
  onChunk: (data: Buffer) => void,
  options: { readonly endDst: boolean },
): FlowPump {
  const holds = new Set<'dst' | 'tap'>();
  let stopped = false;

  const apply = (): void => {
    if (stopped) return;
    if (holds.size > 0) src.pause();
    else src.resume();
  };
  const set = (reason: 'dst' | 'tap', on: boolean): void => {
    if (on === holds.has(reason)) return;
    if (on) holds.add(reason);
    else holds.delete(reason);
    apply();
  };
  const onDrain = (): void => set('dst', false);
  const onData = (data: Buffer): void => {
    if (stopped) return;
    onChunk(data);
    // onChunk may have stopped it: the recording that refused this chunk ended the session.
    if (stopped || dst.writableEnded || dst.destroyed) return;
    if (!dst.write(data)) set('dst', true);
  };
  const onEnd = (): void => {
    if (!stopped && options.endDst && !dst.writableEnded && !dst.destroyed) dst.end();
  };
  // A closed destination never drains: release its hold so the source can end.
  const onDstClose = (): void => set('dst', false);

  dst.on('drain', onDrain);
  dst.once('close', onDstClose);
  src.on('data', onData);
  src.once('end', onEnd);
  // As pipe() does: a source paused earlier (e.g. by the target menu's line reader) must flow.
  src.resume();

  return {
    hold: (reason) => set(reason, true),
    release: (reason) => set(reason, false),
    stop: () => {
      if (stopped) return;
      stopped = true;
      dst.removeListener('drain', onDrain);
      dst.removeListener('close', onDstClose);
      src.removeListener('end', onEnd);
      holds.clear();
      src.resume();
    },
  };
}
