import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeUserKey, type UserKeyFiles } from '../helpers/keys.js';
import { isOneLineError, makeCli, type Cli } from './cli-harness.js';

/**
 * Bad input the admin CLI must survive (issue 2): each case gives one line on stderr starting
 * `gatehouse: `, the documented exit code (2 usage, 1 refused), nothing on stdout, and leaves the
 * database unchanged (same audit events, same users, NDAs, targets and grants).
 */

const DAY = 86_400_000;
const isoIn = (ms: number): string =>
  new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let cli: Cli;
let alice: UserKeyFiles;
let rsa: UserKeyFiles;

async function snapshot(): Promise<string> {
  const parts = await Promise.all(
    [
      ['audit', 'list'],
      ['user', 'list'],
      ['nda', 'list'],
      ['target', 'list'],
      ['grant', 'list'],
    ].map((a) => cli.json(...a)),
  );
  return JSON.stringify(parts);
}

beforeAll(async () => {
  cli = await makeCli('profiles:\n  ops:\n    - uptime\n');
  alice = await makeUserKey(cli.dir, 'alice');
  rsa = await makeUserKey(cli.dir, 'rsa', 'rsa');
  const bob = await makeUserKey(cli.dir, 'bob');
  const hostKey = (await makeUserKey(cli.dir, 'host')).publicLine.split(' ').slice(0, 2).join(' ');
  const ok = async (...args: string[]) => {
    const r = await cli.run(...args);
    if (r.code !== 0) throw new Error(`setup: ${args.join(' ')}: ${r.stderr}`);
  };
  await ok('user', 'add', 'alice', '--key', alice.publicLine);
  await ok('user', 'add', 'bob', '--key', bob.publicLine);
  // NDA 1 ends in 5 days, NDA 2 is revoked, NDA 3 has no end.
  await ok(
    'nda',
    'add',
    '--user',
    'alice',
    '--title',
    'Short NDA',
    '--ref',
    'N1',
    '--signed',
    '2026-01-01',
    '--expires',
    isoIn(5 * DAY),
  );
  await ok(
    'nda',
    'add',
    '--user',
    'alice',
    '--title',
    'Revoked NDA',
    '--ref',
    'N2',
    '--signed',
    '2026-01-01',
  );
  await ok('nda', 'revoke', '2', '--reason', 'superseded');
  await ok(
    'nda',
    'add',
    '--user',
    'alice',
    '--title',
    'Open NDA',
    '--ref',
    'N3',
    '--signed',
    '2026-01-01',
  );
  await ok('target', 'add', 'db1', '--host', '127.0.0.1', '--login', 'ops', '--host-key', hostKey);
  await ok('target', 'add', 'db0', '--host', '127.0.0.1', '--login', 'ops');
});

const grant = (...extra: string[]): string[] => {
  const base: Record<string, string> = {
    '--user': 'alice',
    '--target': 'db1',
    '--nda': '3',
    '--reason': 'INC-1',
  };
  const args: string[] = ['grant', 'add'];
  for (const [k, v] of Object.entries(base)) if (!extra.includes(k)) args.push(k, v);
  return [...args, ...extra];
};
const withMode = (...extra: string[]): string[] =>
  grant(
    ...extra,
    ...(extra.some((e) => ['--shell', '--allow', '--profile'].includes(e)) ? [] : ['--shell']),
  );

type Case = readonly [
  what: string,
  args: () => Promise<string[]> | string[],
  code: 1 | 2,
  stderr: RegExp,
];

