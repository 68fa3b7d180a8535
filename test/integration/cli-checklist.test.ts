import { beforeAll, describe, expect, it } from 'vitest';
import { makeUserKey } from '../helpers/keys.js';
import { isOneLineError, makeCli, type Cli } from './cli-harness.js';

interface AuditJson {
  type: string;
  actor: string;
  payload: Record<string, unknown>;
}

interface GrantJson {
  id: number;
  createdBy: string;
  confirmations: { item: string; note: string; by: string }[];
}

const SNAPSHOT = 'backup verified=snapshot 2026-12-01 s3://backups/db1/2026-12-01?v=2';
const ROLLBACK = 'rollback plan=https://wiki.example/CHG-118';

describe('gatehouse CLI: the pre-access checklist', () => {
  let cli: Cli;
  const grantAdd = (...extra: string[]) =>
    cli.run(
      'grant',
      'add',
      '--user',
      'alice',
      '--target',
      'db1',
      '--nda',
      '1',
      '--for',
      '1h',
      '--shell',
      '--reason',
      'CHG-118 index rebuild',
      ...extra,
    );
  const audit = async (type: string): Promise<AuditJson[]> =>
    (await cli.json<AuditJson[]>('audit', 'list')).filter((e) => e.type === type);
  const grantCount = async (): Promise<number> =>
    (await cli.json<unknown[]>('grant', 'list')).length;

  /** A refused command: exit `code`, one line naming `problem`, no audit event, no grant. */
  async function expectRefused(
    run: Promise<{ code: number; stdout: string; stderr: string }>,
    code: number,
    problem: RegExp,
  ): Promise<void> {
    const before = await cli.auditCount();
    const grants = await grantCount();
    const r = await run;
    expect(r.code).toBe(code);
    expect(isOneLineError(r)).toBe(true);
    expect(r.stderr).toMatch(problem);
    expect(r.stdout).toBe('');
    expect(await cli.auditCount()).toBe(before);
    expect(await grantCount()).toBe(grants);
  }

  beforeAll(async () => {
    cli = await makeCli();
    const alice = await makeUserKey(cli.dir, 'alice');
    const hostKey = await makeUserKey(cli.dir, 'hostkey');
    expect((await cli.run('user', 'add', 'alice', '--key', alice.publicLine)).code).toBe(0);
    const nda = await cli.run(
      'nda',
      'add',
      '--user',
      'alice',
      '--title',
      'Acme NDA',
      '--ref',
      'NDA-1',
      '--signed',
      '2026-01-01',
    );
    expect(nda.code).toBe(0);
    const target = await cli.run(
      'target',
      'add',
      'db1',
      '--host',
      '127.0.0.1',
      '--login',
      'ops',
      '--host-key',
      hostKey.publicLine,
      '--require',
      'backup verified',
    );
    expect(target).toMatchObject({ code: 0, stderr: '' });
  });

  it('target add --require stores the item; show, list and the target.create event have it', async () => {
    expect((await audit('target.create'))[0]?.payload['requires']).toEqual(['backup verified']);
    expect(await cli.json('target', 'show', 'db1')).toMatchObject({
      requires: ['backup verified'],
    });
    const show = await cli.run('target', 'show', 'db1');
    expect(show.stdout).toMatch(/^requires +backup verified$/m);
    const list = await cli.run('target', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/REQUIRES$/);
    expect(list.stdout).toMatch(/"backup verified"$/m);
  });

  it('target set --require replaces the checklist, audited as target.checklist', async () => {
    const set = await cli.run(
      'target',
      'set',
      'db1',
      '--require',
      'backup verified',
      '--require',
      'rollback plan',
    );
    expect(set).toEqual({
      code: 0,
      stdout: 'db1 requires "backup verified", "rollback plan"\n',
      stderr: '',
    });
    const [event] = await audit('target.checklist');
    expect(event?.payload).toEqual({
      target: 'db1',
      targetId: 1,
      previous: ['backup verified'],
      requires: ['backup verified', 'rollback plan'],
    });
  });

  it.each<[string, string[], RegExp]>([
    [
      'an item with "="',
      ['--require', 'backup=ok'],
      /^gatehouse: --require: checklist item "backup=ok" contains "="/,
    ],
    ['an empty item', ['--require', ' '], /--require: checklist item must not be empty/],
    ['an item with a control character', ['--require', 'a\u001bb'], /unprintable/],
    ['the same item twice', ['--require', 'x', '--require', 'x'], /"x" given twice/],
    [
      'items and --no-require',
      ['--require', 'x', '--no-require'],
      /give items or clear them, not both/,
    ],
    [
      '--no-require and items',
      ['--no-require', '--require', 'x'],
      /give items or clear them, not both/,
    ],
    [
      '--run-as and --require',
      ['--run-as', 'nobody', '--require', 'x'],
      /change one thing at a time/,
    ],
    ['nothing to change', [], /say what to change/],
  ])('target set refuses %s (usage, exit 2, nothing written)', async (_label, args, problem) => {
    await expectRefused(cli.run('target', 'set', 'db1', ...args), 2, problem);
    expect(await cli.json('target', 'show', 'db1')).toMatchObject({
      requires: ['backup verified', 'rollback plan'],
    });
  });

  it('grant add without --confirm is refused naming every missing item (exit 1, nothing written)', async () => {
    await expectRefused(
      grantAdd(),
      1,
      /^gatehouse: checklist: db1 requires confirming "backup verified", "rollback plan" before access\n$/,
    );
    await expectRefused(
      grantAdd('--confirm', SNAPSHOT),
      1,
      /^gatehouse: checklist: db1 requires confirming "rollback plan" before access\n$/,
    );
  });

  it('grant add refuses an unknown item (exit 1) and a malformed --confirm (exit 2)', async () => {
    await expectRefused(
      grantAdd('--confirm', SNAPSHOT, '--confirm', ROLLBACK, '--confirm', 'load test=done'),
      1,
      /^gatehouse: checklist: db1 has no item "load test" \(it requires "backup verified", "rollback plan"\)\n$/,
    );
    await expectRefused(
      grantAdd('--confirm', 'backup verified'),
      2,
      /--confirm: "backup verified" is not ITEM=note \(no "="\)/,
    );
    await expectRefused(
      grantAdd('--confirm', 'backup verified=', '--confirm', ROLLBACK),
      2,
      /--confirm: the note for "backup verified" is empty/,
    );
    await expectRefused(
      grantAdd('--confirm', SNAPSHOT, '--confirm', 'backup verified=again'),
      2,
      /--confirm: "backup verified" given twice/,
    );
  });

  it('grant add with every item confirmed: stored on the grant, in grant.create, shown by grant show', async () => {
    const r = await grantAdd('--confirm', ROLLBACK, '--confirm', SNAPSHOT);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const grant = await cli.json<GrantJson>('grant', 'show', r.stdout.trim());
    const by = grant.createdBy;
    const expected = [
      { item: 'rollback plan', note: 'https://wiki.example/CHG-118', by },
      {
        item: 'backup verified',
        note: 'snapshot 2026-12-01 s3://backups/db1/2026-12-01?v=2',
        by,
      },
    ];
    expect(grant.confirmations).toEqual(expected);
    const [created] = await audit('grant.create');
    expect(created?.actor).toBe(by);
    expect(created?.payload['confirmations']).toEqual(expected);
    const text = await cli.run('grant', 'show', String(grant.id));
    expect(text.stdout).toContain(
      `confirmed         rollback plan: https://wiki.example/CHG-118 (${by})\n`,
    );
    expect(text.stdout).toMatch(/^confirmed +backup verified: snapshot 2026-12-01 /m);
  });

  it('target set --no-require clears it: grants confirm nothing, and an item is then unknown', async () => {
    expect(await cli.run('target', 'set', 'db1', '--no-require')).toEqual({
      code: 0,
      stdout: 'db1 requires no checklist\n',
      stderr: '',
    });
    await expectRefused(
      grantAdd('--confirm', SNAPSHOT),
      1,
      /checklist: db1 has no item "backup verified" \(it requires none\)/,
    );
    const r = await grantAdd();
    expect(r.code).toBe(0);
    const grant = await cli.json<GrantJson>('grant', 'show', r.stdout.trim());
    expect(grant.confirmations).toEqual([]);
    expect((await cli.run('grant', 'show', String(grant.id))).stdout).toMatch(/^confirmed +-$/m);
  });
});
