import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant, Nda } from '../../src/core/model.js';
import { HOUR, startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await b.addSshTarget('db2');
});
afterAll(async () => {
  await b.stop();
});

const iso = (t: number): string => new Date(t).toISOString().replace(/\.000Z$/, 'Z');
const PATTERNS = ['tail -n {int} /var/log/app.log', 'uptime'];

/** The documented hash input, written out here rather than taken from src/. */
function expectedScopeSha256(nda: Nda, grant: Grant, target: { id: number; name: string }): string {
  const text =
    `{"allowlist":${JSON.stringify([...grant.allowlist].sort())},"mode":"${grant.mode}",` +
    `"nda":{"documentSha256":${JSON.stringify(nda.documentSha256)},"id":${nda.id},` +
    `"ref":${JSON.stringify(nda.ref)},"signedAt":${nda.signedAt},"title":${JSON.stringify(nda.title)}},` +
    `"reason":${JSON.stringify(grant.reason)},"target":{"id":${target.id},"name":"${target.name}"},"v":1}`;
  return createHash('sha256').update(text).digest('hex');
}

const acknowledgement = async (grant: Grant): Promise<Record<string, unknown> | undefined> =>
  (await b.auditTypes('nda.acknowledge')).find((p) => p['grantId'] === grant.id);

/** Logs in with a terminal, checks the prompt with `check`, types I agree, exits. */
async function agree(
  user: TestUser,
  check: (shown: string) => void,
  target = 'db1',
): Promise<void> {
  const t = ptySsh(b.login(user, target));
  try {
    await t.waitFor(/Type "I agree" to continue: $/);
    check(t.output());
    t.write('I agree\r');
    await t.waitFor(/this session is recorded/);
    t.write('exit\r');
    expect(await t.exited).toBe(0);
  } finally {
    t.kill();
  }
}

