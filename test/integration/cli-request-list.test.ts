/**
 * The approver's CLI (issue 14): `request list` and `request show`, `--confirm` and usage errors,
 * and who the approver is when the login uid and SUDO_USER disagree.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { expectRefusal, type Cli } from './cli-harness.js';
import { makeRequestCli, TWO_KEYS, type RequestCli } from './request-cli-fixture.js';

describe('gatehouse request list, show, --confirm, and who approves', () => {
  let fx: RequestCli;
  let cli: Cli;

  beforeEach(async () => {
    fx = await makeRequestCli();
    cli = fx.cli;
  });

  it('list: newest first, --pending leaves out decided requests and those past their deadline', async () => {
    const old = await fx.file({ reason: 'first' });
    const overdue = await fx.file({ reason: 'overdue', expiresAt: Date.now() - 1 });
    const denied = await fx.file({ reason: 'denied' });
    const fresh = await fx.file({
      reason: 'tail logs',
      mode: { kind: 'allowlist', patterns: ['tail -n {int} /var/log/app.log'] },
    });
    expect(
      (await cli.runAs('carol', 'request', 'deny', String(denied.id), '--reason', 'x')).code,
    ).toBe(0);

    const pending = await cli.json<
      { id: number; status: string; user: string; createdAt: string }[]
    >('request', 'list', '--pending');
    expect(pending.map((p) => [p.id, p.status])).toEqual([
      [fresh.id, 'pending'],
      [old.id, 'pending'],
    ]);
    expect(pending[0]).toMatchObject({ user: 'alice', target: 'db1', kind: 'grant' });
    expect(pending[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);

    const all = await cli.json<{ id: number; status: string }[]>('request', 'list');
    expect(all.map((p) => [p.id, p.status])).toEqual([
      [fresh.id, 'pending'],
      [denied.id, 'denied'],
      [overdue.id, 'expired'],
      [old.id, 'pending'],
    ]);
    expect(await cli.json('request', 'list', '--limit', '1')).toHaveLength(1);

    const table = await cli.run('request', 'list', '--user', 'alice');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID +STATUS +USER +TARGET +MODE +TRANSFER +FOR +APPROVALS +AGE +REASON +GRANT$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${fresh.id} +pending +alice +db1 +allowlist +- +2h +0/1 +\\S+ +tail logs +-$`),
    );
    expect(lines).toHaveLength(5);
    expect(await cli.json('request', 'list', '--user', 'bob')).toEqual([]);
    const unknown = await cli.run('request', 'list', '--user', 'zed');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('gatehouse: --user: no user named zed\n');
  });

  it('--confirm items go with the approval into the chain; bad syntax is a usage error', async () => {
    // Two approvals needed: the first is recorded without making a grant (whose checklist check
    // is insertGrant's).
    const request = await fx.file(TWO_KEYS);
    const id = String(request.id);
    const usageErrors: [string[], string][] = [
      [['--confirm', 'backup verified'], '--confirm: "backup verified" is not ITEM=note (no "=")'],
      [['--confirm', 'backup verified='], '--confirm: the note for "backup verified" is empty'],
      [['--confirm', '=snapshot 7'], '--confirm: checklist item must not be empty'],
      [['--confirm', 'a=1', '--confirm', 'a=2'], '--confirm: "a" given twice'],
      [['--for', '90'], '--for: "90" is not a duration'],
      [
        Array.from({ length: 17 }, (_, i) => ['--confirm', `item ${i}=ok`]).flat(),
        '--confirm: at most 16 items',
      ],
    ];
    for (const [args, message] of usageErrors)
      await expectRefusal(
        cli,
        () => cli.runAs('carol', 'request', 'approve', id, ...args),
        2,
        `gatehouse: ${message}`,
      );
    for (const args of [
      ['request', 'approve', 'x1'],
      ['request', 'deny', id],
      ['request', 'list', '--limit', '0'],
    ])
      await expectRefusal(cli, () => cli.runAs('carol', ...args), 2, 'gatehouse: ');

    const ok = await cli.runAs(
      'carol',
      'request',
      'approve',
      id,
      '--confirm',
      'backup verified = snapshot 2026-12-01',
    );
    expect(ok.code, ok.stderr).toBe(0);
    const approved = (await fx.events(request.id)).find((e) => e.type === 'request.approved');
    expect(approved?.payload).toMatchObject({
      confirmations: { 'backup verified': 'snapshot 2026-12-01' },
    });
    const show = await cli.run('request', 'show', id);
    expect(show.stdout).toMatch(/^confirmed +backup verified = snapshot 2026-12-01 \(carol\)$/m);
  });

  it('a login uid beats SUDO_USER: someone logged in as nobody cannot approve as carol by setting it', async () => {
    const request = await fx.file();
    const loginUidPath = path.join(cli.dir, 'loginuid-nobody');
    await writeFile(loginUidPath, '65534');
    let stderr = '';
    const code = await main(
      ['--config', cli.configPath, 'request', 'approve', String(request.id)],
      { stdout: () => undefined, stderr: (t) => void (stderr += t) },
      { env: { ...process.env, SUDO_USER: 'carol' }, loginUidPath },
    );
    expect(code).toBe(1);
    expect(stderr).toBe('gatehouse: request: nobody is not an approver for rule db-shell\n');
    expect(await cli.json('request', 'show', String(request.id))).toMatchObject({
      status: 'pending',
    });
  });
});
