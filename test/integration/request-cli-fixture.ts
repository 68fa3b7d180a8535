/**
 * A CLI with request rules, seeded users, NDAs and targets, and requests filed through the store
 * (as the ssh side files them): shared by the approver's CLI tests.
 */
import type { AccessRequest } from '../../src/core/access-request.js';
import type { AuditRecord, Grant, NdaId, RequestId } from '../../src/core/model.js';
import type { NewRequest } from '../../src/core/ports.js';
import { makeCli, type Cli } from './cli-harness.js';
import { HOST_KEY, HOUR, seed, withStoreAt } from './store-fixtures.js';
import { filed } from './store-request-fixtures.js';

/**
 * db* needs one of the leads (alice is named too, to show she still cannot approve her own), and
 * allows file transfer up to 1GiB; prod* none.
 */
const RULES = `
groups:
  leads: [carol, dave]
requests:
  rules:
    - name: db-shell
      users: [alice]
      targets: ['db*']
      maxDuration: 4h
      modes: [shell, allowlist]
      approvers: ['@leads', alice]
      transfer:
        direction: both
        maxBudget: 1GiB
    - name: prod-two-keys
      users: [alice]
      targets: ['prod*']
      maxDuration: 4h
      modes: [shell]
      approvals: 2
      approvers: ['@leads']
`;

/** The request fields of a two-approval request for prod1. */
export const TWO_KEYS = {
  targetName: 'prod1',
  rule: 'prod-two-keys',
  approvalsRequired: 2,
} as const;

export interface RequestCli {
  readonly cli: Cli;
  /** What alice files over ssh: a shell on db1 for two hours, pending for an hour. */
  file(over?: Partial<NewRequest>): Promise<AccessRequest>;
  /** The audit events naming the request, oldest first. */
  events(id: RequestId): Promise<AuditRecord[]>;
  /** An admin's shell grant for alice on db1, from a minute ago, for `ms`. */
  grant(ms: number): Promise<Grant>;
}

/** alice (the requester) and bob with NDAs, targets db1 and prod1. */
export async function makeRequestCli(): Promise<RequestCli> {
  const cli = await makeCli(RULES);
  const withStore = <T>(fn: Parameters<typeof withStoreAt<T>>[1]) => withStoreAt(cli.dbPath, fn);
  const ndaId: NdaId = await withStore(async (store) => {
    const { ndaA } = await seed(store);
    await store.targets.add(
      { name: 'prod1', host: '10.0.0.6', port: 22, login: 'ops', hostKey: HOST_KEY },
      'root',
    );
    return ndaA.id;
  });
  return {
    cli,
    file: (over = {}) => {
      const now = Date.now();
      const request = filed(ndaId, { expiresAt: now + HOUR, ...over });
      return withStore((store) => store.requests.create(request, null, now, 'user:alice'));
    },
    events: (id) => withStore((store) => store.audit.list({ requestId: id })),
    grant: (ms) => {
      const startsAt = Date.now() - 60_000;
      return withStore((store) =>
        store.grants.add(
          {
            userName: 'alice',
            targetName: 'db1',
            ndaId,
            startsAt,
            endsAt: startsAt + ms,
            mode: 'shell',
            allowlist: [],
            reason: 'INC-4211',
          },
          30 * 24 * HOUR,
          startsAt,
          'root',
        ),
      );
    },
  };
}
