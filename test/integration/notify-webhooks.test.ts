/**
 * Webhook notifications (issue 14) from gatehouse serve to real local HTTP receivers: signed
 * JSON, Slack text with the review page's link, retries with backoff, the outbox across a
 * restart, events the CLI writes, a receiver that never answers (logins go on; counted as failed).
 */
import { createHmac } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { startGatehouse } from '../../src/main.js';
import type { GrantId } from '../../src/core/model.js';
import { approverJudge } from '../../src/core/request-decision.js';
import { isoTime } from '../../src/core/timestamp.js';
import type { RequestPolicy } from '../../src/core/request-rules.js';
import { HOUR } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { runSsh } from '../helpers/ssh-client.js';
import {
  delivered,
  events,
  FAST,
  header,
  metric,
  notifyYaml,
  received,
  SECRET,
  useNotifyFixture,
} from './notify-fixture.js';

const notify = useNotifyFixture();

/** carol approves alice's shell requests on db1. */
const RULES: RequestPolicy = {
  groups: {},
  rules: [
    {
      name: 'db-shell',
      users: ['alice'],
      targets: ['db1'],
      maxDurationMs: 4 * HOUR,
      modes: ['shell'],
      approvals: 1,
      approvers: ['carol'],
      autoApprove: false,
      pendingTtlMs: HOUR,
    },
  ],
};

