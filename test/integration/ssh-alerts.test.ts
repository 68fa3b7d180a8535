/**
 * Config `alerts` (issue 15) with the real ssh client: a command rule that ends refuses the command
 * before it reaches the target; output rules flag (event with excerpt and offset, a marker in the
 * cast), notify (a webhook message) or end the session with a line naming the rule.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/core/model.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { eventually } from '../helpers/eventually.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { FAST, header, notifyYaml, received } from './notify-fixture.js';

const ALERTS = `
alerts:
  - { name: shadow, match: "/etc/shadow", on: command, action: end }
  - { name: token, match: "SECRET-TOKEN", on: output, action: flag }
  - { name: page-me, match: "^page-me-*$", on: output, action: notify }
  - { name: no-drop, match: "^echo drop*", on: command, action: end }
  - { name: boom, match: "BOOM-2", on: output, action: end }
`;

let b: BastionFixture;
let hook: Receiver;
beforeAll(async () => {
  hook = await startReceiver('/hooks/gatehouse');
  const notify = notifyYaml([{ url: hook.url, format: 'json', events: ['session.flagged'] }]);
  b = await startBastion({ extraConfig: `${notify}\n${ALERTS}`, start: { notify: FAST } });
});
afterAll(async () => {
  await b.stop();
  await hook.close();
});

async function onlySession(user: TestUser & { grant: { id: number } }): Promise<Session> {
  const sessions = (await b.store.sessions.list()).filter((s) => s.grantId === user.grant.id);
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

async function flagsOf(session: Session): Promise<Readonly<Record<string, unknown>>[]> {
  return (await b.auditTypes('session.flagged')).filter((p) => p['sessionId'] === session.id);
}

type CastEvent = [number, string, string];
async function castEvents(session: Session): Promise<CastEvent[]> {
  const text = await readFile(join(b.dir, 'recordings', session.recordingPath!), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as CastEvent);
}

describe('alert rules in ssh sessions', () => {
  it('a command rule with end refuses the command and ends the session with the reason', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await runSsh(b.login(alice), { command: ['cat /etc/shadow'] });
    expect(r.code).toBe(255);
    expect(r.stderr).toContain(
      'gatehouse: this command is not allowed (alert rule shadow); session closed and reported',
    );
    expect(r.stdout.toString()).toBe('');
    expect(await b.sshd.commands()).not.toContain('cat /etc/shadow');
    const session = await onlySession(alice);
    expect(session.endReason).toBe('killed');
    const [flag, ...more] = await eventually(
      () => flagsOf(session),
      (f) => f.length > 0,
    );
    expect(more).toEqual([]);
    expect(flag).toMatchObject({
      rule: 'shadow',
      on: 'command',
      action: 'end',
      excerpt: 'cat /etc/shadow',
      user: 'alice',
      target: 'db1',
    });
    expect((await castEvents(session)).map(([, kind, data]) => [kind, data])).toContainEqual([
      'm',
      'gatehouse: alert shadow (command): cat /etc/shadow',
    ]);
  });

  it('an output rule flags the line as seen (escapes removed): event with excerpt and offset, marker after it', async () => {
    const bob = await b.userWithGrant('bob');
    const r = await runSsh(b.login(bob), {
      command: ['printf "x\\n\\033[1;31mSECRET-\\033[0mTOKEN=\\001abc\\n"; echo done'],
    });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('done');
    const session = await onlySession(bob);
    expect(session.endReason).toBe('closed');
    const [flag, ...more] = await eventually(
      () => flagsOf(session),
      (f) => f.length > 0,
    );
    expect(more).toEqual([]);
    expect(flag).toMatchObject({ rule: 'token', on: 'output', action: 'flag' });
    expect(flag?.['excerpt']).toBe('SECRET-TOKEN=abc');
    const offset = flag?.['offset'];
    expect(typeof offset).toBe('number');

    const events = await castEvents(session);
    const printed = events.findIndex(([, kind, data]) => kind === 'o' && data.includes('TOKEN'));
    const marker = events.findIndex(
      ([, kind, data]) =>
        kind === 'm' && data === 'gatehouse: alert token (output): SECRET-TOKEN=abc',
    );
    expect(printed).toBeGreaterThanOrEqual(0);
    expect(marker).toBeGreaterThan(printed);
    expect(offset).toBeGreaterThanOrEqual(events[printed]![0]);
    // The review list's flagged filter reads the row's count.
    expect((await b.store.sessions.get(session.id))?.flagCount).toBe(1);
  });

  it('flags at most 100 matches per session, saying so in the recording', async () => {
    const frank = await b.userWithGrant('frank');
    const r = await runSsh(b.login(frank), {
      command: ['for i in $(seq 1 150); do echo "SECRET-TOKEN $i"; done'],
    });
    expect(r.code).toBe(0);
    expect(r.stdout.toString().split('\n')).toContain('SECRET-TOKEN 150');
    const session = await onlySession(frank);
    const flags = await eventually(
      () => flagsOf(session),
      (f) => f.length >= 100,
    );
    expect(flags).toHaveLength(100);
    expect(flags.at(-1)?.['excerpt']).toBe('SECRET-TOKEN 100');
    const markers = (await castEvents(session)).filter(([, kind]) => kind === 'm');
    expect(markers.map(([, , data]) => data)).toContain(
      'gatehouse: 100 alerts flagged; further matches are not',
    );
  });

  it('a notify rule queues a notification; a flag rule does not', async () => {
    const carol = await b.userWithGrant('carol');
    const r = await runSsh(b.login(carol), {
      command: ['echo SECRET-TOKEN; echo page-me-now'],
    });
    expect(r.code).toBe(0);
    const session = await onlySession(carol);
    const [got] = await received(hook, 1, (req) => req.body.includes(session.id));
    expect(header(got!, 'x-gatehouse-event')).toBe('session.flagged');
    const body = JSON.parse(got!.body) as { payload: Record<string, unknown> };
    expect(body.payload).toMatchObject({
      rule: 'page-me',
      action: 'notify',
      excerpt: 'page-me-now',
      sessionId: session.id,
    });
    expect((await flagsOf(session)).map((f) => f['rule'])).toEqual(['token', 'page-me']);
  });

  it('an output rule with end closes a terminal session with a line naming the rule', async () => {
    const dave = await b.userWithGrant('dave');
    const ssh = ptySsh(b.login(dave));
    try {
      await ssh.waitFor(/[#$] $/, 15_000);
      ssh.write('echo BOOM-$((1+1))\r');
      await ssh.waitFor(/session closed by alert rule boom; reported/, 15_000);
      expect(await ssh.exited).toBe(255);
    } finally {
      ssh.kill();
    }
    const session = await onlySession(dave);
    expect(session.endReason).toBe('killed');
    const flags = await flagsOf(session);
    expect(flags.map((f) => [f['rule'], f['excerpt']])).toEqual([['boom', 'BOOM-2']]);
  });

  it('a restricted-prompt line is matched before it runs: an end rule refuses it and ends the session', async () => {
    const erin = await b.userWithGrant('erin', { mode: 'commands', allowlist: ['echo {word}'] });
    const prompt = /db1 \[erin, (59m\d+s|1h) left\]> /;
    const ssh = ptySsh(b.login(erin), { cols: 120, rows: 30 });
    try {
      await ssh.waitFor(prompt, 15_000);
      let mark = ssh.output().length;
      ssh.write('echo hello\r');
      await ssh.waitFor(/\r\nhello\r\n/, 15_000, mark);
      await ssh.waitFor(prompt, 15_000, mark);
      mark = ssh.output().length;
      ssh.write('echo dropdb\r');
      await ssh.waitFor(
        /this command is not allowed \(alert rule no-drop\); session closed and reported/,
        15_000,
        mark,
      );
      expect(await ssh.exited).toBe(255);
    } finally {
      ssh.kill();
    }
    const commands = await b.sshd.commands();
    expect(commands).toContain("'echo' 'hello'");
    expect(commands).not.toContain("'echo' 'dropdb'");
    const session = await onlySession(erin);
    expect(session.endReason).toBe('killed');
    const flags = await eventually(
      () => flagsOf(session),
      (f) => f.length > 0,
    );
    expect(flags.map((f) => [f['rule'], f['on'], f['excerpt']])).toEqual([
      ['no-drop', 'command', 'echo dropdb'],
    ]);
  });
});
