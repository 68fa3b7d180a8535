/**
 * Webhook notifications while `gatehouse serve` runs (issue 14, docs/notifications.md). Every
 * poll it queues the notifiable events written since the last look (by this process or by the
 * CLI: the cursor and the outbox are in the store, so a restart loses nothing), then hands due
 * messages to at most `concurrency` deliveries at a time. Nothing waits for it: logins and
 * commands only write their audit events.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { errorMessage, oneLine } from '../core/errors.js';
import type {
  NewNotification,
  Notification,
  NotifiedEvent,
  NotifyWebhook,
} from '../core/notification.js';
import { isNotifiableEvent, isSentAsNotification } from '../core/notification.js';
import { notificationBody } from '../core/notification-message.js';
import {
  afterFailure,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from '../core/notification-retry.js';
import type { Store } from '../core/ports.js';
import { webhookOrigin } from '../core/webhook-url.js';
import type { Logger } from '../logging/logger.js';
import { webhookKey } from './signature.js';
import { postNotification } from './webhook-post.js';

export type DeliveryResult = 'delivered' | 'retried' | 'failed';

export interface NotifierDeps {
  readonly store: Pick<Store, 'notifications'>;
  /** The webhooks as configured now (a SIGHUP reload changes them for events queued after it). */
  readonly webhooks: () => readonly NotifyWebhook[];
  /** `web.publicUrl`: links in messages. */
  readonly publicUrl: string | null;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Each attempt's outcome (the metrics count them). */
  readonly onResult: (result: DeliveryResult) => void;
  readonly pollMs?: number;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
}

/** Events read per transaction, and pages per poll. */
const PAGE = 200;
const PAGES_PER_POLL = 10;
/** Delivered and failed rows are kept this long, then deleted. */
const KEEP_FINISHED_MS = 7 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

const problemOf = (e: unknown): string => oneLine(errorMessage(e), 300);

export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #stopping = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #turn: Promise<void> = Promise.resolve();
  /** A poll is waiting for its turn: another request for one adds nothing. */
  #pollQueued = false;
  #pending = 0;
  #prunedAt = 0;

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
    this.#retry = deps.retry ?? DEFAULT_RETRY_POLICY;
    this.#timeoutMs = deps.timeoutMs ?? 10_000;
    this.#concurrency = deps.concurrency ?? 4;
  }

  /** Messages queued and not yet delivered or failed, as of the last poll. */
  get pending(): number {
    return this.#pending;
  }

  start(): void {
    this.#timer = setInterval(() => this.#poll(), this.#deps.pollMs ?? 1000);
    this.#timer.unref();
    this.#poll();
  }

  /** Aborts the deliveries under way (they stay queued, due at once) and waits for them; again: waits. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopping.abort();
    await this.#turn;
    await Promise.all(this.#inFlight);
  }

  /** One poll at a time, in order. */
  #poll(): void {
    if (this.#stopping.signal.aborted || this.#pollQueued) return;
    this.#pollQueued = true;
    this.#turn = this.#turn.then(() => {
      this.#pollQueued = false;
      return this.#once();
    });
  }

  async #once(): Promise<void> {
    const { store, clock, logger } = this.#deps;
    try {
      const hooks = this.#deps.webhooks();
      for (let page = 0; page < PAGES_PER_POLL; page++) {
        const { more } = await store.notifications.enqueue(PAGE, (e) => this.#plan(hooks, e));
        if (!more) break;
      }
      const free = this.#concurrency - this.#inFlight.size;
      const now = clock.now();
      if (free > 0 && !this.#stopping.signal.aborted) {
        const lease = now + this.#timeoutMs + 60_000;
        for (const message of await store.notifications.claim(now, free, lease))
          this.#track(this.#deliver(message));
      }
      if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
        await store.notifications.prune(now - KEEP_FINISHED_MS);
        this.#prunedAt = now;
      }
      this.#pending = await store.notifications.pending();
    } catch (e) {
      logger.error({ problem: problemOf(e) }, 'notification outbox not read');
    }
  }

  /** The outbox rows of one event: one per webhook that asked for its type. */
  #plan(hooks: readonly NotifyWebhook[], event: NotifiedEvent): NewNotification[] {
    const type = event.record.type;
    if (!isNotifiableEvent(type) || !isSentAsNotification(event.record)) return [];
    return hooks
      .filter((hook) => hook.events.includes(type))
      .map((hook) => {
        const deliveryId = randomUUID();
        return {
          deliveryId,
          webhook: webhookKey(hook),
          event: type,
          seq: event.record.seq,
          body: notificationBody(type, event, {
            format: hook.format,
            deliveryId,
            publicUrl: this.#deps.publicUrl,
          }),
        };
      });
  }

  #track(delivery: Promise<void>): void {
    this.#inFlight.add(delivery);
    void delivery.then(() => {
      this.#inFlight.delete(delivery);
      this.#poll(); // a slot is free: take the next due message now
    });
  }

  async #deliver(message: Notification): Promise<void> {
    const { store, clock, logger, onResult } = this.#deps;
    const hook = this.#deps.webhooks().find((h) => webhookKey(h) === message.webhook);
    const fields = { event: message.event, seq: message.seq, attempt: message.attempts };
    try {
      if (hook === undefined) {
        await store.notifications.failed(message.id, clock.now(), 'webhook no longer configured');
        logger.warn(fields, 'notification dropped: its webhook is no longer configured');
        return onResult('failed');
      }
      const at = { ...fields, webhook: webhookOrigin(hook.url) };
      const problem = await postNotification(hook, message, {
        timeoutMs: this.#timeoutMs,
        signal: this.#stopping.signal,
        timestamp: Math.floor(clock.now() / 1000),
      });
      const now = clock.now();
      if (problem === null) {
        await store.notifications.delivered(message.id, now);
        logger.debug(at, 'notification delivered');
        return onResult('delivered');
      }
      if (this.#stopping.signal.aborted) {
        await store.notifications.retryAt(message.id, now, problem);
        return;
      }
      const next = afterFailure(message, now, this.#retry, Math.random());
      if (next.retry) {
        await store.notifications.retryAt(message.id, next.at, problem);
        logger.warn({ ...at, problem, retryAt: next.at }, 'notification not delivered; will retry');
        return onResult('retried');
      }
      await store.notifications.failed(message.id, now, problem);
      logger.error({ ...at, problem, gaveUp: next.why }, 'notification not delivered; gave up');
      onResult('failed');
    } catch (e) {
      logger.error({ ...fields, problem: problemOf(e) }, 'notification outbox not updated');
    }
  }
}
