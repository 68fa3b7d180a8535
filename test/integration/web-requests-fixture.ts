/**
 * Access requests on the review page (issue 14): the rules the page judges by, approver accounts,
 * and requests filed through the store as `ssh alice@bastion request …` files them.
 */
import type { AccessRequest } from '../../src/core/access-request.js';
import type { NewRequest, Store } from '../../src/core/ports.js';
import type { ReviewerRole } from '../../src/core/reviewer-role.js';
import type { RequestRules } from '../../src/web/context.js';
import { hashPassword } from '../../src/web/password.js';
import { PASSWORD } from './web-fixture.js';

const HOUR = 3_600_000;
const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForWebTests';

/** alice and bob may ask for db* and web2; ann, alice (a web account too) and bo approve. */
export const REQUEST_RULES: RequestRules = {
  policy: {
    groups: { leads: ['ann', 'alice', 'bo'] },
    rules: [
      {
        name: 'contractors',
        users: ['alice', 'bob'],
        targets: ['db*', 'web2'],
        maxDurationMs: 4 * HOUR,
        modes: ['shell', 'allowlist'],
        approvals: 1,
        approvers: ['@leads'],
        autoApprove: false,
        pendingTtlMs: 2 * HOUR,
      },
    ],
  },
  maxGrantMs: 30 * 24 * HOUR,
};

/** Review page accounts, all with the fixture's PASSWORD. */
export const ACCOUNTS: Readonly<Record<string, readonly ReviewerRole[]>> = {
  ann: ['approver'],
  alice: ['approver'],
  bo: ['reviewer', 'approver'],
  /** An approver account the rule does not name. */
  vic: ['approver'],
};

export async function addAccounts(store: Store): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  for (const [name, roles] of Object.entries(ACCOUNTS))
    await store.reviewers.add(name, hash, 'admin', roles);
}

/** An ssh target of that name (host key pinned), added when new. */
export async function ensureTarget(store: Store, name: string): Promise<void> {
  if ((await store.targets.findByName(name)) === null)
    await store.targets.add(
      { name, host: '10.0.0.9', port: 22, login: 'ops', hostKey: HOST_KEY },
      'admin',
    );
}

/** A pending request of `user` (default alice, for 2h of shell on db1) under their NDA; the target is added when new. */
export async function fileRequest(
  store: Store,
  over: Partial<NewRequest> = {},
): Promise<AccessRequest> {
  const user = over.userName ?? 'alice';
  const [nda] = await store.ndas.list({ userName: user });
  if (nda === undefined) throw new Error(`no NDA for ${user}`);
  await ensureTarget(store, over.targetName ?? 'db1');
  const now = Date.now();
  return store.requests.create(
    {
      kind: 'grant',
      userName: user,
      targetName: 'db1',
      grantId: null,
      ndaId: nda.id,
      mode: { kind: 'shell' },
      durationMs: 2 * HOUR,
      reason: 'INC-4211 slow queries',
      rule: 'contractors',
      approvalsRequired: 1,
      expiresAt: now + 2 * HOUR,
      ...over,
    },
    null,
    now,
    `user:${user}`,
  );
}
