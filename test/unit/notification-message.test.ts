import { describe, expect, it } from 'vitest';
import type { AuditRecord, GrantId, RequestId, SessionId } from '../../src/core/model.js';
import type { EventSubject, NotifiableEvent } from '../../src/core/notification.js';
import { MAX_BODY_BYTES, notificationBody } from '../../src/core/notification-message.js';
import { signatureHeader, webhookKey } from '../../src/notify/signature.js';
import { T0 } from './core-fixtures.js';

/** What a webhook receives for each event, in each format (issue 14, docs/notifications.md). */

const URL = 'https://review.example.com';
const SESSION = '2b7e1a52-8f0c-4a5e-9d7b-1c2d3e4f5a6b' as SessionId;

const record = (
  type: NotifiableEvent,
  payload: Record<string, unknown>,
  actor = 'os:bob',
): AuditRecord => ({
  seq: 42,
  ts: T0,
  actor,
  type,
  payload,
  prevHash: '0'.repeat(64),
  node: null,
  hash: 'f'.repeat(64),
});

const subject = (o: Partial<EventSubject> = {}): EventSubject => ({
  user: 'alice',
  target: 'db1',
  requestId: 12 as RequestId,
  grantId: null,
  sessionId: null,
  ...o,
});

const created = record(
  'request.created',
  { requestId: 12, mode: 'shell', durationMs: 7_200_000, reason: 'INC-4211 slow queries' },
  'user:alice',
);

const slackText = (
  type: NotifiableEvent,
  r: AuditRecord,
  s: EventSubject,
  publicUrl: string | null = URL,
): string =>
  (
    JSON.parse(
      notificationBody(
        type,
        { record: r, subject: s },
        { format: 'slack', deliveryId: 'd-1', publicUrl },
      ),
    ) as { text: string }
  ).text;

describe('slack messages', () => {
  it('say what happened in one line and link to the request on the review page', () => {
    expect(slackText('request.created', created, subject())).toBe(
      'request 12 (alice on db1): shell for 2h, reason “INC-4211 slow queries” <https://review.example.com/requests/12|open the request>',
    );
  });

  it('say what file transfer a request asks and a grant carries, its path limits quoted', () => {
    const transfer = {
      direction: 'download',
      paths: ['/var/log/<x>/**'],
      budgetBytes: 2 * 1024 ** 3,
    };
    const asking = record(
      'request.created',
      { requestId: 12, mode: 'shell', durationMs: 7_200_000, reason: 'logs', transfer },
      'user:alice',
    );
    expect(slackText('request.created', asking, subject(), null)).toBe(
      'request 12 (alice on db1): shell for 2h, transfer “download /var/log/&lt;x&gt;/** budget 2GiB”, reason “logs”',
    );
    const grant = record('grant.create', {
      grantId: 7,
      mode: 'shell',
      endsAt: T0 + 3_600_000,
      reason: 'x',
      transfer: { direction: 'both', paths: [], budgetBytes: null },
    });
    expect(
      slackText('grant.create', grant, subject({ requestId: null, grantId: 7 as GrantId })),
    ).toBe(
      'grant 7 (alice on db1) created by os:bob: shell until 2026-11-15T13:00:00Z, transfer “both”, reason “x”',
    );
    const none = record('grant.create', {
      ...grant.payload,
      transfer: { direction: 'none', paths: [], budgetBytes: null },
    });
    expect(
      slackText('grant.create', none, subject({ requestId: null, grantId: 7 as GrantId })),
    ).not.toContain('transfer');
  });

  it('say an extension request is more time on a grant, not a new request', () => {
    const extension = record(
      'request.created',
      {
        requestId: 13,
        kind: 'extend',
        grantId: 7,
        mode: 'shell',
        durationMs: 3_600_000,
        reason: 'more',
      },
      'user:alice',
    );
    expect(
      slackText('request.created', extension, subject({ requestId: 13 as RequestId }), null),
    ).toBe('request 13 (alice on db1): 1h more on grant 7 (shell), reason “more”');
  });

  it('link a grant made from a request to that request, a killed session to the session', () => {
    const revoke = record('grant.revoke', { grantId: 7, reason: 'done' });
    expect(slackText('grant.revoke', revoke, subject({ grantId: 7 as GrantId }))).toBe(
      'grant 7 (alice on db1) revoked by os:bob, reason “done” <https://review.example.com/requests/12|open the request>',
    );
    const kill = record('session.kill', { sessionId: SESSION, reason: 'INC-7 <b>' });
    expect(slackText('session.kill', kill, subject({ sessionId: SESSION }))).toBe(
      `session ${SESSION} (alice on db1) killed by os:bob, reason “INC-7 &lt;b&gt;” <https://review.example.com/sessions/${SESSION}|open the session>`,
    );
    // Kills from before reasons were kept.
    const old = record('session.kill', { sessionId: SESSION });
    expect(slackText('session.kill', old, subject({ sessionId: SESSION }))).toBe(
      `session ${SESSION} (alice on db1) killed by os:bob <https://review.example.com/sessions/${SESSION}|open the session>`,
    );
  });

  it('say which alert rule flagged a session, the excerpt quoted, and link to the session', () => {
    const flagged = record(
      'session.flagged',
      { sessionId: SESSION, rule: 'shadow', on: 'output', action: 'end', excerpt: '<!here> *x*' },
      'gatehouse',
    );
    expect(slackText('session.flagged', flagged, subject({ sessionId: SESSION }))).toBe(
      `session ${SESSION} (alice on db1) flagged by alert rule shadow on output “&lt;!here&gt; *x*”; session ended <https://review.example.com/sessions/${SESSION}|open the session>`,
    );
  });

  it('have no link without web.publicUrl, nor for an admin grant made without a request', () => {
    expect(slackText('request.created', created, subject(), null)).not.toContain('<');
    const grant = record('grant.create', {
      grantId: 7,
      mode: 'shell',
      endsAt: T0 + 3_600_000,
      reason: 'x',
    });
    expect(
      slackText('grant.create', grant, subject({ requestId: null, grantId: 7 as GrantId })),
    ).toBe(
      'grant 7 (alice on db1) created by os:bob: shell until 2026-11-15T13:00:00Z, reason “x”',
    );
  });

  it('quote what a person typed: no Slack link, mention or second line of theirs gets through', () => {
    const typed = record(
      'request.created',
      {
        requestId: 12,
        mode: 'shell',
        durationMs: 60_000,
        reason: 'ok” <!channel> <https://evil.example|approved>\nAPPROVED by admin',
      },
      'user:alice',
    );
    const text = slackText('request.created', typed, subject(), null);
    expect(text).toBe(
      'request 12 (alice on db1): shell for 1m, reason “ok\\u201d &lt;!channel&gt; &lt;https://evil.example|approved&gt;\\nAPPROVED by admin”',
    );
  });

  it('cut a long reason', () => {
    const long = record('request.denied', {
      requestId: 12,
      approver: 'carol',
      reason: 'x'.repeat(5000),
    });
    const text = slackText('request.denied', long, subject(), null);
    expect(text).toMatch(
      /^request 12 \(alice on db1\) denied by carol, reason “x{200}…\(\+4800 chars\)”$/,
    );
  });

  it.each<[NotifiableEvent, Record<string, unknown>, string]>([
    [
      'request.approved',
      { requestId: 12, approver: 'carol', approvals: 1, approvalsRequired: 2, note: 'ok' },
      'request 12 (alice on db1) approved by carol (1 of 2), note “ok”',
    ],
    [
      'request.cancelled',
      { requestId: 12, user: 'alice' },
      'request 12 (alice on db1) cancelled by os:bob',
    ],
    [
      'request.expired',
      { requestId: 12, user: 'alice', target: 'db1' },
      'request 12 (alice on db1) expired undecided',
    ],
    [
      'grant.extend',
      { grantId: 7, endsAt: T0, reason: 'more', requestId: null },
      'grant 7 (alice on db1) extended by os:bob until 2026-11-15T12:00:00Z, reason “more”',
    ],
  ])('%s reads as a sentence', (type, payload, line) => {
    expect(slackText(type, record(type, payload), subject({ grantId: 7 as GrantId }), null)).toBe(
      line,
    );
  });
});

