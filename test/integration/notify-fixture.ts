/**
 * Shared by the notification tests: gatehouse in-process with `notify.webhooks` pointing at real
 * local receivers, short notifier timings, and what a receiver got.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { StartOptions } from '../../src/main.js';
import type { Logger } from '../../src/logging/logger.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/webhook-receiver.js';

export const SECRET = 'test-secret-0123456789';

/** Short enough for a test: a poll every 100 ms, retries after 0.2–0.8 s, three attempts. */
export const FAST: NonNullable<StartOptions['notify']> = {
  pollMs: 100,
  retry: { firstDelayMs: 400, maxDelayMs: 800, maxAttempts: 3, maxAgeMs: 60_000 },
  timeoutMs: 5000,
};

export interface Hook {
  readonly url: string;
  readonly format: 'slack' | 'json';
  readonly events?: readonly string[];
}

/** The `web:` (listening, for /metrics) and `notify:` sections of a config file. */
export function notifyYaml(hooks: readonly Hook[], publicUrl: string | null = null): string {
  return [
    'web:',
    '  listen: 127.0.0.1:0',
    ...(publicUrl === null ? [] : [`  publicUrl: ${publicUrl}`]),
    'notify:',
    '  webhooks:',
    ...hooks.flatMap((h) => [
      `    - url: ${h.url}`,
      `      format: ${h.format}`,
      `      secret: ${SECRET}`,
      ...(h.events === undefined ? [] : [`      events: [${h.events.join(', ')}]`]),
    ]),
  ].join('\n');
}

export interface NotifyFixture {
  /** A receiver, closed after the test. */
  receiver(path?: string): Promise<Receiver>;
  /** gatehouse with these extra config sections, stopped after the test. */
  bastion(
    extraConfig: string,
    notify?: NonNullable<StartOptions['notify']>,
    logger?: Logger,
  ): Promise<BastionFixture>;
  /** Runs `fn` after the test (last registered, first run). */
  after(fn: () => Promise<void>): void;
}

/** Registers the hooks: one sshd for the file, receivers and bastions per test. */
export function useNotifyFixture(): NotifyFixture {
  let sshd: SshdTarget | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    async receiver(path = '/hooks/gatehouse') {
      const r = await startReceiver(path);
      cleanups.push(() => r.close());
      return r;
    },
    async bastion(extraConfig, notify = FAST, logger) {
      const b = await startBastion({
        ...(sshd === undefined ? {} : { sshd }),
        ...(logger === undefined ? {} : { logger }),
        extraConfig,
        start: { notify },
      });
      cleanups.push(() => b.stop());
      return b;
    },
    after: (fn) => void cleanups.push(fn),
  };
}

export const header = (r: ReceivedRequest, name: string): string => String(r.headers[name] ?? '');
export const events = (rs: readonly ReceivedRequest[]): string[] =>
  rs.map((r) => header(r, 'x-gatehouse-event'));

/** Waits until the receiver has exactly `n` requests that `match` (fails on more or fewer). */
export async function received(
  hook: Receiver,
  n: number,
  match: (r: ReceivedRequest) => boolean = () => true,
  ms = 15_000,
): Promise<ReceivedRequest[]> {
  const found = await eventually(
    async () => hook.requests.filter(match),
    (rs) => rs.length >= n,
    ms,
  );
  expect(found.length, `requests received: ${JSON.stringify(events(hook.requests))}`).toBe(n);
  return found;
}

export const delivered = (r: ReceivedRequest): boolean => r.status !== null && r.status < 300;

/** One sample of /metrics on the review listener, e.g. `gatehouse_notifications_total{result="failed"}`. */
export async function metric(b: BastionFixture, series: string): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${b.running.web?.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}
