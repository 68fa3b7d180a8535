import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/core/audit-events.js';
import type { GrantId, SessionId } from '../../src/core/model.js';
import {
  MAX_TRANSFER_REFUSALS_PER_SESSION,
  sftpObserver,
} from '../../src/session/sftp-observer.js';

const subject = {
  sessionId: '00000000-0000-4000-8000-000000000001' as SessionId,
  grantId: 7 as GrantId,
  user: 'alice',
  target: 'db1',
};
const SHA = 'ab'.repeat(32);

function observed(write: (e: AuditEvent) => Promise<void> = () => Promise.resolve()) {
  const events: AuditEvent[] = [];
  const lines: string[] = [];
  const observer = sftpObserver(
    subject,
    (e) => {
      events.push(e);
      return write(e);
    },
    (line) => lines.push(line),
  );
  return { observer, events, lines };
}

describe('sftpObserver', () => {
  it('writes each moved file as transfer.file and a log line, and tallies both directions', () => {
    const { observer, events, lines } = observed();
    observer.fileMoved({ path: '/var/log/a', direction: 'download', bytes: 2048, sha256: SHA });
    observer.fileMoved({ path: '/tmp/p', direction: 'upload', bytes: 10, sha256: null });
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      [
        'transfer.file',
        { ...subject, path: '/var/log/a', direction: 'download', bytes: 2048, sha256: SHA },
      ],
      [
        'transfer.file',
        { ...subject, path: '/tmp/p', direction: 'upload', bytes: 10, sha256: null },
      ],
    ]);
    expect(lines).toEqual([
      `download /var/log/a 2.0 KiB sha256 ${SHA}`,
      'upload /tmp/p 10 B not one run from the start (no sha256)',
    ]);
    expect(observer.tally()).toEqual({ bytesIn: 10, bytesOut: 2048 });
  });

  it('a change resolves true once its event is written, false (and logged as refused) when not', async () => {
    const ok = observed();
    expect(await ok.observer.change({ op: 'rename', path: '/tmp/a', to: '/tmp/b' })).toBe(true);
    expect(ok.events[0]?.type).toBe('transfer.change');
    expect(ok.lines).toEqual(['rename /tmp/a -> /tmp/b']);

    const failing = observed(() => Promise.reject(new Error('disk full')));
    expect(await failing.observer.change({ op: 'remove', path: '/tmp/a', to: null })).toBe(false);
    expect(failing.lines).toEqual(['refused remove /tmp/a: not recorded']);
  });

  it('writes refusals up to the cap, then says so once and writes no more', () => {
    const { observer, events, lines } = observed();
    for (let i = 0; i < MAX_TRANSFER_REFUSALS_PER_SESSION + 5; i++)
      observer.refused({ op: 'open', path: `/etc/f${i}`, why: 'this grant allows downloads only' });
    expect(events).toHaveLength(MAX_TRANSFER_REFUSALS_PER_SESSION);
    expect(events[0]).toEqual({
      type: 'transfer.denied',
      payload: { ...subject, op: 'open', path: '/etc/f0', why: 'this grant allows downloads only' },
    });
    expect(lines).toHaveLength(MAX_TRANSFER_REFUSALS_PER_SESSION + 1);
    expect(lines.at(-1)).toBe(
      `${MAX_TRANSFER_REFUSALS_PER_SESSION} refusals logged; further ones are not`,
    );
  });
});
