import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh, type PtySsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

async function openShell(t: PtySsh): Promise<void> {
  await t.waitFor(/this session is recorded/);
  t.write('echo ready-$((6*7))\r');
  await t.waitFor(/ready-42/);
}

describe('grants are enforced on live sessions', () => {
  it('a revocation by the CLI in another process closes the live shell within 2 s', async () => {
    const alice = await b.userWithGrant('alice');
    const t = ptySsh(b.login(alice));
    try {
      await openShell(t);
      const revoke = await b.cli([
        'grant',
        'revoke',
        String(alice.grant.id),
        '--reason',
        'contract ended',
      ]);
      expect(revoke.code).toBe(0);
      const revokedAt = Date.now();
      const code = await t.exited;
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(2000);
      expect(t.output()).toMatch(
        new RegExp(`grant #${alice.grant.id} is no longer valid; session closed`),
      );
      expect(code).toBe(255);
    } finally {
      t.kill();
    }
    const [s] = (await b.store.sessions.list()).filter((x) => x.grantId === alice.grant.id);
    expect(s?.endReason).toBe('revoked');
    expect(
      (await b.auditTypes('session.end')).some(
        (p) => p['grantId'] === alice.grant.id && p['reason'] === 'revoked',
      ),
    ).toBe(true);
  });

  it('a grant that expires mid-session closes it at the expiry time (± 2 s)', async () => {
    const endsAt = Date.now() + 7000;
    const bob = await b.userWithGrant('bob', { endsAt });
    const t = ptySsh(b.login(bob));
    try {
      await openShell(t);
      expect(t.output()).toMatch(/grant #\d+, [4-6]s left/);
      await t.exited;
      expect(Math.abs(Date.now() - endsAt)).toBeLessThanOrEqual(2000);
      expect(t.output()).toMatch(/has expired; session closed/);
    } finally {
      t.kill();
    }
    const [s] = (await b.store.sessions.list()).filter((x) => x.grantId === bob.grant.id);
    expect(s?.endReason).toBe('expired');
  });

  it('`gatehouse session kill --reason` ends a live session within 2 s, showing the reason', async () => {
    const carol = await b.userWithGrant('carol');
    const t = ptySsh(b.login(carol));
    try {
      await openShell(t);
      const live = (await b.store.sessions.list({ live: true })).filter(
        (x) => x.grantId === carol.grant.id,
      );
      expect(live).toHaveLength(1);
      const listed = await b.cli(['session', 'list', '--live']);
      expect(listed.stdout).toContain(live[0]!.id);
      const kill = await b.cli(['session', 'kill', live[0]!.id, '--reason', 'INC-9 done']);
      expect(kill.code).toBe(0);
      const killedAt = Date.now();
      expect(await t.exited).toBe(255);
      expect(Date.now() - killedAt).toBeLessThanOrEqual(2000);
      expect(t.output()).toContain('gatehouse: session ended by an administrator: "INC-9 done"');
      const [killed] = await b.auditTypes('session.kill');
      expect(killed).toEqual({ sessionId: live[0]!.id, reason: 'INC-9 done' });
    } finally {
      t.kill();
    }
    expect(
      (
        await b.store.sessions.get(
          (await b.store.sessions.list()).find((x) => x.grantId === carol.grant.id)!.id,
        )
      )?.endReason,
    ).toBe('killed');
  });

  it('warns five minutes before expiry', async () => {
    const dave = await b.userWithGrant('dave', { endsAt: Date.now() + 5 * 60_000 + 2500 });
    const t = ptySsh(b.login(dave));
    try {
      await openShell(t);
      await t.waitFor(/grant #\d+ ends in 4m5\ds; save your work/, 6000);
      t.write('exit\r');
      await t.exited;
    } finally {
      t.kill();
    }
    expect(
      (await b.auditTypes('session.warning')).some(
        (p) => p['grantId'] === dave.grant.id && p['minutesLeft'] === 5,
      ),
    ).toBe(true);
  });
});
