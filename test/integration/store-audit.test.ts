import { beforeEach, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import { canonicalJson, type JsonValue } from '../../src/core/canonical-json.js';
import { describeEachStore, T0 } from './store-fixtures.js';
const key = (n: number) => ({
  algorithm: 'ssh-ed25519',
  blob: `AAAAC3NzaC1lZDI1NTE5AAAAI${n}`,
  fingerprint: `SHA256:audit-test-key-${n}`,
  comment: '',
});

describeEachStore('audit chain', (t) => {
  beforeEach(async () => {
    for (let i = 1; i <= 5; i++) {
      t.clock.advance(1000);
      await t.store.users.add(`user${i}`, key(i), 'root');
    }
  });

  /** Tampering as an attacker with a database shell would do it: a separate connection. */
  const byHand = (sql: string, params: (string | number)[] = []): Promise<unknown> =>
    t.withConnection((db) => db.run(sql, params));

  it('links each event to the previous one and verifies after many writes', async () => {
    for (let i = 6; i <= 120; i++) await t.store.users.add(`user${i}`, key(i), 'root');
    await t.store.audit.append(
      auditEvents.authFailure({
        login: 'mallory',
        user: 'mallory',
        target: null,
        fingerprint: null,
        reason: 'user.unknown',
        remoteAddr: '192.0.2.1',
      }),
      'ssh',
    );
    const events = await t.store.audit.list();
    expect(events).toHaveLength(121);
    expect(events[0]?.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
    expect(await t.store.audit.verify()).toEqual({ ok: true, count: 121 });
  });

  it('lists by type, since, and the newest N oldest first', async () => {
    expect((await t.store.audit.list({ limit: 2 })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await t.store.audit.list({ since: T0 + 4000 })).map((e) => e.seq)).toEqual([4, 5]);
    expect(await t.store.audit.list({ type: 'grant.create' })).toEqual([]);
  });

  it('names seq 3 when its payload was edited by hand', async () => {
    const [row] = await t.store.audit.list({ since: T0 + 3000, limit: 5 });
    expect(row?.seq).toBe(3);
    const forged = canonicalJson({
      ...(row?.payload as Record<string, JsonValue>),
      user: 'mallory',
    });
    await byHand('UPDATE audit_events SET payload = ? WHERE seq = 3', [forged]);
    expect(await t.store.audit.verify()).toMatchObject({
      ok: false,
      seq: 3,
      count: 2,
      problem: 'hash does not match the event',
    });
  });

  it('names seq 3 when its actor was edited by hand', async () => {
    await byHand("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3");
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 3 });
  });

  it('names seq 3 when its payload is no longer JSON', async () => {
    await byHand("UPDATE audit_events SET payload = '{not json' WHERE seq = 3");
    expect(await t.store.audit.verify()).toMatchObject({
      ok: false,
      seq: 3,
      problem: 'payload is not valid JSON',
    });
  });

  it('names the next seq when a row was deleted', async () => {
    await byHand('DELETE FROM audit_events WHERE seq = 3');
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 4, count: 2 });
  });

  it('names seq 1 when the first row was replaced with a different first hash', async () => {
    await byHand('UPDATE audit_events SET prev_hash = ? WHERE seq = 1', ['f'.repeat(64)]);
    expect(await t.store.audit.verify()).toMatchObject({
      ok: false,
      seq: 1,
      problem: 'prev_hash does not match the previous event',
    });
  });
});
