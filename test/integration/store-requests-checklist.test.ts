import { expect, it } from 'vitest';
import type { NdaId } from '../../src/core/model.js';
import type { ApprovalInput, NewRequest, Store } from '../../src/core/ports.js';
import { approverJudge, autoJudge } from '../../src/core/request-decision.js';
import type { RequestPolicy, RequestRule } from '../../src/core/request-rules.js';
import { DAY, HOUR, T0, seed, describeEachStore } from './store-fixtures.js';

const RULE: RequestRule = {
  name: 'db-shell',
  users: ['alice'],
  targets: ['db*'],
  maxDurationMs: 4 * HOUR,
  modes: ['shell'],
  approvals: 2,
  approvers: ['carol', 'dave'],
  autoApprove: false,
  pendingTtlMs: 2 * HOUR,
};
const policy: RequestPolicy = { groups: {}, rules: [RULE] };
const judgeAs = (approver: string) => approverJudge(policy, approver, 30 * DAY);

const filed = (ndaId: NdaId, approvalsRequired = 2): NewRequest => ({
  kind: 'grant',
  userName: 'alice',
  targetName: 'db1',
  grantId: null,
  ndaId,
  mode: { kind: 'shell' },
  durationMs: 2 * HOUR,
  reason: 'CHG-118 index rebuild',
  rule: RULE.name,
  approvalsRequired,
  expiresAt: T0 + 2 * HOUR,
});

const approval = (approver: string, confirmations: Record<string, string>): ApprovalInput => ({
  approver,
  note: `ok from ${approver}`,
  durationMs: null,
  confirmations,
});

const count = async (store: Store): Promise<number> => (await store.audit.head())?.seq ?? 0;

describeEachStore('access requests to a target with a checklist', (t) => {
  async function checklisted() {
    const seeded = await seed(t.store);
    await t.store.targets.setRequires('db1', ['backup verified', 'rollback plan'], 'root');
    return seeded;
  }

  it('an auto-approving rule does not approve it: the request waits for a person', async () => {
    const { ndaA } = await checklisted();
    const auto = { input: approval('gatehouse', {}), judge: autoJudge(RULE, 30 * DAY) };
    const request = await t.store.requests.create(filed(ndaA.id, 1), auto, T0, 'user:alice');
    expect(request).toMatchObject({ status: 'pending', approvals: [] });
    expect(await t.store.grants.list()).toEqual([]);

    // Without a checklist the same rule approves at once.
    await t.store.targets.setRequires('db1', [], 'root');
    const again = await t.store.requests.create(filed(ndaA.id, 1), auto, T0, 'user:alice');
    expect(again.status).toBe('approved');
  });

  it('the approval that would make the grant is refused naming the items not confirmed; nothing is written', async () => {
    const { ndaA } = await checklisted();
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    await t.store.requests.approve(
      r.id,
      approval('carol', { 'backup verified': 'snapshot s3://b/db1' }),
      judgeAs('carol'),
      T0,
      'reviewer:carol',
    );
    const before = await count(t.store);
    await expect(
      t.store.requests.approve(r.id, approval('dave', {}), judgeAs('dave'), T0, 'reviewer:dave'),
    ).rejects.toThrow('checklist: db1 requires confirming "rollback plan" before access');
    expect(await count(t.store)).toBe(before);
    const still = await t.store.requests.get(r.id);
    expect(still?.status).toBe('pending');
    expect(still?.approvals.map((a) => a.approver)).toEqual(['carol']);
    expect(await t.store.grants.list()).toEqual([]);
  });

  it("the approvers' confirmations together make the grant's, each by its approver", async () => {
    const { ndaA } = await checklisted();
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    await t.store.requests.approve(
      r.id,
      approval('carol', { 'backup verified': 'snapshot s3://b/db1' }),
      judgeAs('carol'),
      T0,
      'reviewer:carol',
    );
    const done = await t.store.requests.approve(
      r.id,
      approval('dave', { 'rollback plan': 'https://wiki.example/CHG-118' }),
      judgeAs('dave'),
      T0,
      'os:dave via sudo as gatehouse',
    );
    expect(done.status).toBe('approved');
    const expected = [
      { item: 'backup verified', note: 'snapshot s3://b/db1', by: 'reviewer:carol' },
      {
        item: 'rollback plan',
        note: 'https://wiki.example/CHG-118',
        by: 'os:dave via sudo as gatehouse',
      },
    ];
    const grant = await t.store.grants.get(done.grantId!);
    expect(grant?.confirmations).toEqual(expected);
    const [create] = await t.store.audit.list({ type: 'grant.create', limit: 1 });
    expect(create?.payload).toMatchObject({
      approvers: ['carol', 'dave'],
      confirmations: expected,
    });

    // Its scope sign-off names the approvers, not the admin who made the grant.
    expect(await t.store.grants.signoffScope(done.grantId!)).toMatchObject({
      approvers: ['carol', 'dave'],
      fromRequest: true,
      reason: 'CHG-118 index rebuild',
    });
  });

  it('an approval confirming an item the target does not require is refused', async () => {
    const { ndaA } = await checklisted();
    await t.store.targets.setRequires('db1', ['backup verified'], 'root');
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    await t.store.requests.approve(
      r.id,
      approval('carol', { 'backup verified': 'ok', 'load test': 'done' }),
      judgeAs('carol'),
      T0,
      'reviewer:carol',
    );
    await expect(
      t.store.requests.approve(r.id, approval('dave', {}), judgeAs('dave'), T0, 'reviewer:dave'),
    ).rejects.toThrow('checklist: db1 has no item "load test" (it requires "backup verified")');
  });

  it('an approver the rules no longer name confirms nothing: the completing approval must, and the grant names only counted approvers', async () => {
    const { ndaA } = await checklisted();
    const r = await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice');
    const both = { 'backup verified': 'snapshot s3://b/db1', 'rollback plan': 'runbook RB-7' };
    await t.store.requests.approve(r.id, approval('carol', both), judgeAs('carol'), T0, 'x');
    // A reload replaces carol with erin: carol's approval and confirmations no longer count.
    const reloaded: RequestPolicy = {
      groups: {},
      rules: [{ ...RULE, approvers: ['dave', 'erin'] }],
    };
    const as = (name: string) => approverJudge(reloaded, name, 30 * DAY);
    expect(
      (await t.store.requests.approve(r.id, approval('dave', {}), as('dave'), T0, 'x')).status,
    ).toBe('pending');
    await expect(
      t.store.requests.approve(r.id, approval('erin', {}), as('erin'), T0, 'reviewer:erin'),
    ).rejects.toThrow(
      'checklist: db1 requires confirming "backup verified", "rollback plan" before access',
    );
    const done = await t.store.requests.approve(
      r.id,
      approval('erin', both),
      as('erin'),
      T0,
      'reviewer:erin',
    );
    expect(done.status).toBe('approved');
    const [create] = await t.store.audit.list({ type: 'grant.create' });
    expect(create?.payload).toMatchObject({ approvers: ['dave', 'erin'] });
    expect((create?.payload['confirmations'] as { by: string }[]).map((c) => c.by)).toEqual([
      'reviewer:erin',
      'reviewer:erin',
    ]);
  });
});
