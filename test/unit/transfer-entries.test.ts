import { describe, expect, it } from 'vitest';
import { auditEventTypes } from '../../src/core/auditor.js';
import {
  isTransferEvent,
  isTransferSession,
  TRANSFER_EVENT_TYPES,
  transferEntryOf,
} from '../../src/core/transfer-entries.js';
import { sampleAuditEvents } from '../helpers/audit-event-samples.js';
import { T0 } from './core-fixtures.js';

describe('transfer log entries', () => {
  it('is an entry for exactly the three transfer events', () => {
    const transfer = auditEventTypes.filter((t) => isTransferEvent(sampleAuditEvents[t]));
    expect(transfer).toEqual([...TRANSFER_EVENT_TYPES]);
  });

  it('makes each entry from its event, at its seq and time', () => {
    expect(transferEntryOf(sampleAuditEvents['transfer.file'], 7, T0)).toEqual({
      seq: 7,
      ts: T0,
      kind: 'file',
      direction: 'download',
      path: '/var/log/syslog',
      bytes: 1048576,
      sha256: 'cd'.repeat(32),
    });
    expect(transferEntryOf(sampleAuditEvents['transfer.change'], 8, T0 + 1)).toEqual({
      seq: 8,
      ts: T0 + 1,
      kind: 'change',
      op: 'rename',
      path: '/tmp/patch.tar.part',
      to: '/tmp/patch.tar',
    });
    expect(transferEntryOf(sampleAuditEvents['transfer.denied'], 9, T0 + 2)).toEqual({
      seq: 9,
      ts: T0 + 2,
      kind: 'denied',
      op: 'open',
      path: '/etc/shadow',
      why: '/etc/shadow is outside the paths this grant allows',
    });
  });

  it('keeps no payload field beyond what the log shows (no session, grant, user or target)', () => {
    for (const type of TRANSFER_EVENT_TYPES) {
      const entry = transferEntryOf(sampleAuditEvents[type], 1, T0);
      expect(Object.keys(entry)).not.toContain('sessionId');
      expect(Object.keys(entry)).not.toContain('user');
    }
  });

  it('is a transfer session by its kind', () => {
    expect(isTransferSession({ kind: 'sftp' })).toBe(true);
    expect(isTransferSession({ kind: 'shell' })).toBe(false);
    expect(isTransferSession({ kind: null })).toBe(false);
  });
});
