import { describe, expect, it } from 'vitest';
import type { GrantId } from '../../src/core/model.js';
import { NO_TRANSFER, type TransferRights } from '../../src/core/transfer-rights.js';
import type { NewRequest } from '../../src/core/ports.js';
import { approverJudge } from '../../src/core/request-decision.js';
import type { RequestPolicy } from '../../src/core/request-rules.js';
import { openStore } from '../../src/store/open-store.js';
import { DAY, grantFor, HOUR, MAX, seed, T0, describeEachStore } from './store-fixtures.js';

describeEachStore('transfer rights', (t) => {
  const MiB = 1024 ** 2;
  const DOWNLOAD_LOGS: TransferRights = {
    direction: 'download',
    paths: ['/var/log/**', '/etc/app.conf'],
    budgetBytes: 500 * MiB,
  };

  describe('grants carry transfer rights (migration 15)', () => {
    it('stores the rights given, writes them into grant.create, and reads them back', async () => {
      const { ndaA } = await seed(t.store);
      const grant = await t.store.grants.add(
        grantFor(ndaA.id, { transfer: DOWNLOAD_LOGS }),
        MAX,
        T0,
        'root',
      );
      expect(grant.transfer).toEqual(DOWNLOAD_LOGS);
      expect((await t.store.grants.get(grant.id))?.transfer).toEqual(DOWNLOAD_LOGS);
      expect(await t.lastAudit()).toMatchObject({
        type: 'grant.create',
        payload: { grantId: grant.id, transfer: DOWNLOAD_LOGS },
      });
      expect(await t.store.grants.transferUsed(grant.id)).toBe(0);
    });

    it('makes a grant without transfer rights allow none, also in its grant.create event', async () => {
      const { ndaA } = await seed(t.store);
      const grant = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      expect(grant.transfer).toEqual(NO_TRANSFER);
      expect((await t.lastAudit())?.payload['transfer']).toEqual(NO_TRANSFER);
    });

    it.each([
      [{ direction: 'none', paths: ['/tmp/**'], budgetBytes: null }, 'need a transfer direction'],
      [{ direction: 'none', paths: [], budgetBytes: 10 }, 'need a transfer direction'],
      [{ direction: 'upload', paths: ['tmp/**'], budgetBytes: null }, 'is not an absolute path'],
      [{ direction: 'both', paths: ['/srv/../etc'], budgetBytes: null }, 'holds . or ..'],
      [{ direction: 'both', paths: [], budgetBytes: 0 }, 'above zero'],
      [{ direction: 'sideways', paths: [], budgetBytes: null }, 'is not one of'],
    ])('refuses ill-formed rights %j and makes no grant', async (transfer, message) => {
      const { ndaA } = await seed(t.store);
      const before = await t.counts();
      await expect(
        t.store.grants.add(
          grantFor(ndaA.id, { transfer: transfer as TransferRights }),
          MAX,
          T0,
          'root',
        ),
      ).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining(message) });
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('takeTransferBudget', () => {
    it('takes what is left of the budget, then nothing, and counts what was taken', async () => {
      const { ndaA } = await seed(t.store);
      const grant = await t.store.grants.add(
        grantFor(ndaA.id, { transfer: { ...DOWNLOAD_LOGS, budgetBytes: 1000 } }),
        MAX,
        T0,
        'root',
      );
      expect(await t.store.grants.takeTransferBudget(grant.id, 600)).toBe(600);
      expect(await t.store.grants.takeTransferBudget(grant.id, 600)).toBe(400);
      expect(await t.store.grants.takeTransferBudget(grant.id, 1)).toBe(0);
      expect(await t.store.grants.transferUsed(grant.id)).toBe(1000);
    });

    it('gives all that is asked without a budget, and nothing for an unknown grant or a bad amount', async () => {
      const { ndaA } = await seed(t.store);
      const grant = await t.store.grants.add(
        grantFor(ndaA.id, { transfer: { direction: 'both', paths: [], budgetBytes: null } }),
        MAX,
        T0,
        'root',
      );
      expect(await t.store.grants.takeTransferBudget(grant.id, 5 * MiB)).toBe(5 * MiB);
      expect(await t.store.grants.transferUsed(grant.id)).toBe(5 * MiB);
      expect(await t.store.grants.takeTransferBudget(9999 as GrantId, 10)).toBe(0);
      expect(await t.store.grants.takeTransferBudget(grant.id, -5)).toBe(0);
      expect(await t.store.grants.takeTransferBudget(grant.id, 1.5)).toBe(0);
    });

    it('never gives more than the budget to two connections taking at once', async () => {
      const { ndaA } = await seed(t.store);
      const grant = await t.store.grants.add(
        grantFor(ndaA.id, { transfer: { ...DOWNLOAD_LOGS, budgetBytes: 10_000 } }),
        MAX,
        T0,
        'root',
      );
      const other = await openStore(t.path);
      try {
        const takes = await Promise.all(
          Array.from({ length: 60 }, (_, i) =>
            (i % 2 === 0 ? t.store : other).grants.takeTransferBudget(grant.id, 300),
          ),
        );
        expect(takes.reduce((a, b) => a + b, 0)).toBe(10_000);
        expect(takes.filter((n) => n === 300)).toHaveLength(33);
        expect(takes.filter((n) => n === 100)).toHaveLength(1);
        expect(await other.grants.transferUsed(grant.id)).toBe(10_000);
      } finally {
        await other.close();
      }
    });
  });

  describe('access requests carry transfer rights to the grant their approval makes', () => {
    const policy = (maxBudgetBytes: number): RequestPolicy => ({
      groups: {},
      rules: [
        {
          name: 'db-logs',
          users: ['alice'],
          targets: ['db*'],
          maxDurationMs: 4 * HOUR,
          modes: ['shell'],
          approvals: 1,
          approvers: ['carol'],
          autoApprove: false,
          pendingTtlMs: 2 * HOUR,
          transfer: { direction: 'download', paths: ['/var/log/**'], maxBudgetBytes },
        },
      ],
    });
    const asked: TransferRights = {
      direction: 'download',
      paths: ['/var/log/**'],
      budgetBytes: MiB,
    };
    const filed = (ndaId: NewRequest['ndaId'], transfer?: TransferRights): NewRequest => ({
      kind: 'grant',
      userName: 'alice',
      targetName: 'db1',
      grantId: null,
      ndaId,
      mode: { kind: 'shell' },
      durationMs: HOUR,
      reason: 'INC-9 logs',
      rule: 'db-logs',
      approvalsRequired: 1,
      expiresAt: T0 + HOUR,
      ...(transfer === undefined ? {} : { transfer }),
    });
    const yes = { approver: 'carol', note: 'ok', durationMs: null, confirmations: {} };

    it('keeps the rights with the request and its request.created event, and gives them to the grant', async () => {
      const { ndaA } = await seed(t.store);
      const request = await t.store.requests.create(filed(ndaA.id, asked), null, T0, 'user:alice');
      expect(request.transfer).toEqual(asked);
      expect((await t.store.requests.get(request.id))?.transfer).toEqual(asked);
      expect(
        (await t.store.audit.list({ type: 'request.created', limit: 1 }))[0]?.payload,
      ).toMatchObject({
        transfer: asked,
      });
      const done = await t.store.requests.approve(
        request.id,
        yes,
        approverJudge(policy(MiB), 'carol', 30 * DAY),
        T0,
        'reviewer:carol',
      );
      expect((await t.store.grants.get(done.grantId!))?.transfer).toEqual(asked);
      expect((await t.lastAudit())?.payload).toMatchObject({
        requestId: request.id,
        transfer: asked,
      });
    });

    it('refuses the approval when the rules narrowed since filing, and makes no grant', async () => {
      const { ndaA } = await seed(t.store);
      const request = await t.store.requests.create(filed(ndaA.id, asked), null, T0, 'user:alice');
      await expect(
        t.store.requests.approve(
          request.id,
          yes,
          approverJudge(policy(MiB / 2), 'carol', 30 * DAY),
          T0,
          'reviewer:carol',
        ),
      ).rejects.toThrow(
        '--transfer-budget 1MiB is not offered for db1 (rule db-logs allows at most 512KiB)',
      );
      expect(await t.store.grants.list()).toEqual([]);
    });

    it('files a request without transfer as none, and refuses ill-formed rights', async () => {
      const { ndaA } = await seed(t.store);
      expect(
        (await t.store.requests.create(filed(ndaA.id), null, T0, 'user:alice')).transfer,
      ).toEqual(NO_TRANSFER);
      const before = await t.counts();
      await expect(
        t.store.requests.create(
          filed(ndaA.id, { direction: 'download', paths: ['var/log'], budgetBytes: null }),
          null,
          T0,
          'user:alice',
        ),
      ).rejects.toMatchObject({
        code: 'refused',
        message: expect.stringContaining('is not an absolute path'),
      });
      expect(await t.counts()).toEqual(before);
    });
  });
});
