/**
 * The approver's CLI (issue 14): `gatehouse request list|show|approve|deny` run as the person
 * SUDO_USER names, against requests filed through the store (the ssh side files them in
 * production), with the rules of a real config file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord, NdaId } from '../../src/core/model.js';
import type { NewRequest, Store } from '../../src/core/ports.js';
import { main } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';
import { isOneLineError, makeCli, type Cli, type Run } from './cli-harness.js';
import { HOST_KEY, seed } from './store-fixtures.js';

const HOUR = 3_600_000;

const RULES = `
groups:
  leads: [carol, dave]
requests:
  rules:
    - name: db-shell
      users: [alice]
      targets: ['db*']
      maxDuration: 4h
      modes: [shell, allowlist]
      approvers: ['@leads', alice]
    - name: prod-two-keys
      users: [alice]
      targets: ['prod*']
      maxDuration: 4h
      modes: [shell]
      approvals: 2
      approvers: ['@leads']
`;

async function withStore<T>(cli: Cli, fn: (store: Store) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(cli.dbPath), { recursive: true });
  const store = await openStore(cli.dbPath);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** What alice files over ssh: a shell on `target` for two hours, pending for an hour. */
function fileRequest(cli: Cli, ndaId: NdaId, over: Partial<NewRequest> = {}) {
  const now = Date.now();
  return withStore(cli, (store) =>
    store.requests.create(
      {
        kind: 'grant',
        userName: 'alice',
        targetName: 'db1',
        grantId: null,
        ndaId,
        mode: { kind: 'shell' },
        durationMs: 2 * HOUR,
        reason: 'INC-4211 slow queries',
        rule: 'db-shell',
        approvalsRequired: 1,
        expiresAt: now + HOUR,
        ...over,
      },
      null,
      now,
      'user:alice',
    ),
  );
}

const eventsOf = (cli: Cli, requestId: number) =>
  withStore(cli, (store) => store.audit.list({ requestId: requestId as never }));

/** A refusal: exit 1, one line naming the problem, nothing written. */
async function expectRefused(cli: Cli, run: () => Promise<Run>, message: string): Promise<void> {
  const before = await cli.auditCount();
  const r = await run();
  expect(r.code, r.stdout).toBe(1);
  expect(isOneLineError(r), r.stderr).toBe(true);
  expect(r.stderr).toContain(message);
  expect(r.stdout).toBe('');
  expect(await cli.auditCount()).toBe(before);
}

