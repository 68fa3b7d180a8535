import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_CHARS, splitWords } from '../../src/session/self-service/command-words.js';
import { parseCommand } from '../../src/session/self-service/parse-command.js';

const words = (line: string) => {
  const r = splitWords(line);
  return r.ok ? r.words.map((w) => w.text) : r.message;
};

const parsed = (line: string) => {
  const r = parseCommand(line);
  return r.ok ? r.command : r.message;
};

describe('splitWords: a command line without a shell', () => {
  it.each([
    ['request db1', ['request', 'db1']],
    ['  request   db1  ', ['request', 'db1']],
    [`a 'b c' d`, ['a', 'b c', 'd']],
    [`a "b \\"c\\" \\\\ \\n"`, ['a', 'b "c" \\ \\n']],
    [`a\\ b`, ['a b']],
    [`x'y'"z"`, ['xyz']],
    [`''`, ['']],
    ['$(id) `id` ; | & *', ['$(id)', '`id`', ';', '|', '&', '*']],
    ['café ü', ['café', 'ü']],
  ])('%j → %j', (line, expected) => {
    expect(words(line)).toEqual(expected);
  });

  it.each([
    [`a 'b`, 'a single quote is not closed'],
    [`a "b`, 'a double quote is not closed'],
    [`a \\`, 'the command ends with a backslash'],
    ['a\tb', 'the command holds a control or invisible character (\\t)'],
    ['a\nb', 'the command holds a control or invisible character (\\n)'],
    ['a\u001b[2Jb', 'the command holds a control or invisible character (\\u001b)'],
    ['a\u202eb', 'the command holds a control or invisible character (\\u202e)'],
    ['a\u200bb', 'the command holds a control or invisible character (\\u200b)'],
    [
      'x'.repeat(MAX_COMMAND_CHARS + 1),
      `the command is longer than ${MAX_COMMAND_CHARS} characters`,
    ],
  ])('refuses %j', (line, message) => {
    expect(words(line)).toBe(message);
  });

  it('marks quoted words, so a quoted --word is never an option', () => {
    const r = splitWords(`--for '--for'`);
    expect(r.ok && r.words.map((w) => w.quoted)).toEqual([false, true]);
  });
});

