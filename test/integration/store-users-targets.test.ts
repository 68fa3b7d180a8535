import { describe, expect, it } from 'vitest';
import {
  grantFor,
  HOST_KEY,
  HOUR,
  key,
  MAX,
  seed,
  T0,
  describeEachStore,
} from './store-fixtures.js';

describeEachStore('users, ndas and targets', (t) => {
  describe('users', () => {
    it('adds a user with its key and one user.create audit event', async () => {
      const alice = await t.store.users.add('alice', key(1), 'root');
      expect(alice).toEqual({ id: alice.id, name: 'alice', disabled: false, createdAt: T0 });
      expect(await t.store.users.keys(alice.id)).toMatchObject([
        { userId: alice.id, fingerprint: key(1).fingerprint },
      ]);
      expect(await t.lastAudit()).toMatchObject({
        seq: 1,
        ts: T0,
        actor: 'root',
        type: 'user.create',
        payload: { user: 'alice', fingerprint: key(1).fingerprint },
      });
    });

    it('refuses a second alice and a reused fingerprint, changing nothing', async () => {
      await t.store.users.add('alice', key(1), 'root');
      const before = await t.counts();
      await expect(t.store.users.add('alice', key(9), 'root')).rejects.toMatchObject({
        code: 'conflict',
        userMessage: 'user: alice already exists',
      });
      await expect(t.store.users.add('bob', key(1), 'root')).rejects.toMatchObject({
        code: 'conflict',
        userMessage: `key: fingerprint ${key(1).fingerprint} is already registered`,
      });
      await expect(t.store.users.addKey('alice', key(1), 'root')).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(await t.counts()).toEqual(before);
    });

    it.each([
      ['a space', 'alice smith'],
      ['upper case', 'Alice'],
      ['a Cyrillic look-alike', 'аlice'],
      ['a leading dash', '-alice'],
      ['SQL quotes', "alice'; DROP TABLE users; --"],
      ['10 KB', 'a'.repeat(10_240)],
    ])('refuses a user name with %s in one line, changing nothing', async (_what, name) => {
      const before = await t.counts();
      const err = await t.store.users.add(name, key(1), 'root').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invalid' });
      expect((err as { userMessage: string }).userMessage).not.toContain('\n');
      expect((err as { userMessage: string }).userMessage.length).toBeLessThan(300);
      expect(await t.counts()).toEqual(before);
    });

    it('disables, adds and removes keys, each with its audit event', async () => {
      const alice = await t.store.users.add('alice', key(1), 'root');
      expect((await t.store.users.setDisabled('alice', true, 'root')).disabled).toBe(true);
      expect(await t.lastAudit()).toMatchObject({
        type: 'user.disable',
        payload: { user: 'alice' },
      });
      await t.store.users.addKey('alice', key(2), 'root');
      expect(await t.lastAudit()).toMatchObject({
        type: 'user.key.add',
        payload: { fingerprint: key(2).fingerprint },
      });
      await t.store.users.removeKey('alice', key(1).fingerprint, 'root');
      expect(await t.lastAudit()).toMatchObject({
        type: 'user.key.remove',
        payload: { fingerprint: key(1).fingerprint },
      });
      expect((await t.store.users.keys(alice.id)).map((k) => k.fingerprint)).toEqual([
        key(2).fingerprint,
      ]);
      await expect(
        t.store.users.removeKey('alice', key(1).fingerprint, 'root'),
      ).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(t.store.users.setDisabled('carol', true, 'root')).rejects.toMatchObject({
        code: 'not_found',
        userMessage: 'user: no user named "carol"',
      });
    });
  });

  describe('ndas and targets', () => {
    it('adds and revokes an NDA with audit events; revoking twice is refused', async () => {
      const { ndaA } = await seed(t.store);
      expect(ndaA).toMatchObject({
        title: 'Acme NDA v3',
        ref: 'NDA-1',
        revokedAt: null,
        documentSha256: 'a'.repeat(64),
      });
      expect((await t.store.ndas.list({ userName: 'alice' })).map((n) => n.id)).toEqual([ndaA.id]);
      const revoked = await t.store.ndas.revoke(ndaA.id, 'contract ended', 'root');
      expect(revoked.revokedAt).toBe(T0);
      expect(await t.lastAudit()).toMatchObject({
        type: 'nda.revoke',
        payload: { ndaId: ndaA.id, reason: 'contract ended' },
      });
      await expect(t.store.ndas.revoke(ndaA.id, 'again', 'root')).rejects.toMatchObject({
        code: 'refused',
      });
      await expect(
        t.store.ndas.add(
          {
            userName: 'nobody',
            title: 't',
            ref: 'r',
            signedAt: T0,
            expiresAt: null,
            documentSha256: null,
          },
          'root',
        ),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('refuses a duplicate target name and pins a host key', async () => {
      await t.store.targets.add(
        { name: 'db2', host: 'h', port: 22, login: 'ops', hostKey: null },
        'root',
      );
      await expect(
        t.store.targets.add(
          { name: 'db2', host: 'other', port: 22, login: 'ops', hostKey: null },
          'root',
        ),
      ).rejects.toMatchObject({ code: 'conflict', userMessage: 'target: db2 already exists' });
      await expect(
        t.store.targets.add(
          { name: 'db3', host: 'h', port: 70_000, login: 'ops', hostKey: null },
          'root',
        ),
      ).rejects.toMatchObject({ code: 'invalid', userMessage: 'target: port must be 1-65535' });
      const pinned = await t.store.targets.pinHostKey('db2', HOST_KEY, 'root');
      expect(pinned.hostKey).toBe(HOST_KEY);
      expect(await t.lastAudit()).toMatchObject({
        type: 'target.pin',
        payload: { target: 'db2', hostKey: HOST_KEY },
      });
    });

    it('refuses to remove a target with a live or future grant; after expiry it is soft-deleted', async () => {
      const { ndaA, db1 } = await seed(t.store);
      const grant = await t.store.grants.add(
        grantFor(ndaA.id, { startsAt: T0 + HOUR, endsAt: T0 + 3 * HOUR }),
        MAX,
        T0,
        'root',
      );
      const before = await t.counts();
      await expect(t.store.targets.remove('db1', 'root')).rejects.toMatchObject({
        code: 'refused',
        userMessage: 'target: db1 has 1 active or future grant; revoke them first',
      });
      expect(await t.counts()).toEqual(before);

      t.clock.set(T0 + 3 * HOUR);
      await t.store.targets.remove('db1', 'root');
      expect(await t.lastAudit()).toMatchObject({
        type: 'target.remove',
        payload: { target: 'db1' },
      });
      expect(await t.store.targets.findByName('db1')).toBeNull();
      expect(await t.store.targets.get(db1.id)).toMatchObject({ name: 'db1' }); // old grants still resolve
      expect((await t.store.grants.get(grant.id))?.targetId).toBe(db1.id);
      const reborn = await t.store.targets.add(
        { name: 'db1', host: '10.0.0.6', port: 22, login: 'ops', hostKey: null },
        'root',
      );
      expect(reborn.id).not.toBe(db1.id);
    });
  });
});
