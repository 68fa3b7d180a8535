/**
 * The webhook sink (`audit.checkpointSink.webhook`): each checkpoint is POSTed as JSON; any 2xx
 * counts. A failed attempt is retried with doubling backoff; the caller never waits for it.
 */
import { errorMessage } from '../core/errors.js';
import { webhookOrigin, withoutCredentials } from '../core/webhook-url.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { checkpointJson } from './checkpoint-sink.js';

export interface WebhookOptions {
  readonly attempts?: number;
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
}

export function webhookSink(url: string, options: WebhookOptions = {}): CheckpointSink {
  const attempts = options.attempts ?? 6;
  const firstDelayMs = options.firstDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const closing = new AbortController();
  const { target, auth } = withoutCredentials(url);

  const post = async (body: string): Promise<void> => {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body,
      redirect: 'error',
      signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
    });
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        closing.signal.removeEventListener('abort', done);
        resolve();
      }
      closing.signal.addEventListener('abort', done);
    });

  return {
    name: 'webhook',
    deliver: async (cp) => {
      const body = checkpointJson(cp);
      let problem = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          await post(body);
          return;
        } catch (e) {
          const cause = (e as { cause?: { code?: string } }).cause?.code;
          problem = closing.signal.aborted
            ? 'gatehouse stopped before it was delivered'
            : (cause ?? errorMessage(e));
        }
        if (closing.signal.aborted || attempt === attempts) break;
        await pause(Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1)));
      }
      throw new Error(`POST to ${webhookOrigin(url)} failed: ${problem}`);
    },
    close: () => closing.abort(),
  };
}