describe('parseCommand', () => {
  it('files a shell request, taking the unquoted words of --reason up to the next option', () => {
    expect(parsed('request db1 --for 2h --reason INC-4211 slow queries --wait')).toEqual({
      kind: 'request',
      target: 'db1',
      durationMs: 2 * 3_600_000,
      reason: 'INC-4211 slow queries',
      mode: { kind: 'shell' },
      transfer: { direction: 'none', paths: [], budgetBytes: null },
      transferTyped: false,
      ndaId: null,
      wait: true,
      json: false,
    });
  });

  it('reads --transfer, repeated --transfer-path and --transfer-budget', () => {
    expect(
      parsed(
        "request db1 --for 1h --transfer download --transfer-path '/var/log/**' --transfer-path /etc/app.conf --transfer-budget 500MiB --reason x",
      ),
    ).toMatchObject({
      mode: { kind: 'shell' },
      transfer: {
        direction: 'download',
        paths: ['/var/log/**', '/etc/app.conf'],
        budgetBytes: 500 * 1024 ** 2,
      },
      transferTyped: true,
    });
    expect(
      parsed('request db1 --for 1h --transfer-budget 5MiB --transfer both --reason x'),
    ).toMatchObject({
      transferTyped: true,
    });
  });

  it.each([
    [
      'request db1 --for 1h --transfer sideways --reason x',
      'request: --transfer: "sideways" is not one of none, download, upload, both',
    ],
    [
      'request db1 --for 1h --transfer-path /tmp --reason x',
      'request: --transfer-path: needs --transfer download, upload or both',
    ],
    [
      'request db1 --for 1h --transfer upload --transfer-path tmp --reason x',
      'request: --transfer-path: path limit "tmp" is not an absolute path',
    ],
    [
      'request db1 --for 1h --transfer upload --transfer-budget 2GB --reason x',
      'request: --transfer-budget: "2GB" is not a size',
    ],
    [
      'request db1 --for 1h --transfer upload --transfer both --reason x',
      'request: --transfer is given twice',
    ],
    [
      'request extend 7 --for 1h --transfer upload --reason x',
      'request extend: unknown option "--transfer"',
    ],
  ])('refuses %s', (line, message) => {
    const r = parseCommand(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it('reads allowlist patterns (repeated), profiles and --nda', () => {
    expect(
      parsed(
        `request db1 --for 30m --allow tail -n {int} /var/log/app.log --allow 'uptime' --reason x --json`,
      ),
    ).toMatchObject({
      mode: { kind: 'allowlist', patterns: ['tail -n {int} /var/log/app.log', 'uptime'] },
      json: true,
    });
    expect(parsed('request db1 --for 1h --profile readonly-ops --nda 3 --reason x')).toMatchObject({
      mode: { kind: 'profile', name: 'readonly-ops' },
      ndaId: 3,
    });
    expect(parsed(`request db1 --for 1h --reason '--wait is a word here'`)).toMatchObject({
      reason: '--wait is a word here',
      wait: false,
    });
  });

  it('reads extend, cancel, the lists and help', () => {
    expect(parsed('request extend 7 --for 1h --reason still running')).toEqual({
      kind: 'extend',
      grantId: 7,
      durationMs: 3_600_000,
      reason: 'still running',
      wait: false,
      json: false,
    });
    expect(parsed('request cancel 12 --json')).toEqual({
      kind: 'cancel',
      requestId: 12,
      json: true,
    });
    expect(parsed('requests')).toEqual({ kind: 'requests', json: false });
    expect(parsed('grants --json')).toEqual({ kind: 'grants', json: true });
    expect(parsed('help')).toEqual({ kind: 'help' });
    // A target named like a subcommand is asked for quoted.
    expect(parsed(`request 'cancel' --for 1h --reason x`)).toMatchObject({ target: 'cancel' });
  });

  it.each([
    ['', 'no command given'],
    ['ls -la', 'unknown command "ls": the commands are request, requests, grants and help'],
    [
      "'request' db1",
      'unknown command "request": the commands are request, requests, grants and help',
    ],
    ['request', 'request: the TARGET is missing'],
    ['request db1 --reason x', 'request: --for is missing (how long, e.g. --for 2h)'],
    ['request db1 --for 2h', 'request: --reason is missing (why you need access, e.g. a ticket)'],
    ['request db1 --for 2h --reason', 'request: --reason needs a value'],
    ['request db1 --for --reason x', 'request: --for needs a value'],
    [
      'request db1 --for 2x --reason x',
      'request: --for "2x" is not a duration: unknown unit "x"; use s, m, h, d or w',
    ],
    ['request db1 --for 2h --for 3h --reason x', 'request: --for is given twice'],
    ['request db1 --for 2h --reason x --shell', 'request: unknown option "--shell"'],
    ['request db1 db2 --for 2h --reason x', 'request: unexpected argument "db2"'],
    [
      'request DB1 --for 2h --reason x',
      expect.stringMatching(/^request: target name "DB1": must match/),
    ],
    [
      'request db1 --for 2h --profile p --allow uptime --reason x',
      'request: give --profile or --allow, not both',
    ],
    [
      'request db1 --for 2h --allow rm -rf {path} --reason x',
      expect.stringMatching(/^request: --allow: /),
    ],
    ['request db1 --for 2h --nda x --reason x', 'request: --nda "x" is not a number'],
    [
      `request db1 --for 2h --reason ${'r'.repeat(501)}`,
      'request: --reason is 501 characters; at most 500',
    ],
    ['request extend --for 1h --reason x', 'request extend: the grant ID is missing'],
    [
      'request extend 7 --for 1h --reason x --allow uptime',
      'request extend: unknown option "--allow"',
    ],
    ['request cancel 0', 'request cancel: request "0" is not a number'],
    ['requests --all', 'requests: unknown option "--all"'],
    ['help me', 'help: unexpected argument "me"'],
  ])('refuses %j', (line, message) => {
    expect(parsed(line)).toEqual(message);
  });
});