describe('webhook notifications from gatehouse serve', () => {
  it('a JSON message arrives signed: HMAC-SHA256 of "<timestamp>.<body>" with the shared secret', async () => {
    const hook = await notify.receiver();
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]));
    const alice = await b.userWithGrant('alice');

    const [got] = await received(hook, 1, delivered);
    if (got === undefined) throw new Error('unreachable');
    const timestamp = header(got, 'x-gatehouse-timestamp');
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${got.body}`).digest('hex');
    expect(header(got, 'x-gatehouse-signature')).toBe(`sha256=${expected}`);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(header(got, 'content-type')).toBe('application/json');
    expect(header(got, 'x-gatehouse-event')).toBe('grant.create');
    const [written] = await b.store.audit.list({ type: 'grant.create' });
    expect(JSON.parse(got.body)).toEqual({
      id: header(got, 'x-gatehouse-delivery'),
      event: 'grant.create',
      seq: written?.seq,
      ts: new Date(written?.ts ?? 0).toISOString().replace('.000Z', 'Z'),
      actor: 'test-admin',
      payload: written?.payload,
      link: null,
    });
    expect(JSON.parse(got.body)).toMatchObject({
      payload: { grantId: alice.grant.id, user: 'alice' },
    });
    // Only notifiable events: the user, NDA and acknowledgement before it were not sent.
    expect(events(hook.requests)).toEqual(['grant.create']);
  });

  it('Slack messages follow a request from filing to grant, each one line linking to the request', async () => {
    const all = await notify.receiver('/all');
    const approvals = await notify.receiver('/approvals');
    const b = await notify.bastion(
      notifyYaml(
        [
          { url: all.url, format: 'slack' },
          { url: approvals.url, format: 'slack', events: ['request.approved'] },
        ],
        'https://review.example.com',
      ),
    );
    const alice = await b.addUser('alice');
    const nda = await b.addNda(alice);
    const now = Date.now();
    const request = await b.store.requests.create(
      {
        kind: 'grant',
        userName: 'alice',
        targetName: 'db1',
        grantId: null,
        ndaId: nda.id,
        mode: { kind: 'shell' },
        durationMs: 2 * HOUR,
        reason: 'INC-4211 slow queries',
        rule: 'db-shell',
        approvalsRequired: 1,
        expiresAt: now + HOUR,
      },
      null,
      now,
      'user:alice',
    );
    const approved = await b.store.requests.approve(
      request.id,
      { approver: 'carol', note: 'go ahead', durationMs: null, confirmations: {} },
      approverJudge(RULES, 'carol', 30 * 24 * HOUR),
      Date.now(),
      'reviewer:carol',
    );

    const grant = await b.store.grants.get(approved.grantId ?? (0 as GrantId));
    const link = `<https://review.example.com/requests/${request.id}|open the request>`;
    const texts = (await received(all, 3, delivered)).map(
      (r) => (JSON.parse(r.body) as { text: string }).text,
    );
    // Sent side by side: compared in any order.
    expect(texts.sort()).toEqual(
      [
        `request ${request.id} (alice on db1): shell for 2h, reason “INC-4211 slow queries” ${link}`,
        `request ${request.id} (alice on db1) approved by carol (1 of 1), note “go ahead” ${link}`,
        `grant ${grant?.id} (alice on db1) created by reviewer:carol: shell until ${isoTime(grant?.endsAt)}, from request ${request.id}, reason “INC-4211 slow queries” ${link}`,
      ].sort(),
    );
    // The second webhook asked for approvals only.
    await received(approvals, 1, delivered);
    expect(events(approvals.requests)).toEqual(['request.approved']);
  });

  it('a receiver answering 500 gets the same message again after a backoff, and takes it', async () => {
    const hook = await notify.receiver();
    hook.answer = (n) => (n === 1 ? 500 : 200);
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]));
    await b.userWithGrant('alice');

    await received(hook, 1, delivered);
    const [first, second] = hook.requests;
    expect([first?.status, second?.status]).toEqual([500, 200]);
    expect(header(second!, 'x-gatehouse-delivery')).toBe(header(first!, 'x-gatehouse-delivery'));
    expect(second?.body).toBe(first?.body);
    // The receiver has the second request before serve has read its answer: wait for the count.
    const series = (name: string) => () => metric(b, name);
    expect(
      await eventually(series('gatehouse_notifications_total{result="delivered"}'), (n) => n === 1),
    ).toBe(1);
    expect(await metric(b, 'gatehouse_notifications_total{result="retried"}')).toBe(1);
    expect(await metric(b, 'gatehouse_notifications_pending')).toBe(0);
  });

  it('an event the CLI writes while serve runs is delivered', async () => {
    const hook = await notify.receiver();
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]));
    const alice = await b.userWithGrant('alice');
    await received(hook, 1, delivered);

    const revoke = await b.cli([
      'grant',
      'revoke',
      String(alice.grant.id),
      '--reason',
      'work done',
    ]);
    expect(revoke.code, revoke.stderr).toBe(0);
    const [got] = await received(hook, 1, (r) => header(r, 'x-gatehouse-event') === 'grant.revoke');
    expect(JSON.parse(got?.body ?? '')).toMatchObject({
      event: 'grant.revoke',
      actor: expect.stringMatching(/^os:/) as unknown,
      payload: { grantId: alice.grant.id, reason: 'work done' },
    });
  });

  it('the outbox survives a restart: queued messages and events written while serve was down are sent', async () => {
    const hook = await notify.receiver();
    hook.answer = () => 503;
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]), {
      ...FAST,
      retry: { ...FAST.retry!, firstDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const alice = await b.userWithGrant('alice');
    const [failed] = await received(hook, 1); // one attempt, refused; the next is a minute away
    await b.running.stop();

    const revoke = await b.cli(['grant', 'revoke', String(alice.grant.id), '--reason', 'offline']);
    expect(revoke.code, revoke.stderr).toBe(0);
    hook.answer = () => 200;
    // A retry is due at its time, not at once: start with a clock a minute ahead.
    const config = await loadConfig(b.configPath, {}, b.dir);
    const later = { now: () => Date.now() + 61_000 };
    const again = await startGatehouse(config, {
      port: 0,
      logger: silentLogger(),
      notify: FAST,
      clock: later,
    });
    notify.after(() => again.stop());

    const sent = await received(hook, 2, delivered);
    expect(events(sent).sort()).toEqual(['grant.create', 'grant.revoke']);
    const create = sent.find((r) => header(r, 'x-gatehouse-event') === 'grant.create');
    expect(header(create!, 'x-gatehouse-delivery')).toBe(header(failed!, 'x-gatehouse-delivery'));
    expect(create?.body).toBe(failed?.body);
  });

  it('a receiver that never answers holds up no login, and is counted as failed in /metrics', async () => {
    const hook = await notify.receiver();
    hook.answer = () => null;
    const b = await notify.bastion(notifyYaml([{ url: hook.url, format: 'json' }]), {
      ...FAST,
      retry: { ...FAST.retry!, maxAttempts: 2 },
      timeoutMs: 6000,
    });
    const alice = await b.userWithGrant('alice');
    await eventually(
      async () => hook.held(),
      (n) => n > 0,
    );

    const ssh = await runSsh(b.login(alice), { command: ['echo', 'reached'] });
    expect(ssh.code, ssh.stderr).toBe(0);
    expect(ssh.stdout.toString()).toBe('reached\n');
    expect(hook.held()).toBe(1); // the login went through while the delivery was still waiting

    const failed = await eventually(
      () => metric(b, 'gatehouse_notifications_total{result="failed"}'),
      (v) => v === 1,
      30_000,
    );
    expect(failed).toBe(1);
    expect(await metric(b, 'gatehouse_notifications_total{result="retried"}')).toBe(1);
    expect(await metric(b, 'gatehouse_notifications_pending')).toBe(0);
    expect(hook.requests.every((r) => r.status === null)).toBe(true);
  });

  it('webhooks added by a SIGHUP reload get the events written after it', async () => {
    const hook = await notify.receiver();
    const b = await notify.bastion('');
    await appendFile(b.configPath, `\n${notifyYaml([{ url: hook.url, format: 'json' }])}\n`);
    const plan = b.running.reload(await loadConfig(b.configPath, {}, b.dir));
    expect(plan.applied).toContain('notify.webhooks');

    await b.userWithGrant('alice');
    const [got] = await received(hook, 1, delivered);
    expect(header(got!, 'x-gatehouse-event')).toBe('grant.create');
  });
});
