/** session.start / session.end events for tests that write session rows directly. */
import { auditEvents, type AuditEventOf } from '../../src/core/audit-events.js';
import type { SessionRef } from '../../src/core/audit-payloads.js';
import type { SessionEndReason } from '../../src/core/model.js';

/** sessionId and grantId; user and target default to alice and db1. */
export type SessionNames = Pick<SessionRef, 'sessionId' | 'grantId'> & Partial<SessionRef>;

export const sessionStartEvent = (ref: SessionNames): AuditEventOf<'session.start'> =>
  auditEvents.sessionStart({
    user: 'alice',
    target: 'db1',
    ...ref,
    kind: 'shell',
    command: null,
    pty: false,
    remoteAddr: '127.0.0.1',
  });

export const sessionEndEvent = (
  ref: SessionNames,
  reason: SessionEndReason = 'closed',
): AuditEventOf<'session.end'> =>
  auditEvents.sessionEnd({
    user: 'alice',
    target: 'db1',
    ...ref,
    reason,
    exitStatus: null,
    bytesIn: null,
    bytesOut: null,
    stdin: null,
  });
