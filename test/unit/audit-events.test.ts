import { describe, expect, it } from 'vitest';
import { auditEvents, type AuditEventType } from '../../src/core/audit-events.js';
import {
  auditEventRules,
  auditEventTypes,
  onWriteFailure,
  type AuditWriteFailure,
} from '../../src/core/auditor.js';
import { sampleAuditEvents } from '../helpers/audit-event-samples.js';

const camelCase = (type: string): string =>
  type.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());

describe('auditEvents', () => {
  it('has exactly one constructor per event type, named after it', () => {
    expect(Object.keys(auditEvents).sort()).toEqual(auditEventTypes.map(camelCase).sort());
  });

  it.each(auditEventTypes)(
    '%s: the constructor tags its payload with the type and keeps it as given',
    (type) => {
      const sample = sampleAuditEvents[type];
      const build = (auditEvents as unknown as Record<string, (payload: unknown) => unknown>)[
        camelCase(type)
      ];
      expect(build?.(sample.payload)).toEqual({ type, payload: sample.payload });
      expect(sample.type).toBe(type);
    },
  );

  it('spells ids one way: no payload key is a bare id name', () => {
    const legacy = ['session', 'grant', 'nda', 'grants', 'sessions'];
    for (const type of auditEventTypes) {
      expect(
        Object.keys(sampleAuditEvents[type].payload).filter((k) => legacy.includes(k)),
        type,
      ).toEqual([]);
    }
  });
});

describe('auditEventRules', () => {
  // What a failed write meant at each call site before the Auditor (awaited and thrown, or .catch(log)).
  const expected: Readonly<Record<AuditEventType, AuditWriteFailure>> = {
    'user.create': 'refuse',
    'user.disable': 'refuse',
    'user.enable': 'refuse',
    'user.key.add': 'refuse',
    'user.key.remove': 'refuse',
    'nda.create': 'refuse',
    'nda.revoke': 'refuse',
    'target.create': 'refuse',
    'target.remove': 'refuse',
    'target.pin': 'refuse',
    'target.set': 'refuse',
    'target.checklist': 'refuse',
    'grant.create': 'refuse',
    'grant.revoke': 'refuse',
    'grant.extend': 'refuse',
    'request.created': 'refuse',
    'request.approved': 'refuse',
    'request.denied': 'refuse',
    'request.cancelled': 'refuse',
    'request.expired': 'refuse',
    'request.refused': 'log',
    'reviewer.create': 'refuse',
    'auth.success': 'refuse',
    'auth.failure': 'log',
    'auth.failure.aggregate': 'log',
    'nda.acknowledge': 'refuse',
    'session.start': 'refuse',
    'session.end': 'refuse',
    'session.kill': 'refuse',
    'session.warning': 'log',
    'session.flagged': 'log',
    'transfer.file': 'log',
    'transfer.change': 'refuse',
    'transfer.denied': 'log',
    'connection.end': 'log',
    'exec.allowed': 'refuse',
    'exec.denied': 'refuse',
    'channel.denied': 'log',
    'hostkey.mismatch': 'refuse',
    'recording.sealed': 'log',
    'recording.failure': 'log',
    'recording.pruned': 'refuse',
    'recording.hold': 'refuse',
    'recording.release': 'refuse',
    'review.view': 'refuse',
    'reviewer.link.create': 'refuse',
    'reviewer.set': 'refuse',
    'reviewer.disable': 'refuse',
    'reviewer.enable': 'refuse',
    'reviewer.password.reset': 'refuse',
    'reviewer.remove': 'refuse',
    'reviewer.login': 'refuse',
    'reviewer.login.failure': 'log',
    'reviewer.logout': 'refuse',
    'checkpoint.sink.failure': 'log',
    'bastion.hostkey.rotate': 'refuse',
    'evidence.export': 'refuse',
  };

  it.each(Object.entries(expected))('%s: a failed write means %s', (type, failure) => {
    expect(onWriteFailure(type as AuditEventType)).toBe(failure);
  });

  it('names who writes each type', () => {
    for (const type of auditEventTypes)
      expect(auditEventRules[type].actors.length, type).toBeGreaterThan(0);
    expect(auditEventRules['session.warning'].actors).toEqual(['gatehouse']);
    expect(auditEventRules['review.view'].actors).toEqual(['reviewer', 'admin']);
    // An admin on the CLI, or an approver on the session's page.
    expect(auditEventRules['session.kill'].actors).toEqual(['admin', 'reviewer']);
    // `recording prune` on the CLI, or serve's daily prune.
    expect(auditEventRules['recording.pruned'].actors).toEqual(['admin', 'gatehouse']);
    // `web:unknown`: nobody has logged in yet.
    expect(auditEventRules['reviewer.login.failure'].actors).toEqual(['visitor']);
  });
});
