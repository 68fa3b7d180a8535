import { appendFile } from 'node:fs/promises';
import { loadConfig } from '../../src/config/load-config.js';
import type { AccessRequest } from '../../src/core/access-request.js';
import type { RequestId } from '../../src/core/model.js';
import { approverJudge } from '../../src/core/request-decision.js';
import type { BastionFixture, TestUser } from '../helpers/bastion.js';
import { runSsh, type SshResult } from '../helpers/ssh-client.js';

/**
 * Request rules for the self-service tests, applied to a running bastion the way SIGHUP does
 * (the config file rewritten, then reload): the commands read the current config each time.
 */
export const RULES_YAML = `
groups:
  contractors: [alice, bob, cora, dan, erik, fay, gil, hal, ivy]
  leads: [carol, dave]
profiles:
  readonly-ops: ['uptime', 'df -h']
requests:
  pendingTtl: 1h
  rules:
    - name: db-shell
      users: ['@contractors']
      targets: ['db1']
      maxDuration: 4h
      modes: [shell, allowlist, readonly-ops]
      approvals: 1
      approvers: ['@leads']
    - name: db2-auto
      users: ['@contractors']
      targets: ['db2']
      maxDuration: 1h
      modes: [shell]
      autoApprove: true
`;

export async function applyRules(b: BastionFixture, yaml: string = RULES_YAML): Promise<void> {
  await appendFile(b.configPath, yaml);
  b.running.reload(await loadConfig(b.configPath, {}, b.dir));
}

/** ssh's own warnings (known hosts, no pseudo-terminal) off: stderr is gatehouse's alone. */
export const QUIET = ['-o', 'LogLevel=ERROR'];

/** `ssh USER@bastion WORDS…` (a plain login: gatehouse's own commands). */
export const gatehouse = (
  b: BastionFixture,
  user: TestUser,
  ...words: string[]
): Promise<SshResult> => runSsh(b.login(user, null), { command: words, extra: QUIET });

/** An approver decides through the store (as the CLI or the review page would). */
export async function approve(
  b: BastionFixture,
  id: number,
  approver = 'carol',
): Promise<AccessRequest> {
  const config = await loadConfig(b.configPath, {}, b.dir);
  const policy = { rules: config.requests.rules, groups: config.groups };
  return b.store.requests.approve(
    id as RequestId,
    { approver, note: 'go ahead', durationMs: null, confirmations: {} },
    approverJudge(policy, approver, config.grants.maxDurationMs),
    Date.now(),
    `reviewer:${approver}`,
  );
}

export async function deny(b: BastionFixture, id: number, reason: string): Promise<AccessRequest> {
  const config = await loadConfig(b.configPath, {}, b.dir);
  const policy = { rules: config.requests.rules, groups: config.groups };
  return b.store.requests.deny(
    id as RequestId,
    'carol',
    reason,
    approverJudge(policy, 'carol', config.grants.maxDurationMs),
    Date.now(),
    'reviewer:carol',
  );
}

/** The id a filing printed (`request 12 pending: …`). */
export function filedId(r: SshResult): number {
  const m = /^request (\d+) /.exec(r.stdout.toString());
  if (m === null)
    throw new Error(`no request id in ${JSON.stringify(r.stdout.toString())} / ${r.stderr}`);
  return Number(m[1]);
}
