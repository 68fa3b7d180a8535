import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, startBastion, type BastionFixture } from '../helpers/bastion.js';
import { applyRules, approve, filedId, gatehouse } from './self-service-fixture.js';

/**
 * A contractor asking for more than a rule gives (red team of issue 14): each case is a way round
 * the approvals that worked once.
 */
const RULES = `
groups:
  contractors: [alice, bob, cy]
  leads: [carol, dave]
profiles:
  readonly-ops: ['uptime', 'df -h']
requests:
  pendingTtl: 1h
  rules:
    - name: db1-readonly-auto
      users: ['@contractors']
      targets: ['db1']
      maxDuration: 1h
      modes: [readonly-ops]
      autoApprove: true
    - name: db1-shell
      users: ['@contractors']
      targets: ['db1']
      maxDuration: 4h
      modes: [shell]
      approvals: 2
      approvers: ['@leads']
`;

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await applyRules(b, RULES);
});
afterAll(async () => {
  await b.stop();
});

describe('ssh USER@bastion request: asking for more than the rules give', () => {
  it('more time on a shell grant needs the shell rule’s two approvals, not the auto-approving readonly rule', async () => {
    const alice = await b.userWithGrant('alice');
    const asked = ['request', 'extend', String(alice.grant.id), '--for', '1h', '--reason', 'more'];
    const r = await gatehouse(b, alice, ...asked);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toMatch(
      new RegExp(
        `^request \\d+ pending: 1h more on grant ${alice.grant.id} \\(db1\\).*2 approvals`,
      ),
    );
    expect((await b.store.grants.get(alice.grant.id))?.endsAt).toBe(alice.grant.endsAt);
    const id = filedId(r);
    expect((await approve(b, id, 'carol')).status).toBe('pending');
    expect((await approve(b, id, 'dave')).status).toBe('approved');
    expect((await b.store.grants.get(alice.grant.id))?.endsAt).toBe(alice.grant.endsAt + HOUR);
  });

  it('a readonly-ops grant is extended under the rule offering that profile', async () => {
    const bob = await b.userWithGrant('bob', { mode: 'commands', allowlist: ['uptime', 'df -h'] });
    const asked = ['request', 'extend', String(bob.grant.id), '--for', '30m', '--reason', 'more'];
    const r = await gatehouse(b, bob, ...asked);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toMatch(/^request \d+ approved/);
    expect((await b.store.grants.get(bob.grant.id))?.endsAt).toBe(bob.grant.endsAt + HOUR / 2);
  });

  it('a user with 10 requests pending is refused the 11th in one line, and nothing is filed', async () => {
    const cy = await b.addUser('cy');
    const nda = await b.addNda(cy);
    for (let i = 0; i < 10; i += 1)
      await b.store.requests.create(
        {
          kind: 'grant',
          userName: 'cy',
          targetName: 'db1',
          grantId: null,
          ndaId: nda.id,
          mode: { kind: 'shell' },
          durationMs: HOUR,
          reason: `flood ${i}`,
          rule: 'db1-shell',
          approvalsRequired: 2,
          expiresAt: Date.now() + HOUR,
        },
        null,
        Date.now(),
        'user:cy',
      );
    const r = await gatehouse(b, cy, 'request', 'db1', '--for', '1h', '--reason', 'one more');
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toBe(
      'gatehouse: request: you have 10 requests pending, the most allowed; cancel one or wait for a decision\n',
    );
    expect(await b.store.requests.list({ userName: 'cy' })).toHaveLength(10);
  });
});
