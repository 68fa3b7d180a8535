/** Access requests for the store tests: alice's db-shell rule, a filed request, an approval. */
import type { NdaId } from '../../src/core/model.js';
import type { ApprovalInput, NewRequest, RequestJudge } from '../../src/core/ports.js';
import { approverJudge } from '../../src/core/request-decision.js';
import type { RequestPolicy } from '../../src/core/request-rules.js';
import { DAY, HOUR, T0 } from './store-fixtures.js';

export const policy = (approvals = 1): RequestPolicy => ({
  groups: { leads: ['carol', 'dave', 'alice'] },
  rules: [
    {
      name: 'db-shell',
      users: ['alice'],
      targets: ['db*'],
      maxDurationMs: 4 * HOUR,
      modes: ['shell', 'allowlist'],
      approvals,
      approvers: ['@leads'],
      autoApprove: false,
      pendingTtlMs: 2 * HOUR,
    },
  ],
});

export const filed = (ndaId: NdaId, over: Partial<NewRequest> = {}): NewRequest => ({
  kind: 'grant',
  userName: 'alice',
  targetName: 'db1',
  grantId: null,
  ndaId,
  mode: { kind: 'shell' },
  durationMs: 2 * HOUR,
  reason: 'INC-4211 slow queries',
  rule: 'db-shell',
  approvalsRequired: 1,
  expiresAt: T0 + 2 * HOUR,
  ...over,
});

export const yes = (approver: string, over: Partial<ApprovalInput> = {}): ApprovalInput => ({
  approver,
  note: `ok from ${approver}`,
  durationMs: null,
  confirmations: {},
  ...over,
});

export const judgeAs = (approver: string, approvals = 1): RequestJudge =>
  approverJudge(policy(approvals), approver, 30 * DAY);
