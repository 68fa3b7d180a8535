import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh, type PtySsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
/** The admin's machine: the same database, its own node name (issue 17). */
let adminConfig: string;
beforeAll(async () => {
  b = await startBastion({ extraConfig: 'node:\n  name: node-a' });
  adminConfig = join(b.dir, 'admin.yaml');
  const text = await readFile(b.configPath, 'utf8');
  await writeFile(adminConfig, text.replace('name: node-a', 'name: admin-box'));
});

/** The node that wrote the newest event of `type` about `key`=`value`. */
async function nodeOf(type: string, key: string, value: unknown): Promise<string | null> {
  const events = await b.store.audit.list({ type });
  return events.filter((e) => e.payload[key] === value).at(-1)?.node ?? null;
}
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
      const revoke = await b.cli(
        ['grant', 'revoke', String(alice.grant.id), '--reason', 'contract ended'],
        adminConfig,
      );
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
    // Each event names the node that wrote it: the CLI's machine, the node holding the session.
    expect(await nodeOf('grant.revoke', 'grantId', alice.grant.id)).toBe('admin-box');
    expect(await nodeOf('session.end', 'grantId', alice.grant.id)).toBe('node-a');
    expect(s?.node).toBe('node-a');
    expect(await b.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('a user disabled by the CLI in another process loses the live shell within 2 s', async () => {
    const erin = await b.userWithGrant('erin');
    const t = ptySsh(b.login(erin));
    try {
      await openShell(t);
      expect((await b.cli(['user', 'disable', 'erin'], adminConfig)).code).toBe(0);
      const disabledAt = Date.now();
      expect(await t.exited).toBe(255);
      expect(Date.now() - disabledAt).toBeLessThanOrEqual(2000);
      expect(t.output()).toMatch(/no longer valid; session closed/);
    } finally {
      t.kill();
    }
    expect(await nodeOf('user.disable', 'user', 'erin')).toBe('admin-box');
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
      const listed = await b.cli(['session', 'list', '--live'], adminConfig);
      const [header, ...rows] = listed.stdout.trimEnd().split('\n');
      expect(header).toMatch(/\sSTDIN\s+RECORDING\s+NODE$/);
      expect(rows.find((r) => r.startsWith(live[0]!.id))).toMatch(/\snode-a$/);
      const json = await b.cli(['--json', 'session', 'list', '--live'], adminConfig);
      expect(JSON.parse(json.stdout)).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: live[0]!.id, node: 'node-a' })]),
      );
      const kill = await b.cli(
        ['session', 'kill', live[0]!.id, '--reason', 'INC-9 done'],
        adminConfig,
      );
      expect(kill.code).toBe(0);
      const killedAt = Date.now();
      expect(await t.exited).toBe(255);
      expect(Date.now() - killedAt).toBeLessThanOrEqual(2000);
      expect(t.output()).toContain('gatehouse: session ended by an administrator: "INC-9 done"');
      const [killed] = await b.auditTypes('session.kill');
      expect(killed).toEqual({ sessionId: live[0]!.id, reason: 'INC-9 done' });
      expect(await nodeOf('session.kill', 'sessionId', live[0]!.id)).toBe('admin-box');
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
