import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/access-request.js';
import { approverJudge, planFiling } from '../../src/core/request-decision.js';
import type { RequestPolicy, RequestRule } from '../../src/core/request-rules.js';
import {
  NO_TRANSFER_LIMIT,
  resolveTransfer,
  type TransferLimit,
} from '../../src/core/request-transfer.js';
import { NO_TRANSFER, type TransferRights } from '../../src/core/transfer-rights.js';

const GiB = 1024 ** 3;
const LOGS: TransferLimit = {
  direction: 'download',
  paths: ['/var/log/**', '/etc/app.conf'],
  maxBudgetBytes: 2 * GiB,
};
const asked = (over: Partial<TransferRights>): TransferRights => ({
  direction: 'download',
  paths: [],
  budgetBytes: null,
  ...over,
});
const filing = { rule: 'logs', target: 'db1', fillFromRule: true };
const asGranted = { ...filing, fillFromRule: false };

describe('resolveTransfer', () => {
  it('gives none for none asked, whatever the rule', () => {
    expect(resolveTransfer(NO_TRANSFER_LIMIT, NO_TRANSFER, filing)).toEqual({
      ok: true,
      rights: NO_TRANSFER,
    });
  });

  it("fills in the rule's path limits and maximum budget when a filed request names none", () => {
    expect(resolveTransfer(LOGS, asked({}), filing)).toEqual({
      ok: true,
      rights: { direction: 'download', paths: LOGS.paths, budgetBytes: 2 * GiB },
    });
  });

  it("keeps asked path limits among the rule's and a smaller budget", () => {
    expect(
      resolveTransfer(LOGS, asked({ paths: ['/etc/app.conf'], budgetBytes: GiB }), filing),
    ).toEqual({
      ok: true,
      rights: { direction: 'download', paths: ['/etc/app.conf'], budgetBytes: GiB },
    });
  });

  it('lets a rule for both directions give either, and a rule without paths or maximum give any', () => {
    const open: TransferLimit = { direction: 'both', paths: [], maxBudgetBytes: null };
    for (const direction of ['download', 'upload', 'both'] as const)
      expect(resolveTransfer(open, asked({ direction, paths: ['/srv/**'] }), filing)).toEqual({
        ok: true,
        rights: { direction, paths: ['/srv/**'], budgetBytes: null },
      });
  });

  it.each<[string, TransferLimit, Partial<TransferRights>, typeof filing, string]>([
    [
      'a rule without transfer',
      NO_TRANSFER_LIMIT,
      {},
      filing,
      'request: file transfer is not offered for db1 (rule logs)',
    ],
    [
      'another direction',
      LOGS,
      { direction: 'upload' },
      filing,
      'request: --transfer upload is not offered for db1 (rule logs allows download)',
    ],
    [
      'both for a one-way rule',
      LOGS,
      { direction: 'both' },
      filing,
      'request: --transfer both is not offered for db1 (rule logs allows download)',
    ],
    [
      'a path limit not among the rule’s',
      LOGS,
      { paths: ['/var/log/**', '/etc/**'] },
      filing,
      'request: --transfer-path "/etc/**" is not offered for db1 (rule logs allows /var/log/** /etc/app.conf)',
    ],
    [
      'a narrower glob that is not one of the rule’s',
      LOGS,
      { paths: ['/var/log/app/**'] },
      filing,
      'request: --transfer-path "/var/log/app/**" is not offered',
    ],
    [
      'a budget over the maximum',
      LOGS,
      { budgetBytes: 3 * GiB },
      filing,
      'request: --transfer-budget 3GiB is not offered for db1 (rule logs allows at most 2GiB)',
    ],
    [
      'any path, as granted, under a rule with paths',
      LOGS,
      { budgetBytes: GiB },
      asGranted,
      'request: file transfer on any path is not offered for db1 (rule logs allows /var/log/** /etc/app.conf)',
    ],
    [
      'no budget, as granted, under a rule with a maximum',
      LOGS,
      { paths: ['/etc/app.conf'] },
      asGranted,
      'request: file transfer without a budget is not offered for db1 (rule logs allows at most 2GiB)',
    ],
  ])('refuses %s, naming it', (_label, limit, over, where, message) => {
    const result = resolveTransfer(limit, asked(over), where);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});

const HOUR = 3_600_000;
const rule = (over: Partial<RequestRule>): RequestRule => ({
  name: 'r',
  users: ['alice'],
  targets: ['db*'],
  maxDurationMs: 4 * HOUR,
  modes: ['shell'],
  approvals: 1,
  approvers: ['carol'],
  autoApprove: false,
  pendingTtlMs: 24 * HOUR,
  ...over,
});
const policy: RequestPolicy = {
  groups: {},
  rules: [
    rule({ name: 'db-shell' }),
    rule({ name: 'db-logs', transfer: LOGS, approvers: ['dave'] }),
  ],
};
const shell = { kind: 'shell' } as const;
const T = 1_000_000;

describe('filing and judging requests with file transfer', () => {
  const file = (transfer: TransferRights, p: RequestPolicy = policy) =>
    planFiling(
      p,
      { kind: 'grant', user: 'alice', target: 'db1', mode: shell, durationMs: HOUR, transfer },
      T,
    );

  it('files under the first rule that allows the transfer, resolved against it', () => {
    expect(file(NO_TRANSFER)).toMatchObject({
      ok: true,
      rule: { name: 'db-shell' },
      transfer: NO_TRANSFER,
    });
    expect(file(asked({}))).toMatchObject({
      ok: true,
      rule: { name: 'db-logs' },
      transfer: { direction: 'download', paths: LOGS.paths, budgetBytes: 2 * GiB },
    });
  });

  it('says why when no rule allows it: the first rule offering any transfer, else the mode or length', () => {
    const upload =
      'request: --transfer upload is not offered for db1 (rule db-logs allows download)';
    expect(file(asked({ direction: 'upload' }))).toEqual({ ok: false, message: upload });
    expect(file(asked({ direction: 'upload' }), { ...policy, rules: [policy.rules[0]!] })).toEqual({
      ok: false,
      message: 'request: file transfer is not offered for db1 (rule db-shell)',
    });
    // A rule that does not offer the mode or the length says so first only when none does.
    const short: RequestPolicy = {
      ...policy,
      rules: [rule({ name: 'db-short', maxDurationMs: HOUR / 2 }), policy.rules[1]!],
    };
    expect(file(asked({ direction: 'upload' }), short)).toEqual({ ok: false, message: upload });
    expect(
      planFiling(
        short,
        { kind: 'grant', user: 'alice', target: 'db1', mode: shell, durationMs: 9 * HOUR },
        T,
      ),
    ).toEqual({
      ok: false,
      message: 'request: 9h is longer than the maximum of 30m for db1 (rule db-short)',
    });
  });

  it('files an extension only under a rule that allows its grant’s transfer as it is', () => {
    const extend = (transfer: TransferRights) =>
      planFiling(
        policy,
        { kind: 'extend', user: 'alice', target: 'db1', mode: shell, durationMs: HOUR, transfer },
        T,
      );
    expect(extend(asked({ paths: ['/etc/app.conf'], budgetBytes: GiB }))).toMatchObject({
      ok: true,
      rule: { name: 'db-logs' },
    });
    // A grant for any path is not a rule's with path limits to extend.
    expect(extend(asked({ budgetBytes: GiB }))).toMatchObject({ ok: false });
  });

  it('judges the rights filed as they are: a rule narrowed since refuses them', () => {
    const request = {
      id: 7,
      kind: 'grant',
      userName: 'alice',
      targetName: 'db1',
      mode: shell,
      transfer: { direction: 'download', paths: ['/var/log/**'], budgetBytes: GiB },
      durationMs: HOUR,
      rule: 'db-logs',
      status: 'pending',
      expiresAt: T + HOUR,
    } as unknown as AccessRequest;
    expect(approverJudge(policy, 'dave', 10 * HOUR)(request)).toMatchObject({ ok: true });
    const narrowed: RequestPolicy = {
      ...policy,
      rules: [
        rule({
          name: 'db-logs',
          transfer: { ...LOGS, maxBudgetBytes: GiB / 2 },
          approvers: ['dave'],
        }),
      ],
    };
    expect(approverJudge(narrowed, 'dave', 10 * HOUR)(request)).toEqual({
      ok: false,
      message:
        'request: the rules no longer allow request 7 (--transfer-budget 1GiB is not offered for db1 (rule db-logs allows at most 512MiB))',
    });
  });
});
