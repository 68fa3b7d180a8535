import { expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/access-request.js';
import type { RequestId } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { approverJudge, autoJudge } from '../../src/core/request-decision.js';
import type { RequestPolicy } from '../../src/core/request-rules.js';
import { openStore } from '../../src/store/open-store.js';
import { DAY, HOUR, MAX, T0, seed, describeEachStore } from './store-fixtures.js';
import { filed, judgeAs, policy, yes } from './store-request-fixtures.js';

async function types(store: Store, since = 0): Promise<string[]> {
  const events = await store.audit.list({ limit: 1000 });
  return events
    .filter((e) => e.seq > since)
    .sort((a, b) => a.seq - b.seq)
    .map((e) => e.type);
}

const head = async (store: Store): Promise<number> => (await store.audit.head())?.seq ?? 0;

describeEachStore('access requests in the store', (t) => {
  it('an approval makes the grant, starting now and linked to its request: request.created → request.approved → grant.create', async () => {
    const { ndaA } = await seed(t.store);
    const before = await head(t.store);
    const request = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    expect(request).toMatchObject({ status: 'pending', userName: 'alice', targetName: 'db1' });
    t.clock.set(T0 + 10 * 60_000);
    const done = await t.store.requests.approve(
      request.id,
      yes('carol', { note: 'go ahead' }),
      judgeAs('carol'),
      t.clock.now(),
      'reviewer:carol',
    );
    expect(done).toMatchObject({
      status: 'approved',
      decidedBy: 'carol',
      decisionNote: 'go ahead',
    });
    const grant = await t.store.grants.get(done.grantId!);
    expect(grant).toMatchObject({
      requestId: request.id,
      startsAt: T0 + 10 * 60_000,
      endsAt: T0 + 10 * 60_000 + 2 * HOUR,
      mode: 'shell',
      reason: 'INC-4211 slow queries',
      createdBy: 'reviewer:carol',
    });
    expect(await types(t.store, before)).toEqual([
      'request.created',
      'request.approved',
      'grant.create',
    ]);
    const [create] = await t.store.audit.list({ type: 'grant.create', limit: 1 });
    expect(create?.payload).toMatchObject({ requestId: request.id, approvers: ['carol'] });
    expect((await t.store.audit.verify()).ok).toBe(true);
  });

  it('with two approvals required, the first approval leaves it pending and the same approver cannot count twice', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const first = await t.store.requests.approve(r.id, yes('carol'), judgeAs('carol', 2), T0, 'x');
    expect(first.status).toBe('pending');
    expect(first.approvals.map((a) => a.approver)).toEqual(['carol']);
    await expect(
      t.store.requests.approve(r.id, yes('carol'), judgeAs('carol', 2), T0, 'x'),
    ).rejects.toThrow('request: carol has already approved request');
    expect((await t.store.grants.list()).length).toBe(0);
    const second = await t.store.requests.approve(
      r.id,
      yes('dave', { durationMs: HOUR }),
      judgeAs('dave', 2),
      T0,
      'x',
    );
    expect(second.status).toBe('approved');
    const grant = await t.store.grants.get(second.grantId!);
    expect(grant?.endsAt).toBe(T0 + HOUR);
  });

  it('an approval by someone the rules no longer name as an approver does not count toward completing', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    await t.store.requests.approve(r.id, yes('carol'), judgeAs('carol', 2), T0, 'x');
    // A SIGHUP drops carol from the leads: dave's approval is the only one that still counts.
    const base = policy(2);
    const reloaded: RequestPolicy = { ...base, groups: { leads: ['dave', 'erin'] } };
    const asDave = approverJudge(reloaded, 'dave', 30 * DAY);
    const second = await t.store.requests.approve(r.id, yes('dave'), asDave, T0, 'x');
    expect(second.status).toBe('pending');
    expect((await t.store.grants.list()).length).toBe(0);
    const approved = (await t.store.audit.list({ type: 'request.approved' })).find(
      (e) => e.payload['approver'] === 'dave',
    );
    expect(approved?.payload).toMatchObject({
      approver: 'dave',
      approvals: 1,
      approvalsRequired: 2,
    });
    const asErin = approverJudge(reloaded, 'erin', 30 * DAY);
    const third = await t.store.requests.approve(r.id, yes('erin'), asErin, T0, 'x');
    expect(third.status).toBe('approved');
  });

  it('refuses the requester approving their own request and an approver the rule does not name', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const before = await head(t.store);
    await expect(
      t.store.requests.approve(r.id, yes('alice'), judgeAs('alice'), T0, 'x'),
    ).rejects.toThrow('request: alice cannot decide their own request');
    await expect(
      t.store.requests.approve(r.id, yes('mallory'), judgeAs('mallory'), T0, 'x'),
    ).rejects.toThrow('request: mallory is not an approver for rule db-shell');
    expect(await head(t.store)).toBe(before);
    expect((await t.store.requests.get(r.id))?.status).toBe('pending');
  });

  it('two approvers at once on a one-approval request (two connections) make exactly one grant', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const other = await openStore(t.path, { clock: t.clock });
    try {
      const results = await Promise.allSettled([
        t.store.requests.approve(r.id, yes('carol'), judgeAs('carol'), T0, 'reviewer:carol'),
        other.requests.approve(r.id, yes('dave'), judgeAs('dave'), T0, 'reviewer:dave'),
      ]);
      expect(results.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refusal = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
      expect(String(refusal.reason)).toMatch(/is already approved/);
    } finally {
      await other.close();
    }
    expect((await t.store.grants.list()).length).toBe(1);
    expect((await t.store.audit.list({ type: 'request.approved' })).length).toBe(1);
  });

  it('a rule whose maximum shrank since filing caps the grant at the new maximum', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const tightened: RequestPolicy = {
      ...policy(),
      rules: [{ ...policy().rules[0]!, maxDurationMs: HOUR / 2 }],
    };
    const done = await t.store.requests.approve(
      r.id,
      yes('carol'),
      approverJudge(tightened, 'carol', MAX),
      T0,
      'x',
    );
    expect((await t.store.grants.get(done.grantId!))?.endsAt).toBe(T0 + HOUR / 2);
  });

  it('a pending request past its deadline cannot be approved; expireDue marks it expired once', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    t.clock.set(T0 + 2 * HOUR);
    await expect(
      t.store.requests.approve(r.id, yes('carol'), judgeAs('carol'), t.clock.now(), 'x'),
    ).rejects.toThrow(/expired .* undecided/);
    const expired = await t.store.requests.expireDue(t.clock.now(), 100);
    expect(expired.map((x) => [x.id, x.status])).toEqual([[r.id, 'expired']]);
    expect(await t.store.requests.expireDue(t.clock.now(), 100)).toEqual([]);
    const [event] = await t.store.audit.list({ type: 'request.expired' });
    expect(event).toMatchObject({
      actor: 'gatehouse',
      payload: { requestId: r.id, user: 'alice' },
    });
  });

  it('deny and cancel leave their own trail; another user cannot cancel', async () => {
    const { ndaA } = await seed(t.store);
    const a = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const b = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const denied = await t.store.requests.deny(
      a.id,
      'carol',
      'not today',
      judgeAs('carol'),
      T0,
      'reviewer:carol',
    );
    expect(denied).toMatchObject({
      status: 'denied',
      decidedBy: 'carol',
      decisionNote: 'not today',
    });
    await expect(t.store.requests.cancel(b.id, 'bob', T0, 'user:bob')).rejects.toThrow(
      `request: no request with id ${b.id}`,
    );
    const cancelled = await t.store.requests.cancel(b.id, 'alice', T0, 'user:alice');
    expect(cancelled.status).toBe('cancelled');
    await expect(
      t.store.requests.approve(b.id, yes('carol'), judgeAs('carol'), T0, 'x'),
    ).rejects.toThrow(`request: ${b.id} is already cancelled`);
    expect((await t.store.audit.list({ type: 'request.denied' }))[0]?.payload).toMatchObject({
      approver: 'carol',
      reason: 'not today',
    });
    expect((await t.store.audit.list({ type: 'request.cancelled' })).length).toBe(1);
  });

  it('an auto-approving rule makes the grant in the same transaction, approved by gatehouse', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(
      filed(ndaA.id),
      {
        input: yes('gatehouse', { note: 'auto-approved by rule db-shell' }),
        judge: autoJudge(policy().rules[0]!, MAX),
      },
      T0,
      'user:alice',
    );
    expect(r).toMatchObject({ status: 'approved', decidedBy: 'gatehouse' });
    expect((await t.store.grants.get(r.grantId!))?.requestId).toBe(r.id);
    const [approved] = await t.store.audit.list({ type: 'request.approved' });
    expect(approved?.actor).toBe('gatehouse');
  });

  it('an approved extension request moves the grant end (grant.extend); the window stays capped by the NDA', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const approved = await t.store.requests.approve(r.id, yes('carol'), judgeAs('carol'), T0, 'x');
    const grantId = approved.grantId!;
    const ext = await t.store.requests.create(
      filed(ndaA.id, { kind: 'extend', grantId, durationMs: HOUR, reason: 'still running' }),
      null,
      T0 + HOUR,
      'user:alice',
    );
    const done = await t.store.requests.approve(
      ext.id,
      yes('carol'),
      judgeAs('carol'),
      T0 + HOUR,
      'x',
    );
    expect(done).toMatchObject({ status: 'approved', grantId });
    expect((await t.store.grants.get(grantId))?.endsAt).toBe(T0 + 3 * HOUR);
    const [extend] = await t.store.audit.list({ type: 'grant.extend' });
    expect(extend?.payload).toMatchObject({
      grantId,
      previousEndsAt: T0 + 2 * HOUR,
      endsAt: T0 + 3 * HOUR,
      requestId: ext.id,
    });
    // alice's NDA expires at T0 + 60 days: an admin's long extension stops there.
    const capped = await t.store.grants.extend(
      grantId,
      90 * DAY,
      'long job',
      365 * DAY,
      T0 + HOUR,
      'root',
    );
    expect(capped.endsAt).toBe(T0 + 60 * DAY);
  });

  it('an approval after the requester was disabled makes no grant and no extension, writing nothing', async () => {
    const { ndaA } = await seed(t.store);
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const approved = await t.store.requests.approve(r.id, yes('carol'), judgeAs('carol'), T0, 'x');
    const grantId = approved.grantId!;
    const ext = await t.store.requests.create(
      filed(ndaA.id, { kind: 'extend', grantId, durationMs: HOUR }),
      null,
      T0,
      'user:alice',
    );
    const again = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    await t.store.users.setDisabled('alice', true, 'root');
    const before = await head(t.store);
    for (const id of [ext.id, again.id])
      await expect(
        t.store.requests.approve(id, yes('carol'), judgeAs('carol'), T0, 'x'),
      ).rejects.toThrow('user: alice is disabled');
    await expect(t.store.grants.extend(grantId, HOUR, 'x', MAX, T0, 'root')).rejects.toThrow(
      'user: alice is disabled',
    );
    expect(await head(t.store)).toBe(before);
    expect((await t.store.grants.get(grantId))?.endsAt).toBe(T0 + 2 * HOUR);
  });

  it("refuses a request under someone else's NDA or for someone else's grant, writing nothing", async () => {
    const { ndaB } = await seed(t.store);
    const before = await head(t.store);
    await expect(t.store.requests.create(filed(ndaB.id), null, T0, 'user:alice')).rejects.toThrow(
      `nda: you have no NDA ${ndaB.id}`,
    );
    await expect(
      t.store.requests.create(
        filed(ndaB.id, { kind: 'extend', grantId: 99 as never }),
        null,
        T0,
        'user:alice',
      ),
    ).rejects.toThrow('grant: you have no grant 99');
    expect(await head(t.store)).toBe(before);
  });

  it('bounds what one user files: 10 pending at once, 30 an hour (file-and-cancel too), writing nothing when refused', async () => {
    const { ndaA, ndaB } = await seed(t.store);
    const file = (at: number, ndaId = ndaA.id, userName = 'alice') =>
      t.store.requests.create(
        filed(ndaId, { userName, expiresAt: at + 2 * HOUR }),
        null,
        at,
        `user:${userName}`,
      );
    const pending: RequestId[] = [];
    for (let i = 0; i < 10; i += 1) pending.push((await file(T0)).id);
    const before = await head(t.store);
    await expect(file(T0)).rejects.toThrow(
      'request: you have 10 requests pending, the most allowed; cancel one or wait for a decision',
    );
    expect(await head(t.store)).toBe(before);
    // Another user is not held up by alice's.
    await expect(file(T0, ndaB.id, 'bob')).resolves.toMatchObject({ userName: 'bob' });
    // Filing and cancelling in a loop: 30 in the hour, then refused until it has passed.
    for (const id of pending) await t.store.requests.cancel(id, 'alice', T0, 'user:alice');
    for (let i = 0; i < 20; i += 1) {
      const r = await file(T0 + 60_000);
      await t.store.requests.cancel(r.id, 'alice', T0 + 60_000, 'user:alice');
    }
    await expect(file(T0 + 60_000)).rejects.toThrow(
      'request: you filed 30 requests in the last hour, the most allowed; try again later',
    );
    await expect(file(T0 + HOUR + 60_001)).resolves.toMatchObject({ status: 'pending' });
  });

  it('lists newest first, by user and status', async () => {
    const { ndaA } = await seed(t.store);
    const ids: RequestId[] = [];
    for (let i = 0; i < 3; i += 1)
      ids.push((await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice')).id);
    await t.store.requests.cancel(ids[0]!, 'alice', T0, 'user:alice');
    const pending: AccessRequest[] = await t.store.requests.list({ status: 'pending' });
    expect(pending.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect((await t.store.requests.list({ userName: 'bob' })).length).toBe(0);
    expect((await t.store.requests.list({ limit: 1 })).map((r) => r.id)).toEqual([ids[2]]);
  });
});
