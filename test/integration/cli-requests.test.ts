/**
 * The approver's CLI (issue 14): `gatehouse request approve|deny` run as the person SUDO_USER
 * names, against requests filed through the store, under the rules of a real config file.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/core/model.js';
import { isoTime } from '../../src/core/timestamp.js';
import { expectRefusal, type Cli } from './cli-harness.js';
import { HOUR } from './store-fixtures.js';
import { makeRequestCli, TWO_KEYS, type RequestCli } from './request-cli-fixture.js';

describe('gatehouse request: the approver', () => {
  let fx: RequestCli;
  let cli: Cli;

  beforeEach(async () => {
    fx = await makeRequestCli();
    cli = fx.cli;
  });

  it('approve makes the grant linked to the request: request.created → request.approved → grant.create', async () => {
    const request = await fx.file();
    const r = await cli.runAs('carol', 'request', 'approve', String(request.id), '--note', 'go');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^request ${request.id} approved by carol: grant \\d+ for alice on db1 until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n$`,
      ),
    );

    const events = await fx.events(request.id);
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
    const request = await fx.file(TWO_KEYS);
    const id = String(request.id);
    const first = await cli.runAs('carol', 'request', 'approve', id);
    expect(first).toMatchObject({ code: 0, stdout: `request ${id}: approval 1 of 2 recorded\n` });
    expect(await cli.json('request', 'show', id)).toMatchObject({
      status: 'pending',
      grantId: null,
    });
    expect(await cli.json('grant', 'list')).toEqual([]);

    await expectRefusal(
      cli,
      () => cli.runAs('carol', 'request', 'approve', id),
      1,
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
    const types = (await fx.events(request.id)).map((e) => e.type);
    expect(types).toEqual([
      'request.created',
      'request.approved',
      'request.approved',
      'grant.create',
    ]);
  });

  it('an extension request, once approved, moves the grant end: request.approved → grant.extend', async () => {
    const grant = await fx.grant(HOUR);
    const request = await fx.file({ kind: 'extend', grantId: grant.id, durationMs: HOUR });
    const r = await cli.runAs('dave', 'request', 'approve', String(request.id));
    expect(r).toEqual({
      code: 0,
      stdout: `request ${request.id} approved by dave: grant ${grant.id} now ends ${isoTime(grant.endsAt + HOUR)}\n`,
      stderr: '',
    });
    const events = await fx.events(request.id);
    expect(events.map((e) => e.type)).toEqual([
      'request.created',
      'request.approved',
      'grant.extend',
    ]);
    expect(events[2]?.payload).toMatchObject({
      grantId: grant.id,
      previousEndsAt: grant.endsAt,
      endsAt: grant.endsAt + HOUR,
      requestId: request.id,
    });
    const list = await cli.run('request', 'list');
    expect(list.stdout).toMatch(
      new RegExp(`^${request.id} +approved +alice +db1 +extend +- +1h +1/1 .* ${grant.id}$`, 'm'),
    );
  });

  it('refuses the requester approving their own request and an approver the rule does not name; nothing changes', async () => {
    const request = await fx.file();
    const id = String(request.id);
    // alice is named as an approver of the rule, and still cannot decide her own request.
    await expectRefusal(
      cli,
      () => cli.runAs('alice', 'request', 'approve', id),
      1,
      'gatehouse: request: alice cannot decide their own request',
    );
    await expectRefusal(
      cli,
      () => cli.runAs('alice', 'request', 'deny', id, '--reason', 'no'),
      1,
      'gatehouse: request: alice cannot decide their own request',
    );
    await expectRefusal(
      cli,
      () => cli.runAs('mallory', 'request', 'approve', id),
      1,
      'gatehouse: request: mallory is not an approver for rule db-shell',
    );
    await expectRefusal(
      cli,
      () => cli.runAs('gatehouse', 'request', 'approve', id),
      1,
      'gatehouse: request: approvals need a person, not the gatehouse account',
    );
    await expectRefusal(
      cli,
      () => cli.runAs('carol', 'request', 'approve', '999'),
      1,
      'gatehouse: request: no request with id 999',
    );
    expect(await cli.json('request', 'show', id)).toMatchObject({
      status: 'pending',
      approvals: [],
    });
    expect(await cli.json('grant', 'list')).toEqual([]);
  });

  it('refuses a note or reason with bidi or zero-width characters (usage), as the review page does; nothing changes', async () => {
    const request = await fx.file();
    const id = String(request.id);
    for (const [verb, option] of [
      ['approve', '--note'],
      ['deny', '--reason'],
    ] as const)
      for (const text of ['ok\u202egnp.exe', 'se\u200bcret'])
        await expectRefusal(
          cli,
          () => cli.runAs('carol', 'request', verb, id, option, text),
          2,
          `gatehouse: ${option}: `,
        );
    await expectRefusal(
      cli,
      () => cli.runAs('carol', 'request', 'deny', id, '--reason', '  '),
      2,
      'gatehouse: --reason: must not be empty',
    );
    expect(await cli.json('request', 'show', id)).toMatchObject({ status: 'pending' });
  });

  it('deny records the reason; a decided request cannot be approved', async () => {
    const request = await fx.file();
    const id = String(request.id);
    const r = await cli.runAs('dave', 'request', 'deny', id, '--reason', 'use the replica');
    expect(r).toEqual({ code: 0, stdout: `request ${id} denied by dave\n`, stderr: '' });
    const events = await fx.events(request.id);
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
    await expectRefusal(
      cli,
      () => cli.runAs('carol', 'request', 'approve', id),
      1,
      `gatehouse: request: ${id} is already denied`,
    );
  });
});
