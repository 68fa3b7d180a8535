import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import type { GrantId } from '../../src/core/model.js';
import { denialReason, GatehouseMetrics } from '../../src/metrics/gatehouse-metrics.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { isLoopbackClient } from '../../src/web/routes-metrics.js';
import { sampleAuditEvents } from '../helpers/audit-event-samples.js';

describe('MetricsRegistry', () => {
  it('renders counters and gauges in the text exposition format', () => {
    const r = new MetricsRegistry();
    let live = 3;
    r.gauge('x_live', 'Live things.', () => live);
    const c = r.counter('x_total', 'Things "done"\nby result.', ['result'], [{ result: 'ok' }]);
    c.inc({ result: 'bad\\"\n' }, 2);
    c.inc({ result: 'ok' });
    c.inc({ result: 'ok' }, -5); // counters never go down
    live = 4;
    expect(r.render()).toBe(
      [
        '# HELP x_live Live things.',
        '# TYPE x_live gauge',
        'x_live 4',
        '# HELP x_total Things "done"\\nby result.',
        '# TYPE x_total counter',
        'x_total{result="ok"} 1',
        'x_total{result="bad\\\\\\"\\n"} 2',
        '',
      ].join('\n'),
    );
  });

  it('bounds the label sets a client can create', () => {
    const r = new MetricsRegistry();
    const c = r.counter('y_total', 'Y.', ['reason']);
    for (let i = 0; i < 1000; i++) c.inc({ reason: `r${i}` });
    const lines = r
      .render()
      .split('\n')
      .filter((l) => l.startsWith('y_total'));
    expect(lines.length).toBe(201);
    expect(lines).toContain('y_total{reason="other"} 800');
  });
});

describe('denialReason', () => {
  const who = { user: 'alice', remoteAddr: '192.0.2.1' };
  const grantId = 7 as GrantId;
  it.each([
    [
      auditEvents.authFailure({
        ...who,
        login: 'alice+db1',
        target: 'db1',
        fingerprint: null,
        reason: 'grant.expired',
      }),
      'grant.expired',
    ],
    [
      auditEvents.execDenied({
        grantId,
        user: 'alice',
        target: 'db1',
        reason: 'no_match',
        detail: "'x' matches no allowed pattern",
      }),
      'exec.no_match',
    ],
    [
      auditEvents.execDenied({
        grantId,
        user: 'alice',
        target: 'db1',
        reason: 'file_transfer',
        detail: 'file transfer is not offered',
      }),
      'exec.file_transfer',
    ],
    [
      auditEvents.channelDenied({ ...who, kind: 'session', reason: 'max_sessions', limit: 10 }),
      'session.max_sessions',
    ],
    [
      auditEvents.channelDenied({
        ...who,
        kind: 'Evil Request\u0007 name that is much too long for a label value',
      }),
      'channel.evil_request__name_that_is_much_too_long',
    ],
    [auditEvents.channelDenied({ ...who, kind: '' }), 'channel.unknown'],
    [
      auditEvents.hostkeyMismatch({ user: 'alice', target: 'db1', presented: null }),
      'hostkey.mismatch',
    ],
    [
      auditEvents.reviewerLoginFailure({
        login: 'rita',
        method: 'password',
        reason: 'password.wrong',
        remoteAddr: '192.0.2.1',
      }),
      'review.password.wrong',
    ],
    [
      auditEvents.authSuccess({
        ...who,
        target: null,
        fingerprint: 'SHA256:x',
        method: 'publickey',
        grantIds: [grantId],
      }),
      null,
    ],
  ] as const)('%o → %s', (event, reason) => {
    expect(denialReason(event)).toBe(reason);
  });
});

describe('isLoopbackClient', () => {
  const from = (remoteAddress: string | undefined, forwardedFor?: string): IncomingMessage =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    }) as unknown as IncomingMessage;
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    [undefined, false],
  ])('%s → %s', (addr, loopback) => {
    expect(isLoopbackClient(from(addr))).toBe(loopback);
  });
  it('behind a listed proxy on the host, judges the client it forwards', () => {
    const proxies = new Set(['127.0.0.1']);
    expect(isLoopbackClient(from('127.0.0.1', '198.51.100.7'), proxies)).toBe(false);
    expect(isLoopbackClient(from('127.0.0.1'), proxies)).toBe(true);
    expect(isLoopbackClient(from('127.0.0.1', '198.51.100.7'))).toBe(true); // proxy not listed
  });
});

describe('GatehouseMetrics', () => {
  it('counts the refusals an auth.failure.aggregate sums up, by reason', () => {
    const m = new GatehouseMetrics();
    m.observe(
      auditEvents.authFailureAggregate({
        remoteAddr: '192.0.2.1',
        count: 49,
        firstAt: 1,
        lastAt: 2,
        reasons: [
          { reason: 'user.unknown', count: 40 },
          { reason: 'login.invalid', count: 9 },
        ],
        logins: ['root'],
        moreLogins: true,
      }),
    );
    const text = m.render();
    expect(text).toContain('gatehouse_logins_total{result="failure"} 49');
    expect(text).toContain('gatehouse_denials_total{reason="user.unknown"} 40');
    expect(text).toContain('gatehouse_denials_total{reason="login.invalid"} 9');
  });
});

describe('GatehouseMetrics: file transfer', () => {
  it('counts files and bytes by direction, and refused SFTP requests by operation', () => {
    const m = new GatehouseMetrics();
    m.observe(sampleAuditEvents['transfer.file']);
    m.observe(sampleAuditEvents['transfer.file']);
    m.observe(sampleAuditEvents['transfer.denied']);
    m.observe(sampleAuditEvents['transfer.change']);
    const text = m.render();
    expect(text).toContain('gatehouse_transferred_files_total{direction="download"} 2');
    expect(text).toContain('gatehouse_transferred_files_total{direction="upload"} 0');
    expect(text).toContain('gatehouse_transferred_bytes_total{direction="download"} 2097152');
    expect(text).toContain('gatehouse_denials_total{reason="transfer.open"} 1');
    expect(denialReason(sampleAuditEvents['transfer.change'])).toBeNull();
  });
});