const cases: Case[] = [
  // malformed keys
  [
    'key with bad base64',
    () => ['user', 'add', 'carol', '--key', 'ssh-ed25519 AAAA!!!!'],
    2,
    /^gatehouse: --key: the key is not valid base64$/,
  ],
  [
    'private key file',
    () => ['user', 'add', 'carol', '--key-file', alice.privatePath],
    2,
    /--key-file ".*alice_ed25519": this is a private key; give the \.pub file$/,
  ],
  [
    'private key text',
    async () => ['user', 'add', 'carol', '--key', await readFile(rsa.privatePath, 'utf8')],
    2,
    /^gatehouse: --key: this is a private key; give the \.pub file$/,
  ],
  [
    'truncated key',
    () => ['user', 'add', 'carol', '--key', alice.publicLine.slice(0, 50)],
    2,
    /^gatehouse: --key: the (key|ssh-ed25519 key) (is not valid base64|data is malformed|data is truncated)/,
  ],
  [
    'mismatched algorithm',
    () => ['user', 'add', 'carol', '--key', `ssh-ed25519 ${rsa.publicLine.split(' ')[1]}`],
    2,
    /^gatehouse: --key: the key says ssh-ed25519 but its data is "ssh-rsa"$/,
  ],
  [
    'missing key file',
    () => ['user', 'add', 'carol', '--key-file', '/nonexistent/carol.pub'],
    2,
    /^gatehouse: --key-file "\/nonexistent\/carol\.pub": no such file$/,
  ],
  [
    'no key at all',
    () => ['user', 'add', 'carol'],
    2,
    /^gatehouse: --key or --key-file: a public key is required$/,
  ],
  [
    'both --key and --key-file',
    () => ['user', 'add', 'carol', '--key', alice.publicLine, '--key-file', 'x'],
    2,
    /give only one/,
  ],
  [
    'garbage key for key add',
    () => ['user', 'key', 'add', 'alice', '--key', 'hello world'],
    2,
    /^gatehouse: --key: unsupported key type "hello"/,
  ],
  [
    'key already registered',
    () => ['user', 'add', 'carol', '--key', alice.publicLine],
    1,
    /fingerprint/,
  ],
  // unknown users, targets, NDAs, ids
  ['unknown user in grant', () => withMode('--user', 'nobody', '--for', '1h'), 1, /nobody/],
  ['unknown target in grant', () => withMode('--target', 'nowhere', '--for', '1h'), 1, /nowhere/],
  ['unknown NDA in grant', () => withMode('--nda', '99', '--for', '1h'), 1, /^gatehouse: nda: /],
  [
    'unknown user in nda add',
    () => [
      'nda',
      'add',
      '--user',
      'nobody',
      '--title',
      'T',
      '--ref',
      'R',
      '--signed',
      '2026-01-01',
    ],
    1,
    /nobody/,
  ],
  [
    'unknown user disable',
    () => ['user', 'disable', 'nobody'],
    1,
    /^gatehouse: user: no user named nobody$/,
  ],
  [
    'unknown user key remove',
    () => ['user', 'key', 'remove', 'alice', `SHA256:${'A'.repeat(43)}`],
    1,
    /^gatehouse: /,
  ],
  [
    'unknown grant revoke',
    () => ['grant', 'revoke', '99', '--reason', 'x'],
    1,
    /^gatehouse: grant: no grant with id 99$/,
  ],
  [
    'unknown grant show',
    () => ['grant', 'show', '99'],
    1,
    /^gatehouse: grant: no grant with id 99$/,
  ],
  [
    'unknown NDA revoke',
    () => ['nda', 'revoke', '99', '--reason', 'x'],
    1,
    /^gatehouse: nda: no NDA with id 99$/,
  ],
  ['NDA revoked twice', () => ['nda', 'revoke', '2', '--reason', 'x'], 1, /already revoked/],
  [
    'unknown target remove',
    () => ['target', 'remove', 'nowhere'],
    1,
    /^gatehouse: target: no target named nowhere$/,
  ],
  [
    'unknown target scan',
    () => ['target', 'scan', 'nowhere'],
    1,
    /^gatehouse: target: no target named nowhere$/,
  ],
  [
    'unknown session kill',
    () => ['session', 'kill', '00000000-0000-4000-8000-000000000000', '--reason', 'done'],
    1,
    /no session/,
  ],
  // names
  [
    'name with a space',
    () => ['user', 'add', 'al ice', '--key', rsa.publicLine],
    2,
    /^gatehouse: user name "al ice": must match/,
  ],
  [
    'upper case name',
    () => ['user', 'add', 'Carol', '--key', rsa.publicLine],
    2,
    /^gatehouse: user name "Carol": must match/,
  ],
  [
    'Cyrillic look-alike',
    () => ['user', 'add', '\u0430lice', '--key', rsa.publicLine],
    2,
    /^gatehouse: user name "\\u0430lice": must match/,
  ],
  [
    'full-width look-alike target',
    () => ['target', 'add', 'db\uff11', '--host', 'h', '--login', 'ops'],
    2,
    /^gatehouse: target name "db\\uff11"/,
  ],
  [
    'leading dash',
    () => ['user', 'add', '--key', rsa.publicLine, '--', '-carol'],
    2,
    /^gatehouse: user name "-carol": must match/,
  ],
  [
    'leading dash as option value',
    () => withMode('--user', '-alice'),
    2,
    /^gatehouse: --user: user name "-alice"/,
  ],
  [
    'SQL quote',
    () => ['user', 'add', "carol'; DROP TABLE users;--", '--key', rsa.publicLine],
    2,
    /^gatehouse: user name "carol'; DROP TABLE users;--": must match/,
  ],
  [
    'SQL quote in grant --target',
    () => withMode('--target', "db1' OR '1'='1"),
    2,
    /^gatehouse: --target: target name/,
  ],
  [
    '10 KB name',
    () => ['user', 'add', 'a'.repeat(10_240), '--key', rsa.publicLine],
    2,
    /^gatehouse: user name "a{40}"\.\.\. \(10240 chars\): must match .*at most 64/,
  ],
  [
    '10 KB reason',
    () => withMode('--reason', 'x'.repeat(10_240)),
    2,
    /^gatehouse: --reason: longer than 500 characters$/,
  ],
  [
    'control characters in title',
    () => [
      'nda',
      'add',
      '--user',
      'alice',
      '--title',
      'a\u001b[2Jb',
      '--ref',
      'R',
      '--signed',
      '2026-01-01',
    ],
    2,
    /^gatehouse: --title: "a\\u001b\[2Jb" contains unprintable characters \(control, bidi or zero-width\)$/,
  ],
  [
    'a bidi override in a reason',
    () => withMode('--reason', 'INC-1 \u202egnp.exe'),
    2,
    /^gatehouse: --reason: "INC-1 \\u202egnp.exe" contains unprintable characters/,
  ],
  [
    'bad --actor',
    () => ['--actor', 'user:alice', 'user', 'disable', 'bob'],
    2,
    /^gatehouse: --actor: "user:alice"/,
  ],
  // grant rules (refused: exit 1)
  [
    'NDA expires before the grant ends',
    () => withMode('--nda', '1', '--for', '7d'),
    1,
    /^gatehouse: nda: /,
  ],
  ['longer than the maximum', () => withMode('--for', '31d'), 1, /longer than the maximum of 30d/],
  [
    'revoked NDA',
    () => withMode('--nda', '2', '--for', '1h'),
    1,
    /^gatehouse: nda: NDA 2 was revoked/,
  ],
  ["another user's NDA", () => withMode('--user', 'bob', '--for', '1h'), 1, /^gatehouse: nda: /],
  ['target without pinned host key', () => withMode('--target', 'db0', '--for', '1h'), 1, /db0/],
  [
    'window ends before it starts',
    () => withMode('--from', isoIn(2 * DAY), '--until', isoIn(DAY)),
    1,
    /^gatehouse: window: /,
  ],
  // durations and times (usage: exit 2)
  [
    'duration 0h',
    () => withMode('--for', '0h'),
    2,
    /^gatehouse: --for: "0h" is not a duration: must be more than zero$/,
  ],
  [
    'duration -1h',
    () => withMode('--for', '-1h'),
    2,
    /^gatehouse: --for: "-1h" is not a duration: must be positive$/,
  ],
  [
    'duration 2x',
    () => withMode('--for', '2x'),
    2,
    /^gatehouse: --for: "2x" is not a duration: unknown unit "x"/,
  ],
  ['duration 1.5h', () => withMode('--for', '1.5h'), 2, /no decimals/],
  [
    'both --for and --until',
    () => withMode('--for', '1h', '--until', isoIn(DAY)),
    2,
    /^gatehouse: --for, --until: give only one of them$/,
  ],
  ['neither --for nor --until', () => withMode(), 2, /^gatehouse: --for or --until/],
  [
    'time without zone',
    () => withMode('--until', '2026-12-01T18:00'),
    2,
    /^gatehouse: --until: .*no time zone/,
  ],
  [
    'bad date',
    () => ['nda', 'add', '--user', 'alice', '--title', 'T', '--ref', 'R', '--signed', 'yesterday'],
    2,
    /^gatehouse: --signed: "yesterday" is not a time/,
  ],
  [
    'expires before signed',
    () => [
      'nda',
      'add',
      '--user',
      'alice',
      '--title',
      'T',
      '--ref',
      'R',
      '--signed',
      '2026-02-01',
      '--expires',
      '2026-01-01',
    ],
    2,
    /^gatehouse: --expires: must be after --signed$/,
  ],
  [
    'missing --document',
    () => [
      'nda',
      'add',
      '--user',
      'alice',
      '--title',
      'T',
      '--ref',
      'R',
      '--signed',
      '2026-01-01',
      '--document',
      '/nonexistent.pdf',
    ],
    2,
    /^gatehouse: --document "\/nonexistent\.pdf": no such file$/,
  ],
  // modes and patterns
  ['no mode', () => grant('--for', '1h'), 2, /^gatehouse: --shell or --allow/],
  [
    'shell and allow',
    () => grant('--for', '1h', '--shell', '--allow', 'uptime'),
    2,
    /either a shell or an allowlist/,
  ],
  [
    'unknown profile',
    () => grant('--for', '1h', '--profile', 'nope'),
    2,
    /^gatehouse: --profile: no profile named "nope" in the config \(ops\)$/,
  ],
  [
    'empty pattern',
    () => grant('--for', '1h', '--allow', ''),
    2,
    /^gatehouse: --allow: a pattern must not be empty$/,
  ],
  [
    'non-ASCII pattern',
    () => grant('--for', '1h', '--allow', 'ls\u00a0-l'),
    2,
    /must be printable ASCII/,
  ],
  [
    'huge pattern',
    () => grant('--for', '1h', '--allow', 'x'.repeat(2000)),
    2,
    /longer than 1024 bytes/,
  ],
  // other values
  [
    'port out of range',
    () => ['target', 'add', 'db9', '--host', 'h', '--port', '70000', '--login', 'ops'],
    2,
    /^gatehouse: --port: "70000" is not a port/,
  ],
  [
    'host with a space',
    () => ['target', 'add', 'db9', '--host', 'a b', '--login', 'ops'],
    2,
    /^gatehouse: --host: "a b" is not a host/,
  ],
  [
    'garbage host key',
    () => ['target', 'add', 'db9', '--host', 'h', '--login', 'ops', '--host-key', 'nope'],
    2,
    /^gatehouse: --host-key: /,
  ],
  [
    'non-numeric grant id',
    () => ['grant', 'show', '1; DROP'],
    2,
    /^gatehouse: grant id: "1; DROP" is not an id/,
  ],
  [
    'bad session id',
    () => ['session', 'kill', 'abc-defg', '--reason', 'done'],
    2,
    /is not a session id/,
  ],
  [
    'session id prefix too short',
    () => ['session', 'kill', 'abc', '--reason', 'done'],
    2,
    /^gatehouse: session id: "abc" is too short: give at least 8 characters/,
  ],
  [
    'kill reason with an escape',
    () => ['session', 'kill', '00000000-0000-4000-8000-000000000000', '--reason', 'a\u001b[2Jb'],
    2,
    /--reason: contains unprintable characters/,
  ],
  [
    'kill without a reason',
    () => ['session', 'kill', '00000000-0000-4000-8000-000000000000'],
    2,
    /required option '--reason/,
  ],
  [
    'bad --since',
    () => ['audit', 'list', '--since', 'last week'],
    2,
    /^gatehouse: --since: "last week" is neither a time/,
  ],
  ['bad --limit', () => ['audit', 'list', '--limit', '0'], 2, /^gatehouse: --limit: "0"/],
  // command line syntax
  [
    'unknown option',
    () => withMode('--for', '1h', '--fro', 'x'),
    2,
    /^gatehouse: grant add: unknown option '--fro'/,
  ],
  ['unknown command', () => ['usr', 'list'], 2, /^gatehouse: unknown command 'usr'/],
  [
    'missing required option',
    () => ['nda', 'add', '--user', 'alice'],
    2,
    /^gatehouse: nda add: required option '--title <text>' not specified$/,
  ],
  [
    'missing argument',
    () => ['user', 'disable'],
    2,
    /^gatehouse: user disable: missing required argument 'name'$/,
  ],
  [
    'extra argument',
    () => ['user', 'list', 'extra'],
    2,
    /^gatehouse: user list: too many arguments/,
  ],
  [
    'missing subcommand',
    () => ['grant'],
    2,
    /^gatehouse: grant: missing command; one of: add, list, show, extend, revoke$/,
  ],
];

describe('bad input leaves the database unchanged', () => {
  it.each(cases)('%s', async (_what, makeArgs, code, stderr) => {
    const args = await makeArgs();
    const before = await snapshot();
    const r = await cli.run(...args);
    expect({ code: r.code, stderr: r.stderr.trimEnd() }).toEqual({
      code,
      stderr: expect.stringMatching(stderr),
    });
    expect(isOneLineError(r)).toBe(true);
    expect(r.stdout).toBe('');
    expect(await snapshot()).toBe(before);
  });

  it('the setup itself is sound: a good grant with the same defaults is accepted', async () => {
    const r = await cli.run(...withMode('--for', '1h'));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^\d+\n$/);
  });
});

describe('file paths in messages', () => {
  it('a key file holding two keys is refused', async () => {
    const file = path.join(cli.dir, 'two.pub');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(file, `${alice.publicLine}\n${rsa.publicLine}\n`),
    );
    const r = await cli.run('user', 'add', 'carol', '--key-file', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('more than one line');
  });
});
