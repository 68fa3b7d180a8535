/**
 * `gatehouse grant extend ID --for … --reason …`: an admin moves a live grant's end later,
 * capped at its NDA's expiry; refused for revoked or ended grants and past grants.maxDuration.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { NdaId } from '../../src/core/model.js';
import { isoTime } from '../../src/core/timestamp.js';
import { expectRefusal, makeCli, type Cli } from './cli-harness.js';
import { HOUR, seed, withStoreAt } from './store-fixtures.js';

const MAX = 4 * HOUR;

describe('gatehouse grant extend', () => {
  let cli: Cli;
  let ndas: { alice: NdaId; bob: NdaId };

  beforeEach(async () => {
    cli = await makeCli('grants:\n  maxDuration: 4h\n');
    ndas = await withStoreAt(cli.dbPath, async (store) => {
      const { ndaA, ndaB } = await seed(store);
      return { alice: ndaA.id, bob: ndaB.id };
    });
  });

  /** A grant of `user` on db1 from `startsAt` to `endsAt`. */
  const grant = (startsAt: number, endsAt: number, user: 'alice' | 'bob' = 'alice') =>
    withStoreAt(cli.dbPath, (store) =>
      store.grants.add(
        {
          userName: user,
          targetName: 'db1',
          ndaId: ndas[user],
          startsAt,
          endsAt,
          mode: 'shell',
          allowlist: [],
          reason: 'INC-1',
        },
        MAX,
        startsAt,
        'root',
      ),
    );

  const expectRefused = (args: string[], code: 1 | 2, message: string) =>
    expectRefusal(cli, () => cli.run('grant', 'extend', ...args), code, message);

  it('moves the end later, prints it and writes grant.extend', async () => {
    const now = Date.now();
    const g = await grant(now - 60_000, now + HOUR);
    const r = await cli.run(
      'grant',
      'extend',
      String(g.id),
      '--for',
      '1h',
      '--reason',
      'still running',
    );
    expect(r).toEqual({
      code: 0,
      stdout: `grant ${g.id} now ends ${isoTime(g.endsAt + HOUR)}\n`,
      stderr: '',
    });
    const [event] = await withStoreAt(cli.dbPath, (s) => s.audit.list({ type: 'grant.extend' }));
    expect(event?.payload).toEqual({
      grantId: g.id,
      previousEndsAt: g.endsAt,
      endsAt: g.endsAt + HOUR,
      reason: 'still running',
      requestId: null,
    });
    expect(event?.actor).toMatch(/^os:/);
    const shown = await cli.json<{ endsAt: string }>(
      'grant',
      'extend',
      String(g.id),
      '--for',
      '30m',
      '--reason',
      'a bit more',
    );
    expect(Date.parse(shown.endsAt)).toBe(g.endsAt + HOUR + HOUR / 2);
  });

  it("stops at the NDA's expiry", async () => {
    const now = Date.now();
    const nda = await withStoreAt(cli.dbPath, (store) =>
      store.ndas.add(
        {
          userName: 'bob',
          title: 'Short NDA',
          ref: 'NDA-3',
          signedAt: now - HOUR,
          expiresAt: now + 2 * HOUR,
          documentSha256: null,
        },
        'root',
      ),
    );
    ndas.bob = nda.id;
    const g = await grant(now - 60_000, now + HOUR, 'bob');
    const r = await cli.run('grant', 'extend', String(g.id), '--for', '2h', '--reason', 'more');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`grant ${g.id} now ends ${isoTime(now + 2 * HOUR)}\n`);
    await expectRefused(
      [String(g.id), '--for', '1h', '--reason', 'more'],
      1,
      `gatehouse: nda: NDA ${nda.id} expires`,
    );
  });

  it('refuses revoked and ended grants, windows past grants.maxDuration and unknown ids; nothing changes', async () => {
    const now = Date.now();
    const live = await grant(now - 60_000, now + 3 * HOUR);
    await expectRefused(
      [String(live.id), '--for', '2h', '--reason', 'x'],
      1,
      `gatehouse: window: grant ${live.id} would run`,
    );
    const revoked = await grant(now - 60_000, now + HOUR);
    expect((await cli.run('grant', 'revoke', String(revoked.id), '--reason', 'done')).code).toBe(0);
    await expectRefused(
      [String(revoked.id), '--for', '1h', '--reason', 'x'],
      1,
      `gatehouse: grant: ${revoked.id} is revoked`,
    );
    const ended = await grant(now - 3 * HOUR, now - HOUR);
    await expectRefused(
      [String(ended.id), '--for', '1h', '--reason', 'x'],
      1,
      `gatehouse: grant: ${ended.id} ended`,
    );
    await expectRefused(
      ['99', '--for', '1h', '--reason', 'x'],
      1,
      'gatehouse: grant: no grant with id 99',
    );
    await expectRefused([String(live.id), '--for', '1.5h', '--reason', 'x'], 2, '--for:');
    await expectRefused([String(live.id), '--for', '1h'], 2, "required option '--reason");
    await expectRefused(['seven', '--for', '1h', '--reason', 'x'], 2, 'grant id:');
    expect((await withStoreAt(cli.dbPath, (s) => s.grants.get(live.id)))?.endsAt).toBe(live.endsAt);
  });
});