describe('gatehouse request: the approver', () => {
  let cli: Cli;
  let ndaId: NdaId;

  beforeEach(async () => {
    cli = await makeCli(RULES);
    ndaId = await withStore(cli, async (store) => {
      const { ndaA } = await seed(store);
      await store.targets.add(
        { name: 'prod1', host: '10.0.0.6', port: 22, login: 'ops', hostKey: HOST_KEY },
        'root',
      );
      return ndaA.id;
    });
  });

  it('approve makes the grant linked to the request: request.created → request.approved → grant.create', async () => {
    const request = await fileRequest(cli, ndaId);
    const r = await cli.runAs('carol', 'request', 'approve', String(request.id), '--note', 'go');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^request ${request.id} approved by carol: grant \\d+ for alice on db1 until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n$`,
      ),
    );

    const events = await eventsOf(cli, request.id);
    expect(events.map((e) => e.type)).toEqual([
      'request.created',
      'request.approved',
      'grant.create',
    ]);
    const [, approved, create] = events as [AuditRecord, AuditRecord, AuditRecord];
    expect(approved.payload).toMatchObject({ approver: 'carol', note: 'go', approvals: 1 });
    expect(approved.actor).toMatch(/\(sudo reports carol\)$/);
    expect(create.payload).toMatchObject({ requestId: request.id, approvers: ['carol'] });
    const grantId = (create.payload as { grantId: number }).grantId;

    const grant = await cli.run('grant', 'show', String(grantId));
    expect(grant.stdout).toMatch(new RegExp(`^request +${request.id}$`, 'm'));
    expect(await cli.json('grant', 'show', String(grantId))).toMatchObject({
      requestId: request.id,
      user: 'alice',
      target: 'db1',
      state: 'active',
    });

    const show = await cli.run('request', 'show', String(request.id));
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^status +approved$/m);
    expect(show.stdout).toMatch(/^approval +carol at \S+ by os:.*\(sudo reports carol\): go$/m);
    expect(show.stdout).toMatch(/^decision +approved at \S+ by carol: go$/m);
    expect(show.stdout).toMatch(new RegExp(`^grant +${grantId} \\(active\\) `, 'm'));
    expect(show.stdout.match(/^history +.*$/gm)).toHaveLength(3);
    expect(show.stdout).toMatch(/^history +\S+ grant\.create by /m);
  });

  it('two approvals: the first leaves it pending, the same person cannot count twice, a second person completes it', async () => {
    const request = await fileRequest(cli, ndaId, {
      targetName: 'prod1',
      rule: 'prod-two-keys',
      approvalsRequired: 2,
    });
    const id = String(request.id);
    const first = await cli.runAs('carol', 'request', 'approve', id);
    expect(first).toMatchObject({ code: 0, stdout: `request ${id}: approval 1 of 2 recorded\n` });
    expect(await cli.json('request', 'show', id)).toMatchObject({
      status: 'pending',
      grantId: null,
    });
    expect(await cli.json('grant', 'list')).toEqual([]);

    await expectRefused(
      cli,
      () => cli.runAs('carol', 'request', 'approve', id),
      `gatehouse: request: carol has already approved request ${id}`,
    );

    const second = await cli.runAs('dave', '--json', 'request', 'approve', id, '--for', '1h');
    expect(second.code, second.stderr).toBe(0);
    const done = JSON.parse(second.stdout) as {
      status: string;
      approvals: { approver: string; approvedAt: string }[];
      grant: { id: number; startsAt: string; endsAt: string; requestId: number };
    };
    expect(done.status).toBe('approved');
    expect(done.approvals.map((a) => a.approver)).toEqual(['carol', 'dave']);
    expect(done.approvals[0]?.approvedAt).toMatch(/^\d{4}-.*Z$/);
    // The shortest window an approver allowed.
    expect(Date.parse(done.grant.endsAt) - Date.parse(done.grant.startsAt)).toBe(HOUR);
    expect(done.grant.requestId).toBe(request.id);
    const types = (await eventsOf(cli, request.id)).map((e) => e.type);
    expect(types).toEqual([
      'request.created',
      'request.approved',
      'request.approved',
      'grant.create',
    ]);
  });

  it('refuses the requester approving their own request and an approver the rule does not name; nothing changes', async () => {
    const request = await fileRequest(cli, ndaId);
    const id = String(request.id);
    // alice is named as an approver of the rule, and still cannot decide her own request.
    await expectRefused(
      cli,
      () => cli.runAs('alice', 'request', 'approve', id),
      'gatehouse: request: alice cannot decide their own request',
    );
    await expectRefused(
      cli,
      () => cli.runAs('alice', 'request', 'deny', id, '--reason', 'no'),
      'gatehouse: request: alice cannot decide their own request',
    );
    await expectRefused(
      cli,
      () => cli.runAs('mallory', 'request', 'approve', id),
      'gatehouse: request: mallory is not an approver for rule db-shell',
    );
    await expectRefused(
      cli,
      () => cli.runAs('gatehouse', 'request', 'approve', id),
      'gatehouse: request: approvals need a person, not the gatehouse account',
    );
    await expectRefused(
      cli,
      () => cli.runAs('carol', 'request', 'approve', '999'),
      'gatehouse: request: no request with id 999',
    );
    expect(await cli.json('request', 'show', id)).toMatchObject({
      status: 'pending',
      approvals: [],
    });
    expect(await cli.json('grant', 'list')).toEqual([]);
  });

  it('deny records the reason; a decided request cannot be approved', async () => {
    const request = await fileRequest(cli, ndaId);
    const id = String(request.id);
    const r = await cli.runAs('dave', 'request', 'deny', id, '--reason', 'use the replica');
    expect(r).toEqual({ code: 0, stdout: `request ${id} denied by dave\n`, stderr: '' });
    const events = await eventsOf(cli, request.id);
    expect(events.map((e) => e.type)).toEqual(['request.created', 'request.denied']);
    expect(events[1]?.payload).toEqual({
      requestId: request.id,
      approver: 'dave',
      reason: 'use the replica',
    });
    expect(await cli.json('request', 'show', id)).toMatchObject({
      status: 'denied',
      decidedBy: 'dave',
      decisionNote: 'use the replica',
    });
    await expectRefused(
      cli,
      () => cli.runAs('carol', 'request', 'approve', id),
      `gatehouse: request: ${id} is already denied`,
    );
  });

  it('list: newest first, --pending leaves out decided requests and those past their deadline', async () => {
    const old = await fileRequest(cli, ndaId, { reason: 'first' });
    const overdue = await fileRequest(cli, ndaId, { reason: 'overdue', expiresAt: Date.now() - 1 });
    const denied = await fileRequest(cli, ndaId, { reason: 'denied' });
    const fresh = await fileRequest(cli, ndaId, {
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
      /^ID +STATUS +USER +TARGET +MODE +FOR +APPROVALS +AGE +REASON +GRANT$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${fresh.id} +pending +alice +db1 +allowlist +2h +0/1 +\\S+ +tail logs +-$`),
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
    const request = await fileRequest(cli, ndaId, {
      targetName: 'prod1',
      rule: 'prod-two-keys',
      approvalsRequired: 2,
    });
    const id = String(request.id);
    for (const [bad, message] of [
      ['backup verified', '--confirm: "backup verified" is not ITEM=note (no "=")'],
      ['backup verified=', '--confirm "backup verified": the note: must not be empty'],
      ['=snapshot 7', '--confirm item: must not be empty'],
    ] as const) {
      const before = await cli.auditCount();
      const r = await cli.runAs('carol', 'request', 'approve', id, '--confirm', bad);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`gatehouse: ${message}\n`);
      expect(await cli.auditCount()).toBe(before);
    }
    const twice = await cli.runAs(
      'carol',
      'request',
      'approve',
      id,
      '--confirm',
      'a=1',
      '--confirm',
      'a=2',
    );
    expect(twice).toMatchObject({ code: 2, stderr: 'gatehouse: --confirm: "a" given twice\n' });
    for (const args of [
      ['request', 'approve', 'x1'],
      ['request', 'approve', id, '--for', '90'],
      ['request', 'deny', id],
      ['request', 'list', '--limit', '0'],
    ]) {
      const r = await cli.runAs('carol', ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(isOneLineError(r)).toBe(true);
    }

    const ok = await cli.runAs(
      'carol',
      'request',
      'approve',
      id,
      '--confirm',
      'backup verified = snapshot 2026-12-01',
    );
    expect(ok.code, ok.stderr).toBe(0);
    const approved = (await eventsOf(cli, request.id)).find((e) => e.type === 'request.approved');
    expect(approved?.payload).toMatchObject({
      confirmations: { 'backup verified': 'snapshot 2026-12-01' },
    });
    const show = await cli.run('request', 'show', id);
    expect(show.stdout).toMatch(/^confirmed +backup verified = snapshot 2026-12-01 \(carol\)$/m);
  });
});

describe('gatehouse request: who the approver is', () => {
  it('a login uid beats SUDO_USER: someone logged in as nobody cannot approve as carol by setting it', async () => {
    const cli = await makeCli(RULES);
    const ndaId = await withStore(cli, async (store) => (await seed(store)).ndaA.id);
    const request = await fileRequest(cli, ndaId);
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
