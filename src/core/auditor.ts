/**
 * The Auditor port: how the ssh side and the review page write audit events, and what a failed
 * write means for the action it records. src/adapters/store-auditor.ts implements it on the Store
 * port.
 */
import type { AuditEvent, AuditEventType } from './audit-events.js';
import type { Actor } from './ports.js';

/**
 * `refuse`: the action is not done without its event (the write rejects, the caller refuses or
 * fails). `log`: the action goes on; the failed write is logged (`audit write failed`).
 */
export type AuditWriteFailure = 'refuse' | 'log';

/**
 * Who writes an event (the `actor` column): `admin` (a CLI command, `os:…`, core/admin-actor.ts),
 * `user` (`user:<name>`, an ssh user; `ssh:unknown` before a login name parsed), `reviewer`
 * (`reviewer:<name>`, a reviewer logged in to the web review page), `visitor` (`web:unknown`, a
 * client of the review page that has not logged in: what it typed is in the payload, bounded),
 * `gatehouse` (the service itself).
 */
export type AuditActorKind = 'admin' | 'user' | 'reviewer' | 'visitor' | 'gatehouse';

export interface AuditEventRule {
  readonly actors: readonly AuditActorKind[];
  readonly onWriteFailure: AuditWriteFailure;
}

const admin = { actors: ['admin'], onWriteFailure: 'refuse' } as const;

/**
 * Per event type. Admin actions are written in the transaction of their change, so a failed
 * write undoes the change. A refused login, channel or warning, and the recording's own events,
 * must not depend on the store being writable: they are logged.
 */
export const auditEventRules = {
  'user.create': admin,
  'user.disable': admin,
  'user.enable': admin,
  'user.key.add': admin,
  'user.key.remove': admin,
  'nda.create': admin,
  'nda.revoke': admin,
  'target.create': admin,
  'target.remove': admin,
  'target.pin': admin,
  'target.set': admin,
  'target.checklist': admin,
  // An approval on the review page or by an auto-approving rule creates or extends grants too.
  'grant.create': { actors: ['admin', 'reviewer', 'gatehouse'], onWriteFailure: 'refuse' },
  'grant.revoke': admin,
  'grant.extend': { actors: ['admin', 'reviewer', 'gatehouse'], onWriteFailure: 'refuse' },
  'request.created': { actors: ['user'], onWriteFailure: 'refuse' },
  'request.approved': { actors: ['admin', 'reviewer', 'gatehouse'], onWriteFailure: 'refuse' },
  'request.denied': { actors: ['admin', 'reviewer'], onWriteFailure: 'refuse' },
  'request.cancelled': { actors: ['user'], onWriteFailure: 'refuse' },
  'request.expired': { actors: ['gatehouse'], onWriteFailure: 'refuse' },
  // Like a refused channel: the refusal stands whether or not the store can write it.
  'request.refused': { actors: ['user'], onWriteFailure: 'log' },
  'reviewer.create': admin,
  'reviewer.link.create': admin,
  'reviewer.set': admin,
  'reviewer.disable': admin,
  'reviewer.enable': admin,
  'reviewer.password.reset': admin,
  'reviewer.remove': admin,
  'auth.success': { actors: ['user'], onWriteFailure: 'refuse' },
  'auth.failure': { actors: ['user'], onWriteFailure: 'log' },
  'auth.failure.aggregate': { actors: ['gatehouse'], onWriteFailure: 'log' },
  'nda.acknowledge': { actors: ['user'], onWriteFailure: 'refuse' },
  'session.start': { actors: ['user'], onWriteFailure: 'refuse' },
  'session.end': { actors: ['user', 'gatehouse'], onWriteFailure: 'refuse' },
  'session.kill': { actors: ['admin', 'reviewer'], onWriteFailure: 'refuse' },
  'session.warning': { actors: ['gatehouse'], onWriteFailure: 'log' },
  // The marker in the recording stands, and a refused command stays refused, whether written or not.
  'session.flagged': { actors: ['gatehouse'], onWriteFailure: 'log' },
  // Written at close, after the bytes moved; the session's transfer log holds it as well.
  'transfer.file': { actors: ['user'], onWriteFailure: 'log' },
  // Written before the request goes to the target: not written, not done.
  'transfer.change': { actors: ['user'], onWriteFailure: 'refuse' },
  'transfer.denied': { actors: ['user'], onWriteFailure: 'log' },
  'connection.end': { actors: ['gatehouse'], onWriteFailure: 'log' },
  'exec.allowed': { actors: ['user'], onWriteFailure: 'refuse' },
  'exec.denied': { actors: ['user'], onWriteFailure: 'refuse' },
  'channel.denied': { actors: ['user'], onWriteFailure: 'log' },
  'hostkey.mismatch': { actors: ['user'], onWriteFailure: 'refuse' },
  'recording.sealed': { actors: ['user', 'gatehouse'], onWriteFailure: 'log' },
  'recording.failure': { actors: ['user', 'gatehouse'], onWriteFailure: 'log' },
  // Written before the files go, in the transaction that marks the row: no event, no removal.
  'recording.pruned': { actors: ['admin', 'gatehouse'], onWriteFailure: 'refuse' },
  'recording.hold': admin,
  'recording.release': admin,
  'review.view': { actors: ['reviewer', 'admin'], onWriteFailure: 'refuse' },
  // Written with the session row (login) or its deletion (logout), in one transaction.
  'reviewer.login': { actors: ['reviewer'], onWriteFailure: 'refuse' },
  'reviewer.login.failure': { actors: ['visitor'], onWriteFailure: 'log' },
  'reviewer.logout': { actors: ['reviewer'], onWriteFailure: 'refuse' },
  'checkpoint.sink.failure': { actors: ['gatehouse', 'admin'], onWriteFailure: 'log' },
  'bastion.hostkey.rotate': admin,
  'evidence.export': admin,
} as const satisfies { readonly [T in AuditEventType]: AuditEventRule };

/** Every event type, in the order of the generated reference. */
export const auditEventTypes = Object.keys(auditEventRules) as readonly AuditEventType[];

export const onWriteFailure = (type: AuditEventType): AuditWriteFailure =>
  auditEventRules[type].onWriteFailure;

export interface Auditor {
  /**
   * Writes one event. When the write fails: rejects for a `refuse` event; logs and resolves for
   * a `log` event (see auditEventRules).
   */
  record(event: AuditEvent, actor: Actor): Promise<void>;
}