describe('scope sign-off: the NDA acknowledgement shows and hashes the grant scope', () => {
  it('shows target, allowlist, window, reason and who granted it; the event carries the hash', async () => {
    const dave = await b.addUser('dave');
    const nda = await b.addNda(dave);
    const grant = await b.addGrant(dave, {
      nda,
      mode: 'commands',
      allowlist: PATTERNS,
      reason: 'INC-4211 slow queries',
      acknowledged: false,
    });
    await agree(dave, (shown) => {
      expect(shown).toMatch(/Reference: +NDA-dave/);
      expect(shown).toMatch(/Target: +db1/);
      expect(shown).toMatch(
        /Mode: +only these commands:\s+tail -n \{int\} \/var\/log\/app\.log\s+uptime/,
      );
      expect(shown).toContain(`Window:    ${iso(grant.startsAt)} to ${iso(grant.endsAt)}`);
      expect(shown).toMatch(/Reason: +INC-4211 slow queries/);
      expect(shown).toMatch(/Granted: +by test-admin/);
    });
    expect(await acknowledgement(grant)).toEqual({
      grantId: grant.id,
      ndaId: nda.id,
      userId: grant.userId,
      scopeSha256: expectedScopeSha256(nda, grant, b.target),
      startsAt: grant.startsAt,
      endsAt: grant.endsAt,
      approvers: ['test-admin'],
      carriedFrom: null,
    });
  });

  it('a later grant with the same NDA and scope logs in without a prompt, marked as carried over', async () => {
    const erin = await b.addUser('erin');
    const nda = await b.addNda(erin);
    const spec = { nda, reason: 'CHG-118 index rebuild', acknowledged: false } as const;
    const first = await b.addGrant(erin, { ...spec, endsAt: Date.now() + HOUR / 2 });
    await agree(erin, (shown) => expect(shown).toMatch(/Mode: +shell/));
    await b.store.grants.revoke(first.id, 'done for today', Date.now(), 'test-admin');

    // Another window (tomorrow's is the same scope); a batch client would be refused if asked.
    const second = await b.addGrant(erin, { ...spec, endsAt: Date.now() + 2 * HOUR });
    const r = await runSsh(b.login(erin), { command: ['echo', 'carried'] });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('carried\n');
    expect(r.stderr).toMatch(
      /access under NDA NDA-erin \("Acme contractor NDA v3"\), acknowledged/,
    );
    const carried = await acknowledgement(second);
    expect(carried).toMatchObject({
      scopeSha256: (await acknowledgement(first))?.['scopeSha256'],
      endsAt: second.endsAt,
      carriedFrom: first.id,
    });
    expect(await b.store.grants.get(second.id)).toMatchObject({ ndaCarriedFrom: first.id });
  });

  it('a later grant with another scope under the same NDA asks again', async () => {
    const fay = await b.addUser('fay');
    const nda = await b.addNda(fay);
    const first = await b.addGrant(fay, { nda, reason: 'INC-1', acknowledged: false });
    await agree(fay, (shown) => expect(shown).toMatch(/Reason: +INC-1/));
    await b.store.grants.revoke(first.id, 'done', Date.now(), 'test-admin');

    const second = await b.addGrant(fay, { nda, reason: 'INC-2', acknowledged: false });
    const batch = await runSsh(b.login(fay), { command: ['true'] });
    expect(batch.code).toBe(255);
    expect(batch.stderr).toMatch(/NDA must be acknowledged before first use/);
    expect((await b.store.grants.get(second.id))?.ndaAcknowledgedAt).toBeNull();
    await agree(fay, (shown) => expect(shown).toMatch(/Reason: +INC-2/));
    expect(await acknowledgement(second)).toMatchObject({ carriedFrom: null });
    expect((await acknowledgement(second))?.['scopeSha256']).not.toBe(
      (await acknowledgement(first))?.['scopeSha256'],
    );
  });

  it('a later grant that adds file transfer rights asks again and shows them', async () => {
    const hal = await b.addUser('hal');
    const nda = await b.addNda(hal);
    const spec = { nda, reason: 'INC-9 logs', acknowledged: false } as const;
    const first = await b.addGrant(hal, spec);
    await agree(hal, (shown) => expect(shown).not.toMatch(/Transfer:/));
    // No transfer rights: the hash input is the one from before issue 16.
    expect((await acknowledgement(first))?.['scopeSha256']).toBe(
      expectedScopeSha256(nda, first, b.target),
    );
    await b.store.grants.revoke(first.id, 'done', Date.now(), 'test-admin');

    const transfer = {
      direction: 'download',
      paths: ['/var/log/**'],
      budgetBytes: 1024 ** 3,
    } as const;
    const second = await b.addGrant(hal, { ...spec, transfer });
    await agree(hal, (shown) => {
      expect(shown).toMatch(
        /Transfer: +download files from the target \(sftp, scp\), only:\s+\/var\/log\/\*\*/,
      );
      expect(shown).toMatch(/Budget: +1GiB moved in all/);
    });
    expect(await acknowledgement(second)).toMatchObject({ carriedFrom: null });
    expect((await acknowledgement(second))?.['scopeSha256']).not.toBe(
      (await acknowledgement(first))?.['scopeSha256'],
    );
  });

  it('the menu of a plain USER login shows the scope, and carries over a same-scope agreement', async () => {
    const gil = await b.addUser('gil');
    const nda = await b.addNda(gil);
    const first = await b.addGrant(gil, { nda, reason: 'CHG-7', acknowledged: false });
    await agree(gil, () => undefined);
    await b.store.grants.revoke(first.id, 'done', Date.now(), 'test-admin');
    const again = await b.addGrant(gil, { nda, reason: 'CHG-7', acknowledged: false });
    const other = await b.addGrant(gil, {
      nda,
      target: 'db2',
      reason: 'CHG-7',
      acknowledged: false,
    });

    const t = ptySsh(b.login(gil, null));
    try {
      await t.waitFor(/Choose a target \[1-2\]: $/);
      t.write('2\r');
      await t.waitFor(/Type "I agree" to continue: $/);
      expect(t.output()).toMatch(/Target: +db2/);
      expect(t.output()).toMatch(/Reason: +CHG-7/);
      t.write('I agree\r');
      await t.waitFor(/this session is recorded/);
      t.write('exit\r');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
    expect(await acknowledgement(other)).toMatchObject({ carriedFrom: null });

    const menu = ptySsh(b.login(gil, null));
    try {
      await menu.waitFor(/Choose a target \[1-2\]: $/);
      menu.write('1\r');
      await menu.waitFor(/this session is recorded/);
      expect(menu.output()).not.toMatch(/I agree/);
      menu.write('exit\r');
      expect(await menu.exited).toBe(0);
    } finally {
      menu.kill();
    }
    expect(await acknowledgement(again)).toMatchObject({ carriedFrom: first.id });
  });
});
