import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/access-request.js';
import type { GrantId, NdaId, RequestId, TargetId, UserId } from '../../src/core/model.js';
import { NO_TRANSFER } from '../../src/core/transfer-rights.js';
import { chooseNda } from '../../src/session/self-service/choose-nda.js';
import {
  grantsTable,
  requestJson,
  requestLine,
  requestsTable,
} from '../../src/session/self-service/format.js';
import { DAY_MS, HOUR_MS, T0, grant, nda } from './core-fixtures.js';

const to = { userName: 'alice', hostLabel: 'bastion.example.com' };

const request = (o: Partial<AccessRequest> = {}): AccessRequest => ({
  id: 12 as RequestId,
  kind: 'grant',
  userId: 1 as UserId,
  userName: 'alice',
  targetId: 10 as TargetId,
  targetName: 'db1',
  ndaId: 3 as NdaId,
  mode: { kind: 'shell' },
  transfer: NO_TRANSFER,
  durationMs: 2 * HOUR_MS,
  reason: 'INC-4211 slow queries',
  rule: 'db-shell',
  approvalsRequired: 2,
  status: 'pending',
  createdAt: T0,
  expiresAt: T0 + 21 * HOUR_MS,
  decidedAt: null,
  decidedBy: null,
  decisionNote: null,
  grantId: null,
  approvals: [],
  ...o,
});

describe('requestLine', () => {
  it.each<[string, Partial<AccessRequest>, number, string]>([
    [
      'pending',
      {},
      T0,
      'request 12 pending: db1 shell for 2h (needs 2 approvals; expires 2026-11-16T09:00:00Z)',
    ],
    [
      'pending, a profile, one approval in',
      {
        mode: { kind: 'profile', name: 'readonly-ops', patterns: ['uptime'] },
        approvals: [
          {
            approver: 'carol',
            actor: 'reviewer:carol',
            note: '',
            at: T0,
            durationMs: null,
            confirmations: {},
          },
        ],
      },
      T0,
      'request 12 pending: db1 profile readonly-ops for 2h (needs 1 approval; expires 2026-11-16T09:00:00Z)',
    ],
    [
      'past its deadline reads as expired',
      {},
      T0 + DAY_MS,
      'request 12 expired undecided at 2026-11-16T09:00:00Z: db1 shell for 2h',
    ],
    [
      'approved',
      { status: 'approved', grantId: 7 as GrantId },
      T0,
      'request 12 approved: grant 7 on db1; connect with  ssh alice+db1@bastion.example.com',
    ],
    [
      'an approved extension',
      { kind: 'extend', status: 'approved', grantId: 7 as GrantId, durationMs: HOUR_MS },
      T0,
      'request 12 approved: grant 7 on db1 extended by 1h',
    ],
    [
      'denied, the reason escaped',
      { status: 'denied', decidedBy: 'carol', decisionNote: 'freeze\u001b[2J\nuntil monday' },
      T0,
      'request 12 denied by carol: freeze\\u001b[2J\\nuntil monday',
    ],
    ['cancelled', { status: 'cancelled' }, T0, 'request 12 cancelled: db1 shell for 2h'],
  ])('%s', (_name, over, now, line) => {
    expect(requestLine(request(over), now, to)).toBe(line);
  });

  it('--json gives the status as of now, ISO times and how to connect once approved', () => {
    expect(
      requestJson(request({ status: 'approved', grantId: 7 as GrantId }), T0, to),
    ).toMatchObject({
      id: 12,
      status: 'approved',
      duration: '2h',
      createdAt: '2026-11-15T12:00:00Z',
      connect: 'ssh alice+db1@bastion.example.com',
    });
    expect(requestJson(request(), T0 + DAY_MS, to)).toMatchObject({
      status: 'expired',
      connect: null,
    });
  });
});

describe('tables', () => {
  it('requests: the transfer asked in its column, in the line and in JSON', () => {
    const transfer = {
      direction: 'download',
      paths: ['/var/log/**'],
      budgetBytes: 2 * 1024 ** 3,
    } as const;
    const logs = request({ transfer });
    expect(requestsTable([logs], T0)[1]).toBe(
      '12  pending  db1     shell  download /var/log/** budget 2GiB  2h   INC-4211 slow queries  -',
    );
    expect(requestLine(logs, T0, to)).toContain(
      ': db1 shell for 2h with transfer download /var/log/** budget 2GiB (needs 2 approvals;',
    );
    expect(requestJson(logs, T0, to)).toMatchObject({ transfer });
  });

  it('requests: one aligned row each, long reasons cut', () => {
    const long = request({
      id: 9 as RequestId,
      reason: 'x'.repeat(60),
      status: 'approved',
      grantId: 7 as GrantId,
    });
    expect(requestsTable([request(), long], T0)).toEqual([
      'ID  STATUS    TARGET  MODE   TRANSFER  FOR  REASON                                    GRANT',
      '12  pending   db1     shell  -         2h   INC-4211 slow queries                     -',
      `9   approved  db1     shell  -         2h   ${'x'.repeat(39)}…  7`,
    ]);
    expect(requestsTable([], T0)).toEqual(['no requests yet']);
  });

  it('grants: time left, how to connect, an NDA still to acknowledge', () => {
    expect(
      grantsTable(
        [
          {
            grant: grant({
              endsAt: T0 + 90 * 60_000,
              mode: 'commands',
              allowlist: ['uptime', 'df -h'],
            }),
            targetName: 'db1',
          },
        ],
        T0,
        to,
      ),
    ).toEqual([
      'GRANT  TARGET  MODE        LEFT   CONNECT',
      '7      db1     2 commands  1h30m  ssh alice+db1@bastion.example.com  (NDA to acknowledge: add -t)',
    ]);
    expect(grantsTable([], T0, to)).toEqual([
      'no active grants; ask for one with  ssh alice@bastion.example.com request TARGET --for 2h --reason "…"',
    ]);
  });
});

describe('chooseNda', () => {
  const valid = nda();
  const other = nda({ id: 4 as NdaId, title: 'Second', ref: 'NDA-2' });
  it.each([
    [
      'the only valid one',
      [valid, nda({ id: 5 as NdaId, revokedAt: T0 - 1 })],
      null,
      { ok: true, nda: valid },
    ],
    [
      'expired and unsigned ones do not count',
      [nda({ expiresAt: T0 }), nda({ signedAt: T0 + 1 })],
      null,
      {
        ok: false,
        message: 'nda: you have no valid NDA on file; an administrator must record one first',
      },
    ],
    [
      'several: the list',
      [valid, other],
      null,
      {
        ok: false,
        message:
          'nda: you have several valid NDAs; name one with --nda ID: 3 (Acme contractor NDA v3, NDA-2026-014); 4 (Second, NDA-2)',
      },
    ],
    ['--nda picks', [valid, other], 4, { ok: true, nda: other }],
    [
      '--nda of no valid NDA',
      [valid, nda({ id: 4 as NdaId, revokedAt: T0 - 1 })],
      4,
      {
        ok: false,
        message: 'nda: you have no valid NDA 4',
      },
    ],
  ] as const)('%s', (_name, ndas, asked, expected) => {
    expect(chooseNda(ndas, asked as NdaId | null, T0)).toEqual(expected);
  });
});
