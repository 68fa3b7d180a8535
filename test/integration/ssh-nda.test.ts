import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await b.addSshTarget('db2');
});
afterAll(async () => {
  await b.stop();
});

describe('NDA acknowledgement on first login under a grant', () => {
  it('refuses a batch client with a message saying how to acknowledge', async () => {
    const alice = await b.userWithGrant('alice', { acknowledged: false });
    const r = await runSsh(b.login(alice), { command: ['echo', 'batch'] });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(
      /NDA must be acknowledged before first use; without a terminal, run {2}ssh -t alice\+db1@127\.0\.0\.1/,
    );
    expect(r.stdout.toString()).toBe('');
    expect((await b.store.grants.get(alice.grant.id))?.ndaAcknowledgedAt).toBeNull();
  });

  it('shows the NDA, requires "I agree" exactly, records it, and later shows a one-line notice', async () => {
    const bob = await b.userWithGrant('bob', { acknowledged: false });
    const t = ptySsh(b.login(bob));
    try {
      await t.waitFor(/Type "I agree" to continue: $/);
      const shown = t.output();
      expect(shown).toMatch(/Title: +Acme contractor NDA v3/);
      expect(shown).toMatch(/Reference: +NDA-bob/);
      expect(shown).toMatch(/Signed: +\d{4}-\d\d-\d\d/);
      expect(shown).toMatch(new RegExp(`sha256 ${'a'.repeat(64)}`));
      t.write('i agree\r');
      await t.waitFor(/Type "I agree" to continue: [\s\S]*Type "I agree" to continue: $/);
      expect((await b.store.grants.get(bob.grant.id))?.ndaAcknowledgedAt).toBeNull();
      t.write('I agree\r');
      await t.waitFor(/this session is recorded/);
      t.write('exit\r');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
    expect((await b.store.grants.get(bob.grant.id))?.ndaAcknowledgedAt).not.toBeNull();
    expect((await b.auditTypes('nda.acknowledge')).some((p) => p['grantId'] === bob.grant.id)).toBe(
      true,
    );
    const later = await runSsh(b.login(bob), { command: ['true'] });
    expect(later.code).toBe(0);
    expect(later.stderr).toMatch(
      /access under NDA NDA-bob \("Acme contractor NDA v3"\), acknowledged/,
    );
  });

  it('plain USER with several grants and a pty: a numbered menu with time left', async () => {
    const carol = await b.userWithGrant('carol');
    await b.addGrant(carol, { target: 'db2', acknowledged: false });
    const t = ptySsh(b.login(carol, null));
    try {
      await t.waitFor(/Choose a target \[1-2\]: $/);
      expect(t.output()).toMatch(/1\) db1 +grant #\d+, 59m\d+s left/);
      expect(t.output()).toMatch(/2\) db2 +grant #\d+, 59m\d+s left \(NDA to acknowledge\)/);
      t.write('2\r');
      await t.waitFor(/Type "I agree" to continue: $/);
      t.write('I agree\r');
      await t.waitFor(/this session is recorded/);
      t.write('exit 5\r');
      expect(await t.exited).toBe(5);
    } finally {
      t.kill();
    }
    const grants = await b.store.grants.forUser(carol.grant.userId);
    expect(grants.every((g) => g.ndaAcknowledgedAt !== null)).toBe(true);
  });
});
