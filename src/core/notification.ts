/**
 * Notifications (issue 14): which audit events can be sent to webhooks, and the outbox entries
 * they become. The store fills the outbox from the audit chain (NotificationRepository in
 * ports.ts); notify/ delivers it.
 */
import type { AuditRecord, EpochMs, GrantId, RequestId, SessionId } from './model.js';

/** The audit event types a webhook may ask for (its `events`; all of them by default). */
export const NOTIFIABLE_EVENTS = [
  'request.created',
  'request.approved',
  'request.denied',
  'request.expired',
  'request.cancelled',
  'grant.create',
  'grant.extend',
  'grant.revoke',
  'session.kill',
  'session.flagged',
] as const;

export type NotifiableEvent = (typeof NOTIFIABLE_EVENTS)[number];

export const isNotifiableEvent = (type: string): type is NotifiableEvent =>
  (NOTIFIABLE_EVENTS as readonly string[]).includes(type);

/** A `flag` rule's `session.flagged` is kept for review, not sent; `notify` and `end` rules' are. */
export const isSentAsNotification = (record: AuditRecord): boolean =>
  isNotifiableEvent(record.type) &&
  !(record.type === 'session.flagged' && record.payload['action'] === 'flag');

export type NotifyFormat = 'slack' | 'json';

/** One entry of config `notify.webhooks` (config/notify-schema.ts). */
export interface NotifyWebhook {
  readonly url: string;
  readonly format: NotifyFormat;
  readonly events: readonly NotifiableEvent[];
  /** Signs each message; required for `json`. Never logged. */
  readonly secret: string | null;
}

/**
 * What an event is about, looked up by the store when the event is queued (the payloads of
 * request.approved, grant.revoke or session.kill name only an id). Null when unknown.
 */
export interface EventSubject {
  readonly user: string | null;
  readonly target: string | null;
  /** The request the event is about, or the request the grant was made from. */
  readonly requestId: RequestId | null;
  readonly grantId: GrantId | null;
  readonly sessionId: SessionId | null;
}

export interface NotifiedEvent {
  readonly record: AuditRecord;
  readonly subject: EventSubject;
}

/** One message for one webhook, as queued. */
export interface NewNotification {
  /** Sent as `X-Gatehouse-Delivery` (and `id` in JSON): the same on every retry. */
  readonly deliveryId: string;
  /** Which configured webhook (notify/signature.ts webhookKey); not the URL, which may hold a token. */
  readonly webhook: string;
  readonly event: NotifiableEvent;
  readonly seq: number;
  readonly body: string;
}

/** A queued message as the deliverer sees it. */
export interface Notification extends NewNotification {
  readonly id: number;
  /** Attempts so far, the one being made included. */
  readonly attempts: number;
  readonly createdAt: EpochMs;
}