describe('json messages', () => {
  it('carry the event as it is in the audit chain, with the delivery id and the link', () => {
    const body = notificationBody(
      'request.created',
      { record: created, subject: subject() },
      {
        format: 'json',
        deliveryId: '5f0e…',
        publicUrl: URL,
      },
    );
    expect(JSON.parse(body)).toEqual({
      id: '5f0e…',
      event: 'request.created',
      seq: 42,
      ts: '2026-11-15T12:00:00Z',
      actor: 'user:alice',
      payload: created.payload,
      link: 'https://review.example.com/requests/12',
    });
  });

  it('leave out a payload that would make the body larger than the bound', () => {
    const huge = record('grant.create', {
      grantId: 7,
      allowlist: Array(2000).fill('tail -n {int} /var/log/app.log'),
    });
    const body = notificationBody(
      'grant.create',
      { record: huge, subject: subject() },
      {
        format: 'json',
        deliveryId: 'd',
        publicUrl: null,
      },
    );
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(JSON.parse(body)).toMatchObject({
      event: 'grant.create',
      seq: 42,
      payload: null,
      truncated: true,
    });
  });
});

describe('signatures', () => {
  it('are HMAC-SHA256 of "<timestamp>.<body>" in hex (as openssl computes it)', () => {
    // printf '1764612000.{"a":1}' | openssl dgst -sha256 -hmac 'a-secret-of-16-chars!'
    expect(signatureHeader('a-secret-of-16-chars!', 1764612000, '{"a":1}')).toBe(
      'sha256=14bfb5b508f522035908e9467d1a8c2b2916f9ab5d3dbb6135083c09c6863508',
    );
  });

  it('name a webhook by its format and URL, not by the URL itself', () => {
    const url = 'https://hooks.slack.example/services/T0/B0/SECRET';
    const key = webhookKey({ format: 'slack', url });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(webhookKey({ format: 'json', url })).not.toBe(key);
  });
});
