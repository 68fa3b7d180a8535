/**
 * A connection with no session (`ssh -N`) holds the bastion's link to its target from the login
 * on. When the login stops allowing access (the grant revoked or expired, the NDA revoked, the
 * user disabled), the watcher closes it and its link like any session, with `connection.end`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NdaId } from '../../src/core/model.js';
import { HOUR, startBastion, type BastionFixture } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { runSsh, type SshResult } from '../helpers/ssh-client.js';
import { sshdConnection, sshdConnectionPorts } from '../helpers/sshd.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

/** Whether the target's sshd logged the bastion's connection from `port` as logged in / ended. */
const targetSaw = async (port: string, what: 'accepted' | 'closed'): Promise<boolean> =>
  (
    await eventually(
      () => sshdConnection(b.sshd, port),
      (c) => c[what],
    )
  )[what];

const sleep = (ms: number): Promise<string> =>
  new Promise((r) => setTimeout(() => r(`still connected after ${ms} ms`), ms));

describe('a connection without a session (ssh -N)', () => {
  it.each<{
    name: string;
    user: string;
    /** The grant ends this long after it is created (else in an hour). */
    expiresInMs?: number;
    end: (ids: { grantId: number; ndaId: NdaId; user: string }) => Promise<unknown>;
    reason: 'revoked' | 'expired';
  }>([
    {
      name: 'its grant is revoked (CLI)',
      user: 'nora',
      end: ({ grantId }) => b.cli(['grant', 'revoke', String(grantId), '--reason', 'ended']),
      reason: 'revoked',
    },
    {
      name: 'its NDA is revoked (CLI)',
      user: 'otto',
      end: ({ ndaId }) => b.cli(['nda', 'revoke', String(ndaId), '--reason', 'ended']),
      reason: 'revoked',
    },
    {
      name: 'the user is disabled (CLI)',
      user: 'pia',
      end: ({ user }) => b.cli(['user', 'disable', user]),
      reason: 'revoked',
    },
    {
      name: 'its grant expires',
      user: 'quin',
      expiresInMs: 6000,
      end: () => Promise.resolve(),
      reason: 'expired',
    },
  ])(
    'is closed with its target link when $name',
    async ({ user, expiresInMs, end, reason }) => {
      const endsAt = Date.now() + (expiresInMs ?? HOUR);
      const u = await b.userWithGrant(user, { endsAt });
      const before = await sshdConnectionPorts(b.sshd);
      const ssh = runSsh(b.login(u), { extra: ['-N'], timeoutMs: 30_000 });
      const ports = await eventually(
        () => sshdConnectionPorts(b.sshd),
        (p) => p.length > before.length,
      );
      const port = ports.at(-1)!;
      expect(await targetSaw(port, 'accepted')).toBe(true);

      await end({ grantId: u.grant.id, ndaId: u.grant.ndaId, user });
      // Closed within 2 s by the watcher; 5 s here so a loaded machine does not fail the test.
      const deadline = Math.max(Date.now(), expiresInMs === undefined ? 0 : endsAt) + 5000;
      const exited = await Promise.race<SshResult | string>([ssh, sleep(deadline - Date.now())]);
      expect(exited).toMatchObject({ code: 255 });
      expect(await targetSaw(port, 'closed')).toBe(true);
      const ends = await eventually(
        async () => (await b.auditTypes('connection.end')).filter((p) => p['user'] === user),
        (rows) => rows.length > 0,
      );
      expect(ends).toEqual([expect.objectContaining({ user, reason, grantIds: [u.grant.id] })]);
    },
    40_000,
  );
});
